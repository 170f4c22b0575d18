"""Demo data: each accepted delegation's itinerary, in one bulk insert.

A pickup when they land (from the delegates' flights where registered), a
hotel stay (all day, check-in to check-out), a private visit and a dinner
with the host city.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from festival.cities.models import City
from festival.demo import DemoContext
from festival.extensions import db
from festival.invitations.models import Invitation, InvitationStatus
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.times import day_start, to_utc
from festival.registration.models import Delegate, Delegation

HOTELS = [
    ("Hotel Tsuruoka Grand", "2-10 Suehiro-machi, Tsuruoka"),
    ("Shonai Hotel Suiden Terrasse", "23-1 Kitakyoden, Tsuruoka"),
    ("Yunohama Onsen Ryokan Kameya", "1-5-50 Yunohama, Tsuruoka"),
    ("Tokyo Dai-ichi Hotel Tsuruoka", "2-10 Nishiki-machi, Tsuruoka"),
]
AIRPORTS = {
    "SYO": "Shonai Airport (SYO), arrivals hall",
    "HND": "Tsuruoka Station, east exit (from Haneda by train)",
    "NRT": "Tsuruoka Station, east exit (from Narita by train)",
}
VISITS = [
    ("Visit to a sake brewery", "Tomishige Brewery, Oyama, Tsuruoka"),
    ("Courtesy call on the Mayor of Tsuruoka", "Tsuruoka City Hall, Mayor's office"),
    ("Visit to Kamo Aquarium", "657-1 Imaizumi, Tsuruoka"),
    ("Visit to Chido Museum", "10-18 Kachu-shinmachi, Tsuruoka"),
    ("Meeting at the Creative City Office", "Tsuruoka City Hall, 3rd floor"),
    ("Tour of the Matsugaoka silk farm", "Matsugaoka Kaikonjo, Haguro-machi"),
]
DINNERS = [
    ("Dinner with the host city", "Restaurant Al che-cciano, Tsuruoka"),
    ("Dinner with the Tsuruoka Chamber of Commerce", "Ryotei Shimizuya, Tsuruoka"),
    ("Kaiseki dinner", "Tsuruoka Gosho, Ichinomiya"),
]


def _arrivals(festival_id: int) -> dict[int, tuple[Any, ...]]:
    """Per delegation: first arrival, airport, flight, last departure, hotel,
    check-in and check-out (from its active delegates; one query)."""
    rows = db.session.execute(
        sa.select(
            Delegate.delegation_id,
            Delegate.arrival_at,
            Delegate.arrival_airport,
            Delegate.arrival_flight,
            Delegate.departure_at,
            Delegate.hotel,
            Delegate.check_in_on,
            Delegate.check_out_on,
        )
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegation.festival_id == festival_id, Delegate.status.in_(ACTIVE_STATUSES))
        .order_by(Delegate.delegation_id, Delegate.arrival_at, Delegate.id)
    ).all()
    first: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        if row.delegation_id not in first or (
            first[row.delegation_id][0] is None and row.arrival_at is not None
        ):
            first[row.delegation_id] = tuple(row)[1:]
    return first


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no itineraries"
    rng, tz, now = ctx.rng, festival.tz, ctx.now
    delegations = db.session.execute(
        sa.select(Delegation.id, City.name)
        .join(City, City.id == Delegation.city_id)
        .join(Invitation, Invitation.id == Delegation.invitation_id)
        .where(
            Delegation.festival_id == festival.id,
            Invitation.status == InvitationStatus.ACCEPTED,
        )
        .order_by(Delegation.id)
    ).all()
    travel = _arrivals(festival.id)
    days = [
        festival.starts_on + timedelta(days=n)
        for n in range((festival.ends_on - festival.starts_on).days + 1)
    ]
    rows: list[dict[str, Any]] = []

    def item(
        delegation_id: int,
        kind: ItemKind,
        title: str,
        starts: datetime,
        ends: datetime,
        location: str,
        notes: str = "",
        all_day: bool = False,
    ) -> None:
        created = now - timedelta(days=rng.randint(5, 30))
        rows.append(
            {
                "delegation_id": delegation_id,
                "delegate_id": None,
                "kind": kind,
                "title": title,
                "starts_at": starts,
                "ends_at": ends,
                "all_day": all_day,
                "location": location,
                "notes": notes,
                "sequence": 0,
                "created_at": created,
                "updated_at": created,
            }
        )

    for delegation_id, city in delegations:
        arrival, airport, flight, departure, hotel, check_in, check_out = travel.get(
            delegation_id, (None,) * 7
        )
        if arrival is None:
            arrival_day = festival.starts_on - timedelta(days=1)
            arrival = to_utc(arrival_day, time(rng.randint(11, 19), rng.choice((0, 20, 40))), tz)
        pickup = arrival + timedelta(minutes=45)
        where = AIRPORTS.get(airport or "SYO", f"{airport} airport, arrivals hall")
        item(
            delegation_id,
            ItemKind.PICKUP,
            f"Pickup: flight {flight}" if flight else "Pickup",
            pickup,
            pickup + timedelta(hours=1),
            where,
            "Look for the festival volunteers holding the Creative Cities sign.",
        )

        first_night: date = check_in or pickup.astimezone(tz).date()
        last_day: date = check_out or (
            departure.astimezone(tz).date() if departure else festival.ends_on + timedelta(days=1)
        )
        last_day = max(last_day, first_night)
        name, address = (hotel, "") if hotel else rng.choice(HOTELS)
        item(
            delegation_id,
            ItemKind.HOTEL,
            name,
            day_start(first_night, tz),
            day_start(last_day + timedelta(days=1), tz),
            address,
            "Check-in from 15:00, check-out by 11:00. Breakfast included.",
            all_day=True,
        )

        visit_title, visit_place = rng.choice(VISITS)
        visit_day = rng.choice(days[2:] or days)
        visit_start = to_utc(visit_day, time(rng.choice((14, 15, 16)), 0), tz)
        item(
            delegation_id,
            ItemKind.VISIT,
            visit_title,
            visit_start,
            visit_start + timedelta(minutes=90),
            visit_place,
            f"Private visit for the delegation of {city}; an interpreter accompanies.",
        )

        dinner_title, dinner_place = rng.choice(DINNERS)
        dinner_day = rng.choice([d for d in days if d not in (days[0], days[2])] or days)
        dinner_start = to_utc(dinner_day, time(19, rng.choice((0, 30))), tz)
        item(
            delegation_id,
            ItemKind.DINNER,
            dinner_title,
            dinner_start,
            dinner_start + timedelta(hours=2),
            dinner_place,
        )
    if rows:
        db.session.execute(sa.insert(ItineraryItem), rows)
    return f"{len(rows)} itinerary items for {len(delegations)} delegations"
