"""Fixtures: the app on a migrated database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), a client that sends CSRF tokens like a browser,
a CLI runner, sign-in helpers, a query counter and a loopback SMTP server."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.engine import make_url

from festival import create_app
from festival.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def _postgres_url(name: str | None = None) -> sa.URL:
    url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    return url.set(database=name) if name else url


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database of each backend, built by running the migrations.

    On PostgreSQL each test run gets its own database, so parallel runs on
    one server do not trample each other.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        admin = None
        name = None
    else:
        name = f"festival_test_{secrets.token_hex(4)}"
        admin = sa.create_engine(_postgres_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = _postgres_url(name).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    try:
        yield url
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _empty_tables() -> None:
    tables = [t for t in db.metadata.sorted_tables]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(tables):
            db.session.execute(table.delete())
    db.session.commit()


class CSRFClient(FlaskClient):
    """A test client that, like a browser showing our forms, sends a valid
    CSRF token with every POST. Pass ``csrf=False`` to send none."""

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        method = kwargs.get("method", "GET").upper()
        if csrf and method in {"POST", "PUT", "PATCH", "DELETE"}:
            token = self.csrf_token()
            data = kwargs.get("data")
            if data is None:
                kwargs["data"] = {"csrf_token": token}
            elif isinstance(data, dict) and "csrf_token" not in data:
                kwargs["data"] = {**data, "csrf_token": token}
            headers = dict(kwargs.get("headers") or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The signed token Flask-WTF expects, for this client's session."""
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_URL": "http://festival.test",
            "SMTP_HOST": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.test_client_class = CSRFClient
    app.instance_path = str(tmp_path / "instance")
    yield app
    with app.app_context():
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def backend(database_url: str) -> str:
    """'sqlite' or 'postgresql': the database this test runs on."""
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture
def postgres_only(backend: str) -> None:
    """For behaviour only PostgreSQL shows (row locks under concurrency)."""
    if backend != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (.ci/run does)")


class AuthActions:
    """Sign in as an organiser (password) or a delegate (e-mailed link)."""

    def __init__(self, app: Flask, client: CSRFClient) -> None:
        self._app = app
        self._client = client

    def organiser(
        self, email: str = "organiser@example.org", password: str = "correct horse 1"
    ) -> None:
        from festival.auth.services import create_organiser, user_by_email

        with self._app.app_context():
            if user_by_email(email) is None:
                create_organiser(email, password)
                db.session.commit()
        response = self._client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.text

    def user(self, user_id: int) -> None:
        """Sign in as any user through a one-time link (the delegates' way)."""
        from festival.auth.models import User
        from festival.auth.services import issue_login_link

        with self._app.app_context():
            token = issue_login_link(db.session.get(User, user_id))
            db.session.commit()
        response = self._client.post(f"/login/link/{token}")
        assert response.status_code == 302, response.text

    def logout(self) -> None:
        self._client.post("/logout")


@pytest.fixture
def auth(app: Flask, client: CSRFClient) -> AuthActions:
    return AuthActions(app, client)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """``with count_queries() as statements:`` lists the SQL run inside."""

    @contextmanager
    def counter() -> Iterator[list[str]]:
        with app.app_context():
            engine = db.engine
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counter


class SMTPSink:
    """An SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.controller: Any = None
        self.port = 0

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                from email import message_from_bytes, policy

                sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
                return "250 OK"

        if not self.port:
            # aiosmtpd checks it is up by connecting to the port it was
            # given, so it needs a real one rather than 0.
            import socket

            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.port = self.controller.server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
            time.sleep(0.05)

    def recipients(self) -> list[str]:
        return [m["To"] for m in self.messages]


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[SMTPSink]:
    """A real SMTP server on 127.0.0.1; the app is configured to use it."""
    sink = SMTPSink()
    sink.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_TIMEOUT=5)
    yield sink
    sink.stop()
