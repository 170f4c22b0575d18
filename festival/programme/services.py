"""Operations on the programme: sessions, their checks, and enrolment.

Services flush but never commit: the view that called them ends the
transaction. Every change of a session's time, place or status increments
its ``sequence``, which calendar clients read as "this event changed".
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from festival.cities.models import City
from festival.core.types import UTCDateTime, utcnow
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.invitations.models import Invitation, InvitationStatus
from festival.programme.eligibility import may_attend, visible_to
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
)
from festival.programme.times import day_start, local_day
from festival.registration.models import Delegate, Delegation

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


# --- enrolment ----------------------------------------------------------------


class Enrolment(enum.StrEnum):
    ENROLLED = "enrolled"
    ALREADY = "already"
    FULL = "full"
    NOT_ALLOWED = "not_allowed"
    CANCELLED = "cancelled"
    OVER = "over"


def _lock_session(session_id: int) -> None:
    """On PostgreSQL, hold the session's row until commit: enrolments in one
    session queue up behind each other, so a count is never stale. SQLite
    lets one writer in at a time anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.select(ProgrammeSession.id)
            .where(ProgrammeSession.id == session_id)
            .with_for_update()
        )


def _guarded_insert(session: ProgrammeSession, delegate_id: int) -> bool:
    """Insert the attendance only if a place is left, in one statement."""
    row = sa.select(
        sa.literal(session.id, sa.Integer),
        sa.literal(delegate_id, sa.Integer),
        sa.literal(utcnow(), UTCDateTime()),
    )
    if session.capacity is not None:
        taken = (
            sa.select(sa.func.count())
            .select_from(Attendance)
            .where(Attendance.session_id == session.id)
            .scalar_subquery()
        )
        row = row.where(taken < session.capacity)
    # RETURNING rather than rowcount: psycopg reports no rowcount for this form.
    inserted = db.session.execute(
        sa.insert(Attendance)
        .from_select(["session_id", "delegate_id", "enrolled_at"], row)
        .returning(Attendance.id)
    ).first()
    return inserted is not None


def is_enrolled(session: ProgrammeSession, delegate: Delegate) -> bool:
    return (
        db.session.scalar(
            sa.select(Attendance.id).where(
                Attendance.session_id == session.id, Attendance.delegate_id == delegate.id
            )
        )
        is not None
    )


def enrol(session: ProgrammeSession, delegate: Delegate, now: datetime | None = None) -> Enrolment:
    """Enrol ``delegate`` if they may attend, it is on, not over and not full."""
    if not may_attend(session, delegate):
        return Enrolment.NOT_ALLOWED
    if session.status == SessionStatus.CANCELLED:
        return Enrolment.CANCELLED
    if session.ends_at <= (now or utcnow()):
        return Enrolment.OVER
    _lock_session(session.id)
    if is_enrolled(session, delegate):
        return Enrolment.ALREADY
    try:
        with db.session.begin_nested():
            inserted = _guarded_insert(session, delegate.id)
    except sa.exc.IntegrityError:  # the same person, twice at once
        return Enrolment.ALREADY
    return Enrolment.ENROLLED if inserted else Enrolment.FULL


def unenrol(session: ProgrammeSession, delegate: Delegate) -> bool:
    """Give the place back; False when the delegate was not enrolled."""
    result = db.session.execute(
        sa.delete(Attendance).where(
            Attendance.session_id == session.id, Attendance.delegate_id == delegate.id
        )
    )
    return result.rowcount > 0


@dataclass
class DelegationEnrolment:
    """What enrolling a whole delegation did, person by person."""

    enrolled: list[Delegate] = field(default_factory=list)
    already: list[Delegate] = field(default_factory=list)
    not_allowed: list[Delegate] = field(default_factory=list)
    full: list[Delegate] = field(default_factory=list)


def enrol_delegation(session: ProgrammeSession, delegation: Delegation) -> DelegationEnrolment:
    """Enrol every delegate of ``delegation`` who may attend, within capacity.

    Those the audience rules exclude (a non-mayor for the Mayors' Forum, a
    cancelled delegate) are skipped and reported, as are those for whom no
    place was left.
    """
    report = DelegationEnrolment()
    delegates = db.session.scalars(
        sa.select(Delegate)
        .where(Delegate.delegation_id == delegation.id)
        .order_by(Delegate.is_head.desc(), Delegate.id)
    ).all()
    _lock_session(session.id)
    enrolled_ids = set(
        db.session.scalars(
            sa.select(Attendance.delegate_id).where(
                Attendance.session_id == session.id,
                Attendance.delegate_id.in_([d.id for d in delegates]),
            )
        )
    )
    for delegate in delegates:
        if not may_attend(session, delegate):
            report.not_allowed.append(delegate)
        elif delegate.id in enrolled_ids:
            report.already.append(delegate)
        elif _guarded_insert(session, delegate.id):
            report.enrolled.append(delegate)
        else:
            report.full.append(delegate)
    db.session.flush()
    return report


def enrol_outcome_message(outcome: Enrolment, title: str) -> tuple[str, str]:
    """(message, flash category) for a delegate's enrolment attempt."""
    messages = {
        Enrolment.ENROLLED: (_("You are enrolled in “%(title)s”.", title=title), "success"),
        Enrolment.ALREADY: (_("You were already enrolled in “%(title)s”.", title=title), "info"),
        Enrolment.FULL: (
            _("“%(title)s” is full: no place is left.", title=title),
            "error",
        ),
        Enrolment.CANCELLED: (_("“%(title)s” has been cancelled.", title=title), "error"),
        Enrolment.OVER: (_("“%(title)s” is already over.", title=title), "error"),
        Enrolment.NOT_ALLOWED: (_("You cannot enrol in this session."), "error"),
    }
    return messages[outcome]


def visible_sessions(delegate: Delegate) -> list[ProgrammeSession]:
    """The sessions of the delegate's festival they may attend, venues loaded."""
    return list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .options(joinedload(ProgrammeSession.venue))
            .where(
                ProgrammeSession.festival_id == delegate.delegation.festival_id,
                visible_to(delegate),
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        ).unique()
    )


def enrolled_session_ids(delegate: Delegate) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.delegate_id == delegate.id)
        )
    )
