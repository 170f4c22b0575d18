"""Fixtures: the app on a migrated database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), a client that sends CSRF tokens like a browser,
a CLI runner, sign-in helpers, a query counter, a loopback SMTP server and
Playwright (for the browser tests).

The app is built once per database and put back as it was after each test
(tests/support/app_state.py); its tables are emptied after each test. The
helpers behind these fixtures live in tests/support/.
"""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from jinja2 import FileSystemBytecodeCache
from sqlalchemy.engine import make_url

from festival import create_app
from festival.extensions import db
from tests.support.app_state import PristineApp
from tests.support.browser import SHARED as SHARED_PLAYWRIGHT
from tests.support.clients import AuthActions, CSRFClient
from tests.support.database import empty_tables
from tests.support.queries import recorded_statements
from tests.support.smtp import SMTPSink

# Tests import these from here too.
__all__ = ["AuthActions", "CSRFClient", "SMTPSink"]

# Python's cycle collector runs after every 700 net allocations and, every
# hundred runs, walks every object the process holds: the app, SQLAlchemy's
# mappers, the tests collected. The suite lets 50,000 allocations pass
# between runs, and after collection moves what exists out of the
# collector's sight (gc.freeze): about a seventh of the suite's CPU. Cycles
# made by the tests are still collected.
gc.set_threshold(50_000, 20, 20)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``markup_only`` run on one database, the production one
    when it is there: they read what the browser draws (axe's audit, a
    phone's layout), which is the same page on either, and each costs the
    browser tens of seconds of CPU."""
    chosen = BACKENDS[-1]
    drop = [
        item
        for item in items
        if item.get_closest_marker("markup_only")
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("database_url", chosen) != chosen
    ]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = [item for item in items if item not in drop]


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if TEST_DATABASE_URL else [])


def _postgres_url(name: str | None = None) -> sa.URL:
    url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    return url.set(database=name) if name else url


# scrypt at werkzeug's default cost (N=2**15) takes 0.15 s of CPU and 32 MiB
# per hash, so every organiser signed in cost 0.3 s. The tests hash with
# scrypt at N=2**7, the least OpenSSL accepts within werkzeug's memory bound:
# the same code paths and checks (Django's own docs advise a cheap hasher in
# tests); production keeps the default. (At N=2**10 a sign-in still spent
# 5 ms of its 15 in scrypt, hundreds of times a run.)
TEST_PASSWORD_HASH_METHOD = "scrypt:128:8:1"


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Every generate_password_hash() without a method hashes cheaply."""
    import werkzeug.security

    hasher = werkzeug.security.generate_password_hash
    defaults = hasher.__defaults__
    assert defaults is not None and defaults[0] == "scrypt", defaults
    hasher.__defaults__ = (TEST_PASSWORD_HASH_METHOD, *defaults[1:])
    try:
        yield
    finally:
        hasher.__defaults__ = defaults


def _memory_backed_dir() -> Path | None:
    """A new folder in memory (/dev/shm) where the machine has one, for the
    SQLite file: each commit's fsync to a disk costs tens of milliseconds.
    Folders left by runs that were killed (their process is gone) go first."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        return None
    for left in shm.glob("festival-test-*-*"):
        pid = left.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(left, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"festival-test-{os.getpid()}-", dir=shm))


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database of each backend, built by running the migrations.

    On PostgreSQL each test run gets its own database, so parallel runs on
    one server do not trample each other.
    """
    in_memory = None
    if request.param == "sqlite":
        in_memory = _memory_backed_dir()
        url = f"sqlite:///{(in_memory or tmp_path_factory.mktemp('db')) / 'test.db'}"
        admin = None
        name = None
    else:
        name = f"festival_test_{secrets.token_hex(4)}"
        admin = sa.create_engine(_postgres_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            # A throw-away database need not wait for the disk at each commit.
            connection.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        url = _postgres_url(name).render_as_string(hide_password=False)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    try:
        yield url
    finally:
        if in_memory is not None:
            shutil.rmtree(in_memory, ignore_errors=True)
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _empty_tables() -> None:
    empty_tables()


@pytest.fixture(scope="session")
def _shared_app(database_url: str, run_folder: Path) -> Iterator[PristineApp]:
    """One app per database for the whole run, with its state as built.

    Its templates are compiled once per run, not once per app: Jinja keeps
    the compiled code in the run's shared folder (checked against each
    template's source), where the other apps and workers find it. Compiling
    the hundred-odd templates costs each app a few seconds of CPU.
    """
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
    compiled = run_folder / "compiled-templates"
    compiled.mkdir(exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(compiled))
    yield PristineApp(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_shared_app: PristineApp, tmp_path: Path) -> Iterator[Flask]:
    """The app on empty tables, configured as built; what the test changes
    (config, caches, rate-limit counts, rows) is undone after it."""
    # A test before this one may have built an app of its own, which
    # re-configured the rate limiter that every app shares.
    _shared_app.restore()
    app = _shared_app.app
    app.instance_path = str(tmp_path / "instance")
    yield app
    try:
        with app.app_context():
            db.session.rollback()
            _empty_tables()
            db.session.remove()
    finally:
        _shared_app.restore()


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every process of this run shares (xdist's workers each have
    a folder of their own inside it), for work done once per run."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


@pytest.fixture
def backend(database_url: str) -> str:
    """'sqlite' or 'postgresql': the database this test runs on."""
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture
def postgres_only(backend: str) -> None:
    """For behaviour only PostgreSQL shows (row locks under concurrency)."""
    if backend != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (.ci/run does)")


@pytest.fixture
def auth(app: Flask, client: CSRFClient) -> AuthActions:
    return AuthActions(app, client)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with count_queries() as statements:`` lists the SQL run inside."""
    return lambda: recorded_statements(app)


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[SMTPSink]:
    """A real SMTP server on 127.0.0.1; the app is configured to use it."""
    sink = SMTPSink()
    sink.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port, SMTP_TIMEOUT=5)
    yield sink
    sink.stop()


@pytest.fixture
def playwright() -> Any:
    """Playwright's sync API, shared by the browser tests that follow one
    another (tests/support/browser.py); skipped where Chromium is missing."""
    return SHARED_PLAYWRIGHT.playwright()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Stop Playwright before a test that does not drive a browser: while it
    runs, asyncio.run() in this thread would fail."""
    if "playwright" not in getattr(item, "fixturenames", ()):
        SHARED_PLAYWRIGHT.stop()


def pytest_sessionfinish(session: pytest.Session) -> None:
    SHARED_PLAYWRIGHT.stop()
