"""The demo's check-ins: plausible, only where the rules allow, never ahead of time."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from festival.attendance import demo
from festival.demo import DemoContext
from festival.extensions import db
from festival.programme.models import Attendance, Audience
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import enrol, make_delegate, make_delegation, make_festival, make_session

NOW = datetime(2027, 6, 15, 6, 0, tzinfo=UTC)


def test_demo_checks_in_the_eligible_at_sessions_that_began(app):
    with app.app_context():
        festival = make_festival()
        delegates = []
        for _ in range(6):
            delegation = make_delegation(festival)
            delegates.append(make_delegate(delegation, role=DelegateRole.MAYOR))
            delegates += [make_delegate(delegation) for _ in range(3)]
        cancelled = make_delegate(delegation, status=DelegateStatus.CANCELLED)
        past = [
            make_session(festival, starts_at=NOW - timedelta(hours=h), title=f"Past {h}")
            for h in range(2, 12)
        ]
        forums = [
            make_session(festival, starts_at=NOW - timedelta(hours=h), audience=Audience.MAYORS)
            for h in (3, 5, 7, 9)
        ]
        future = make_session(festival, starts_at=NOW + timedelta(hours=2))
        for session in [*past, future]:
            for delegate in [*delegates, cancelled]:
                enrol(session, delegate)
        for forum in forums:
            for delegate in delegates:  # everyone enrolled in the forums, wrongly
                enrol(forum, delegate)
        db.session.flush()

        summary = demo.seed(
            DemoContext(
                rng=random.Random(1), cities=0, delegates=0, sessions=0, now=NOW, festival=festival
            )
        )
        rows = db.session.scalars(
            sa.select(Attendance).where(Attendance.checked_in_at.is_not(None))
        ).all()

        assert "check-ins" in summary
        assert len(rows) > 50
        assert all(row.checked_in_at <= NOW for row in rows)
        assert not any(row.session_id == future.id for row in rows)
        assert not any(row.delegate_id == cancelled.id for row in rows)
        forum_ids = {forum.id for forum in forums}
        forum_rows = [row for row in rows if row.session_id in forum_ids]
        assert forum_rows and all(row.delegate.is_confirmed_mayor for row in forum_rows)
        checked_sessions = {row.session_id for row in rows}
        assert len(checked_sessions) < len(past) + len(forums)  # some doors were not staffed
