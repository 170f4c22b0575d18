"""The queries behind the check-in pages: counts, lists and searches.

Each page runs a fixed number of queries whatever the size of the festival:
counts are aggregates, lists are paginated with their relations joined.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import Attendance, ProgrammeSession
from festival.protocol import precedence
from festival.registration.models import Delegate, DelegateStatus, Delegation

from .services import attendee_rows


@dataclass(frozen=True)
class Counts:
    """A session's door numbers."""

    enrolled: int = 0  # active delegates with a place (walk-ins included)
    checked_in: int = 0
    walk_ins: int = 0

    @property
    def waiting(self) -> int:
        return max(self.enrolled - self.checked_in, 0)


def counts_by_session(session_ids: Iterable[int]) -> dict[int, Counts]:
    """{session id: Counts} for many sessions, in one aggregate query."""
    ids = sorted(set(session_ids))
    result = {session_id: Counts() for session_id in ids}
    if not ids:
        return result
    checked_in = Attendance.checked_in_at.is_not(None)
    # Someone checked in yet cancelled later still walked through the door.
    counted = sa.or_(Delegate.status.in_(ACTIVE_STATUSES), checked_in)
    query = (
        sa.select(
            Attendance.session_id,
            sa.func.count().filter(counted),
            sa.func.count().filter(checked_in),
            sa.func.count().filter(checked_in, Attendance.enrolled_at == Attendance.checked_in_at),
        )
        .join(Delegate, Delegate.id == Attendance.delegate_id)
        .where(Attendance.session_id.in_(ids))
        .group_by(Attendance.session_id)
    )
    for session_id, enrolled, checked, walk_ins in db.session.execute(query):
        result[session_id] = Counts(enrolled, checked, walk_ins)
    return result


def attendee_count(session: ProgrammeSession) -> int:
    """How many delegates count as attendees (attendees_of), in one query."""
    rows = attendee_rows([session.id]).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows)) or 0


def day_bounds(festival: Festival, day: date) -> tuple[datetime, datetime]:
    """The UTC instants a festival-local day starts and ends."""
    start = datetime.combine(day, time(0), tzinfo=festival.tz)
    return start, start + timedelta(days=1)


def festival_days(festival: Festival) -> list[date]:
    return [
        festival.starts_on + timedelta(days=n)
        for n in range((festival.ends_on - festival.starts_on).days + 1)
    ]


def sessions_query(festival: Festival, *, q: str = "", day: date | None = None) -> sa.Select:
    """The festival's sessions in time order, searched by title and venue."""
    query = (
        sa.select(ProgrammeSession)
        .where(ProgrammeSession.festival_id == festival.id)
        .options(joinedload(ProgrammeSession.venue))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.title, ProgrammeSession.id)
    )
    if q:
        query = query.where(ProgrammeSession.title.icontains(q, autoescape=True))
    if day is not None:
        start, end = day_bounds(festival, day)
        query = query.where(ProgrammeSession.starts_at >= start, ProgrammeSession.starts_at < end)
    return query


def _matches(q: str) -> sa.ColumnElement[bool]:
    """A delegate whose name, name in their own script or city matches ``q``."""
    return sa.or_(
        Delegate.full_name.icontains(q, autoescape=True),
        Delegate.native_name.icontains(q, autoescape=True),
        City.name.icontains(q, autoescape=True),
    )


def enrolled_query(session: ProgrammeSession, *, q: str = "", state: str = "") -> sa.Select:
    """The session's Attendance rows, by precedence (festival.protocol) then
    name, with delegate and city loaded.

    ``state``: "waiting" (not checked in yet) or "checked_in"; else all.
    """
    query = (
        precedence.with_ranks(sa.select(Attendance).join(Attendance.delegate))
        .join(Delegate.delegation)
        .join(Delegation.city)
        .where(Attendance.session_id == session.id)
        .options(
            contains_eager(Attendance.delegate)
            .contains_eager(Delegate.delegation)
            .contains_eager(Delegation.city)
        )
        .order_by(
            precedence.rank_order_by(session.festival), *Delegate.name_ordering(), Delegate.id
        )
    )
    if q:
        query = query.where(_matches(q))
    if state == "waiting":
        query = query.where(
            Attendance.checked_in_at.is_(None), Delegate.status.in_(ACTIVE_STATUSES)
        )
    elif state == "checked_in":
        query = query.where(Attendance.checked_in_at.is_not(None))
    return query


def delegate_search_query(festival: Festival, q: str) -> sa.Select:
    """The festival's delegates matching ``q`` (name, native name, city), by
    precedence then name: to check in someone who did not enrol."""
    return (
        precedence.with_ranks(sa.select(Delegate))
        .join(Delegate.delegation)
        .join(Delegation.city)
        .where(Delegation.festival_id == festival.id, _matches(q))
        .options(contains_eager(Delegate.delegation).contains_eager(Delegation.city))
        .order_by(precedence.rank_order_by(festival), *Delegate.name_ordering(), Delegate.id)
    )


def attendances_for(
    session: ProgrammeSession, delegate_ids: Iterable[int]
) -> dict[int, Attendance]:
    """{delegate id: their Attendance in ``session``} for a page of delegates."""
    ids = list(set(delegate_ids))
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(Attendance).where(
            Attendance.session_id == session.id, Attendance.delegate_id.in_(ids)
        )
    )
    return {row.delegate_id: row for row in rows}


def badges_query(festival: Festival, *, q: str = "", include_pending: bool = False) -> sa.Select:
    """Delegates to print badges for, delegation by delegation (head first)."""
    statuses = ACTIVE_STATUSES if include_pending else (DelegateStatus.CONFIRMED,)
    query = (
        sa.select(Delegate)
        .join(Delegate.delegation)
        .join(Delegation.city)
        .where(Delegation.festival_id == festival.id, Delegate.status.in_(statuses))
        .options(contains_eager(Delegate.delegation).contains_eager(Delegation.city))
        .order_by(
            City.name,
            Delegation.id,
            Delegate.is_head.desc(),
            *Delegate.name_ordering(),
            Delegate.id,
        )
    )
    if q:
        query = query.where(_matches(q))
    return query
