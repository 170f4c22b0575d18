"""The queries behind the logistics views: one query each, rows as plain objects.

Each function selects only the columns it needs (no ORM objects, no lazy
loads), so a view runs the same few queries for 5 delegates or 5,000.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, defer, joinedload

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.logistics.counting import Diner, Guest, Member, Sharer, Stay, Traveller
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus, SessionType
from festival.registration import names
from festival.registration.labels import ACCOMPANYING
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

MEAL_TYPES = (SessionType.MEAL, SessionType.TASTING)


def listed_role() -> sa.ColumnElement[str]:
    """The role a list shows: "accompanying" for an accompanying person (a
    spouse, an assistant: marked as such on rooming, arrivals and the
    interpreters' page), else the role as stored."""
    return sa.case(
        (Delegate.is_accompanying.is_(True), sa.literal(ACCOMPANYING, sa.String)),
        else_=sa.cast(Delegate.role, sa.String),
    )


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
        .where(Delegation.festival_id == festival.id, Delegate.status.in_(list(wanted)))
    )


def _delegates_with_city(festival: Festival, wanted: Iterable[DelegateStatus]) -> sa.Select:
    """_delegates_of with each delegation's city, for the queries that show it
    (the counts leave it out: every delegation has a city, so the join only
    cost time, a quarter of a count's at 5,000 delegates)."""
    return _delegates_of(festival, wanted).join(City, Delegation.city_id == City.id)


def count_pending(festival: Festival) -> int:
    """Pending registrations: shown as a reminder that they are not counted."""
    query = _delegates_of(festival, [DelegateStatus.PENDING]).add_columns(sa.func.count())
    return db.session.scalar(query) or 0


def day_bounds(day: date, festival: Festival) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` starts and ends in the festival's zone."""
    start = datetime.combine(day, time(0), festival.tz)
    end = datetime.combine(day + timedelta(days=1), time(0), festival.tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _airport_column(direction: str) -> InstrumentedAttribute[str | None]:
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
    offset: int | None = None,
    limit: int | None = None,
) -> list[Traveller]:
    """Arrivals (``direction="arrival"``) or departures, in time order; of one
    day and one airport (an upper-case IATA code) when given.

    ``offset`` and ``limit``: one page of the day, in the board's order
    (airport, unknown last, then time and flight), each traveller with the
    size of their pickup (Traveller.on_flight), those on other pages included.
    """
    at = Delegate.arrival_at if direction == "arrival" else Delegate.departure_at
    flight = Delegate.arrival_flight if direction == "arrival" else Delegate.departure_flight
    airport_column = _airport_column(direction)
    paged = offset is not None or limit is not None
    # The board's keys (counting.travel_board): no airport and "" are one.
    airport_key = sa.func.coalesce(sa.func.upper(airport_column), "")
    flight_key = sa.func.coalesce(sa.func.upper(flight), "")
    on_flight = (
        sa.func.count().over(partition_by=(airport_key, at, flight_key)) if paged else sa.literal(0)
    )
    query = (
        _delegates_with_city(festival, wanted)
        .add_columns(
            Delegate.id,
            Delegate.full_name,
            Delegate.native_name,
            listed_role(),
            City.name,
            City.country_code,
            Delegate.delegation_id,
            at,
            flight,
            airport_column,
            on_flight,
            Delegate.family_name,
            Delegate.given_names,
        )
        .where(at.is_not(None))
    )
    if paged:
        order = (airport_key == "", airport_key, at, flight_key, Delegate.full_name, Delegate.id)
        query = query.order_by(*order).offset(offset).limit(limit)
    else:
        query = query.order_by(at, Delegate.id)
    if day is not None:
        start, end = day_bounds(day, festival)
        query = query.where(at >= start, at < end)
    if airport is not None:
        query = query.where(_at_airport(direction, airport))
    return [
        Traveller(
            r[0],
            _name(r[1], r[11], r[12]),
            r[2],
            str(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            r[10],
        )
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

    SQL counts the people per instant (flights share a few); the days are
    counted here, as SQLite and PostgreSQL do not share a way to take a date
    in a named zone.
    """
    at = Delegate.arrival_at if direction == "arrival" else Delegate.departure_at
    query = (
        _delegates_of(festival, wanted)
        .add_columns(at, sa.func.count())
        .where(at.is_not(None))
        .group_by(at)
    )
    if airport is not None:
        query = query.where(_at_airport(direction, airport))
    tz = festival.tz
    days: dict[date, int] = {}
    for instant, count in db.session.execute(query):
        day = instant.astimezone(tz).date()
        days[day] = days.get(day, 0) + count
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


def _first_hotels(festival: Festival, per_delegate: bool) -> sa.Subquery:
    """The first hotel entry (by start, then id) of each delegate's own
    itinerary (``per_delegate``) or of each delegation's shared one."""
    owner = ItineraryItem.delegate_id if per_delegate else ItineraryItem.delegation_id
    own = ItineraryItem.delegate_id.is_not(None)
    rank = sa.func.row_number().over(
        partition_by=owner, order_by=(ItineraryItem.starts_at, ItineraryItem.id)
    )
    return (
        sa.select(owner.label("owner"), ItineraryItem.title.label("title"), rank.label("rank"))
        .join(Delegation, ItineraryItem.delegation_id == Delegation.id)
        .where(
            Delegation.festival_id == festival.id,
            ItineraryItem.kind == ItemKind.HOTEL,
            own if per_delegate else sa.not_(own),
        )
        .subquery()
    )


def _with_hotels(query: sa.Select, festival: Festival) -> sa.Select:
    """``query`` (of delegates) with three columns more: the delegate's own
    hotel, their itinerary's and their delegation's (see _hotel)."""
    by_delegate = _first_hotels(festival, per_delegate=True)
    by_delegation = _first_hotels(festival, per_delegate=False)
    return (
        query.add_columns(Delegate.hotel, by_delegate.c.title, by_delegation.c.title)
        .outerjoin(
            by_delegate, sa.and_(by_delegate.c.owner == Delegate.id, by_delegate.c.rank == 1)
        )
        .outerjoin(
            by_delegation,
            sa.and_(by_delegation.c.owner == Delegate.delegation_id, by_delegation.c.rank == 1),
        )
    )


def _hotel(own: str | None, by_delegate: str | None, by_delegation: str | None) -> str:
    """The delegate's own hotel or, when none is set, the first hotel on their
    itinerary, else on their delegation's ("" for none)."""
    return (own or "").strip() or (by_delegate or "").strip() or (by_delegation or "").strip()


def _name(full_name: str, family: str | None, given: str | None) -> str:
    """The list form of a name from selected columns (festival.registration.names)."""
    return names.list_name(names.NameParts(full_name, family, given))


def _guest_columns() -> tuple[Any, ...]:
    return (
        Delegate.id,
        Delegate.full_name,
        Delegate.native_name,
        listed_role(),
        City.name,
        City.country_code,
        Delegate.check_in_on,
        Delegate.check_out_on,
        Delegate.shares_room_with,
        Delegate.accessibility,
        Delegate.arrival_at,
        Delegate.departure_at,
        Delegate.room_type,
        Delegate.room_number,
        Delegate.family_name,
        Delegate.given_names,
    )


def _guest(r: sa.Row, tz: ZoneInfo) -> Guest:
    """A Guest from _guest_columns and _with_hotels' three hotel columns."""
    hotel = _hotel(r[16], r[17], r[18])
    return Guest(
        r[0],
        _name(r[1], r[14], r[15]),
        r[2],
        str(r[3]),
        r[4],
        r[5],
        hotel,
        r[6],
        r[7],
        r[8],
        r[9],
        r[10].astimezone(tz).date() if r[10] else None,
        r[11].astimezone(tz).date() if r[11] else None,
        hotel_from_itinerary=bool(hotel) and not (r[16] or "").strip(),
        room_type=str(r[12]) if r[12] else None,
        room_number=r[13],
    )


def guests(festival: Festival, wanted: Iterable[DelegateStatus]) -> list[Guest]:
    """Delegates who need a room, with their hotel and dates.

    The hotel is the delegate's own (Delegate.hotel) or, when none is set,
    the hotel on their itinerary: their own hotel entry, else their
    delegation's (festival.itineraries), so a stay planned there shows here.
    """
    query = (
        _delegates_with_city(festival, wanted)
        .add_columns(*_guest_columns())
        .where(Delegate.needs_room.is_(True))
        .order_by(Delegate.id)  # namesakes of one city stay in the same order
    )
    tz = festival.tz
    return [_guest(r, tz) for r in db.session.execute(_with_hotels(query, festival))]


def _stay_bounds(night: date, festival: Festival) -> tuple[sa.ColumnElement[bool], ...]:
    """(first night is ``night``, last night is ``night``, the stay goes on
    past ``night``, the stay began by ``night``), as conditions on a delegate:
    the dates given, else the flights' local days (see Guest.stay)."""
    evening, morning = day_bounds(night, festival)
    next_morning = day_bounds(night + timedelta(days=1), festival)[1]
    after = night + timedelta(days=1)
    given_in, given_out = Delegate.check_in_on, Delegate.check_out_on
    first_is_night = sa.or_(
        given_in == night,
        sa.and_(given_in.is_(None), Delegate.arrival_at >= evening, Delegate.arrival_at < morning),
    )
    out_is_next_day = sa.or_(
        given_out == after,
        sa.and_(
            given_out.is_(None),
            Delegate.departure_at >= morning,
            Delegate.departure_at < next_morning,
        ),
    )
    out_later = sa.or_(
        given_out > night, sa.and_(given_out.is_(None), Delegate.departure_at >= morning)
    )
    first_by_night = sa.or_(
        given_in <= night, sa.and_(given_in.is_(None), Delegate.arrival_at < morning)
    )
    return first_is_night, out_is_next_day, out_later, first_by_night


def night_guests(
    festival: Festival,
    wanted: Iterable[DelegateStatus],
    night: date,
    hotels: Sequence[str],
    offset: int = 0,
    limit: int | None = None,
) -> list[tuple[bool, Guest]]:
    """The guests who check in for ``night`` then those who check out the
    morning after, as (leaving, guest), hotel by hotel in the order of
    ``hotels`` (the rooming list's), by city and name; ``offset`` and
    ``limit`` take one page of them, in SQL.

    Exactly the guests counting.occupancy counts as the night's check-ins
    (first night) and check-outs (last night); one checking in for a single
    night is in both lists.
    """
    first_is_night, out_is_next_day, out_later, first_by_night = _stay_bounds(night, festival)
    by_delegate = _first_hotels(festival, per_delegate=True)
    by_delegation = _first_hotels(festival, per_delegate=False)
    # The hotel as _hotel makes it, to order by the rooming list's hotels.
    hotel = sa.func.coalesce(
        *[
            sa.func.nullif(sa.func.trim(column), "")
            for column in (Delegate.hotel, by_delegate.c.title, by_delegation.c.title)
        ],
        "",
    )
    rank = (
        sa.case({name: n for n, name in enumerate(hotels)}, value=hotel, else_=len(hotels))
        if hotels
        else sa.literal(0)
    )

    def movements(leaving: bool, *where: sa.ColumnElement[bool]) -> sa.Select:
        columns = [c.label(f"c{n}") for n, c in enumerate(_guest_columns())]
        return (
            _delegates_with_city(festival, wanted)
            .add_columns(
                *columns,
                Delegate.hotel.label("own_hotel"),
                by_delegate.c.title.label("delegate_hotel"),
                by_delegation.c.title.label("delegation_hotel"),
                sa.literal(leaving).label("leaving"),
                rank.label("hotel_rank"),
            )
            .outerjoin(
                by_delegate, sa.and_(by_delegate.c.owner == Delegate.id, by_delegate.c.rank == 1)
            )
            .outerjoin(
                by_delegation,
                sa.and_(by_delegation.c.owner == Delegate.delegation_id, by_delegation.c.rank == 1),
            )
            .where(Delegate.needs_room.is_(True), *where)
        )

    both = sa.union_all(
        movements(False, first_is_night, out_later),
        movements(True, out_is_next_day, first_by_night),
    ).subquery()
    query = (
        sa.select(both)
        .order_by(both.c.hotel_rank, both.c.leaving, both.c.c4, both.c.c1, both.c.c0)
        .offset(offset)
        .limit(limit)
    )
    tz = festival.tz
    return [(bool(r[19]), _guest(r, tz)) for r in db.session.execute(query)]


def sharers(festival: Festival, wanted: Iterable[DelegateStatus]) -> list[Sharer]:
    """The guests of the delegations where someone wrote whom they share a
    room with: what counting.match_sharing pairs (one query; the other
    delegations are not loaded)."""
    writing = (
        _delegates_of(festival, wanted)
        .add_columns(Delegate.delegation_id)
        .where(Delegate.needs_room.is_(True), sa.func.trim(Delegate.shares_room_with) != "")
    )
    query = _with_hotels(
        _delegates_of(festival, wanted)
        .add_columns(
            Delegate.id,
            Delegate.delegation_id,
            Delegate.full_name,
            Delegate.native_name,
            Delegate.shares_room_with,
        )
        .where(Delegate.needs_room.is_(True), Delegate.delegation_id.in_(writing)),
        festival,
    )
    return [
        Sharer(r[0], r[1], r[2], r[3], r[4], _hotel(r[5], r[6], r[7]))
        for r in db.session.execute(query)
    ]


def stays(
    festival: Festival, wanted: Iterable[DelegateStatus], paired: Iterable[int] = ()
) -> list[Stay]:
    """The guests who need a room, counted in SQL by hotel and dates: what
    counting.occupancy needs, without loading a row per guest. ``paired``:
    the guests who share a room (counting.match_sharing), two to a room.

    A flight's instant matters only when its date was not given, so guests
    with dates given group together whatever their flights.
    """
    arrival = sa.case((Delegate.check_in_on.is_(None), Delegate.arrival_at))
    departure = sa.case((Delegate.check_out_on.is_(None), Delegate.departure_at))
    # How many of a group share a room: an aggregate, so not grouped by.
    sharing = sa.func.sum(sa.case((Delegate.id.in_(list(paired)), 1), else_=0))
    query = _with_hotels(
        _delegates_of(festival, wanted)
        .add_columns(Delegate.check_in_on, arrival, Delegate.check_out_on, departure)
        .where(Delegate.needs_room.is_(True)),
        festival,
    ).add_columns(sharing, sa.func.count())
    query = query.group_by(*list(query.selected_columns)[:-2])
    tz = festival.tz
    days: dict[datetime, date] = {}

    def day(instant: datetime | None) -> date | None:
        if instant is None:
            return None
        if instant not in days:
            days[instant] = instant.astimezone(tz).date()
        return days[instant]

    result = []
    for check_in, arrives, check_out, leaves, *hotels, shares, count in db.session.execute(query):
        hotel, first, out = _hotel(*hotels), check_in or day(arrives), check_out or day(leaves)
        shares = int(shares or 0)
        if shares:
            result.append(Stay(hotel, first, out, True, shares))
        if count - shares:
            result.append(Stay(hotel, first, out, False, count - shares))
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


def diners(festival: Festival, wanted: Iterable[DelegateStatus]) -> list[tuple[Diner, int]]:
    """Every counted delegate's dietary requirements and allergens, as
    (diner, how many delegates have exactly these)."""
    query = _delegates_of(festival, wanted).add_columns(*_NEEDS, sa.func.count()).group_by(*_NEEDS)
    make = _DinerMaker()
    return [(make(*needs), count) for *needs, count in db.session.execute(query)]


def _meals_of(festival: Festival) -> sa.ColumnElement[bool]:
    return sa.and_(
        ProgrammeSession.festival_id == festival.id,
        ProgrammeSession.type.in_(MEAL_TYPES),
        ProgrammeSession.status == SessionStatus.SCHEDULED,
    )


def meal_times(festival: Festival) -> list[tuple[int, datetime]]:
    """(id, start) of the festival's meals and tastings that still take
    place, in time order: enough to count them per day and pick one day's,
    without loading every meal (a tenth of the catering page at 10x)."""
    query = (
        sa.select(ProgrammeSession.id, ProgrammeSession.starts_at)
        .where(_meals_of(festival))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    return [(session_id, starts_at) for session_id, starts_at in db.session.execute(query)]


def meal_sessions(festival: Festival, ids: Sequence[int] | None = None) -> list[ProgrammeSession]:
    """The festival's meals and tastings that still take place, in time
    order; only those of ``ids`` when given."""
    query = (
        sa.select(ProgrammeSession)
        .where(_meals_of(festival))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        .options(
            # The venue's name only; the texts in every content language and
            # the languages (JSON decoded per row: a third of the catering
            # page) are not what a kitchen reads.
            joinedload(ProgrammeSession.venue).load_only(
                Venue.name, Venue.name_i18n, raiseload=True
            ),
            *(
                defer(column, raiseload=True)
                for column in (
                    ProgrammeSession.description,
                    ProgrammeSession.description_i18n,
                    ProgrammeSession.speakers,
                    ProgrammeSession.speakers_i18n,
                    ProgrammeSession.languages,
                    ProgrammeSession.interpretation_languages,
                )
            ),
        )
    )
    if ids is not None:
        query = query.where(ProgrammeSession.id.in_(ids))
    return list(db.session.scalars(query))


def session_diners(
    festival: Festival,
    wanted: Iterable[DelegateStatus],
    session_ids: Iterable[int] | None = None,
) -> list[tuple[int, Diner, int]]:
    """(session id, diner, how many alike) for the counted delegates enrolled
    in a meal or tasting; only in the sessions ``session_ids`` when given
    (one day's)."""
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
    return [
        (session_id, make(*needs), count)
        for session_id, status, *needs, count in db.session.execute(query)
        if status in wanted
    ]


@dataclass
class DelegationMembers:
    delegation_id: int
    city: str
    country: str
    members: list[Member]


def delegation_members(
    festival: Festival,
    wanted: Iterable[DelegateStatus],
    *,
    only_in_need: bool = False,
    offset: int | None = None,
    limit: int | None = None,
) -> list[DelegationMembers]:
    """Each delegation with its counted members' languages, by city name.

    ``only_in_need``: only the delegations where someone (not an interpreter)
    may speak none of the festival's languages, the only ones that can need
    the host's interpreters (a few more: counting.language_needs decides).
    ``offset`` and ``limit``: one page of the delegations, in the same order.
    """
    query = _delegates_with_city(festival, wanted).add_columns(
        Delegation.id,
        City.name,
        City.country_code,
        Delegate.full_name,
        listed_role(),
        Delegate.languages,
        Delegate.family_name,
        Delegate.given_names,
    )
    if only_in_need:
        query = query.where(Delegation.id.in_(_delegations_in_need(festival, wanted)))
    if offset is not None or limit is not None:
        page = (
            _delegates_with_city(festival, wanted)
            .add_columns(Delegation.id)
            .group_by(Delegation.id, City.name)
            .order_by(City.name, Delegation.id)
            .offset(offset)
            .limit(limit)
        )
        query = query.where(Delegation.id.in_(page.scalar_subquery()))
    query = query.order_by(City.name, Delegation.id, Delegate.is_head.desc(), Delegate.id)
    groups: dict[int, DelegationMembers] = {}
    for r in db.session.execute(query):
        group = groups.setdefault(r[0], DelegationMembers(r[0], r[1], r[2], []))
        name = _name(r[3], r[6], r[7])
        group.members.append(Member(name, r[4] == DelegateRole.INTERPRETER, r[5] or ()))
    return list(groups.values())


def count_delegations(festival: Festival, wanted: Iterable[DelegateStatus]) -> int:
    """How many delegations have a counted member."""
    query = _delegates_of(festival, wanted).add_columns(sa.func.count(Delegation.id.distinct()))
    return db.session.scalar(query) or 0


def _delegations_in_need(festival: Festival, wanted: Iterable[DelegateStatus]) -> sa.Select:
    """The delegations with a member (not an interpreter) who may speak none
    of the festival's languages.

    A member surely speaks one when their list, as JSON text, holds one of the
    codes as a whole string ("en", any case) and no backslash: without escapes
    every quote ends or starts a string, so the code cannot be part of a longer
    one. Anyone else stays in, and is decided in Python.
    """
    text = sa.func.lower(sa.cast(Delegate.languages, sa.Text))
    working = sorted({c.strip().lower() for c in festival.languages or () if c and c.strip()})
    speaks = sa.or_(sa.false(), *[text.contains(f'"{code}"', autoescape=True) for code in working])
    surely = sa.and_(~text.contains("\\", autoescape=True), speaks)
    return (
        _delegates_of(festival, wanted)
        .add_columns(Delegation.id)
        .where(
            Delegate.role != DelegateRole.INTERPRETER,
            Delegate.languages.is_not(None),
            sa.not_(surely),
        )
    )
