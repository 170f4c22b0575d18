"""Accounts after the security review: signing in costs the same whoever
asks, a password change (on the My account page or from the command line)
and "sign out everywhere" end every other session and remember-me cookie,
private pages are kept out of caches, limits count per account too, the app
refuses a weak SECRET_KEY and a demo outside debug, and sign-in keeps
working when Redis is away."""

from __future__ import annotations

import logging
import re

import pytest
import sqlalchemy as sa

from festival import create_app
from festival.auth import services
from festival.auth.models import User
from festival.calendar.tokens import feed_token
from festival.extensions import db, limiter
from festival.outbox.models import OutboxMessage
from festival.outbox.services import queue_email
from tests.conftest import AuthActions, CSRFClient
from tests.factories import (
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
    make_session,
)

ORGANISER = "organiser@example.org"
PASSWORD = "correct horse 1"
NEW_PASSWORD = "a brand new passphrase"
REMEMBER = "remember_token"
NOT_RIGHT = "The e-mail or the password is not right."


@pytest.fixture
def organiser(app) -> str:
    with app.app_context():
        services.create_organiser(ORGANISER, PASSWORD)
        db.session.commit()
    return ORGANISER


def _sign_in(app, *, remember: bool = False, password: str = PASSWORD) -> CSRFClient:
    client = app.test_client()
    data = {"email": ORGANISER, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text
    return client


def _only_the_remember_cookie_of(app, client: CSRFClient) -> CSRFClient:
    """A browser that kept the remember-me cookie and lost its session."""
    cookie = client.get_cookie(REMEMBER)
    assert cookie is not None
    other = app.test_client()
    other.set_cookie(REMEMBER, cookie.value)
    return other


def _signed_in(client: CSRFClient) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200, response.status_code
    return True


# --- 6. signing in costs the same for an unknown address ------------------------


def test_an_unknown_address_costs_a_password_check_and_gets_the_same_answer(
    app, client, organiser, monkeypatch
):
    with app.app_context():
        make_delegate(make_delegation(make_festival()), email="mayor@city.example")
        db.session.commit()
    checked: list[str] = []
    real_check = services.check_password_hash

    def spy(stored: str, password: str) -> bool:
        checked.append(stored)
        return real_check(stored, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    answers = {}
    for email in ("nobody@example.org", "mayor@city.example", ORGANISER):
        response = client.post("/login", data={"email": email, "password": "a wrong guess"})
        answers[email] = (response.status_code, NOT_RIGHT in response.text)
    # One hash checked each time: a dummy one for the unknown address and for
    # the delegate without a password, the real one for the organiser.
    assert len(checked) == 3
    assert checked[0] == checked[1] != checked[2]
    assert set(answers.values()) == {(401, True)}


# --- 7. My account: change password, sign out everywhere ------------------------


def test_the_header_links_my_account_for_organisers(app, client, auth, organiser):
    auth.organiser()
    dashboard = client.get("/organiser/")
    assert dashboard.status_code == 200
    assert 'href="/account"' in dashboard.text
    page = client.get("/account")
    assert 'href="/account" aria-current="page"' in page.text
    assert "Change password" in page.text and "Sign out everywhere" in page.text


def test_my_account_is_for_organisers_only(app, client, auth):
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with app.app_context():
        delegate = make_delegate(make_delegation(make_festival()))
        db.session.commit()
        user_id = delegate.user_id
    auth.user(user_id)
    assert client.get("/account").status_code == 404
    assert client.post("/account/sign-out-everywhere").status_code == 404


def test_a_wrong_current_password_is_an_error_at_its_field(app, organiser):
    client = _sign_in(app)
    response = client.post(
        "/account",
        data={
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    error = re.search(r'id="current_password-error"[^>]*>([^<]*)<', response.text)
    assert error and "This is not your current password." in error.group(1)
    # Nothing changed: the old password still signs in.
    _sign_in(app)


@pytest.mark.parametrize(
    ("new", "again", "field", "message"),
    [
        ("short", "short", "new_password", "Use at least 12 characters."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again", "are not the same"),
    ],
)
def test_a_new_password_too_short_or_not_repeated_is_refused(
    app, organiser, new, again, field, message
):
    client = _sign_in(app)
    response = client.post(
        "/account",
        data={"current_password": PASSWORD, "new_password": new, "new_password_again": again},
    )
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', response.text)
    assert error and message in error.group(1)
    _sign_in(app)


def test_a_password_change_ends_every_other_session_and_remember_me_cookie(app, organiser):
    here = _sign_in(app, remember=True)
    elsewhere = _sign_in(app)
    remembered = _only_the_remember_cookie_of(app, _sign_in(app, remember=True))
    assert _signed_in(elsewhere) and _signed_in(remembered)

    response = here.post(
        "/account",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    # This browser stays signed in, with a remember-me cookie that still works.
    assert _signed_in(here)
    assert _signed_in(_only_the_remember_cookie_of(app, here))
    # Every other one is signed out, the remembered one too.
    assert not _signed_in(elsewhere)
    assert not _signed_in(remembered)
    # The new password signs in; the old one no longer does.
    _sign_in(app, password=NEW_PASSWORD)
    old = app.test_client().post("/login", data={"email": ORGANISER, "password": PASSWORD})
    assert old.status_code == 401


def test_a_password_reset_from_the_command_line_ends_every_session(app, runner, organiser):
    signed_in = _sign_in(app)
    remembered = _only_the_remember_cookie_of(app, _sign_in(app, remember=True))
    assert _signed_in(signed_in) and _signed_in(remembered)
    result = runner.invoke(args=["create-organiser", ORGANISER, "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert not _signed_in(signed_in)
    assert not _signed_in(remembered)
    _sign_in(app, password=NEW_PASSWORD)


def test_sign_out_everywhere_ends_every_session_this_one_too(app, organiser):
    here = _sign_in(app)
    elsewhere = _sign_in(app)
    remembered = _only_the_remember_cookie_of(app, _sign_in(app, remember=True))
    response = here.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not any(_signed_in(c) for c in (here, elsewhere, remembered))
    _sign_in(app)  # the password still works


# --- 8. private pages are kept out of caches -------------------------------------


@pytest.fixture
def private_pages(app) -> dict[str, object]:
    with app.app_context():
        festival = make_festival(slug="cached")
        session = make_session(festival)
        delegation = make_delegation(festival)
        delegate = make_delegate(delegation, is_head=True)
        _invitation, invitation_token = make_invitation(festival)
        message = queue_email(
            key="cache-test",
            recipient="someone@example.org",
            subject="Your sign-in link",
            template="login_link",
            category="login",
            url="http://festival.test/login/link/" + "t" * 43,
            minutes=30,
        )
        link_token = services.issue_login_link(db.session.get(User, delegate.user_id))
        db.session.commit()
        return {
            "delegate_user_id": delegate.user_id,
            "feed": feed_token(app.secret_key, delegate.id, delegate.feed_secret),
            "organiser_pages": [
                f"/organiser/festivals/cached/delegates/{delegate.id}",
                f"/organiser/festivals/cached/delegations/{delegation.id}",
                f"/organiser/festivals/cached/delegates/{delegate.id}/visa-letter",
                f"/organiser/festivals/cached/delegations/{delegation.id}/visa-letters",
                f"/organiser/outbox/{message.id}",
                "/organiser/outbox/",
                "/account",
            ],
            "token_pages": [f"/invitations/{invitation_token}", f"/login/link/{link_token}"],
            "public_pages": [
                "/",
                "/festivals/cached/programme",
                f"/festivals/cached/sessions/{session.id}",
            ],
        }


def _no_store(client: CSRFClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 410), (path, response.status_code)
    assert response.headers.get("Cache-Control") == "no-store", path


def test_every_page_behind_a_sign_in_or_a_secret_link_is_no_store(
    app, client, auth, organiser, private_pages
):
    anonymous = app.test_client()
    for path in private_pages["token_pages"]:
        _no_store(anonymous, path)
    _no_store(anonymous, "/login/link/" + "x" * 43)  # an unknown link: 410
    for path in private_pages["public_pages"]:
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
    public_feed = anonymous.get("/festivals/cached/programme.ics")
    assert public_feed.headers["Cache-Control"].startswith("public")

    delegate = app.test_client()
    AuthActions(app, delegate).user(private_pages["delegate_user_id"])
    for path in ("/my/itinerary", "/my/programme", "/my/delegation", "/my/details"):
        _no_store(delegate, path)
    # Whoever is signed in gets no-store on every page made for them.
    _no_store(delegate, "/festivals/cached/programme")

    auth.organiser()
    for path in private_pages["organiser_pages"]:
        _no_store(client, path)


def test_a_browser_signed_in_by_its_remember_me_cookie_alone_gets_no_store(
    app, organiser, private_pages
):
    """No session yet, only the remember-me cookie: the first page already
    knows who is there and stays out of caches, public pages too."""
    for path in ("/festivals/cached/programme", "/", private_pages["organiser_pages"][0]):
        remembered = _only_the_remember_cookie_of(app, _sign_in(app, remember=True))
        _no_store(remembered, path)


def test_the_personal_feed_is_private_and_revalidated_each_time(app, client, private_pages):
    path = f"/feeds/{private_pages['feed']}.ics"
    first = client.get(path)
    assert first.status_code == 200
    # Out of shared caches; the device asks again every time (an ETag makes
    # that a 304), so a renewed link or a moved session shows at once.
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "private, no-cache"


# --- 9. limits per account; weak keys and demo data refused ----------------------


def test_one_account_is_limited_whatever_address_the_requests_come_from(database_url):
    """Behind a proxy (PROXY_COUNT=1) an attacker picks their X-Forwarded-For:
    a new address per guess. The per-account count stops them anyway."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "account-limit-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "3 per minute",
            "PROXY_COUNT": 1,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()

    def attempt(path: str, email: str, address: str) -> int:
        return client.post(
            path,
            data={"email": email, "password": "guess"},
            headers={"X-Forwarded-For": address},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ).status_code

    try:
        for path in ("/login", "/login/link"):
            codes = [attempt(path, "target@example.org", f"198.51.100.{n}") for n in range(1, 5)]
            assert codes[-1] == 429, (path, codes)
            # The same e-mail in another case is the same account.
            assert attempt(path, "Target@Example.org ", "198.51.100.50") == 429
            # Another account, from one of those addresses, is not locked out.
            assert attempt(path, "someone@example.org", "198.51.100.1") != 429
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("key", ["short", "x" * 31])
def test_a_short_secret_key_is_refused_outside_debug(monkeypatch, key):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY is too short"):
        create_app({"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    # In tests and debug runs a short key is the developer's business.
    assert create_app({"SECRET_KEY": key, "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert create_app({"SECRET_KEY": "y" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_without_redis_outside_debug_the_app_says_its_limits_are_per_process(monkeypatch, caplog):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    config = {"SECRET_KEY": "z" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with caplog.at_level(logging.WARNING, logger="festival.core.ratelimits"):
        create_app({**config, "RATELIMIT_STORAGE_URI": "memory://"})
    assert "each process counts sign-in attempts on its own" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="festival.core.ratelimits"):
        create_app({**config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    assert "each process" not in caplog.text


def _production_app(database_url: str):
    return create_app({"SECRET_KEY": "p" * 40, "SQLALCHEMY_DATABASE_URI": database_url})


def test_the_demo_refuses_to_load_outside_debug_without_the_flag(database_url, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = _production_app(database_url)
    result = app.test_cli_runner().invoke(args=["demo", "--cities", "3"])
    assert result.exit_code != 0
    assert "--outside-debug" in result.output
    with app.app_context():
        assert services.user_by_email("organiser@festival.example") is None
        db.session.remove()
        db.engine.dispose()


def test_the_demo_prints_a_random_organiser_password_that_signs_in(app, runner, client):
    args = ["demo", "--cities", "4", "--delegates", "6", "--sessions", "4"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    found = re.search(r"(\S+@festival\.example) / password: (\S+)", result.output)
    assert found, result.output
    email, password = found.groups()
    assert password != "demo-organiser-2027" and len(password) >= 12
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302


# --- 10. Redis away: sign-in still works ------------------------------------------


CLOSED_REDIS = "redis://127.0.0.1:1/0"


def test_with_redis_away_sign_in_links_and_public_pages_still_work(
    app, database_url, monkeypatch, caplog
):
    # The data goes in through the usual app (which empties the tables after).
    with app.app_context():
        services.create_organiser(ORGANISER, PASSWORD)
        festival = make_festival(slug="no-redis")
        session = make_session(festival)
        make_delegate(make_delegation(festival), email="mayor@city.example")
        db.session.commit()
        session_id = session.id
    # The limiter is one object for every app in this process: leave it as found.
    monkeypatch.setattr(limiter, "_storage_dead", False)
    redis_away = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "redis-away-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": CLOSED_REDIS,
            "RATELIMIT_STORAGE_URI": CLOSED_REDIS,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "SERVER_URL": "http://festival.test",
        }
    )
    redis_away.test_client_class = CSRFClient
    try:
        client = redis_away.test_client()
        with caplog.at_level(logging.WARNING):
            signed_in = client.post("/login", data={"email": ORGANISER, "password": PASSWORD})
        assert signed_in.status_code == 302, signed_in.text
        assert "rate limits:" in caplog.text and "in-memory" in caplog.text
        assert client.get("/organiser/").status_code == 200

        anonymous = redis_away.test_client()
        link = anonymous.post("/login/link", data={"email": "mayor@city.example"})
        assert link.status_code == 302
        with redis_away.app_context():
            queued = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        assert queued == ["mayor@city.example"]
        for path in (
            "/",
            "/privacy",
            "/login",
            "/login/link",
            "/festivals/no-redis/programme",
            f"/festivals/no-redis/sessions/{session_id}",
            "/festivals/no-redis/programme.ics",
            f"/festivals/no-redis/sessions/{session_id}.ics",
            "/festivals/no-redis/schedule.json",
            "/festivals/no-redis/schedule.xml",
        ):
            assert anonymous.get(path).status_code == 200, path
        # The limits still hold, counted in this process's memory meanwhile.
        codes = [
            anonymous.post("/login", data={"email": "x@example.org", "password": "guess"})
            for _ in range(4)
        ]
        assert codes[-1].status_code == 429
        health = anonymous.get("/healthz")
        assert health.status_code == 200
        assert health.json == {"status": "ok", "database": "ok", "redis": "degraded"}
    finally:
        with redis_away.app_context():
            db.session.remove()
            db.engine.dispose()
