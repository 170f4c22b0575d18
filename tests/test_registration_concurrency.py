"""The quota holds under concurrency (PostgreSQL: real parallel transactions).

20 registrations race for the last 3 places of a delegation; exactly 3 win,
through the service and through the pages alike. Twenty people racing
to become head of the same delegation yield one head.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from festival import create_app
from festival.extensions import db
from festival.registration.models import Delegate, DelegateStatus
from festival.registration.services import RegistrationError, add_member
from tests import factories
from tests.conftest import AuthActions, CSRFClient
from tests.test_registration_support import accepted_invitation, head_form, member_form

RACERS = 20


@pytest.fixture
def racing_app(app, database_url):
    """A second app on the same database with a connection for every thread."""
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": RACERS + 2, "max_overflow": 0},
            "SERVER_URL": "http://festival.test",
            "RATELIMIT_ENABLED": False,
        }
    )
    other.test_client_class = CSRFClient
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def _delegation_with_head(app, quota: int) -> tuple[int, int]:
    with app.app_context():
        festival = factories.make_festival()
        delegation = factories.make_delegation(
            festival, deadline=datetime(2099, 1, 1, tzinfo=UTC), quota=quota
        )
        head = factories.make_delegate(delegation, is_head=True)
        db.session.commit()
        return delegation.id, head.id


def _active(app, delegation_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Delegate.id)).where(
                Delegate.delegation_id == delegation_id,
                Delegate.status.in_([DelegateStatus.PENDING, DelegateStatus.CONFIRMED]),
            )
        )


def _race(work: Any) -> list[Any]:
    start = threading.Barrier(RACERS)

    def run(i: int) -> Any:
        start.wait(timeout=30)
        return work(i)

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        return list(pool.map(run, range(RACERS)))


def test_twenty_service_calls_for_three_places_yield_three(postgres_only, app, racing_app):
    delegation_id, head_id = _delegation_with_head(app, quota=4)

    def register(i: int) -> str:
        with racing_app.app_context():
            try:
                head = db.session.get(Delegate, head_id)
                # The service takes what the form's delegate_values() gives:
                # the name in parts and joined.
                values = member_form(email=f"racer{i}@city.example", full_name=f"Racer {i}")
                add_member(head, {**values, "full_name": f"Racer {i}"})
                db.session.commit()
                return "added"
            except RegistrationError as error:
                db.session.rollback()
                return f"refused {error.status}"
            finally:
                db.session.remove()

    outcomes = Counter(_race(register))
    assert outcomes == {"added": 3, "refused 409": RACERS - 3}
    assert _active(app, delegation_id) == 4


def test_twenty_browsers_for_three_places_yield_three(postgres_only, app, racing_app):
    delegation_id, head_id = _delegation_with_head(app, quota=4)
    with app.app_context():
        head_user = db.session.get(Delegate, head_id).user_id
    # One sign-in, its session cookie copied into every browser (each new
    # sign-in would end the sessions before it).
    first = racing_app.test_client()
    AuthActions(racing_app, first).user(head_user)
    cookie = first.get_cookie("session")
    clients = []
    for _ in range(RACERS):
        client = racing_app.test_client()
        client.set_cookie("session", cookie.value, domain=cookie.domain)
        clients.append(client)

    def register(i: int) -> int:
        response = clients[i].post(
            "/my/delegation/members/new",
            data=member_form(email=f"browser{i}@city.example", full_name=f"Browser {i}"),
        )
        return response.status_code

    outcomes = Counter(_race(register))
    assert outcomes == {302: 3, 409: RACERS - 3}
    assert _active(app, delegation_id) == 4


def test_twenty_people_racing_to_be_head_yield_one_head(postgres_only, app, racing_app):
    invited = accepted_invitation(app, quota=3)

    def register(i: int) -> int:
        client = racing_app.test_client()
        response = client.post(invited.url, data=head_form(email=f"head{i}@city.example"))
        return response.status_code

    outcomes = Counter(_race(register))
    assert outcomes[302] == 1 and sum(outcomes.values()) == RACERS
    assert set(outcomes) <= {302, 200, 409}  # never a 500
    with app.app_context():
        heads = db.session.scalar(
            sa.select(sa.func.count(Delegate.id)).where(
                Delegate.delegation_id == invited.delegation_id, Delegate.is_head
            )
        )
    assert heads == 1
