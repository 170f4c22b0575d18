"""Secret links never reach a log: not the app's, not Werkzeug's development
server's, not gunicorn's access log; and browsers are told not to send them
on in a Referer header."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from festival.core.logs import RedactSecretLinks, redact
from tests.test_hostile_input_support import World, build_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(app) -> World:
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return build_world(app)


def _secret_urls(world: World) -> dict[str, str]:
    """One URL per kind of secret link, with the secret in it."""
    invitation = world.tokens["invitations.respond"][0]
    impression = world.tokens["impressions.answer"][0]
    return {
        invitation: f"/invitations/{invitation}",
        impression: f"/impressions/{impression}",
        world.feed_token: f"/feeds/{world.feed_token}.ics",
        world.login_token: f"/login/link/{world.login_token}",
    }


def _leaks(records: list[logging.LogRecord], secrets: list[str]) -> list[str]:
    found = []
    for record in records:
        text = record.getMessage() + (record.exc_text or "")
        found += [f"{record.name}: {text[:160]}" for s in secrets if s in text]
    return found


def test_the_redaction_keeps_what_was_asked_for_but_not_the_secret():
    line = 'GET /feeds/12-abcdef.ics HTTP/1.1" 200 "https://x.example/invitations/s3cr3t_-x?y=1"'
    assert redact(line) == (
        'GET /feeds/[token].ics HTTP/1.1" 200 "https://x.example/invitations/[token]?y=1"'
    )
    assert redact("POST /login/link/AbC-_9 HTTP/1.1") == "POST /login/link/[token] HTTP/1.1"
    assert redact("GET /impressions/AbC HTTP/1.1") == "GET /impressions/[token] HTTP/1.1"
    # Pages that carry no secret are left alone.
    assert redact("GET /festivals/x/programme.ics") == "GET /festivals/x/programme.ics"
    assert redact("POST /login/link HTTP/1.1") == "POST /login/link HTTP/1.1"


def test_the_redaction_sees_through_percent_encoding():
    # Werkzeug routes /impressions%2F<token> to /impressions/<token>, and the
    # sign-in page's ?next= carries the link it came from, encoded.
    assert redact("GET /impressions%2FAbC HTTP/1.1") == "GET /impressions/[token] HTTP/1.1"
    assert redact("GET /impressions%2fAbC HTTP/1.1") == "GET /impressions/[token] HTTP/1.1"
    assert redact("GET /%69nvitations/AbC HTTP/1.1") == "GET /invitations/[token] HTTP/1.1"
    assert redact("GET /feeds%252F12-abc.ics HTTP/1.1") == "GET /feeds/[token].ics HTTP/1.1"
    assert (
        redact("GET /login?next=%2Fimpressions%2FAbC HTTP/1.1")
        == "GET /login?next=/impressions/[token] HTTP/1.1"
    )
    assert "AbC" not in redact('"https://x.example/login?next=%2Finvitations%2FAbC%3Fa%3D1"')
    # Encoded, but no secret: the line is written as it came.
    assert redact("GET /festivals/x/programme?q=a%2Fb HTTP/1.1") == (
        "GET /festivals/x/programme?q=a%2Fb HTTP/1.1"
    )


def test_the_redaction_leaves_organiser_pages_alone():
    for line in (
        "GET /organiser/festivals/x/impressions/forms/3/results HTTP/1.1",
        "POST /organiser/festivals/x/invitations/12/revoke HTTP/1.1",
        "GET /organiser/festivals/x/impressions HTTP/1.1",
        "GET /organiser%2Ffestivals%2Fx%2Fimpressions%2Fforms%2F3 HTTP/1.1",
        "Exception on /organiser/festivals/x/invitations/new [POST]",
    ):
        assert redact(line) == line


def test_the_filter_guards_every_logger_that_writes_request_lines(app):
    for name in ("werkzeug", "gunicorn.access", "gunicorn.error", app.logger.name):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, RedactSecretLinks) for f in filters) == 1, name


def test_requests_with_secret_links_leave_no_secret_in_the_app_logs(app, client, world, caplog):
    caplog.set_level(logging.DEBUG)
    urls = _secret_urls(world)
    for url in urls.values():
        assert client.get(url).status_code < 500
        client.post(url, data={"submit": "1"})
    assert caplog.records is not None
    assert not _leaks(caplog.records, list(urls))


def test_an_error_on_a_secret_link_is_logged_without_the_secret(
    app, client, world, caplog, monkeypatch
):
    """Flask logs "Exception on <path> [GET]": the path must not carry the secret."""
    from festival.invitations import services

    def broken(token: str) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "find_by_token", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    caplog.set_level(logging.DEBUG)
    token = world.tokens["invitations.respond"][0]
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the error was logged"
    assert "/invitations/[token]" in errors[0].getMessage()
    assert not _leaks(caplog.records, [token])


def _dev_server_log(app, caplog, paths: list[str]) -> list[logging.LogRecord]:
    """Werkzeug's access-log records for ``paths`` fetched from a real server."""
    caplog.set_level(logging.DEBUG)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in paths:
            _fetch(f"http://127.0.0.1:{server.port}{path}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
    return [r for r in caplog.records if r.name == "werkzeug"]


def test_the_development_server_access_log_has_no_secret(app, world, caplog):
    urls = _secret_urls(world)
    lines = _dev_server_log(app, caplog, list(urls.values()))
    assert len(lines) >= len(urls), "the access log was written"
    assert any("/invitations/[token]" in r.getMessage() for r in lines)
    assert not _leaks(caplog.records, list(urls))


def test_secret_links_with_encoded_slashes_leave_no_secret_in_the_access_log(app, world, caplog):
    urls = _secret_urls(world)
    encoded = [url.replace("/", "%2F").replace("%2F", "/", 1) for url in urls.values()]
    paths = encoded + [f"/login?next={url.replace('/', '%2F')}" for url in urls.values()]
    lines = _dev_server_log(app, caplog, paths)
    assert len(lines) >= len(paths), "the access log was written"
    assert any("/impressions/[token]" in r.getMessage() for r in lines)
    assert any("next=/invitations/[token]" in r.getMessage() for r in lines)
    assert not _leaks(caplog.records, list(urls))


def test_organiser_pages_are_logged_as_they_were_asked_for(app, world, caplog):
    form_id = world.ids["form_id"][0]
    path = f"/organiser/festivals/{world.slug}/impressions/forms/{form_id}/results"
    lines = _dev_server_log(app, caplog, [path])
    assert any(path in r.getMessage() for r in lines)


def _fetch(url: str) -> int:
    """GET ``url`` on loopback; its status, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_gunicorn_access_log_has_no_secret(app, world, database_url, tmp_path):
    """A real gunicorn on loopback, serving wsgi:app with the test database."""
    port = _free_port()
    log_file = tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": app.secret_key,
        "COOKIE_SECURE": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(log_file),
            "--error-logfile",
            str(tmp_path / "error.log"),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    urls = _secret_urls(world)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.2)
        for url in urls.values():
            _fetch(f"http://127.0.0.1:{port}{url}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    log = log_file.read_text()
    assert "/invitations/[token]" in log and "/feeds/[token].ics" in log, log
    for secret in urls:
        assert secret not in log
        assert secret not in (tmp_path / "error.log").read_text()


def test_pages_behind_secret_links_tell_browsers_to_send_no_referer(client, world):
    for url in _secret_urls(world).values():
        response = client.get(url)
        assert response.headers.get("Referrer-Policy") == "no-referrer", url
