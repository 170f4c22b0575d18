"""Demo data: the delegates of the accepted invitations, in realistic proportions.

Most delegations are three people (a mayor or deputy mayor, an interpreter
and the director of the creative-city office); some are one or two, a few
bring a chef or the press. Most are confirmed, some still pending, a few
cancelled. They fly into Haneda, Narita or Kansai, or connect to Shonai, the
day before the festival; diets, allergies and languages come at the rates a
real international event sees. Bulk inserts keep 5,000 delegates fast.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from festival.auth.models import LoginLink, User, UserRole
from festival.cities.models import City
from festival.core.tokens import hash_token, new_token
from festival.demo import DemoContext
from festival.demo.people import ascii_slug, person, pool_for, preferred_language
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import Invitation, InvitationStatus
from festival.registration.airports import find_airport, local_to_utc
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

R = DelegateRole
DEMO_LINK_LIFETIME = timedelta(days=7)

SIZES = [(3, 0.70), (2, 0.14), (1, 0.09), (4, 0.05), (5, 0.02)]
# Where delegates land: the two Tokyo airports, Kansai, or a domestic
# connection to Shonai (SYO), the host city's own airport.
ARRIVAL_AIRPORTS = [("HND", 0.40), ("NRT", 0.28), ("KIX", 0.12), ("SYO", 0.20)]
SHONAI_ARRIVALS = [
    ("NH 391", "08:55"),
    ("NH 393", "12:20"),
    ("NH 395", "16:05"),
    ("NH 397", "19:50"),
]
SHONAI_DEPARTURES = [
    ("NH 392", "09:35"),
    ("NH 394", "13:00"),
    ("NH 396", "17:15"),
    ("NH 398", "20:35"),
]
CARRIERS = ["NH", "JL", "AF", "LH", "KE", "OZ", "CX", "SQ", "TK", "QR", "EK", "BA",
            "AZ", "KL", "CA", "MU", "TG", "ET", "AC", "UA", "DL", "IB", "AY", "VN"]  # fmt: skip
HALAL_COUNTRIES = {"TR", "ID", "MY", "PK", "BD", "SN", "ML", "NE", "UZ", "KZ", "AZ", "NG"}
CALLING_CODES = {
    "JP": "81", "KR": "82", "CN": "86", "FR": "33", "IT": "39", "ES": "34", "PT": "351",
    "DE": "49", "BR": "55", "MX": "52", "CO": "57", "PE": "51", "AR": "54", "TR": "90",
    "IR": "98", "LB": "961", "EG": "20", "MA": "212", "TH": "66", "IN": "91", "US": "1",
    "GB": "44", "SE": "46", "NO": "47", "DK": "45", "BE": "32", "PL": "48", "RU": "7",
}  # fmt: skip
ALLERGEN_RATES = [
    ("crustaceans", 0.020), ("shrimp", 0.010), ("peanuts", 0.015), ("tree_nuts", 0.012),
    ("milk", 0.010), ("eggs", 0.008), ("gluten", 0.010), ("fish", 0.006), ("molluscs", 0.006),
    ("sesame", 0.005), ("soybeans", 0.004), ("buckwheat", 0.004), ("kiwi", 0.004),
    ("crab", 0.004), ("wheat", 0.003), ("mustard", 0.002), ("celery", 0.002),
    ("sulphites", 0.002), ("peach", 0.002), ("salmon_roe", 0.002), ("walnut", 0.002),
]  # fmt: skip
ALLERGY_NOTES = ["Latex (kitchen gloves)", "Raw tomato (mild)", "Penicillin (medical)"]
DIET_NOTES = ["Low-sodium diet", "No raw fish or raw egg", "Gluten-free by preference"]
ACCESS_NOTES = [
    "Wheelchair user: step-free access and an accessible room, please.",
    "Limited mobility: cannot walk long distances.",
    "Hearing aid: a seat near the front helps.",
    "Travels with a guide dog.",
]


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    roll = rng.random()
    for value, share in weighted:
        if roll < share:
            return value
        roll -= share
    return weighted[0][0]


def _delegations(ctx: DemoContext, festival: Festival) -> list[tuple[int, str, str, int]]:
    """(delegation id, city name, country code, quota) for each delegation."""
    ids = ctx.shared.get("delegation_ids")
    query = (
        sa.select(Delegation.id, City.name, City.country_code, Invitation.quota)
        .join(Invitation, Invitation.id == Delegation.invitation_id)
        .join(City, City.id == Delegation.city_id)
        .order_by(Delegation.id)
    )
    if ids is None:
        query = query.where(
            Delegation.festival_id == festival.id, Invitation.status == InvitationStatus.ACCEPTED
        )
    else:
        query = query.where(Delegation.id.in_([d for d, _c, _i in ids]))
    return [(d, name, country, quota) for d, name, country, quota in db.session.execute(query)]


def _sizes(ctx: DemoContext, delegations: list[tuple[int, str, str, int]]) -> list[int]:
    """How many people each delegation brings, adding up to ``ctx.delegates`` if room allows."""
    sizes, total = [], 0
    for _id, _name, _cc, quota in delegations:
        size = min(_pick(ctx.rng, SIZES), quota, max(ctx.delegates - total, 0))
        sizes.append(size)
        total += size
    index = 0
    while total < ctx.delegates and index < 60 * max(len(delegations), 1):
        i = index % len(delegations)
        if sizes[i] < delegations[i][3]:
            sizes[i] += 1
            total += 1
        index += 1
    return sizes


def _roles(rng: random.Random, size: int) -> list[DelegateRole]:
    """Who comes, the head first; 'official' is the creative-city office director."""
    mayor = R.MAYOR if rng.random() < 0.72 else R.DEPUTY_MAYOR
    if size == 1:
        roles = [R.OFFICIAL if rng.random() < 0.85 else mayor]
    elif size == 2:
        roles = [R.OFFICIAL, mayor] if rng.random() < 0.6 else [R.OFFICIAL, R.INTERPRETER]
    else:
        roles = [R.OFFICIAL, mayor, R.INTERPRETER]
        extras = [R.CHEF, R.PRESS] if rng.random() < 0.6 else [R.PRESS, R.CHEF]
        roles += (extras + [R.OFFICIAL] * 50)[: size - 3]
    # The director usually registers the delegation; sometimes the mayor does.
    if mayor in roles and roles[0] == R.OFFICIAL and rng.random() < 0.3:
        roles.remove(mayor)
        roles.insert(0, mayor)
    return roles


def _position(role: DelegateRole, city: str, rng: random.Random, index: int) -> str:
    if role == R.MAYOR:
        return f"Mayor of {city}"
    if role == R.DEPUTY_MAYOR:
        return f"Deputy Mayor of {city}"
    if role == R.INTERPRETER:
        return "Interpreter"
    if role == R.CHEF:
        return rng.choice(["Executive chef", "Chef, city culinary school", "Chef and food writer"])
    if role == R.PRESS:
        return rng.choice(["Press officer, City Hall", "Journalist, city newspaper"])
    if index == 0:
        return "Director, Creative City Office"
    return "International relations officer"


def _diet(rng: random.Random, country: str, pool: str) -> tuple[list[str], str | None]:
    muslim = pool in ("ar", "fa") or country in HALAL_COUNTRIES
    diet: list[str] = []
    if muslim and rng.random() < 0.6:
        diet += ["halal"] + (["no_alcohol"] if rng.random() < 0.7 else [])
    elif country == "IL" and rng.random() < 0.4:
        diet.append("kosher")
    roll = rng.random()
    if roll < 0.06:
        diet.append("vegetarian")
    elif roll < 0.08:
        diet.append("vegan")
    elif roll < 0.11:
        diet.append("pescatarian")
    if "halal" not in diet and rng.random() < 0.02:
        diet.append("no_pork")
    if "no_alcohol" not in diet and rng.random() < 0.03:
        diet.append("no_alcohol")
    note = None
    if rng.random() < 0.01:
        diet.append("other")
        note = rng.choice(DIET_NOTES)
    return diet, note


def _allergens(rng: random.Random) -> tuple[list[str], str | None]:
    found = [key for key, rate in ALLERGEN_RATES if rng.random() < rate]
    note = rng.choice(ALLERGY_NOTES) if rng.random() < 0.01 else None
    return found, note


def _at(day: date, hhmm: str, code: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    airport = find_airport(code)
    if airport is None:
        raise ValueError(f"the demo's airport {code} is not in the list")
    return local_to_utc(datetime(day.year, day.month, day.day, hour, minute), airport)


def _travel(rng: random.Random, festival: Festival) -> dict[str, Any]:
    airport = _pick(rng, ARRIVAL_AIRPORTS)
    arrive_on = festival.starts_on - timedelta(days=1 if rng.random() < 0.9 else 2)
    leave_on = festival.ends_on + timedelta(days=1 if rng.random() < 0.85 else 0)
    if airport == "SYO":
        (in_flight, in_time), (out_flight, out_time) = (
            rng.choice(SHONAI_ARRIVALS),
            rng.choice(SHONAI_DEPARTURES),
        )
    else:
        carrier = rng.choice(CARRIERS)
        number = rng.randrange(1, 999)
        in_flight, out_flight = f"{carrier} {number}", f"{carrier} {number + 1}"
        in_time = f"{rng.randint(6, 20):02d}:{rng.choice(['00', '15', '30', '45'])}"
        out_time = f"{rng.randint(10, 22):02d}:{rng.choice(['05', '20', '35', '50'])}"
    return {
        "arrival_at": _at(arrive_on, in_time, airport),
        "arrival_airport": airport,
        "arrival_flight": in_flight,
        "departure_at": _at(leave_on, out_time, airport),
        "departure_airport": airport,
        "departure_flight": out_flight,
        "check_in_on": arrive_on,
        "check_out_on": max(leave_on, festival.ends_on + timedelta(days=1)),
    }


def _languages(rng: random.Random, native: str, role: DelegateRole, city_language: str) -> list:
    spoken = [native]
    if native != "en" and (rng.random() < 0.75 or role == R.INTERPRETER):
        spoken.append("en")
    if role == R.INTERPRETER:
        spoken += [code for code in ("ja", city_language) if code not in spoken]
    elif native != "fr" and rng.random() < 0.08:
        spoken.append("fr")
    return spoken


def _email(name: str, domain: str, taken: set[str]) -> str:
    base = f"{ascii_slug(name).replace('-', '.')}@{domain}"
    email, n = base, 1
    while email in taken:
        n += 1
        email = base.replace("@", f"{n}@", 1)
    taken.add(email)
    return email


def _people(ctx: DemoContext, festival: Festival) -> list[dict[str, Any]]:
    rng, now = ctx.rng, ctx.now
    delegations = _delegations(ctx, festival)
    sizes = _sizes(ctx, delegations) if delegations else []
    taken: set[str] = set()
    rows: list[dict[str, Any]] = []
    for (delegation_id, city, country, _quota), size in zip(delegations, sizes, strict=True):
        if size == 0:
            continue  # accepted, not registered yet
        roll = rng.random()
        group_status = DelegateStatus.CONFIRMED if roll < 0.8 else DelegateStatus.PENDING
        registered = now - timedelta(days=rng.randint(20, 110))
        domain = f"{ascii_slug(city)}-{country.lower()}.example"
        for index, role in enumerate(_roles(rng, size)):
            # Half the interpreters are hired in Japan rather than brought along.
            local_interpreter = role == R.INTERPRETER and rng.random() < 0.5
            who = person(rng, "JP" if local_interpreter else country)
            status = group_status
            if index > 0 and rng.random() < 0.04:
                status = DelegateStatus.CANCELLED
            completed = index == 0 or status == DelegateStatus.CONFIRMED or rng.random() < 0.5
            row: dict[str, Any] = {
                "delegation_id": delegation_id,
                "is_head": index == 0,
                "status": status,
                "full_name": who.full_name,
                "native_name": who.native_name,
                "position": _position(role, city, rng, index),
                "role": role,
                # An organiser confirmed the role with the registration.
                "confirmed_role": role if status == DelegateStatus.CONFIRMED else None,
                "email": _email(who.full_name, domain, taken),
                "phone": f"+{CALLING_CODES.get(country, '44')} {rng.randint(100, 999)} "
                f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                "locale": "ja" if local_interpreter else preferred_language(country),
                "languages": _languages(rng, who.language, role, pool_for(country)),
                "needs_room": not local_interpreter and rng.random() < 0.95,
                "created_at": registered,
                "updated_at": registered,
                "invited_at": None if index == 0 else registered,
                "consent_at": registered + timedelta(days=index) if completed else None,
            }
            if completed:
                row["dietary"], row["dietary_other"] = _diet(rng, country, who.language)
                row["allergens"], row["allergens_other"] = _allergens(rng)
                row["accessibility"] = rng.choice(ACCESS_NOTES) if rng.random() < 0.02 else None
                if not local_interpreter and rng.random() < 0.93:
                    row.update(_travel(rng, festival))
            rows.append(row)
    return rows


def _demo_link(ctx: DemoContext, user_id: int) -> str:
    # Random, not from the seed: the data is reproducible, a way in must not be.
    token = new_token()
    db.session.execute(
        sa.insert(LoginLink.__table__),
        [
            {
                "user_id": user_id,
                "token_hash": hash_token(token),
                "created_at": ctx.now,
                "expires_at": ctx.now + DEMO_LINK_LIFETIME,
            }
        ],
    )
    return f"{current_app.config['SERVER_URL']}/login/link/{token}"


DEFAULTS: dict[str, Any] = {
    "dietary": [],
    "dietary_other": None,
    "allergens": [],
    "allergens_other": None,
    "accessibility": None,
    "arrival_at": None,
    "arrival_airport": None,
    "arrival_flight": None,
    "departure_at": None,
    "departure_airport": None,
    "departure_flight": None,
    "check_in_on": None,
    "check_out_on": None,
}


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival or db.session.scalar(
        sa.select(Festival).order_by(Festival.starts_on.desc()).limit(1)
    )
    if festival is None:
        return "no festival: no delegates"
    rows = _people(ctx, festival)
    if not rows:
        ctx.shared["delegate_ids"] = []
        return "0 delegates (no accepted invitation)"
    for row in rows:
        for key, value in DEFAULTS.items():
            row.setdefault(key, value)
        if not row["needs_room"]:
            row["check_in_on"] = row["check_out_on"] = None
    users = [
        {
            "email": row["email"],
            "role": UserRole.DELEGATE,
            "locale": row["locale"],
            "created_at": row["created_at"],
        }
        for row in rows
    ]
    # Plain executemany, then the new ids by range: RETURNING in parameter
    # order would send one INSERT per row on SQLite.
    user_table, table = User.__table__, Delegate.__table__
    users_before = db.session.scalar(sa.select(sa.func.max(user_table.c.id))) or 0
    delegates_before = db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0
    db.session.execute(sa.insert(user_table), users)
    user_ids = dict(
        db.session.execute(
            sa.select(user_table.c.email, user_table.c.id).where(user_table.c.id > users_before)
        ).all()
    )
    for row in rows:
        row["user_id"] = user_ids[row["email"]]
    db.session.execute(sa.insert(table), rows)
    delegate_ids = db.session.scalars(
        sa.select(table.c.id).where(table.c.id > delegates_before).order_by(table.c.id)
    ).all()
    ctx.shared["delegate_ids"] = list(delegate_ids)

    mayor = next(
        (
            row
            for row in rows
            if row["is_head"]
            and row["role"] == R.MAYOR
            and row["status"] == DelegateStatus.CONFIRMED
        ),
        None,
    )
    if mayor is not None:
        ctx.note(
            f"Delegate sign-in (head of delegation, mayor): {_demo_link(ctx, mayor['user_id'])}"
        )
    statuses = {s: sum(1 for r in rows if r["status"] == s) for s in DelegateStatus}
    heads = sum(1 for r in rows if r["is_head"])
    summary = ", ".join(f"{n} {s.value}" for s, n in statuses.items() if n)
    return f"{len(rows)} delegates in {heads} delegations ({summary})"
