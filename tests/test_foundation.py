"""The app starts, answers its health check, and sends its security headers."""

from __future__ import annotations

import pytest

from festival import create_app


def test_health_check_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_check_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_every_page_sends_the_security_headers(client):
    for path in ("/", "/login", "/no-such-page"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_app_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": None})


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_a_post_without_csrf_token_is_refused(client):
    response = client.post("/language", data={"locale": "fr"}, csrf=False)
    assert response.status_code == 400


def test_language_switch_changes_the_interface_language(client):
    response = client.post("/language", data={"locale": "fr", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login")
    assert '<html lang="fr">' in page.text


def test_the_production_entry_point_leaves_start_up_objects_out_of_collections(tmp_path):
    """wsgi.py freezes what the app built at start-up (a full garbage
    collection walked those ~200,000 objects again each time: 50-100 ms in
    the middle of a request) and collects young objects less often."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "SECRET_KEY": "k" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}",
    }
    env.pop("FLASK_DEBUG", None)
    probe = (
        "import gc, wsgi; "
        "print(gc.get_threshold()[0], gc.get_freeze_count(), len(gc.get_objects()))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, our own code)
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    young, frozen, still_collected = map(int, result.stdout.split()[-3:])
    assert frozen > 100_000 and still_collected < frozen // 10
    # Collections of young objects seldom run inside a request (not every 700 allocations).
    assert young >= 10_000
