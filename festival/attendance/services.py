"""Who attended a session, and checking delegates in and out of it.

The rule other domains rely on (impression forms go to attendees):

- if any check-in was taken for a session, its attendees are the delegates
  checked in;
- otherwise (nobody ran the door) they are its enrolled delegates whose
  registration is confirmed, unless the session was cancelled;
- either way, only delegates the audience rules allow in the session
  (festival.programme.eligibility): a cancelled delegate, or a non-mayor
  somehow enrolled in the Mayors' Forum, never counts.

Services never commit: the view (or the worker) does.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, joinedload

from festival.core import memo
from festival.core.dates import format_clock, format_day
from festival.core.dml import rowcount
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES, allowed_in_session, may_attend
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
    session_invited_delegations,
)
from festival.registration.models import Delegate, DelegateStatus, Delegation

from . import codes


def _asked_rows(session_ids: Sequence[int]) -> sa.CTE:
    """The attendance rows of ``session_ids`` with their session's columns,
    and whether any check-in was taken for that session.

    Materialised on purpose: the outer query then joins these rows to
    delegates by primary key, whatever the planner believes about table
    sizes. Without that fence a planner with no statistics yet (right after
    a bulk load) paired every session with every delegate: a minute instead
    of a fifth of a second at 600 sessions and 40,000 enrolments.
    """
    any_check_in = aliased(Attendance)
    sessions_with_check_in = sa.select(any_check_in.session_id).where(
        any_check_in.session_id.in_(session_ids), any_check_in.checked_in_at.is_not(None)
    )
    return (
        sa.select(
            Attendance.session_id.label("id"),
            Attendance.delegate_id,
            Attendance.checked_in_at,
            ProgrammeSession.festival_id,
            ProgrammeSession.audience,
            ProgrammeSession.open_to_accompanying,
            ProgrammeSession.status,
            Attendance.session_id.in_(sessions_with_check_in).label("check_in_taken"),
        )
        .join(ProgrammeSession, ProgrammeSession.id == Attendance.session_id)
        .where(Attendance.session_id.in_(session_ids))
        .cte("asked")
        .prefix_with("MATERIALIZED")
    )


def _attendee_query(session_ids: Sequence[int], *columns: Any) -> sa.Select:
    asked = _asked_rows(session_ids)
    query = sa.select(*(columns or (asked.c.id, asked.c.delegate_id)))
    return (
        query.join_from(asked, Delegate, Delegate.id == asked.c.delegate_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(
            allowed_in_session(asked, delegation_joined=True),
            sa.or_(
                asked.c.checked_in_at.is_not(None),
                sa.and_(
                    sa.not_(asked.c.check_in_taken),
                    Delegate.status == DelegateStatus.CONFIRMED,
                    asked.c.status == SessionStatus.SCHEDULED,
                ),
            ),
        )
    )


def attendee_rows(session_ids: Sequence[int]) -> sa.Select:
    """(session_id, delegate_id) of the attendees of ``session_ids``."""
    return _attendee_query(session_ids)


def attendee_ids_by_session(session_ids: Iterable[int]) -> dict[int, set[int]]:
    """{session id: ids of its attendees} for many sessions, in one query.

    Every asked-for session is a key, with an empty set when nobody attended.
    """
    ids = sorted(set(session_ids))
    result: dict[int, set[int]] = {session_id: set() for session_id in ids}
    if not ids:
        return result
    rows = db.session.execute(attendee_rows(ids))
    for session_id, delegate_id in rows:
        result[session_id].add(delegate_id)
    return result


def attendee_counts_by_session(session_ids: Iterable[int]) -> dict[int, int]:
    """{session id: how many attended} for many sessions, counted in one
    query (no attendee rows fetched). Every asked-for session is a key."""
    ids = sorted(set(session_ids))
    result = dict.fromkeys(ids, 0)
    if not ids:
        return result
    attendees = attendee_rows(ids).subquery()
    query = sa.select(attendees.c.id, sa.func.count()).group_by(attendees.c.id)
    for session_id, count in db.session.execute(query):
        result[session_id] = count
    return result


def attendance_stamp(session_ids: Sequence[int]) -> tuple[object, ...]:
    """The version of everything the attendance of ``session_ids`` is
    counted from, in one query of index probes: their attendance rows
    (count and sum of ids; of those checked in, count, sum of ids and the
    latest check-in, so an undo followed by another check-in still moves
    it), the sessions (latest change: audience, status, accompanying) and
    their invited delegations, and the latest change of any delegate
    (status, role, accompanying, delegation; a delegate removed takes their
    attendance rows along)."""
    ids = list(session_ids)
    checked_in = Attendance.checked_in_at.is_not(None)
    invited = session_invited_delegations.c

    # The sessions' attendance rows, read once (one index scan).
    rows = (
        sa.select(
            sa.func.count(Attendance.id),
            sa.func.sum(Attendance.id),
            sa.func.sum(sa.case((checked_in, 1), else_=0)),
            sa.func.sum(sa.case((checked_in, Attendance.id), else_=0)),
            sa.func.max(Attendance.checked_in_at),
        )
        .where(Attendance.session_id.in_(ids))
        .subquery()
    )
    row = db.session.execute(
        sa.select(
            *rows.c,
            sa.select(sa.func.max(ProgrammeSession.updated_at))
            .where(ProgrammeSession.id.in_(ids))
            .scalar_subquery(),
            sa.select(sa.func.count()).where(invited.session_id.in_(ids)).scalar_subquery(),
            sa.select(sa.func.sum(invited.delegation_id))
            .where(invited.session_id.in_(ids))
            .scalar_subquery(),
            sa.select(sa.func.max(Delegate.updated_at)).scalar_subquery(),
        ).select_from(rows)
    ).one()
    return tuple(row)


def kept_attendee_counts(session_ids: Iterable[int]) -> dict[int, int]:
    """:func:`attendee_counts_by_session`, kept per :func:`attendance_stamp`.

    Counting applies the attendance rule to every enrolment of the sessions
    (some 3,600 rows for a page of 50 sessions at ten times the scale, 13 ms
    in SQL); the stamp reads indexes only (about a millisecond), so a
    repeat view of a page whose attendance did not move runs no count."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    return memo.cached(
        "attendee-counts",
        (tuple(ids), attendance_stamp(ids)),
        lambda: attendee_counts_by_session(ids),
        max_entries=64,
    )


def distinct_attendee_count(session_ids: Iterable[int]) -> int:
    """How many delegates attended at least one of these sessions (one query)."""
    ids = sorted(set(session_ids))
    if not ids:
        return 0
    attendees = attendee_rows(ids).subquery()
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(attendees.c.delegate_id)))) or 0


def attendees_of(session: ProgrammeSession) -> list[Delegate]:
    """The delegates who attended ``session`` (see the module docstring),
    by name, with their delegation and city loaded."""
    query = (
        _attendee_query([session.id], Delegate)
        .options(joinedload(Delegate.delegation).joinedload(Delegation.city))
        .order_by(*Delegate.name_ordering(), Delegate.id)
    )
    return list(db.session.scalars(query).unique())


# --- checking in ---------------------------------------------------------

# Door staff check people in a little before a session starts; earlier than
# this, a check-in is more likely the wrong session and is asked about first.
DOORS_OPEN = timedelta(minutes=30)


class Outcome(enum.StrEnum):
    """What a check-in attempt did (also the ``status`` of the scan JSON)."""

    CHECKED_IN = "checked_in"
    WALK_IN = "walk_in"  # checked in without having enrolled
    ALREADY = "already"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


@dataclass
class CheckIn:
    outcome: Outcome
    delegate: Delegate | None = None
    attendance: Attendance | None = None
    message: str = ""


def who(delegate: Delegate) -> str:
    """A delegate as the door staff call them: name and city."""
    return _("%(name)s (%(city)s)", name=delegate.list_name, city=delegate.delegation.city.name)


def refusal(session: ProgrammeSession, delegate: Delegate) -> str | None:
    """Why ``delegate`` may not be checked in to ``session``, or None."""
    if session.status == SessionStatus.CANCELLED:
        return _("This session is cancelled: nobody can be checked in.")
    if may_attend(session, delegate):
        return None
    name = who(delegate)
    if delegate.status not in ACTIVE_STATUSES:
        return _(
            "%(name)s's registration is %(status)s: they cannot be checked in.",
            name=name,
            status=delegate_status_label(delegate.status),
        )
    if delegate.is_accompanying:
        return _(
            "%(name)s is an accompanying person: this session is not in the partner programme.",
            name=name,
        )
    if session.audience == Audience.MAYORS:
        return _(
            "%(name)s is not a mayor or deputy mayor: this session is for mayors "
            "and deputy mayors only.",
            name=name,
        )
    if session.audience == Audience.INVITED:
        return _(
            "%(name)s's delegation is not on this session's invited list.",
            name=name,
        )
    return _("%(name)s is not registered for this festival.", name=name)


def delegate_status_label(status: DelegateStatus) -> str:
    labels = {
        DelegateStatus.PENDING: _("pending"),
        DelegateStatus.CONFIRMED: _("confirmed"),
        DelegateStatus.DECLINED: _("declined"),
        DelegateStatus.CANCELLED: _("cancelled"),
    }
    return labels[status]


def attendance_of(session: ProgrammeSession, delegate: Delegate) -> Attendance | None:
    return db.session.scalar(
        sa.select(Attendance).where(
            Attendance.session_id == session.id, Attendance.delegate_id == delegate.id
        )
    )


def is_walk_in(attendance: Attendance) -> bool:
    """A walk-in's row was made at the door: enrolled the instant it was
    checked in (``check_in`` stamps both with one value)."""
    return (
        attendance.checked_in_at is not None and attendance.enrolled_at == attendance.checked_in_at
    )


def check_in(
    session: ProgrammeSession,
    delegate: Delegate,
    *,
    now: datetime | None = None,
    client_key: str | None = None,
) -> CheckIn:
    """Check ``delegate`` in to ``session``: enrolled or walk-in, once.

    Safe when two organisers scan the same badge at the same moment: the
    update only takes when nobody checked them in yet, and a walk-in's
    insert that loses the race reads as "already". ``client_key``: the
    door device's key for an offline check-in (see offline.sync), kept on
    the row that records it.
    """
    reason = refusal(session, delegate)
    if reason is not None:
        return CheckIn(Outcome.NOT_ELIGIBLE, delegate, message=reason)
    now = now or utcnow()
    attendance = attendance_of(session, delegate)
    if attendance is None:
        attendance = Attendance(
            session_id=session.id,
            delegate_id=delegate.id,
            enrolled_at=now,
            checked_in_at=now,
            client_key=client_key,
        )
        try:
            with db.session.begin_nested():
                db.session.add(attendance)
        except sa.exc.IntegrityError:
            attendance = attendance_of(session, delegate)
            return _already(delegate, attendance)
        message = _("%(name)s checked in (walk-in).", name=who(delegate))
        return CheckIn(Outcome.WALK_IN, delegate, attendance, message)
    try:
        # A savepoint: a client key taken meanwhile (the same upload from
        # two tabs) reads as "already", not as a failed request.
        with db.session.begin_nested():
            taken = rowcount(
                db.session.execute(
                    sa.update(Attendance)
                    .where(Attendance.id == attendance.id, Attendance.checked_in_at.is_(None))
                    .values(checked_in_at=now, client_key=client_key)
                    .execution_options(synchronize_session=False)
                )
            )
    except sa.exc.IntegrityError:
        taken = 0
    db.session.refresh(attendance)
    if not taken:
        return _already(delegate, attendance)
    message = _("%(name)s checked in.", name=who(delegate))
    return CheckIn(Outcome.CHECKED_IN, delegate, attendance, message)


def _already(delegate: Delegate, attendance: Attendance | None) -> CheckIn:
    message = _("%(name)s was already checked in.", name=who(delegate))
    return CheckIn(Outcome.ALREADY, delegate, attendance, message)


def undo_check_in(session: ProgrammeSession, delegate: Delegate) -> bool:
    """Take back a check-in; a walk-in's row goes entirely (they never
    enrolled). False when there was nothing to undo."""
    attendance = attendance_of(session, delegate)
    if attendance is None or attendance.checked_in_at is None:
        return False
    if is_walk_in(attendance):
        db.session.delete(attendance)
    else:
        attendance.checked_in_at = None
    db.session.flush()
    return True


def delegate_by_code(festival: Festival, typed: str) -> Delegate | None:
    """The festival's delegate whose check-in code this is, or None."""
    delegate_id = codes.delegate_id_from(typed)
    if delegate_id is None:
        return None
    return festival_delegate(festival, delegate_id)


def festival_delegate(festival: Festival, delegate_id: int) -> Delegate | None:
    """The festival's delegate with this id (city loaded), or None."""
    return db.session.scalar(
        sa.select(Delegate)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegate.id == delegate_id, Delegation.festival_id == festival.id)
        .options(joinedload(Delegate.delegation).joinedload(Delegation.city))
    )


def early_check_in_question(
    session: ProgrammeSession, delegate: Delegate, *, now: datetime | None = None
) -> str | None:
    """The question to ask before checking ``delegate`` in to ``session``
    more than :data:`DOORS_OPEN` before it starts (the wrong session, or
    tomorrow's, picked at the door), or None: no question when it is time,
    or when the check-in would be refused or was done already anyway."""
    if session.starts_at - DOORS_OPEN <= (now or utcnow()):
        return None
    if refusal(session, delegate) is not None:
        return None
    attendance = attendance_of(session, delegate)
    if attendance is not None and attendance.checked_in_at is not None:
        return None
    tz = session.festival.tz
    starts = session.starts_at.astimezone(tz)
    when = format_day(starts, short=True)
    return _(
        "“%(title)s” has not started yet: it starts on %(day)s at %(time)s. "
        "Check %(name)s in anyway?",
        title=session.title,
        day=when,
        time=format_clock(starts),
        name=who(delegate),
    )


def check_in_by_id(
    festival: Festival,
    session: ProgrammeSession,
    delegate_id: int,
    *,
    now: datetime | None = None,
    client_key: str | None = None,
) -> CheckIn:
    """Check in the festival's delegate ``delegate_id`` (a door device's
    upload names people by id): UNKNOWN when no such delegate is ours."""
    delegate = festival_delegate(festival, delegate_id)
    if delegate is None:
        return CheckIn(Outcome.UNKNOWN, message=_("No such delegate in this festival."))
    return check_in(session, delegate, now=now, client_key=client_key)


def check_in_by_code(festival: Festival, session: ProgrammeSession, typed: str) -> CheckIn:
    """Check in whoever ``typed`` (a scanned or typed code) belongs to."""
    delegate = delegate_by_code(festival, typed)
    if delegate is None:
        if codes.normalise(typed) is None:
            message = _(
                "“%(code)s” is not a check-in code: codes have 8 letters and digits, "
                "like ABCD-EFGH.",
                code=(typed or "").strip()[:40],
            )
        else:
            message = _(
                "No delegate of this festival has the code %(code)s. Check it and try again.",
                code=codes.grouped(codes.normalise(typed) or ""),
            )
        return CheckIn(Outcome.UNKNOWN, message=message)
    return check_in(session, delegate)
