"""The world the hostile-input tests post into (this module holds no tests).

``build_world`` makes one festival with everything a form can act on: a
venue, sessions (one already over, with its impression form), invited
cities (one invitation waiting for an answer, one accepted with nobody
registered yet, one with a head of delegation and a member), an itinerary
item, a response to quote, an outbox message, a sign-in link and a feed.
``urls_for`` turns any rule of the URL map into concrete URLs of that
world, so every page can be visited, and ``discover_forms`` visits them as
each kind of user and records where the form for each endpoint lives.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from festival.attendance.codes import code_for
from festival.attendance.helpers import create_helper
from festival.auth.models import UserRole
from festival.auth.services import (
    create_organiser,
    email_change_token,
    issue_login_link,
    send_login_link,
)
from festival.booths import services as booths
from festival.calendar.tokens import feed_token
from festival.core.types import utcnow
from festival.extensions import db
from festival.impressions import sending
from festival.impressions import services as impressions
from festival.invitations.models import InvitationStatus
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.outbox.models import OutboxMessage, OutboxStatus
from festival.programme.models import HostInterpreter, SessionStatus, SessionType, WaitingEntry
from festival.protocol import seating
from festival.protocol.models import LayoutKind, TableShape
from festival.registration.models import DelegateRole, DelegateStatus, Delegation
from festival.registration.services import declare_role
from festival.reports import services as reports
from festival.reports.photos import web_photo
from festival.transfers.models import (
    Direction,
    Escort,
    Passenger,
    Transfer,
    Vehicle,
    VehicleKind,
)
from tests import factories
from tests.hostile import KNOWN, Field, Form, forms_in
from tests.report_support import make_jpeg
from tests.support.snapshots import scene

ORGANISER = "organiser@example.org"
PASSWORD = "correct horse 1"
ROLES = ("anonymous", "organiser", "head")


@dataclass
class World:
    slug: str
    ids: dict[str, list[Any]]
    tokens: dict[str, list[str]]  # endpoint -> tokens worth visiting
    head_user_id: int
    member_user_id: int
    login_token: str
    feed_token: str
    known: dict[str, str] = field(default_factory=dict)  # valid values by field name


def build_world(app: Flask) -> World:
    """Everything a form can act on; commits."""
    with app.app_context():
        now = utcnow()
        create_organiser(ORGANISER, PASSWORD)
        festival = factories.make_festival(slug="hostile", contact_email="host@festival.example")
        venue = factories.make_venue(festival, name="Main Hall")
        city = factories.make_city(name="Parma", country_code="IT")
        factories.make_city(name="Kanazawa", country_code="JP")  # not invited yet
        upcoming = factories.make_session(festival, title="Fermented Futures", venue=venue)
        over = factories.make_session(
            festival, title="Rice and Sake", starts_at=now - timedelta(days=2), venue=venue
        )
        deadline = now + timedelta(days=60)
        waiting, waiting_token = factories.make_invitation(
            festival, factories.make_city(name="Lyon"), deadline=deadline
        )
        empty, empty_token = factories.make_invitation(
            festival,
            factories.make_city(name="Chengdu"),
            status=InvitationStatus.ACCEPTED,
            deadline=deadline,
        )
        chengdu = Delegation(invitation=empty, festival=festival, city_id=empty.city_id)
        db.session.add(chengdu)
        delegation = factories.make_delegation(festival, city, deadline=deadline, quota=6)
        head = factories.make_delegate(
            delegation,
            full_name="Giulia Rossi",
            email="giulia@parma.example",
            is_head=True,
            role=DelegateRole.OFFICIAL,
        )
        member = factories.make_delegate(
            delegation,
            full_name="Marco Bianchi",
            email="marco@parma.example",
            role=DelegateRole.MAYOR,
        )
        pending = factories.make_delegate(
            delegation,
            full_name="Luca Verdi",
            email="luca@parma.example",
            status=DelegateStatus.PENDING,
        )
        # A day apart, so that saving one as it is raises no clash warning.
        elsewhere = factories.make_session(
            festival,
            title="Market Walk",
            venue=venue,
            starts_at=upcoming.starts_at + timedelta(days=1),
        )
        cancelled = factories.make_session(
            festival,
            title="Night Market",
            status=SessionStatus.CANCELLED,
            venue=venue,
            starts_at=upcoming.starts_at + timedelta(days=2),
        )
        for session in (upcoming, over):
            for person in (head, member):
                factories.enrol(session, person)
        factories.enrol(elsewhere, member, checked_in_at=now)
        # A seating plan (festival.protocol): its page shows the seat forms.
        plan = seating.create_plan(
            festival,
            upcoming,
            layout=LayoutKind.TABLES,
            head_shape=TableShape.ROUND,
            head_seats=4,
            count=1,
            shape=TableShape.ROUND,
            seats=4,
            mix=False,
        )
        seating.auto_place(festival, plan)
        # Two full sessions: the head may join the first's waiting list and
        # is on the second's (#15 item 11).
        full_sessions = []
        for hours, title in ((0, "Tasting Bar"), (3, "Chef's Table")):
            full = factories.make_session(
                festival,
                title=title,
                venue=venue,
                capacity=1,
                starts_at=upcoming.starts_at + timedelta(days=3, hours=hours),
            )
            factories.enrol(full, member)
            full_sessions.append(full)
        db.session.add(WaitingEntry(session_id=full_sessions[1].id, delegate_id=head.id))
        item = ItineraryItem(
            delegation=delegation,
            kind=ItemKind.PICKUP,
            title="Pickup at Haneda",
            starts_at=upcoming.starts_at - timedelta(hours=3),
            ends_at=upcoming.starts_at - timedelta(hours=2),
        )
        db.session.add(item)
        form = impressions.create_form(festival, over)
        closing = impressions.create_form(festival, None)
        quote_question = next(q for q in closing.questions if q.is_quote)
        impressions.remove_question(quote_question)
        responses = []
        invites = []
        for person in (head, member):
            invite = sending.new_invite(form, person, now)
            db.session.add(invite)
            db.session.flush()
            answers = {str(q.id): "Wonderful" for q in form.questions if q.kind.value == "text"}
            rating = next((q for q in form.questions if q.kind.value == "rating"), None)
            if rating is not None:
                answers[str(rating.id)] = 5
            response = impressions.save_response(invite, answers, consent_to_quote=True)
            response.in_report = True
            response.report_position = len(responses) + 1
            responses.append(response)
            invites.append(invite)
        # A published report with a photo: its translation, photo and
        # take-down forms show.
        photo = reports.add_photo(festival, web_photo(make_jpeg((64, 48))), "A dish", "")
        db.session.flush()
        publication = reports.publish(festival, now)
        db.session.flush()
        # A confirmed interpreter who asked to be a mayor: the organisers'
        # queue of role changes shows its approve and refuse forms.
        proposer = factories.make_delegate(
            delegation,
            full_name="Sara Neri",
            email="sara@parma.example",
            role=DelegateRole.INTERPRETER,
            status=DelegateStatus.CONFIRMED,
        )
        proposer.confirmed_role = DelegateRole.INTERPRETER
        declare_role(proposer, DelegateRole.MAYOR)
        # A host interpreter on the first session (its assign and remove forms).
        host = HostInterpreter(festival_id=festival.id, name="Sato Keiko", languages=["ja", "en"])
        upcoming.interpreters.append(host)
        # A check-in helper: the helpers page shows its on/off button.
        create_helper(festival, "door@hostile.example", "open sesame 42")
        # Transfers: a car for the member (whose flight changed since, so the
        # confirm form shows), and the head still waiting for one (the proposal).
        landing = datetime.combine(festival.starts_on - timedelta(days=1), time(6, 0), tzinfo=UTC)
        for person, minutes in ((member, 0), (head, 30)):
            person.arrival_at = landing + timedelta(minutes=minutes)
            person.arrival_airport, person.arrival_flight = "HND", "NH 393"
        car = Vehicle(festival_id=festival.id, label="Car 1", kind=VehicleKind.CAR, seats=3)
        db.session.add(Escort(festival_id=festival.id, name="Mori Aiko", languages=["ja"]))
        transfer = Transfer(
            festival_id=festival.id,
            direction=Direction.ARRIVAL,
            airport="HND",
            pickup_at=landing + timedelta(hours=1),
            vehicle=car,
        )
        passenger = Passenger(
            delegate=member,
            direction=Direction.ARRIVAL,
            transfer=transfer,
            planned_flight_at=landing - timedelta(hours=2),
        )
        db.session.add_all([car, transfer, passenger])
        # Booths (#16): Parma's, accepted and placed, with an image; Chengdu's
        # names Parma as a partner (the head's confirm form shows).
        exchange = factories.make_session(
            festival,
            title="Exchange Fair",
            type=SessionType.EXCHANGE,
            venue=venue,
            starts_at=upcoming.starts_at + timedelta(days=4),
        )
        booths.set_exchange_session(festival, exchange)
        hall = booths.add_hall(festival, "Hall A", 2, 3)
        booth = booths.apply(
            delegation, exchange, booths.BoothData("Slow Food", "", True, False, False, "", [])
        )
        booths.review(booth, True, "")
        booths.place(booth, hall, 1)
        image = booths.add_image(booth, b"\x89PNG\r\n\x1a\n" + bytes(32), "Our stand")
        theirs = booths.BoothData("Rice Roads", "", False, True, False, "", [delegation.id])
        booths.apply(chengdu, exchange, theirs)
        head_user = head.user
        send_login_link(head_user)  # an outbox message, which failed
        db.session.flush()
        message = db.session.scalar(sa.select(OutboxMessage))
        message.status = OutboxStatus.FAILED
        login_token = issue_login_link(head_user)
        token_of_feed = feed_token(app.secret_key, head.id, head.feed_secret)
        db.session.flush()
        world = World(
            slug=festival.slug,
            ids={
                "festival_id": [festival.id],
                "venue_id": [venue.id],
                "city_id": [city.id],
                "session_id": [upcoming.id, elsewhere.id, cancelled.id]
                + [full.id for full in full_sessions],
                # Waiting for an answer; accepted (its page has the quota form).
                "invitation_id": [waiting.id, empty.id],
                "delegation_id": [delegation.id],
                "delegate_id": [member.id, pending.id],
                "item_id": [item.id],
                # The translation form of that itinerary item (content.edit).
                "kind_key": ["item"],
                "form_id": [form.id, closing.id],
                "question_id": [form.questions[0].id],
                "invite_id": [invites[0].id],
                "response_id": [responses[1].id],
                "message_id": [message.id],
                "interpreter_id": [host.id],
                "transfer_id": [transfer.id],
                "vehicle_id": [car.id],
                "passenger_id": [passenger.id],
                "photo_id": [photo.id],
                "quote_id": [publication.quotes[0].id],
                "digest": [photo.digest],
                "booth_id": [booth.id],
                "hall_id": [hall.id],
                "image_id": [image.id],
            },
            tokens={
                "invitations.respond": [waiting_token, empty_token],
                "impressions.answer": [sending.token_for(invites[0])],
                "auth.use_login_link": [login_token],
                "auth.confirm_email_change": [
                    email_change_token(head_user, "giulia.new@parma.example")
                ],
                "calendar.personal_feed": [token_of_feed],
            },
            head_user_id=head_user.id,
            member_user_id=member.user_id,
            login_token=login_token,
            feed_token=token_of_feed,
            known={**KNOWN, "code": code_for(member.id)},
        )
        assert head_user.role == UserRole.DELEGATE
        db.session.commit()
        return world


def hostile_world(app: Flask) -> World:
    """The world of ``build_world``: built for the first test of a process
    that asks, copied back for the others (tests/support/snapshots.py)."""
    return scene(app, "hostile world", lambda: build_world(app))


def urls_for(rule: Rule, world: World) -> list[str]:
    """Concrete URLs of ``rule`` in ``world`` (none when an argument is unknown)."""
    choices: list[dict[str, Any]] = [{}]
    for argument in sorted(rule.arguments):
        if argument == "slug":
            options: list[Any] = [world.slug]
        elif argument == "token":
            options = world.tokens.get(rule.endpoint, [])
        elif argument == "fmt":
            options = ["csv"]
        elif argument == "filename":
            return []
        elif argument in world.ids:
            options = list(world.ids[argument])
        else:
            return []
        choices = [{**c, argument: o} for c in choices for o in options]
    urls = []
    for values in choices:
        try:
            urls.append(rule.build(values, append_unknown=False)[1])
        except (HTTPException, ValueError):
            continue
    return urls


def _user_for(app: Flask, role: str, world: World) -> Any:
    from festival.auth.models import User
    from festival.auth.services import user_by_email

    if role == "organiser":
        return user_by_email(ORGANISER)
    return db.session.get(User, world.head_user_id)


def sign_in(client: Any, app: Flask, role: str, world: World) -> None:
    """Make ``client`` the user of ``role``, signing out whoever it was.

    Everyone signs in by a one-time link here (organisers too): it costs no
    password hashing, so every example can start from a known user.
    """
    client.post("/logout")
    if role == "anonymous":
        return
    with app.app_context():
        token = issue_login_link(_user_for(app, role, world))
        db.session.commit()
    response = client.post(f"/login/link/{token}")
    assert response.status_code == 302, (role, response.status_code)


def be(client: Any, app: Flask, role: str, world: World) -> None:
    """Sign in as ``role`` unless the client's session already is that user's
    (a cookie read and one query: cheaper than signing in for every example)."""
    current = (client.session_values() or {}).get("_user_id")
    if current != _session_id(app, role, world):
        sign_in(client, app, role, world)


def _session_id(app: Flask, role: str, world: World) -> str | None:
    """The user id a session of ``role`` holds now (``User.get_id``: "id:nonce",
    the nonce changes when the user signs out everywhere), None for a visitor.
    Two columns on a connection of their own: the check runs before every
    example."""
    from festival.auth.models import User

    if role == "anonymous":
        return None
    who = User.email == ORGANISER if role == "organiser" else User.id == world.head_user_id
    with app.app_context():
        engine = db.engine
    with engine.connect() as connection:
        user = connection.execute(sa.select(User.id, User.session_nonce).where(who)).one()
    return f"{user.id}:{user.session_nonce}"


@dataclass(frozen=True)
class FormPlace:
    """Where a form lives: who sees it, on which page (endpoint + URL index)."""

    role: str
    page_rule: str  # a rule of the URL map, or the path of a prelude
    url_index: int
    form_index: int
    prelude: int | None = None


def _city_file() -> dict[str, Any]:
    # One good row and one bad (no such country): the preview shows both the
    # import's confirm form and the download of the rows to fix.
    body = (
        b"name,country_code,creative_field,contact_email\n"
        b"Kanazawa,JP,crafts,k@city.example\n"
        b"Atlantis,ZZ,crafts,a@city.example\n"
    )
    return {"file": (io.BytesIO(body), "cities.csv")}


def _translation_file() -> dict[str, Any]:
    # One row for the festival's name: the preview shows the import's confirm form.
    from festival.core.content import source_hash
    from festival.festivals.models import Festival

    # Called in an app context (discover_forms, open_form): the world's festival.
    festival = db.session.scalars(sa.select(Festival).where(Festival.slug == "hostile")).one()
    body = (
        "key,source_hash,context,en,ja,fr\n"
        f"festival:{festival.id}:name,{source_hash(festival.name)},Festival,x,祭,Fête\n"
    ).encode()
    return {"file": (io.BytesIO(body), "translations.csv")}


# Forms that only the answer to a POST shows: (role, path, data) posted
# while discovering, and again to open the form.
PRELUDES: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
    ("organiser", "/organiser/cities/import", _city_file),
    ("organiser", "/organiser/festivals/hostile/translations/import", _translation_file),
]

# Endpoints no page holds a <form> for, and the fields their callers send.
HAND_MADE: dict[str, tuple[str, list[Field]]] = {
    # The camera scanner's script posts what it read.
    "attendance.scan_check_in": ("organiser", [Field(name="code", kind="text")]),
    # The door app's script uploads its waiting check-ins (as JSON).
    "door.sync": ("organiser", [Field(name="checkins", kind="text")]),
}


def get_rules(app: Flask) -> list[Rule]:
    return [
        r
        for r in app.url_map.iter_rules()
        if "GET" in (r.methods or set()) and r.endpoint != "static"
    ]


def visit_pages(app: Flask, client: Any, world: World) -> Iterator[tuple[str, int, str, Any]]:
    """(rule, URL index, URL, response) for every page of the world."""
    for rule in get_rules(app):
        for index, url in enumerate(urls_for(rule, world)):
            yield rule.rule, index, url, client.get(url)


def discover_forms(app: Flask, client: Any, world: World) -> dict[str, list[FormPlace]]:
    """{action endpoint: places of its forms}, one place per distinct form."""
    adapter = app.url_map.bind("festival.test")
    found: dict[str, list[FormPlace]] = {}
    seen: set[tuple] = set()
    for role in ROLES:
        sign_in(client, app, role, world)
        pages = list(visit_pages(app, client, world))
        for number, (prelude_role, path, data) in enumerate(PRELUDES):
            if prelude_role == role:
                with app.app_context():  # a prelude may read the world (its ids)
                    payload = data()
                pages.append((f"POST {path}", number, path, client.post(path, data=payload)))
        for page_rule, index, url, response in pages:
            if "html" not in (response.content_type or ""):
                continue
            prelude = index if page_rule.startswith("POST ") else None
            for form_index, form in enumerate(forms_in(response.text, url)):
                method = form.method.upper()
                try:
                    action, _args = adapter.match(form.action.split("?")[0], method=method)
                except HTTPException:
                    continue
                key = (action, method, form.signature())
                if key in seen:
                    continue
                seen.add(key)
                found.setdefault(f"{method} {action}", []).append(
                    FormPlace(role, page_rule, index, form_index, prelude)
                )
    sign_in(client, app, "anonymous", world)
    return found


def open_form(app: Flask, client: Any, world: World, place: FormPlace) -> Form:
    """Sign in as the place's user, open its page, and return the form."""
    be(client, app, place.role, world)
    if place.prelude is not None:
        _role, url, data = PRELUDES[place.prelude]
        with app.app_context():
            payload = data()
        response = client.post(url, data=payload)
        return forms_in(response.text, url)[place.form_index]
    rule = next(r for r in get_rules(app) if r.rule == place.page_rule)
    url = urls_for(rule, world)[place.url_index]
    response = client.get(url)
    assert response.status_code < 400, (url, response.status_code)
    return forms_in(response.text, url)[place.form_index]


# Discovery opens every page three times over (about 7 s of CPU): once per
# run and database is enough, as the world is built the same way for every
# test. The first process of the run to need it writes what it found to a
# file in the run's shared folder; the others (xdist's workers) read it.
_discovered: dict[Path, dict[str, list[FormPlace]]] = {}


def _found_once(path: Path, discover: Callable[[], dict[str, list[FormPlace]]]) -> Any:
    """What ``discover()`` finds, or what another process of the run found and
    wrote to ``path`` (one process at a time discovers)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: each process discovers for itself
        return discover()
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if path.exists():
            written = json.loads(path.read_text(encoding="utf-8"))
            return {
                key: [FormPlace(**place) for place in places] for key, places in written.items()
            }
        found = discover()
        text = json.dumps(
            {key: [asdict(place) for place in places] for key, places in found.items()}
        )
        path.write_text(text, encoding="utf-8")
        return found


def forms_for(
    app: Flask, client: Any, world: World, run_folder: Path, endpoint: str, method: str = "POST"
) -> list[tuple[str, Form]]:
    """(role, form) for every distinct form that sends to ``endpoint`` with
    ``method``; ``run_folder`` is the folder every process of the run shares."""
    if method == "POST" and endpoint in HAND_MADE:
        role, fields = HAND_MADE[endpoint]
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        action = urls_for(rule, world)[0]
        return [(role, Form(action, "post", "", "", {f.name: f for f in fields}))]
    backend = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()
    path = run_folder / f"form-places-{backend}.json"
    if path not in _discovered:
        _discovered[path] = _found_once(path, lambda: discover_forms(app, client, world))
    places = _discovered[path].get(f"{method} {endpoint}", [])
    return [(place.role, open_form(app, client, world, place)) for place in places]
