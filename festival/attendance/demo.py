"""Demo data: check-ins at the door of the sessions that have begun.

Most past sessions had their door staffed: about 85% of the enrolled came,
a few eligible delegates walked in without enrolling. Some had nobody at
the door, so their confirmed enrolled delegates count as attendees: the
demo shows both cases of the rule in festival.attendance.services.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from festival.demo import DemoContext
from festival.extensions import db
from festival.programme.eligibility import allowed_in_session
from festival.programme.models import Attendance, Audience, ProgrammeSession, SessionStatus
from festival.registration.models import Delegate, DelegateStatus, Delegation

DOOR_STAFFED = 0.8  # share of begun sessions where check-in was taken
SHOWED_UP = 0.85  # share of the enrolled who came
WALK_INS = 3  # at most, per open session


def _begun_sessions(ctx: DemoContext) -> list[Any]:
    assert ctx.festival is not None
    return list(
        db.session.execute(
            sa.select(
                ProgrammeSession.id,
                ProgrammeSession.starts_at,
                ProgrammeSession.ends_at,
                ProgrammeSession.audience,
            )
            .where(
                ProgrammeSession.festival_id == ctx.festival.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
                ProgrammeSession.starts_at <= ctx.now,
            )
            .order_by(ProgrammeSession.id)
        )
    )


def _eligible_enrolments(session_ids: list[int]) -> dict[int, list[int]]:
    """{session id: attendance ids of its enrolled, still-eligible delegates}."""
    rows = db.session.execute(
        sa.select(Attendance.session_id, Attendance.id)
        .join(ProgrammeSession, ProgrammeSession.id == Attendance.session_id)
        .join(Delegate, Delegate.id == Attendance.delegate_id)
        .where(Attendance.session_id.in_(session_ids), allowed_in_session())
        .order_by(Attendance.id)
    )
    result: dict[int, list[int]] = {}
    for session_id, attendance_id in rows:
        result.setdefault(session_id, []).append(attendance_id)
    return result


def seed(ctx: DemoContext) -> str:
    if ctx.festival is None:
        return "no festival"
    rng = ctx.rng
    # The earlier steps bulk-loaded every table: give the planner statistics
    # before querying across them (and for the steps after this one).
    db.session.execute(sa.text("ANALYZE"))
    begun = [s for s in _begun_sessions(ctx) if rng.random() < DOOR_STAFFED]
    if not begun:
        return "no session has begun: no check-ins"
    enrolments = _eligible_enrolments([s.id for s in begun])
    enrolled_pairs = {
        (session_id, delegate_id)
        for session_id, delegate_id in db.session.execute(
            sa.select(Attendance.session_id, Attendance.delegate_id).where(
                Attendance.session_id.in_([s.id for s in begun])
            )
        )
    }
    walk_in_pool = list(
        db.session.scalars(
            sa.select(Delegate.id)
            .join(Delegation, Delegation.id == Delegate.delegation_id)
            .where(
                Delegation.festival_id == ctx.festival.id,
                Delegate.status == DelegateStatus.CONFIRMED,
            )
            .order_by(Delegate.id)
        )
    )
    updates: list[dict[str, Any]] = []
    walk_ins: list[dict[str, Any]] = []
    for session in begun:
        # A session on now is still filling up.
        share = SHOWED_UP if session.ends_at <= ctx.now else SHOWED_UP * 0.7
        span = max(int((min(session.ends_at, ctx.now) - session.starts_at).total_seconds()), 60)
        for attendance_id in enrolments.get(session.id, []):
            if rng.random() < share:
                minutes = rng.triangular(-20, min(span / 60, 30), -5)
                at = session.starts_at + timedelta(minutes=minutes)
                updates.append({"row_id": attendance_id, "at": min(at, ctx.now)})
        open_to_all = session.audience in (Audience.PUBLIC, Audience.DELEGATES)
        if open_to_all and walk_in_pool:
            for _ in range(rng.randint(0, WALK_INS)):
                delegate_id = rng.choice(walk_in_pool)
                if (session.id, delegate_id) in enrolled_pairs:
                    continue
                enrolled_pairs.add((session.id, delegate_id))
                at = min(session.starts_at + timedelta(minutes=rng.randint(0, 15)), ctx.now)
                walk_ins.append(
                    {
                        "session_id": session.id,
                        "delegate_id": delegate_id,
                        "enrolled_at": at,  # walk-ins: enrolled the instant they came
                        "checked_in_at": at,
                    }
                )
    table = Attendance.__table__
    if updates:
        db.session.execute(
            table.update()
            .where(table.c.id == sa.bindparam("row_id"))
            .values(checked_in_at=sa.bindparam("at")),
            updates,
        )
    if walk_ins:
        db.session.execute(table.insert(), walk_ins)
    return (
        f"{len(updates) + len(walk_ins)} check-ins ({len(walk_ins)} walk-ins) "
        f"at {len(begun)} sessions"
    )
