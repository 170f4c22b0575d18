"""Who attended a session: the rule impression forms are sent by."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from festival.attendance.services import (
    allowed_in_session,
    attendee_counts_by_session,
    attendee_ids_by_session,
    attendees_of,
    distinct_attendee_count,
    kept_attendee_counts,
)
from festival.extensions import db
from festival.programme.eligibility import may_attend
from festival.programme.models import Audience, ProgrammeSession, SessionStatus
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation
from tests.factories import enrol, make_delegate, make_delegation, make_festival, make_session

CHECKED = datetime(2027, 6, 15, 1, 5, tzinfo=UTC)


def ids(delegates):
    return {d.id for d in delegates}


def test_without_check_in_the_confirmed_enrolled_delegates_attended(app):
    with app.app_context():
        festival = make_festival()
        parma = make_delegation(festival)
        confirmed = make_delegate(parma)
        other = make_delegate(parma, full_name="Aiko Sato")
        pending = make_delegate(parma, status=DelegateStatus.PENDING)
        cancelled = make_delegate(parma, status=DelegateStatus.CANCELLED)
        not_enrolled = make_delegate(parma)
        session = make_session(festival)
        for delegate in (confirmed, other, pending, cancelled):
            enrol(session, delegate)

        attendees = attendees_of(session)

        assert ids(attendees) == {confirmed.id, other.id}
        assert not_enrolled.id not in ids(attendees)
        assert attendees[0].full_name == "Aiko Sato"  # by name
        assert attendee_ids_by_session([session.id]) == {session.id: {confirmed.id, other.id}}


def test_once_anyone_is_checked_in_only_the_checked_in_attended(app):
    with app.app_context():
        festival = make_festival()
        parma = make_delegation(festival)
        came = make_delegate(parma)
        came_pending = make_delegate(parma, status=DelegateStatus.PENDING)
        stayed_away = make_delegate(parma)
        walk_in = make_delegate(parma)
        session = make_session(festival)
        enrol(session, came, checked_in_at=CHECKED)
        enrol(session, came_pending, checked_in_at=CHECKED)
        enrol(session, stayed_away)
        enrol(session, walk_in, enrolled_at=CHECKED, checked_in_at=CHECKED)

        assert ids(attendees_of(session)) == {came.id, came_pending.id, walk_in.id}


def test_cancelled_and_ineligible_delegates_never_count(app):
    with app.app_context():
        festival = make_festival()
        parma = make_delegation(festival)
        lyon = make_delegation(festival)
        mayor = make_delegate(parma, role=DelegateRole.MAYOR)
        interpreter = make_delegate(parma, role=DelegateRole.INTERPRETER)
        lyon_mayor = make_delegate(lyon, role=DelegateRole.MAYOR)
        cancelled_mayor = make_delegate(
            lyon, role=DelegateRole.DEPUTY_MAYOR, status=DelegateStatus.CANCELLED
        )
        forum = make_session(festival, audience=Audience.MAYORS)
        private = make_session(festival, audience=Audience.INVITED)
        private.invited_delegations.append(parma)
        # Enrolment rows that should not exist, but might (roles change):
        # the rule does not trust them.
        for delegate in (mayor, interpreter, cancelled_mayor):
            enrol(forum, delegate)
        for delegate in (mayor, lyon_mayor):
            enrol(private, delegate)
        checked = make_session(festival, audience=Audience.MAYORS)
        enrol(checked, interpreter, checked_in_at=CHECKED)
        enrol(checked, cancelled_mayor, checked_in_at=CHECKED)
        enrol(checked, mayor, checked_in_at=CHECKED)
        db.session.flush()

        assert ids(attendees_of(forum)) == {mayor.id}
        assert ids(attendees_of(private)) == {mayor.id}
        assert ids(attendees_of(checked)) == {mayor.id}


def test_a_cancelled_session_without_check_ins_had_no_attendees(app):
    with app.app_context():
        festival = make_festival()
        delegate = make_delegate(make_delegation(festival))
        session = make_session(festival, status=SessionStatus.CANCELLED)
        enrol(session, delegate)

        assert attendees_of(session) == []


def test_bulk_variant_answers_many_sessions_in_one_query(app, count_queries):
    with app.app_context():
        festival = make_festival()
        parma = make_delegation(festival)
        a, b, c = (make_delegate(parma) for _ in range(3))
        unchecked = make_session(festival)
        checked = make_session(festival)
        empty = make_session(festival)
        for delegate in (a, b):
            enrol(unchecked, delegate)
        enrol(checked, a)
        enrol(checked, c, checked_in_at=CHECKED)
        other_festival = make_session(make_festival())
        expected = {
            unchecked.id: {a.id, b.id},
            checked.id: {c.id},
            empty.id: set(),
            other_festival.id: set(),
        }
        db.session.commit()

        with count_queries() as statements:
            result = attendee_ids_by_session(list(expected))

        assert len(statements) == 1
        assert result == expected
        assert attendee_ids_by_session([]) == {}

        # The counted forms (pages that show how many, not who) agree, in one query each.
        with count_queries() as statements:
            counts = attendee_counts_by_session(list(expected))
            everyone = distinct_attendee_count(list(expected))
        assert len(statements) == 2
        assert counts == {session_id: len(ids) for session_id, ids in expected.items()}
        assert everyone == 3
        assert attendee_counts_by_session([]) == {} and distinct_attendee_count([]) == 0


def test_sql_rule_agrees_with_may_attend_for_every_audience(app):
    """allowed_in_session() must say exactly what eligibility.may_attend says."""
    import sqlalchemy as sa

    with app.app_context():
        festival = make_festival()
        other = make_festival()
        parma = make_delegation(festival)
        lyon = make_delegation(festival)
        abroad = make_delegation(other)
        delegates = [
            make_delegate(parma, role=DelegateRole.MAYOR),
            make_delegate(parma, role=DelegateRole.INTERPRETER),
            make_delegate(lyon, role=DelegateRole.DEPUTY_MAYOR),
            make_delegate(lyon, role=DelegateRole.CHEF, status=DelegateStatus.PENDING),
            make_delegate(lyon, role=DelegateRole.MAYOR, status=DelegateStatus.DECLINED),
            make_delegate(abroad, role=DelegateRole.MAYOR),
        ]
        sessions = [make_session(festival, audience=audience) for audience in Audience]
        for session in sessions:
            if session.audience == Audience.INVITED:
                session.invited_delegations.append(lyon)
        db.session.flush()

        rows = db.session.execute(
            sa.select(ProgrammeSession.id, Delegate.id)
            .join(Delegate, sa.true())  # every pair
            .where(allowed_in_session())
        )
        in_sql = set(rows)
        # The form for queries that join the delegate's delegation says the same.
        joined = db.session.execute(
            sa.select(ProgrammeSession.id, Delegate.id)
            .join(Delegate, sa.true())
            .join(Delegation, Delegation.id == Delegate.delegation_id)
            .where(allowed_in_session(delegation_joined=True))
        )
        in_python = {(s.id, d.id) for s in sessions for d in delegates if may_attend(s, d)}
        assert in_sql == in_python
        assert set(joined) == in_python
        assert len(in_python) > 5  # the check is not vacuous


def test_kept_counts_follow_every_change_the_rule_reads(app):
    # The impressions overview keeps its attendance counts per version of
    # what the rule reads: each change below is seen by the next count.
    with app.app_context():
        festival = make_festival()
        parma = make_delegation(festival)
        lyon = make_delegation(festival)
        aiko, marco = make_delegate(parma), make_delegate(parma)
        session = make_session(festival)
        other = make_session(festival)
        enrol(session, aiko)
        enrol(session, marco)
        enrol(other, aiko)
        enrol(other, marco)
        db.session.commit()

        def counted() -> int:
            return kept_attendee_counts([session.id, other.id])[session.id]

        assert counted() == 2 and kept_attendee_counts([]) == {}
        marco.status = DelegateStatus.CANCELLED  # the delegate
        db.session.commit()
        assert counted() == 1
        marco.status = DelegateStatus.CONFIRMED
        session.audience = Audience.MAYORS  # the session
        db.session.commit()
        assert counted() == 0
        session.audience = Audience.INVITED  # the invited delegations
        db.session.commit()
        assert counted() == 0
        session.invited_delegations.append(parma)
        db.session.commit()
        assert counted() == 2
        session.invited_delegations.remove(parma)
        session.invited_delegations.append(lyon)
        db.session.commit()
        assert counted() == 0
        session.audience = Audience.PUBLIC
        db.session.commit()
        assert counted() == 2
        # A check-in: only the checked in count now. Then an undo, and a
        # check-in in the other session synced later with an earlier time
        # (an offline door): as many check-ins, the same latest one.
        rows = {row.delegate_id: row for row in session.attendances}
        rows[aiko.id].checked_in_at = CHECKED
        elsewhere = {row.delegate_id: row for row in other.attendances}
        elsewhere[aiko.id].checked_in_at = CHECKED.replace(hour=2)
        db.session.commit()
        assert counted() == 1
        rows[aiko.id].checked_in_at = None
        elsewhere[marco.id].checked_in_at = CHECKED.replace(minute=0)
        db.session.commit()
        assert counted() == 2
        # A delegate removed: the database removes their enrolment too.
        db.session.execute(sa.delete(Delegate).where(Delegate.id == marco.id))
        db.session.commit()
        assert counted() == 1
