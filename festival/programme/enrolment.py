"""Enrolment: delegates take a place in the sessions they may attend.

Within capacity even when many enrol at once: on PostgreSQL the session's
row is locked while its places are counted, and the insert itself checks
that a place is left. Services flush, never commit.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from festival.core.dml import rowcount
from festival.core.types import UTCDateTime, utcnow
from festival.extensions import db
from festival.itineraries.models import ItineraryItem
from festival.itineraries.overlaps import overlapping_pairs
from festival.programme.eligibility import may_attend
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus
from festival.registration.models import Delegate, Delegation


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
    """Give the place back, to the first on the waiting list if anyone waits;
    False when the delegate was not enrolled."""
    # Here, not at the top: the waiting list builds on this module.
    from festival.programme import waitlist

    _lock_session(session.id)
    result = db.session.execute(
        sa.delete(Attendance).where(
            Attendance.session_id == session.id, Attendance.delegate_id == delegate.id
        )
    )
    if rowcount(result) == 0:
        return False
    waitlist.fill_places(session)
    return True


@dataclass(frozen=True)
class Busy:
    """Something a delegate is taken up by: an enrolled session or an item."""

    key: tuple[str, int]  # ("session", id) or ("item", id)
    title: str
    starts_at: datetime
    ends_at: datetime


def busy_spans(delegate: Delegate) -> list[Busy]:
    """The delegate's enrolled sessions that are on and their timed itinerary
    items (the delegation's and their own), in one query. All-day items
    (hotel stays) overlap everything by nature and are left out."""
    sessions = (
        sa.select(
            sa.literal("session"),
            ProgrammeSession.id,
            ProgrammeSession.title,
            ProgrammeSession.starts_at,
            ProgrammeSession.ends_at,
        )
        .join(Attendance, Attendance.session_id == ProgrammeSession.id)
        .where(
            Attendance.delegate_id == delegate.id,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    )
    items = sa.select(
        sa.literal("item"),
        ItineraryItem.id,
        ItineraryItem.title,
        ItineraryItem.starts_at,
        ItineraryItem.ends_at,
    ).where(
        ItineraryItem.delegation_id == delegate.delegation_id,
        sa.or_(ItineraryItem.delegate_id.is_(None), ItineraryItem.delegate_id == delegate.id),
        ItineraryItem.all_day.is_(False),
    )
    return [
        Busy((kind, key), title, starts_at, ends_at)
        for kind, key, title, starts_at, ends_at in db.session.execute(
            sa.union_all(sessions, items)
        )
    ]


def clashes_with(
    session: ProgrammeSession, delegate: Delegate, spans: list[Busy] | None = None
) -> list[str]:
    """The titles of what ``session`` overlaps among the delegate's enrolled
    sessions and itinerary items (itself left out), in time order."""
    mine = ("session", session.id)
    others = [b for b in (busy_spans(delegate) if spans is None else spans) if b.key != mine]
    titles = {b.key: b.title for b in others}
    pairs = overlapping_pairs(
        [(mine, session.starts_at, session.ends_at)]
        + [(b.key, b.starts_at, b.ends_at) for b in others]
    )
    return [titles[b if a == mine else a] for a, b in pairs if mine in (a, b)]


def enrolled_clashes(spans: list[Busy]) -> dict[int, list[str]]:
    """For each enrolled session among ``spans``, the titles of what it overlaps."""
    titles = {b.key: b.title for b in spans}
    found: dict[int, list[str]] = {}
    for a, b in overlapping_pairs([(s.key, s.starts_at, s.ends_at) for s in spans]):
        for mine, other in ((a, b), (b, a)):
            if mine[0] == "session":
                found.setdefault(mine[1], []).append(titles[other])
    return found


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
