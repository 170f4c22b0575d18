"""Seating plans: made, placed automatically by precedence, adjusted by hand.

Services flush, never commit. Every change of seats touches the people
concerned (``Delegate.updated_at``): their itinerary page and personal feed
are kept against that stamp, so the seat they show is never stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from festival.cities.models import City
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import Attendance, ProgrammeSession
from festival.protocol import placement, precedence
from festival.protocol.models import LayoutKind, Seat, SeatingPlan, SeatingTable, TableShape
from festival.registration.models import Delegate, DelegateRole, Delegation

MAX_TABLES = 1000
MAX_SEATS = 60


class SeatingError(ValueError):
    """A change the plan cannot take; the message says why, for the form."""


def plan_of(session: ProgrammeSession) -> SeatingPlan | None:
    return db.session.scalar(sa.select(SeatingPlan).where(SeatingPlan.session_id == session.id))


def create_plan(
    festival: Festival,
    session: ProgrammeSession,
    *,
    layout: LayoutKind,
    head_shape: TableShape,
    head_seats: int,
    count: int,
    shape: TableShape,
    seats: int,
    mix: bool,
) -> SeatingPlan:
    """A plan for ``session``: a head table (or first row) and ``count`` more
    alike; replaces the session's plan if it had one."""
    old = plan_of(session)
    if old is not None:
        touch(seated_ids(old))
        db.session.delete(old)
        db.session.flush()
    if layout == LayoutKind.ROWS:
        head_shape = shape = TableShape.ROW
    plan = SeatingPlan(
        festival_id=festival.id, session_id=session.id, layout=layout, mix_delegations=mix
    )
    plan.tables = [SeatingTable(number=1, shape=head_shape, seats=head_seats)] + [
        SeatingTable(number=n, shape=shape, seats=seats) for n in range(2, count + 2)
    ]
    db.session.add(plan)
    db.session.flush()
    return plan


def touch(ids: Iterable[int]) -> None:
    """Mark people changed: their itinerary and feed show the new seat."""
    ids = list(ids)
    if ids:
        db.session.execute(
            sa.update(Delegate).where(Delegate.id.in_(ids)).values(updated_at=utcnow())
        )


def seated_ids(plan: SeatingPlan) -> list[int]:
    return list(db.session.scalars(sa.select(Seat.delegate_id).where(Seat.plan_id == plan.id)))


def guest_ids(session: ProgrammeSession) -> list[int]:
    """The session's guests: the active people enrolled in it."""
    return list(
        db.session.scalars(
            sa.select(Attendance.delegate_id)
            .join(Delegate, Delegate.id == Attendance.delegate_id)
            .where(Attendance.session_id == session.id, Delegate.status.in_(ACTIVE_STATUSES))
        )
    )


def _tables(plan: SeatingPlan) -> list[SeatingTable]:
    return list(
        db.session.scalars(
            sa.select(SeatingTable)
            .where(SeatingTable.plan_id == plan.id)
            .order_by(SeatingTable.number)
        )
    )


def auto_place(festival: Festival, plan: SeatingPlan) -> list[int]:
    """Seat the session's guests by precedence (every seat made anew);
    returns the ids of guests left without a seat."""
    ids = set(guest_ids(plan.session))
    people = precedence.people_of(festival, ids) if ids else []
    ordered = precedence.standings(festival, people)
    guests = [
        placement.Guest(
            s.person.id,
            s.person.delegation_id,
            (s.person.confirmed_role or s.person.role) == DelegateRole.INTERPRETER,
        )
        for s in ordered
    ]
    tables = [placement.Table(t.id, t.number, t.shape.value, t.seats) for t in _tables(plan)]
    placed, unseated = placement.place(tables, guests, mix=plan.mix_delegations)
    before = seated_ids(plan)
    db.session.execute(sa.delete(Seat).where(Seat.plan_id == plan.id))
    if placed:
        db.session.execute(
            sa.insert(Seat),
            [
                {"plan_id": plan.id, "table_id": t, "seat": s, "delegate_id": d}
                for d, t, s in placed
            ],
        )
    touch(set(before) | {d for d, _t, _s in placed})
    plan.updated_at = utcnow()
    db.session.flush()
    return unseated


def _table(plan: SeatingPlan, number: int) -> SeatingTable:
    table = db.session.scalar(
        sa.select(SeatingTable).where(
            SeatingTable.plan_id == plan.id, SeatingTable.number == number
        )
    )
    if table is None:
        raise SeatingError("table")
    return table


def _seat_of(plan: SeatingPlan, delegate_id: int) -> Seat | None:
    return db.session.scalar(
        sa.select(Seat).where(Seat.plan_id == plan.id, Seat.delegate_id == delegate_id)
    )


def move(plan: SeatingPlan, delegate_id: int, number: int, seat: int) -> None:
    """Put a guest at table ``number``, seat ``seat``; whoever sat there
    takes the guest's old seat (or stands up, if the guest had none)."""
    if delegate_id not in set(guest_ids(plan.session)) | set(seated_ids(plan)):
        raise SeatingError("guest")
    table = _table(plan, number)
    if not 1 <= seat <= table.seats:
        raise SeatingError("seat")
    mine = _seat_of(plan, delegate_id)
    theirs = db.session.scalar(sa.select(Seat).where(Seat.table_id == table.id, Seat.seat == seat))
    if theirs is not None and mine is not None and theirs.id == mine.id:
        return
    old = (mine.table_id, mine.seat) if mine else None
    # Free both seats first: (table, seat) is unique.
    for row in (mine, theirs):
        if row is not None:
            db.session.delete(row)
    db.session.flush()
    db.session.add(Seat(plan_id=plan.id, table_id=table.id, seat=seat, delegate_id=delegate_id))
    if theirs is not None and old is not None:
        db.session.add(
            Seat(plan_id=plan.id, table_id=old[0], seat=old[1], delegate_id=theirs.delegate_id)
        )
    touch([delegate_id] + ([theirs.delegate_id] if theirs else []))
    plan.updated_at = utcnow()
    db.session.flush()


def swap(plan: SeatingPlan, first_id: int, second_id: int) -> None:
    """Exchange two seated guests' seats."""
    first, second = _seat_of(plan, first_id), _seat_of(plan, second_id)
    if first is None or second is None or first.id == second.id:
        raise SeatingError("swap")
    table = db.session.get(SeatingTable, first.table_id)
    assert table is not None
    move(plan, second_id, table.number, first.seat)


def unseat(plan: SeatingPlan, delegate_id: int) -> None:
    mine = _seat_of(plan, delegate_id)
    if mine is None:
        raise SeatingError("guest")
    db.session.delete(mine)
    touch([delegate_id])
    plan.updated_at = utcnow()
    db.session.flush()


# --- reading a plan -----------------------------------------------------------------


@dataclass(frozen=True)
class SeatedGuest:
    seat: int
    person: precedence.Person


@dataclass
class TableView:
    table: SeatingTable
    guests: list[SeatedGuest]

    @property
    def by_seat(self) -> dict[int, SeatedGuest]:
        return {g.seat: g for g in self.guests}


_PERSON_COLUMNS = precedence.PERSON_COLUMNS


def plan_tables(plan: SeatingPlan, numbers: Sequence[int] | None = None) -> list[TableView]:
    """The plan's tables (or those ``numbers``) with their guests: two queries."""
    query = (
        sa.select(SeatingTable).where(SeatingTable.plan_id == plan.id).order_by(SeatingTable.number)
    )
    if numbers is not None:
        query = query.where(SeatingTable.number.in_(list(numbers)))
    tables = list(db.session.scalars(query))
    views = {t.id: TableView(t, []) for t in tables}
    if not views:
        return []
    rows = db.session.execute(
        sa.select(Seat.table_id, Seat.seat, *_PERSON_COLUMNS)
        .join(Delegate, Delegate.id == Seat.delegate_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(Seat.plan_id == plan.id, Seat.table_id.in_(list(views)))
        .order_by(Seat.table_id, Seat.seat)
    )
    for row in rows:
        values = row._asdict()
        table_id, seat = values.pop("table_id"), values.pop("seat")
        views[table_id].guests.append(SeatedGuest(seat, precedence.Person(**values)))
    return list(views.values())


def table_count(plan: SeatingPlan) -> tuple[int, int, int]:
    """(tables, seats, guests seated) in one query."""
    seated = sa.select(sa.func.count(Seat.id)).where(Seat.plan_id == plan.id).scalar_subquery()
    row = db.session.execute(
        sa.select(
            sa.func.count(SeatingTable.id),
            sa.func.coalesce(sa.func.sum(SeatingTable.seats), 0),
            seated,
        ).where(SeatingTable.plan_id == plan.id)
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def unseated_guests(festival: Festival, plan: SeatingPlan) -> list[precedence.Person]:
    """The session's guests without a seat, by precedence (one query, plus
    the ranks)."""
    seated = sa.select(Seat.delegate_id).where(Seat.plan_id == plan.id)
    rows = db.session.execute(
        sa.select(*_PERSON_COLUMNS)
        .join(Attendance, Attendance.delegate_id == Delegate.id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(
            Attendance.session_id == plan.session_id,
            Delegate.status.in_(ACTIVE_STATUSES),
            # On the attendance, not the delegate: PostgreSQL then starts from
            # the session's hundred attendances rather than merging with
            # every delegate (0.2 ms against 2.3 at ten times the scale).
            Attendance.delegate_id.not_in(seated),
        )
    )
    people = [precedence.Person(**row._asdict()) for row in rows]
    if not people:  # the usual case once seated: no need for the ranks
        return []
    return sorted(people, key=precedence.sort_key(precedence.precedence_order(festival)))


def with_seats(query: sa.Select) -> sa.Select:
    """``query`` (over ProgrammeSession joined to Attendance) with the
    attendee's seat at each session: table shape, table number and seat
    (None where the person has no seat)."""
    return (
        query.outerjoin(SeatingPlan, SeatingPlan.session_id == ProgrammeSession.id)
        .outerjoin(
            Seat,
            sa.and_(Seat.plan_id == SeatingPlan.id, Seat.delegate_id == Attendance.delegate_id),
        )
        .outerjoin(SeatingTable, SeatingTable.id == Seat.table_id)
        .add_columns(SeatingTable.shape, SeatingTable.number, Seat.seat)
    )


def seats_by_person(delegate_ids: list[int]) -> dict[tuple[int, int], tuple[str, int, int]]:
    """{(delegate id, session id): (shape, table number, seat)} for these
    people's seats in any seating plan (the evening digest): one query."""
    rows = db.session.execute(
        sa.select(
            Seat.delegate_id,
            SeatingPlan.session_id,
            SeatingTable.shape,
            SeatingTable.number,
            Seat.seat,
        )
        .join(SeatingTable, SeatingTable.id == Seat.table_id)
        .join(SeatingPlan, SeatingPlan.id == Seat.plan_id)
        .where(Seat.delegate_id.in_(delegate_ids))
    )
    return {
        (delegate_id, session_id): (getattr(shape, "value", shape), number, seat)
        for delegate_id, session_id, shape, number, seat in rows
    }
