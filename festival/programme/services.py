"""Operations on the programme: sessions and their checks.

Enrolment lives in :mod:`festival.programme.enrolment`; its operations are
also importable from here, as they were before it moved.

Services flush but never commit: the view that called them ends the
transaction. Every change of a session's time, place or status increments
its ``sequence``, which calendar clients read as "this event changed".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from festival.cities.models import City
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.invitations.models import Invitation, InvitationStatus
from festival.itineraries.overlaps import overlapping_pairs
from festival.programme import waitlist
from festival.programme.enrolment import (  # noqa: F401 (kept importable from here)
    DelegationEnrolment,
    Enrolment,
    enrol,
    enrol_delegation,
    is_enrolled,
    unenrol,
)
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
)
from festival.programme.times import day_start, local_day
from festival.registration.models import Delegation

# A change to any of these is a change calendar clients must notice.
SCHEDULE_FIELDS = ("starts_at", "ends_at", "venue_id", "status")


# --- sessions -----------------------------------------------------------------


def accepted_delegations(festival: Festival) -> list[tuple[int, str]]:
    """(id, "City (CC)") of the festival's accepted delegations, by city name."""
    rows = db.session.execute(
        sa.select(Delegation.id, City.name, City.country_code)
        .join(Delegation.city)
        .join(Delegation.invitation)
        .where(
            Delegation.festival_id == festival.id,
            Invitation.status == InvitationStatus.ACCEPTED,
        )
        .order_by(City.name, Delegation.id)
    ).all()
    return [(row.id, f"{row.name} ({row.country_code})") for row in rows]


def _set_invited(session: ProgrammeSession, delegation_ids: Iterable[int]) -> None:
    ids = sorted(set(delegation_ids))
    if [d.id for d in session.invited_delegations] == ids:
        return
    delegations = (
        db.session.scalars(
            sa.select(Delegation).where(
                Delegation.id.in_(ids), Delegation.festival_id == session.festival_id
            )
        ).all()
        if ids
        else []
    )
    session.invited_delegations = list(delegations)


def create_session(festival: Festival, values: dict[str, Any]) -> ProgrammeSession:
    """A new scheduled session (``values`` as given by SessionForm.values)."""
    values = dict(values)
    invited = values.pop("invited_delegation_ids", [])
    session = ProgrammeSession(festival=festival, sequence=0, **values)
    db.session.add(session)
    db.session.flush()
    _set_invited(session, invited)
    db.session.flush()
    return session


def update_session(session: ProgrammeSession, values: dict[str, Any]) -> bool:
    """Apply ``values``; return whether the time, place or status changed.

    Only such a change increments ``sequence`` (a new description does not).
    """
    values = dict(values)
    invited = values.pop("invited_delegation_ids", None)
    before = {name: getattr(session, name) for name in SCHEDULE_FIELDS}
    capacity_before = session.capacity
    for name, value in values.items():
        setattr(session, name, value)
    if "venue_id" in values:
        # Keep the relationship in step with the id we just set.
        session.venue = db.session.get(Venue, values["venue_id"]) if values["venue_id"] else None
    if invited is not None:
        _set_invited(session, invited)
    changed = any(getattr(session, name) != before[name] for name in SCHEDULE_FIELDS)
    if changed:
        session.sequence = (session.sequence or 0) + 1
    # Bump updated_at even when only the invited list changed (no column did).
    session.updated_at = utcnow()
    db.session.flush()
    if session.capacity != capacity_before or before["status"] != session.status:
        waitlist.fill_places(session)  # more places (or back on): the list first
    return changed


def cancel_session(session: ProgrammeSession) -> bool:
    """Mark cancelled (never deleted: feeds keep it as STATUS:CANCELLED)."""
    return update_session(session, {"status": SessionStatus.CANCELLED})


def reinstate_session(session: ProgrammeSession) -> bool:
    """Put a cancelled session back on the programme."""
    return update_session(session, {"status": SessionStatus.SCHEDULED})


def outside_festival(festival: Festival, starts_at: datetime, ends_at: datetime) -> bool:
    """Whether the session falls (even partly) outside the festival's days, in its zone."""
    first = day_start(festival.starts_on, festival.tz)
    after_last = day_start(festival.ends_on + timedelta(days=1), festival.tz)
    return starts_at < first or ends_at > after_last


@dataclass
class ScheduleWarnings:
    """What the organiser may override: a busy venue, a room too small."""

    clashes: list[ProgrammeSession] = field(default_factory=list)
    venue_capacity: int | None = None  # set when the session's capacity exceeds it

    def __bool__(self) -> bool:
        return bool(self.clashes) or self.venue_capacity is not None


def schedule_warnings(
    festival: Festival,
    starts_at: datetime,
    ends_at: datetime,
    venue_id: int | None,
    capacity: int | None,
    exclude_id: int | None = None,
) -> ScheduleWarnings:
    """Other scheduled sessions in the same venue at an overlapping time, and
    whether the capacity asked for is more than the venue holds."""
    warnings = ScheduleWarnings()
    if venue_id is None:
        return warnings
    query = (
        sa.select(ProgrammeSession)
        .where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.venue_id == venue_id,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.starts_at < ends_at,
            ProgrammeSession.ends_at > starts_at,
        )
        .order_by(ProgrammeSession.starts_at)
    )
    if exclude_id is not None:
        query = query.where(ProgrammeSession.id != exclude_id)
    warnings.clashes = list(db.session.scalars(query))
    venue = db.session.get(Venue, venue_id)
    if venue and venue.capacity and capacity and capacity > venue.capacity:
        warnings.venue_capacity = venue.capacity
    return warnings


def festival_sessions(
    festival: Festival,
    *,
    public_only: bool = False,
    session_type: str | None = None,
    venue_id: int | None = None,
    day: date | None = None,
    search: str = "",
) -> list[ProgrammeSession]:
    """The festival's sessions in time order, venues loaded (one query)."""
    query = (
        sa.select(ProgrammeSession)
        .options(joinedload(ProgrammeSession.venue))
        .where(ProgrammeSession.festival_id == festival.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.ends_at, ProgrammeSession.id)
    )
    if public_only:
        query = query.where(ProgrammeSession.audience == Audience.PUBLIC)
    if session_type:
        query = query.where(ProgrammeSession.type == session_type)
    if venue_id:
        query = query.where(ProgrammeSession.venue_id == venue_id)
    if day is not None:
        query = query.where(
            ProgrammeSession.starts_at >= day_start(day, festival.tz),
            ProgrammeSession.starts_at < day_start(day + timedelta(days=1), festival.tz),
        )
    if search:
        like = f"%{search}%"
        query = query.where(
            sa.or_(ProgrammeSession.title.ilike(like), ProgrammeSession.speakers.ilike(like))
        )
    return list(db.session.scalars(query).unique())


def session_days(
    festival: Festival,
    *,
    public_only: bool = False,
    session_type: str | None = None,
    venue_id: int | None = None,
) -> list[date]:
    """The days (festival zone) on which matching sessions start, in order.

    One light query (start times only): the programme shows one day at a
    time and lists the others as links.
    """
    query = sa.select(ProgrammeSession.starts_at).where(ProgrammeSession.festival_id == festival.id)
    if public_only:
        query = query.where(ProgrammeSession.audience == Audience.PUBLIC)
    if session_type:
        query = query.where(ProgrammeSession.type == session_type)
    if venue_id:
        query = query.where(ProgrammeSession.venue_id == venue_id)
    tz = festival.tz
    return sorted({local_day(starts_at, tz) for starts_at in db.session.scalars(query)})


def by_day(
    sessions: Sequence[ProgrammeSession], festival: Festival, all_days: bool = False
) -> list[tuple[date, list[ProgrammeSession]]]:
    """Sessions grouped by their day in the festival's zone, days in order.

    With ``all_days`` every festival day is listed, even an empty one.
    """
    days: dict[date, list[ProgrammeSession]] = {}
    if all_days:
        day = festival.starts_on
        while day <= festival.ends_on:
            days[day] = []
            day += timedelta(days=1)
    for session in sessions:
        days.setdefault(local_day(session.starts_at, festival.tz), []).append(session)
    return sorted(days.items())


def enrolment_counts(session_ids: Iterable[int]) -> dict[int, int]:
    """How many delegates are enrolled in each session (one query)."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Attendance.session_id, sa.func.count())
        .where(Attendance.session_id.in_(ids))
        .group_by(Attendance.session_id)
    ).all()
    return {session_id: count for session_id, count in rows}


def session_or_none(festival: Festival, session_id: int) -> ProgrammeSession | None:
    """The festival's session with this id, venue and invited list loaded."""
    return db.session.scalar(
        sa.select(ProgrammeSession)
        .options(
            joinedload(ProgrammeSession.venue),
            selectinload(ProgrammeSession.invited_delegations),
        )
        .where(ProgrammeSession.id == session_id, ProgrammeSession.festival_id == festival.id)
    )


def venue_clashes(sessions: Iterable[ProgrammeSession]) -> set[int]:
    """Ids of scheduled sessions that overlap another in the same venue."""
    by_venue: dict[int, list[tuple[int, datetime, datetime]]] = {}
    for s in sessions:
        if s.venue_id and s.status == SessionStatus.SCHEDULED:
            by_venue.setdefault(s.venue_id, []).append((s.id, s.starts_at, s.ends_at))
    return {key for spans in by_venue.values() for pair in overlapping_pairs(spans) for key in pair}
