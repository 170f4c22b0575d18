"""The queries behind the logistics views: one query each, rows as plain objects.

Each function selects only the columns it needs (no ORM objects, no lazy
loads), so a view runs the same few queries for 5 delegates or 5,000.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.logistics.counting import Diner, Guest, Member, Traveller
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus, SessionType
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

MEAL_TYPES = (SessionType.MEAL, SessionType.TASTING)


def statuses(include_pending: bool) -> tuple[DelegateStatus, ...]:
    """Logistics count confirmed delegates; planners may add the pending ones."""
    if include_pending:
        return (DelegateStatus.CONFIRMED, DelegateStatus.PENDING)
    return (DelegateStatus.CONFIRMED,)


def _delegates_of(festival: Festival, wanted: Iterable[DelegateStatus]) -> sa.Select:
    return (
        sa.select()
        .select_from(Delegate)
        .join(Delegation, Delegate.delegation_id == Delegation.id)
        .join(City, Delegation.city_id == City.id)
        .where(Delegation.festival_id == festival.id, Delegate.status.in_(list(wanted)))
    )


def count_pending(festival: Festival) -> int:
    """Pending registrations: shown as a reminder that they are not counted."""
    query = _delegates_of(festival, [DelegateStatus.PENDING]).add_columns(sa.func.count())
    return db.session.scalar(query) or 0


def day_bounds(day: date, festival: Festival) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` starts and ends in the festival's zone."""
    start = datetime.combine(day, time(0), festival.tz)
    end = datetime.combine(day + timedelta(days=1), time(0), festival.tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _airport_column(direction: str) -> sa.ColumnElement[str | None]:
    return Delegate.arrival_airport if direction == "arrival" else Delegate.departure_airport


def _at_airport(direction: str, code: str) -> sa.ColumnElement[bool]:
    """Travellers through the airport ``code`` (upper case), whatever the case stored."""
    return sa.func.upper(_airport_column(direction)) == code


def travellers(
    festival: Festival,
    direction: str,
    wanted: Iterable[DelegateStatus],
    day: date | None = None,
    airport: str | None = None,
) -> list[Traveller]:
    """Arrivals (``direction="arrival"``) or departures, in time order; of one
    day and one airport (an upper-case IATA code) when given."""
    at = Delegate.arrival_at if direction == "arrival" else Delegate.departure_at
    flight = Delegate.arrival_flight if direction == "arrival" else Delegate.departure_flight
    airport_column = _airport_column(direction)
    query = (
        _delegates_of(festival, wanted)
        .add_columns(
            Delegate.id,
            Delegate.full_name,
            Delegate.native_name,
            Delegate.role,
            City.name,
            City.country_code,
            Delegate.delegation_id,
            at,
            flight,
            airport_column,
        )
        .where(at.is_not(None))
        .order_by(at, Delegate.id)
    )
    if day is not None:
        start, end = day_bounds(day, festival)
        query = query.where(at >= start, at < end)
    if airport is not None:
        query = query.where(_at_airport(direction, airport))
    return [
        Traveller(r[0], r[1], r[2], str(r[3]), r[4], r[5], r[6], r[7], r[8], r[9])
        for r in db.session.execute(query)
    ]


def travel_days(
    festival: Festival,
    direction: str,
    wanted: Iterable[DelegateStatus],
    airport: str | None = None,
) -> dict[date, int]:
    """How many people travel on each day (festival zone), in date order;
    through one airport (an upper-case IATA code) when given.

    One query for the instants only; the days are counted here, as SQLite and
    PostgreSQL do not share a way to take a date in a named zone.
    """
    at = Delegate.arrival_at if direction == "arrival" else Delegate.departure_at
    query = _delegates_of(festival, wanted).add_columns(at).where(at.is_not(None))
    if airport is not None:
        query = query.where(_at_airport(direction, airport))
    tz = festival.tz
    days: dict[date, int] = {}
    for (instant,) in db.session.execute(query):
        day = instant.astimezone(tz).date()
        days[day] = days.get(day, 0) + 1
    return dict(sorted(days.items()))


def travel_airports(
    festival: Festival, direction: str, wanted: Iterable[DelegateStatus], day: date | None
) -> dict[str, int]:
    """How many people travel through each airport on ``day`` (every day when
    None), by code; travellers with no airport given are left out."""
    at = Delegate.arrival_at if direction == "arrival" else Delegate.departure_at
    code = sa.func.upper(_airport_column(direction))
    query = (
        _delegates_of(festival, wanted)
        .add_columns(code, sa.func.count())
        .where(at.is_not(None), code.is_not(None), code != "")
        .group_by(code)
        .order_by(code)
    )
    if day is not None:
        start, end = day_bounds(day, festival)
        query = query.where(at >= start, at < end)
    return {r[0]: r[1] for r in db.session.execute(query)}


def guests(festival: Festival, wanted: Iterable[DelegateStatus]) -> list[Guest]:
    """Delegates who need a room, with their hotel and dates.

    The hotel is the delegate's own (Delegate.hotel) or, when none is set,
    the hotel on their itinerary: their own hotel entry, else their
    delegation's (festival.itineraries), so a stay planned there shows here.
    """
    query = (
        _delegates_of(festival, wanted)
        .add_columns(
            Delegate.id,
            Delegate.full_name,
            Delegate.native_name,
            Delegate.role,
            City.name,
            City.country_code,
            Delegate.hotel,
            Delegate.check_in_on,
            Delegate.check_out_on,
            Delegate.shares_room_with,
            Delegate.accessibility,
            Delegate.arrival_at,
            Delegate.departure_at,
            Delegate.delegation_id,
        )
        .where(Delegate.needs_room.is_(True))
    )
    planned = _itinerary_hotels(festival=festival)
    tz = festival.tz
    result = []
    for r in db.session.execute(query):
        hotel = (
            (r[6] or "").strip()
            or planned.get(("delegate", r[0]))
            or planned.get(("delegation", r[13]))
        )
        result.append(
            Guest(
                r[0],
                r[1],
                r[2],
                str(r[3]),
                r[4],
                r[5],
                hotel,
                r[7],
                r[8],
                r[9],
                r[10],
                r[11].astimezone(tz).date() if r[11] else None,
                r[12].astimezone(tz).date() if r[12] else None,
                hotel_from_itinerary=bool(hotel) and not (r[6] or "").strip(),
            )
        )
    return result


def planned_hotels(delegation_id: int, delegate_ids: Iterable[int]) -> dict[int, str]:
    """{delegate id: hotel} from one delegation's itinerary, for its members.

    For the delegation and delegate pages, so they say what the rooming list says.
    """
    hotels = _itinerary_hotels(delegation_id=delegation_id)
    result = {}
    for i in delegate_ids:
        hotel = hotels.get(("delegate", i)) or hotels.get(("delegation", delegation_id))
        if hotel:
            result[i] = hotel
    return result


def _itinerary_hotels(
    festival: Festival | None = None, delegation_id: int | None = None
) -> dict[tuple[str, int], str]:
    """The hotel entries of a festival's (or one delegation's) itineraries,
    by delegate and by delegation."""
    query = (
        sa.select(ItineraryItem.delegation_id, ItineraryItem.delegate_id, ItineraryItem.title)
        .where(ItineraryItem.kind == ItemKind.HOTEL)
        .order_by(ItineraryItem.starts_at, ItineraryItem.id)
    )
    if festival is not None:
        query = query.join(Delegation, ItineraryItem.delegation_id == Delegation.id).where(
            Delegation.festival_id == festival.id
        )
    if delegation_id is not None:
        query = query.where(ItineraryItem.delegation_id == delegation_id)
    rows = db.session.execute(query)
    hotels: dict[tuple[str, int], str] = {}
    for delegation_id, delegate_id, title in rows:
        key = ("delegate", delegate_id) if delegate_id else ("delegation", delegation_id)
        hotels.setdefault(key, title.strip())  # the first stay, if several
    return hotels


# The four columns a diner is made of, JSON lists as their text: rows with the
# same needs are grouped and counted in SQL (most delegates have none), and a
# JSON text is decoded once however often it repeats.
_NEEDS = (
    sa.cast(Delegate.dietary, sa.Text),
    Delegate.dietary_other,
    sa.cast(Delegate.allergens, sa.Text),
    Delegate.allergens_other,
)


class _DinerMaker:
    """Builds Diners from grouped rows, decoding each JSON text once."""

    def __init__(self) -> None:
        self._lists: dict[str | None, tuple[str, ...]] = {}

    def _list(self, text: str | None) -> tuple[str, ...]:
        if text not in self._lists:
            value = json.loads(text) if text else None
            self._lists[text] = tuple(value) if isinstance(value, list) else ()
        return self._lists[text]

    def __call__(
        self, dietary: str | None, d_other: str | None, allergens: str | None, a_other: str | None
    ) -> Diner:
        return Diner(self._list(dietary), d_other, self._list(allergens), a_other)


def diners(festival: Festival, wanted: Iterable[DelegateStatus]) -> list[Diner]:
    """Every counted delegate's dietary requirements and allergens."""
    query = _delegates_of(festival, wanted).add_columns(*_NEEDS, sa.func.count()).group_by(*_NEEDS)
    make = _DinerMaker()
    result: list[Diner] = []
    for *needs, count in db.session.execute(query):
        result.extend([make(*needs)] * count)
    return result


def meal_sessions(festival: Festival) -> list[ProgrammeSession]:
    """The festival's meals and tastings that still take place, in time order."""
    query = (
        sa.select(ProgrammeSession)
        .where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.type.in_(MEAL_TYPES),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        .options(joinedload(ProgrammeSession.venue))
    )
    return list(db.session.scalars(query))


def session_diners(
    festival: Festival,
    wanted: Iterable[DelegateStatus],
    session_ids: Iterable[int] | None = None,
) -> list[tuple[int, Diner]]:
    """(session id, diner) for every counted delegate enrolled in a meal or
    tasting; only in the sessions ``session_ids`` when given (one day's)."""
    meals = sa.select(ProgrammeSession.id).where(
        ProgrammeSession.festival_id == festival.id,
        ProgrammeSession.type.in_(MEAL_TYPES),
        ProgrammeSession.status == SessionStatus.SCHEDULED,
    )
    if session_ids is not None:
        meals = meals.where(ProgrammeSession.id.in_(list(session_ids)))
    # From the meals' attendances to their delegates, and the status checked
    # here rather than in SQL: SQLite would otherwise start from the status
    # index and scan every meal for each delegate (seconds at 5,000).
    columns = (Attendance.session_id, Delegate.status, *_NEEDS)
    query = (
        sa.select(*columns, sa.func.count())
        .select_from(Attendance)
        .join(Delegate, Attendance.delegate_id == Delegate.id)
        .where(Attendance.session_id.in_(meals))
        .group_by(*columns)
    )
    wanted = set(wanted)
    make = _DinerMaker()
    result: list[tuple[int, Diner]] = []
    for session_id, status, *needs, count in db.session.execute(query):
        if status in wanted:
            result.extend([(session_id, make(*needs))] * count)
    return result


@dataclass
class DelegationMembers:
    delegation_id: int
    city: str
    country: str
    members: list[Member]


def delegation_members(
    festival: Festival, wanted: Iterable[DelegateStatus]
) -> list[DelegationMembers]:
    """Each delegation with its counted members' languages, by city name."""
    query = (
        _delegates_of(festival, wanted)
        .add_columns(
            Delegation.id,
            City.name,
            City.country_code,
            Delegate.full_name,
            Delegate.role,
            Delegate.languages,
        )
        .order_by(City.name, Delegation.id, Delegate.is_head.desc(), Delegate.id)
    )
    groups: dict[int, DelegationMembers] = {}
    for r in db.session.execute(query):
        group = groups.setdefault(r[0], DelegationMembers(r[0], r[1], r[2], []))
        group.members.append(Member(r[3], r[4] == DelegateRole.INTERPRETER, r[5] or ()))
    return list(groups.values())
