"""Two door staff scan the same badge at the same instant (PostgreSQL):
one check-in is recorded, the other hears "already", nobody gets an error."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from festival.attendance import services
from festival.extensions import db
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import Delegate
from tests.factories import enrol, make_delegate, make_delegation, make_festival, make_session


def _race(app, monkeypatch, session_id: int, delegate_id: int) -> list[services.Outcome]:
    """Run check_in twice in parallel, both past their first read before
    either writes (a barrier after the first attendance_of of each thread)."""
    barrier = threading.Barrier(2, timeout=10)
    original = services.attendance_of
    seen = threading.local()

    def attendance_of(session, delegate):
        row = original(session, delegate)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return row

    monkeypatch.setattr(services, "attendance_of", attendance_of)
    outcomes: list[services.Outcome] = []
    errors: list[BaseException] = []

    def door() -> None:
        try:
            with app.test_request_context():  # messages are translated
                session = db.session.get(ProgrammeSession, session_id)
                delegate = db.session.get(Delegate, delegate_id)
                delegate.delegation.city  # noqa: B018 (load before the race)
                outcomes.append(services.check_in(session, delegate).outcome)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=door) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return outcomes


@pytest.mark.parametrize("enrolled", [True, False], ids=["enrolled", "walk-in"])
def test_simultaneous_scans_record_one_check_in(app, postgres_only, monkeypatch, enrolled):
    with app.app_context():
        festival = make_festival()
        delegate = make_delegate(make_delegation(festival))
        session = make_session(festival)
        if enrolled:
            enrol(session, delegate)
        db.session.commit()
        session_id, delegate_id = session.id, delegate.id

    outcomes = _race(app, monkeypatch, session_id, delegate_id)

    first = services.Outcome.CHECKED_IN if enrolled else services.Outcome.WALK_IN
    assert sorted(outcomes) == sorted([first, services.Outcome.ALREADY])
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id == session_id, Attendance.delegate_id == delegate_id
            )
        ).all()
        assert len(rows) == 1 and rows[0].checked_in_at is not None
