"""Sign-in is rate-limited: password attempts, sign-in link requests and
uses of sign-in links (the limit is LOGIN_RATE_LIMIT, per client address,
and per account named in the form);
the answer is a friendly 429 page, and no e-mail leaves past the limit."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival import create_app
from festival.auth.services import create_organiser
from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox.models import OutboxMessage
from tests.factories import make_delegate, make_delegation, make_festival

ORGANISER = "organiser@example.org"
PASSWORD = "correct horse 1"
LIMIT = 3


@pytest.fixture
def limited(app):
    app.config["LOGIN_RATE_LIMIT"] = f"{LIMIT} per minute"
    with app.app_context():
        create_organiser(ORGANISER, PASSWORD)
        delegate = make_delegate(make_delegation(make_festival()), email="mayor@city.example")
        db.session.commit()
        return {"delegate_email": delegate.email}


def _friendly_429(response) -> None:
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert "Please wait a minute" in response.text
    assert int(response.headers["Retry-After"]) > 0
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def _login_links_queued(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.category == "login")
        )


def test_password_attempts_are_limited_even_with_the_right_password(app, client, limited):
    for _ in range(LIMIT):
        wrong = client.post("/login", data={"email": ORGANISER, "password": "guess"})
        assert wrong.status_code == 401
    response = client.post("/login", data={"email": ORGANISER, "password": PASSWORD})
    _friendly_429(response)
    # Reading the page is not limited; the next minute, signing in works.
    assert client.get("/login").status_code == 200
    with time_machine.travel(utcnow() + timedelta(seconds=61)):
        response = client.post("/login", data={"email": ORGANISER, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_link_requests_are_limited_and_send_nothing_past_the_limit(app, client, limited):
    for _ in range(LIMIT):
        response = client.post("/login/link", data={"email": limited["delegate_email"]})
        assert response.status_code == 302
    assert _login_links_queued(app) == LIMIT
    response = client.post("/login/link", data={"email": limited["delegate_email"]})
    _friendly_429(response)
    assert _login_links_queued(app) == LIMIT


def test_guessing_sign_in_links_is_limited(app, client, limited):
    for _ in range(LIMIT):
        guess = client.post(f"/login/link/{secrets.token_urlsafe(32)}")
        assert guess.status_code == 410
    _friendly_429(client.post(f"/login/link/{secrets.token_urlsafe(32)}"))


def test_the_limit_is_per_client_address(app, client, limited):
    # Guesses at another account: the limit also counts per account
    # (tests/test_security_accounts.py), and this is about the address.
    for _ in range(LIMIT + 1):
        client.post("/login", data={"email": "someone@example.org", "password": "guess"})
    other = app.test_client()
    response = other.post(
        "/login",
        data={"email": ORGANISER, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 302


def test_behind_a_proxy_each_client_has_its_own_limit(database_url):
    """With PROXY_COUNT=1 the address comes from X-Forwarded-For; without it
    every visitor would share the proxy's address, and one person's failed
    attempts would lock everybody out."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "proxy-test-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
            "PROXY_COUNT": 1,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def attempt(address: str, email: str = "nobody@example.org") -> int:
        return client.post(
            "/login",
            data={"email": email, "password": "guess"},
            headers={"X-Forwarded-For": address},
            environ_base=proxy,
        ).status_code

    assert [attempt("198.51.100.1") for _ in range(LIMIT + 1)][-1] == 429
    # Another visitor is not locked out (with another account: the limit
    # also counts per account, whatever the address).
    assert attempt("198.51.100.2", "somebody@example.org") == 401
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="set TEST_REDIS_URL (.ci/run does)")
def test_with_redis_the_count_outlives_the_process_that_kept_it(database_url):
    """Several app servers share Redis: a server started afresh (a new
    storage, nothing in memory) still refuses the attempt past the limit."""
    prefix = f"festival-test-{secrets.token_hex(4)}"

    def server():
        return create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "redis-test-" + "x" * 32,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "RATELIMIT_STORAGE_URI": REDIS_URL,
                "RATELIMIT_KEY_PREFIX": prefix,
                "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
                "WTF_CSRF_ENABLED": False,
            }
        )

    def attempt(app) -> int:
        data = {"email": "nobody@example.org", "password": "guess"}
        return app.test_client().post("/login", data=data).status_code

    first = server()
    assert [attempt(first) for _ in range(LIMIT)] == [401] * LIMIT
    second = server()
    assert attempt(second) == 429
    for app in (first, second):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
