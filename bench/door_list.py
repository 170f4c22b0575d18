"""``python -m bench.door_list``: the door app's offline list for a
600-person session (issue #14): its size gzipped, the server's time to
build it, and (with Chromium) the time from opening the door page to the
list being on the device (``#door[data-ready]``), and the time from a
scanned code to the door showing that person in, offline.

Goals: under 200 KB gzipped, ready in under a second, a scan shown at
once. Standalone (SQLite in a temporary folder), so it runs without the
full ``make bench`` set-up.
"""

from __future__ import annotations

import gzip
import logging
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

PEOPLE = 600
SCANS = 30
ORGANISER = ("organiser@example.org", "correct horse 1")


def build(app) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """The session's id, and the first badge codes of its people."""
    from festival.attendance import codes
    from festival.auth.services import create_organiser
    from festival.extensions import db
    from tests.factories import (
        enrol,
        make_city,
        make_delegate,
        make_delegation,
        make_festival,
        make_session,
    )

    with app.app_context():
        db.create_all()
        festival = make_festival(slug="big")
        session = make_session(festival, capacity=PEOPLE, title="Opening ceremony")
        people = []
        for c in range(PEOPLE // 3):
            delegation = make_delegation(festival, make_city(name=f"Ville {c} · 市{c}"))
            for m in range(3):
                delegate = make_delegate(
                    delegation,
                    with_user=False,
                    full_name=f"Mariette Dupont-Yamada {c}{m}",
                    native_name=f"山田 花子{c}{m}",
                )
                enrol(session, delegate)
                people.append(delegate)
        create_organiser(*ORGANISER)
        db.session.commit()
        with app.test_request_context():
            return session.id, [codes.code_for(d.id) for d in people[:SCANS]]


def main() -> None:
    from festival import create_app

    folder = Path(tempfile.mkdtemp(prefix="door-bench-"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-" * 8,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'door.db'}",
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    session_id, badges = build(app)
    client = app.test_client()
    client.post("/login", data={"email": ORGANISER[0], "password": ORGANISER[1]})
    times: list[float] = []
    body = b""
    for _ in range(5):
        start = time.perf_counter()
        body = client.get(f"/check-in/big/list.json?s={session_id}").data
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"door list, {PEOPLE} people: {len(body) / 1024:.1f} KB raw, "
        f"{len(gzip.compress(body)) / 1024:.1f} KB gzipped; "
        f"built in {statistics.median(times):.0f} ms (median of 5)"
    )
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Chromium missing: no time to ready")
        return
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page()
            # The session is months away: the door asks whether to let people in early.
            page.on("dialog", lambda dialog: dialog.accept())
            page.goto(f"{base}/login")
            page.fill("#email", ORGANISER[0])
            page.fill("#password", ORGANISER[1])
            with page.expect_navigation():
                page.press("#password", "Enter")
            ready: list[float] = []
            in_page: list[float] = []
            for _ in range(5):
                start = time.perf_counter()
                page.goto(f"{base}/check-in/big/sessions/{session_id}")
                page.wait_for_selector("#door[data-ready]")
                ready.append((time.perf_counter() - start) * 1000)
                in_page.append(float(page.get_attribute("#door", "data-ready-ms") or 0))
            # Badges scanned offline, one after another: from Enter to the
            # door counting that check-in (the list and count redrawn).
            page.context.set_offline(True)
            page.focus("#code")
            scans: list[float] = []
            for n, badge in enumerate(badges, start=1):
                start = time.perf_counter()
                page.keyboard.insert_text(badge)
                page.keyboard.press("Enter")
                page.wait_for_function(
                    f"() => document.getElementById('door-waiting').dataset.count === '{n}'"
                )
                scans.append((time.perf_counter() - start) * 1000)
            browser.close()
        print(
            f"time to ready (page opened to list on the device): "
            f"{statistics.median(ready):.0f} ms median, {max(ready):.0f} ms worst of 5; "
            f"by the page's own clock (navigation start to ready) "
            f"{statistics.median(in_page):.0f} ms median"
        )
        print(
            f"a scan, offline, Enter to shown: {statistics.median(scans):.0f} ms median, "
            f"{max(scans):.0f} ms worst of {len(scans)}"
        )
    finally:
        server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
