"""Itineraries: a delegation's own items, and what a delegate's itinerary is.

:func:`itinerary_for` is the one definition of "a delegate's itinerary"
(DESIGN.md): the sessions they may attend and are enrolled in, plus their
delegation's items and their own. The "My itinerary" page and the personal
calendar feed both read it. Services flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from festival.cities.models import City
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import Invitation, InvitationStatus
from festival.itineraries.models import CancelledItem, ItineraryItem
from festival.itineraries.overlaps import overlapping_pairs
from festival.programme.eligibility import ACTIVE_STATUSES, attendable_by_joined_delegate
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus
from festival.programme.times import local_day
from festival.protocol.seating import with_seats
from festival.registration.airports import find_airport
from festival.registration.labels import airport_time
from festival.registration.models import Delegate, Delegation
from festival.transfers.models import Direction
from festival.transfers.services import passengers_for

# A change to any of these moves the item in a calendar: SEQUENCE goes up.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "all_day", "location")


# --- a delegate's itinerary ---------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of a delegate's itinerary: a session or an itinerary item.

    Times are aware UTC datetimes. A timed entry whose ``ends_at`` equals its
    ``starts_at`` is a moment (a pickup at 14:00). An all-day entry (a hotel
    stay) runs from local midnight of ``start_date`` to local midnight of
    ``end_date`` in the festival's zone: ``end_date`` is exclusive, the day
    after the last, as iCalendar's DTEND;VALUE=DATE wants.

    ``key`` is stable and never reused: "session-<id>", "item-<id>", or
    "arrival-<delegate id>" / "departure-<delegate id>" for their flights.
    ``sequence`` rises whenever the time, place or status changes.
    """

    kind: str  # "session", or an ItemKind value: pickup, hotel, visit, dinner...
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    location: str
    key: str
    updated_at: datetime
    sequence: int
    status: str  # "scheduled" or "cancelled"
    created_at: datetime | None = None
    description: str = ""
    session_id: int | None = None
    session_type: str | None = None  # a SessionType value, for sessions
    item_id: int | None = None
    personal: bool = False  # an item for this delegate alone (not the delegation)
    latitude: float | None = None
    longitude: float | None = None
    start_date: date | None = None  # all-day entries only
    end_date: date | None = None  # all-day entries only: exclusive
    # Entries with no row of their own in the itinerary tables (flights,
    # pickups) name what their calendar UID derives from.
    uid_kind: str | None = None
    uid_id: int | None = None
    # The person's seat at the session (festival.protocol): (shape, table, seat).
    seat: tuple[str, int, int] | None = None
    # Other content languages (festival.core.content), loaded with the row.
    title_i18n: dict[str, str] | None = None
    description_i18n: dict[str, str] | None = None
    location_i18n: dict[str, str] | None = None


def venue_location_i18n(venue: Any) -> dict[str, str]:
    """A venue's "name, address" in each language it has a translation in."""
    if venue is None:
        return {}
    names, addresses = venue.name_i18n or {}, venue.address_i18n or {}
    return {
        lang: ", ".join(
            x for x in (names.get(lang) or venue.name, addresses.get(lang) or venue.address) if x
        )
        for lang in {*names, *addresses}
    }


def _session_entry(session: ProgrammeSession) -> Entry:
    venue = session.venue
    location = ", ".join(x for x in (venue.name, venue.address) if x) if venue else ""
    return Entry(
        kind="session",
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        all_day=False,
        location=location,
        key=f"session-{session.id}",
        updated_at=session.updated_at,
        sequence=session.sequence or 0,
        status=SessionStatus(session.status).value,
        created_at=session.created_at,
        description=session.description or "",
        session_id=session.id,
        session_type=getattr(session.type, "value", session.type),
        latitude=venue.latitude if venue else None,
        longitude=venue.longitude if venue else None,
        title_i18n=session.title_i18n,
        description_i18n=session.description_i18n,
        location_i18n=venue_location_i18n(venue),
    )


def all_day_dates(item: Any, festival: Festival) -> tuple[date, date]:
    """First day and the day after the last of an all-day item (or a row of
    its columns), in the festival's zone."""
    first = local_day(item.starts_at, festival.tz)
    end_local = item.ends_at.astimezone(festival.tz)
    after_last = end_local.date()
    if end_local.time() != datetime.min.time():  # an end inside a day includes it
        after_last += timedelta(days=1)
    return first, max(after_last, first + timedelta(days=1))


def _item_entry(item: Any, festival: Festival, *, deleted: bool = False) -> Entry:
    """An item (an ItineraryItem, or a row of :func:`_items_of`); a deleted
    one as calendars must still see it: cancelled."""
    dates = all_day_dates(item, festival) if item.all_day else (None, None)
    return Entry(
        kind=getattr(item.kind, "value", item.kind),
        title=item.title,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        all_day=item.all_day,
        location=item.location or "",
        key=f"item-{item.id}",
        updated_at=item.updated_at,
        sequence=item.sequence or 0,
        status="cancelled" if deleted else "scheduled",
        created_at=item.created_at,
        description=item.notes or "",
        item_id=item.id,
        personal=item.delegate_id is not None,
        start_date=dates[0],
        end_date=dates[1],
        title_i18n=getattr(item, "title_i18n", None),
        description_i18n=getattr(item, "notes_i18n", None),
    )


def _flight_entries(delegate: Delegate) -> list[Entry]:
    """The delegate's arrival and departure as moments, from the travel data
    they gave (no query): flight number, airport, and the airport's local
    time beside the festival's."""
    entries = []
    for leg in ("arrival", "departure"):
        when: datetime | None = getattr(delegate, f"{leg}_at")
        if when is None:
            continue
        code = getattr(delegate, f"{leg}_airport") or ""
        flight = getattr(delegate, f"{leg}_flight") or ""
        airport = find_airport(code)
        if leg == "arrival":
            title = (
                _("Arrival: %(flight)s at %(airport)s", flight=flight, airport=code)
                if flight
                else _("Arrival at %(airport)s", airport=code)
            )
        else:
            title = (
                _("Departure: %(flight)s from %(airport)s", flight=flight, airport=code)
                if flight
                else _("Departure from %(airport)s", airport=code)
            )
        entries.append(
            Entry(
                kind=leg,
                title=title,
                starts_at=when,
                ends_at=when,
                all_day=False,
                location=f"{airport.name} ({airport.city}, {airport.country})" if airport else code,
                key=f"{leg}-{delegate.id}",
                updated_at=delegate.updated_at,
                sequence=delegate.travel_sequence or 0,
                status="scheduled",
                created_at=delegate.created_at,
                description=_(
                    "Local time at the airport: %(when)s.", when=airport_time(when, code)
                ),
                personal=True,
                latitude=airport.latitude if airport else None,
                longitude=airport.longitude if airport else None,
                uid_kind=f"flight-{leg}",
                uid_id=delegate.id,
            )
        )
    return entries


def _pickup_entries(delegate: Delegate) -> list[Entry]:
    """The delegate's planned pickups (one query): a car taken away stays as
    cancelled, under the same UID, like a deleted item."""
    entries = []
    for passenger in passengers_for(delegate):
        transfer = passenger.transfer
        arrival = passenger.direction == Direction.ARRIVAL
        at = (
            transfer.pickup_at
            if transfer
            else (passenger.planned_flight_at or passenger.updated_at)
        )
        vehicle = transfer.vehicle if transfer else None
        escort = transfer.escort if transfer else None
        car = vehicle.label if vehicle else _("car to be confirmed")
        airport = transfer.airport if transfer else ""
        lines = []
        if vehicle:
            lines.append(
                _(
                    "%(car)s, plate %(plate)s; driver %(driver)s, %(phone)s.",
                    car=vehicle.label,
                    plate=vehicle.plate or "—",
                    driver=vehicle.driver_name or "—",
                    phone=vehicle.driver_phone or "—",
                )
            )
        if escort:
            lines.append(
                _("Your escort: %(name)s, %(phone)s.", name=escort.name, phone=escort.phone or "—")
            )
        stamps = [passenger.updated_at] + [
            row.updated_at for row in (transfer, vehicle, escort) if row is not None
        ]
        entries.append(
            Entry(
                kind="pickup" if arrival else "transfer",
                title=_("Pickup at %(airport)s: %(car)s", airport=airport, car=car)
                if arrival
                else _("Car to %(airport)s: %(car)s", airport=airport, car=car),
                starts_at=at,
                ends_at=at,
                all_day=False,
                location=transfer.meeting_point if transfer else "",
                key=f"pickup-{passenger.id}",
                updated_at=max(stamps),
                sequence=passenger.sequence or 0,
                status="scheduled" if transfer else "cancelled",
                created_at=passenger.created_at,
                description="\n".join(lines),
                personal=True,
                uid_kind="transfer-pickup",
                uid_id=passenger.id,
            )
        )
    return entries


def _items_of(
    delegate: Delegate,
) -> tuple[sa.Select[*tuple[Any, ...]], sa.Select[*tuple[Any, ...]]]:
    """The delegate's items and deleted items, as rows of the same columns."""
    live, gone = ItineraryItem, CancelledItem
    return (
        sa.select(
            live.id, live.kind, live.title, live.starts_at, live.ends_at, live.all_day,
            live.location, live.notes, live.sequence, live.created_at, live.updated_at,
            live.delegate_id, sa.literal(False).label("deleted"),
            live.title_i18n, live.notes_i18n,
        ).where(
            live.delegation_id == delegate.delegation_id,
            sa.or_(live.delegate_id.is_(None), live.delegate_id == delegate.id),
        ),
        sa.select(
            gone.item_id, gone.kind, gone.title, gone.starts_at, gone.ends_at, gone.all_day,
            gone.location, sa.literal(""), gone.sequence, gone.created_at, gone.updated_at,
            gone.delegate_id, sa.literal(True),
            gone.title_i18n, sa.cast(sa.null(), sa.JSON),
        ).where(
            gone.delegation_id == delegate.delegation_id,
            sa.or_(gone.delegate_id.is_(None), gone.delegate_id == delegate.id),
        ),
    )  # fmt: skip


def _enrolled_query(delegates: Sequence[Delegate], *columns: Any) -> sa.Select:
    return _enrolled_query_of([d.id for d in delegates], *columns)


def _enrolled_query_of(delegate_ids: Sequence[int], *columns: Any) -> sa.Select:
    return (
        sa.select(Attendance.delegate_id, *columns)
        .join(Attendance, Attendance.session_id == ProgrammeSession.id)
        .join(Delegate, Delegate.id == Attendance.delegate_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(
            Attendance.delegate_id.in_(list(delegate_ids)),
            attendable_by_joined_delegate(),
        )
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )


def enrolled_sessions(delegates: Sequence[Delegate]) -> dict[int, list[ProgrammeSession]]:
    """The sessions each delegate may attend and is enrolled in (one query,
    whatever the number of delegates; cancelled sessions included), venues
    loaded, in time order."""
    result: dict[int, list[ProgrammeSession]] = {d.id: [] for d in delegates}
    if delegates:
        query = _enrolled_query(delegates, ProgrammeSession).options(
            joinedload(ProgrammeSession.venue)
        )
        for delegate_id, session in db.session.execute(query):
            result[delegate_id].append(session)
    return result


def enrolled_spans(delegates: Sequence[Delegate]) -> dict[int, list[Any]]:
    """Like :func:`enrolled_sessions`, but only each session's id, title,
    times and status (plain rows): enough to count and to find overlaps for
    a page of delegations, without loading whole sessions."""
    return enrolled_spans_of([d.id for d in delegates])


def enrolled_spans_of(
    delegate_ids: Sequence[int], *, beside_items: bool = False
) -> dict[int, list[Any]]:
    """:func:`enrolled_spans` by the delegates' ids; ``beside_items``: only
    the sessions that meet a timed item of the delegate's delegation, all an
    overlap with an item needs (touching counted too: a few more rows than
    overlapping_pairs flags, never fewer). Most sessions meet none."""
    result: dict[int, list[Any]] = {i: [] for i in delegate_ids}
    if delegate_ids:
        query = _enrolled_query_of(
            delegate_ids,
            ProgrammeSession.id,
            ProgrammeSession.title,
            ProgrammeSession.starts_at,
            ProgrammeSession.ends_at,
            ProgrammeSession.status,
        )
        if beside_items:
            query = query.where(
                sa.exists().where(
                    ItineraryItem.delegation_id == Delegate.delegation_id,
                    ItineraryItem.all_day.is_(False),
                    ItineraryItem.starts_at <= ProgrammeSession.ends_at,
                    ProgrammeSession.starts_at <= ItineraryItem.ends_at,
                )
            )
        for row in db.session.execute(query):
            result[row.delegate_id].append(row)
    return result


def itinerary_for(delegate: Delegate) -> list[Entry]:
    """Everything in ``delegate``'s itinerary, in time order (at most six queries,
    whatever its length: delegation and festival if not loaded, sessions
    with seats, items and deleted items, pickups).

    Their own arrival and departure flights, then the sessions they may
    attend (eligibility.visible_to) and are enrolled in, cancelled ones
    included (marked ``status="cancelled"``, so calendars show them struck
    out), plus the items for their whole delegation and those for them
    alone, deleted ones included as cancelled. A delegate who is not active
    (declined, cancelled) has an empty itinerary. All-day
    entries sort first on their day.
    """
    if delegate.status not in ACTIVE_STATUSES:
        return []
    festival = delegate.delegation.festival
    # The enrolled sessions with the person's seat at each (festival.protocol).
    query = with_seats(
        _enrolled_query([delegate], ProgrammeSession).options(joinedload(ProgrammeSession.venue))
    )
    entries = [
        replace(_session_entry(session), seat=(shape, number, seat) if seat else None)
        for _id, session, shape, number, seat in db.session.execute(query)
    ]
    # The items and the deleted items in one query (their columns alike).
    for row in db.session.execute(sa.union_all(*_items_of(delegate))):
        entries.append(_item_entry(row, festival, deleted=row.deleted))
    entries += _flight_entries(delegate) + _pickup_entries(delegate)
    return sorted(entries, key=lambda e: (e.starts_at, not e.all_day, e.ends_at, e.key))


def entry_clashes(entries: Iterable[Entry]) -> dict[str, list[str]]:
    """For each entry (by key), the titles of the entries it overlaps: timed
    ones that are on (all-day stays overlap everything by nature). Pure."""
    timed = [e for e in entries if not e.all_day and e.status == "scheduled"]
    titles = {e.key: e.title for e in timed}
    found: dict[str, list[str]] = {}
    for a, b in overlapping_pairs([(e.key, e.starts_at, e.ends_at) for e in timed]):
        found.setdefault(a, []).append(titles[b])
        found.setdefault(b, []).append(titles[a])
    return found


def entries_by_day(entries: Iterable[Entry], festival: Festival) -> list[tuple[date, list[Entry]]]:
    """Entries grouped by the day they start on, in the festival's zone."""
    days: dict[date, list[Entry]] = {}
    for entry in entries:
        day = entry.start_date or local_day(entry.starts_at, festival.tz)
        days.setdefault(day, []).append(entry)
    return sorted(days.items())


# --- items ----------------------------------------------------------------------


def create_item(delegation: Delegation, values: dict[str, Any]) -> ItineraryItem:
    item = ItineraryItem(delegation=delegation, sequence=0, **values)
    db.session.add(item)
    db.session.flush()
    return item


def update_item(item: ItineraryItem, values: dict[str, Any]) -> bool:
    """Apply ``values``; return whether time or place changed (then SEQUENCE rises)."""
    before = {name: getattr(item, name) for name in SCHEDULE_FIELDS}
    for name, value in values.items():
        setattr(item, name, value)
    changed = any(getattr(item, name) != before[name] for name in SCHEDULE_FIELDS)
    if changed:
        item.sequence = (item.sequence or 0) + 1
    item.updated_at = utcnow()
    db.session.flush()
    return changed


def delete_item(item: ItineraryItem) -> None:
    """Delete ``item``, leaving what feeds need to show it cancelled
    (:class:`CancelledItem`, its SEQUENCE one higher)."""
    db.session.add(
        CancelledItem(
            item_id=item.id,
            delegation_id=item.delegation_id,
            delegate_id=item.delegate_id,
            kind=item.kind,
            title=item.title,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            all_day=item.all_day,
            location=item.location or "",
            sequence=(item.sequence or 0) + 1,
            created_at=item.created_at,
            updated_at=utcnow(),
            title_i18n=dict(item.title_i18n or {}),
        )
    )
    db.session.delete(item)
    db.session.flush()


# --- the organiser's view -------------------------------------------------------


def delegations_query(festival: Festival, search: str = "") -> sa.Select:
    """The festival's accepted delegations, by city name, city loaded."""
    query = (
        sa.select(Delegation)
        .join(Delegation.city)
        .join(Delegation.invitation)
        .options(joinedload(Delegation.city))
        .where(
            Delegation.festival_id == festival.id,
            Invitation.status == InvitationStatus.ACCEPTED,
        )
        .order_by(City.name, Delegation.id)
    )
    if search:
        like = f"%{search}%"
        query = query.where(sa.or_(City.name.ilike(like), City.country_code.ilike(search)))
    return query


@dataclass(frozen=True)
class Clash:
    """Item ``item_id`` overlaps ``other`` (a title) for ``person`` (None: everyone)."""

    item_id: int
    other: str
    person: str | None


def delegation_clashes(
    items: Sequence[ItineraryItem],
    delegates: Sequence[Delegate],
    sessions_by_delegate: dict[int, list[Any]],
) -> dict[int, list[Clash]]:
    """For each timed item, what it overlaps in the day of someone it concerns.

    A whole-delegation item concerns every active delegate, a personal item
    its delegate; each person's items and enrolled (scheduled) sessions are
    checked against each other. All-day items (hotel stays) overlap
    everything by nature and are left out. Pure: no queries.
    """
    people: list[Delegate | None] = [d for d in delegates if d.status in ACTIVE_STATUSES]
    if not people:
        people = [None]
    found: dict[int, list[Clash]] = {}
    seen: set[tuple[int, str, str | None]] = set()
    for person in people:
        person_id = person.id if person else None
        sessions = sessions_by_delegate.get(person_id or 0, [])
        for item_id, other, title in _clashes_in_a_day(items, person_id, sessions):
            whose = person.list_name if person and len(people) > 1 else None
            marker = (item_id, f"{other[0]}-{other[1]}", whose)
            if marker not in seen:
                seen.add(marker)
                found.setdefault(item_id, []).append(Clash(item_id, title, whose))
    return found


def clash_count(
    items: Sequence[Any], people: Sequence[int], sessions_by_delegate: dict[int, list[Any]]
) -> int:
    """How many of a delegation's items :func:`delegation_clashes` flags,
    from plain rows: ``items`` with the columns it reads, ``people`` the
    active delegates' ids. Pure: no queries."""
    flagged = {
        item_id
        for person_id in people or (None,)
        for item_id, _other, _title in _clashes_in_a_day(
            items, person_id, sessions_by_delegate.get(person_id or 0, [])
        )
    }
    return len(flagged)


def _clashes_in_a_day(
    items: Sequence[Any], person_id: int | None, sessions: Sequence[Any]
) -> list[tuple[int, tuple[str, int], str]]:
    """(item id, what it overlaps, its title) in the day of one person (None:
    nobody in particular): the timed items that concern them and their
    scheduled sessions."""
    spans: list[tuple[tuple[str, int], datetime, datetime]] = []
    titles: dict[tuple[str, int], str] = {}
    for item in items:
        if item.all_day or item.delegate_id not in (None, person_id):
            continue
        spans.append((("item", item.id), item.starts_at, item.ends_at))
        titles[("item", item.id)] = item.title
    for session in sessions:
        if session.status == SessionStatus.SCHEDULED:
            spans.append((("session", session.id), session.starts_at, session.ends_at))
            titles[("session", session.id)] = session.title
    found = []
    for a, b in overlapping_pairs(spans):
        for mine, other in ((a, b), (b, a)):
            if mine[0] == "item":
                found.append((mine[1], other, titles[other]))
    return found


def delegation_delegates(delegation: Delegation) -> list[Delegate]:
    """The delegation's people (all statuses), head first, in one query."""
    return list(
        db.session.scalars(
            sa.select(Delegate)
            .where(Delegate.delegation_id == delegation.id)
            .order_by(Delegate.is_head.desc(), Delegate.id)
        )
    )


def delegation_items(delegation: Delegation) -> list[ItineraryItem]:
    return list(
        db.session.scalars(
            sa.select(ItineraryItem)
            .options(joinedload(ItineraryItem.delegate))
            .where(ItineraryItem.delegation_id == delegation.id)
            .order_by(ItineraryItem.starts_at, ItineraryItem.id)
        )
    )


def items_of(delegation_ids: Sequence[int]) -> dict[int, list[ItineraryItem]]:
    """The items of several delegations (one query), in time order."""
    result: dict[int, list[ItineraryItem]] = {d: [] for d in delegation_ids}
    if delegation_ids:
        for item in db.session.scalars(
            sa.select(ItineraryItem)
            .where(ItineraryItem.delegation_id.in_(delegation_ids))
            .order_by(ItineraryItem.starts_at, ItineraryItem.id)
        ):
            result[item.delegation_id].append(item)
    return result


def delegates_of(delegation_ids: Sequence[int]) -> dict[int, list[Delegate]]:
    """The active delegates of several delegations (one query)."""
    result: dict[int, list[Delegate]] = {d: [] for d in delegation_ids}
    if delegation_ids:
        for delegate in db.session.scalars(
            sa.select(Delegate)
            .where(Delegate.delegation_id.in_(delegation_ids), Delegate.status.in_(ACTIVE_STATUSES))
            .order_by(Delegate.is_head.desc(), Delegate.id)
        ):
            result[delegate.delegation_id].append(delegate)
    return result


def item_spans_of(delegation_ids: Sequence[int]) -> dict[int, list[Any]]:
    """Like :func:`items_of`, but plain rows of what overlaps are found from
    (id, delegate_id, all_day, starts_at, ends_at, title): a page of
    delegations counts them without loading whole items."""
    result: dict[int, list[Any]] = {d: [] for d in delegation_ids}
    if delegation_ids:
        for row in db.session.execute(
            sa.select(
                ItineraryItem.delegation_id,
                ItineraryItem.id,
                ItineraryItem.delegate_id,
                ItineraryItem.all_day,
                ItineraryItem.starts_at,
                ItineraryItem.ends_at,
                ItineraryItem.title,
            ).where(ItineraryItem.delegation_id.in_(delegation_ids))
        ):
            result[row.delegation_id].append(row)
    return result


def active_ids_of(delegation_ids: Sequence[int]) -> dict[int, list[int]]:
    """The ids of the active delegates of several delegations (one query)."""
    result: dict[int, list[int]] = {d: [] for d in delegation_ids}
    if delegation_ids:
        for delegation_id, delegate_id in db.session.execute(
            sa.select(Delegate.delegation_id, Delegate.id)
            .where(Delegate.delegation_id.in_(delegation_ids), Delegate.status.in_(ACTIVE_STATUSES))
            .order_by(Delegate.id)
        ):
            result[delegation_id].append(delegate_id)
    return result


def group_items_by_day(
    items: Iterable[ItineraryItem], festival: Festival
) -> list[tuple[date, list[ItineraryItem]]]:
    """Items grouped by the day they start on, in the festival's zone."""
    days: dict[date, list[ItineraryItem]] = {}
    for item in items:
        days.setdefault(local_day(item.starts_at, festival.tz), []).append(item)
    return [
        (day, sorted(group, key=lambda i: (not i.all_day, i.starts_at, i.id)))
        for day, group in sorted(days.items())
    ]
