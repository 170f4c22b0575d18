"""The scan page in a real browser: Chromium's fake camera films a badge's
QR code, static/js/checkin-scan.js decodes it and checks the delegate in.

Headless Chromium on Linux has no BarcodeDetector, so this drives the
vendored jsQR fallback, under the app's own CSP. Skipped where Chromium or
Playwright is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import segno
import sqlalchemy as sa
from werkzeug.serving import make_server

from festival.attendance import codes
from festival.extensions import db
from festival.programme.models import Attendance
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.support.browser import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 640, 480


def write_y4m(path: Path, text: str, frames: int = 5) -> None:
    """A grey-scale Y4M video of ``text``'s QR code (Chromium's fake camera)."""
    matrix = segno.make_qr(text, error="m").matrix
    module = 10
    side = (len(matrix) + 8) * module
    left, top = (WIDTH - side) // 2, (HEIGHT - side) // 2
    luma = bytearray(b"\xeb" * (WIDTH * HEIGHT))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if not dark:
                continue
            for dy in range(module):
                start = (top + (y + 4) * module + dy) * WIDTH + left + (x + 4) * module
                luma[start : start + module] = b"\x10" * module
    chroma = b"\x80" * (WIDTH * HEIGHT // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma)


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("starts_in", [timedelta(minutes=-5), timedelta(days=1)])
def test_the_camera_reads_a_badge_and_checks_the_delegate_in(
    app, live_server, playwright, tmp_path, starts_in
):
    """A session under way checks in at once; one that starts tomorrow asks
    first (a confirm dialog, accepted here)."""
    app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    with app.app_context():
        festival = make_festival(slug="gastro")
        delegation = make_delegation(festival, make_city(name="Parma"))
        mayor = make_delegate(delegation, full_name="Michele Guerra")
        session = make_session(
            festival, title="Rice and the Sea", starts_at=datetime.now(UTC) + starts_in
        )
        enrol(session, mayor)
        db.session.commit()
        session_id, mayor_id = session.id, mayor.id
        from festival.auth.services import create_organiser

        create_organiser("organiser@example.org", "correct horse 1")
        db.session.commit()
        with app.test_request_context():
            code = codes.code_for(mayor_id)
    video = tmp_path / "badge.y4m"
    write_y4m(video, code)

    # A browser of its own, for the fake camera, from the shared Playwright.
    browser = playwright.chromium.launch(
        executable_path=chromium_path(),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(locale="en-GB")
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        page.set_default_timeout(15_000)
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        questions: list[str] = []
        page.on("dialog", lambda d: (questions.append(d.message), d.accept()))

        page.goto(f"{live_server}/login")
        page.fill("#email", "organiser@example.org")
        page.fill("#password", "correct horse 1")
        with page.expect_navigation():
            page.press("#password", "Enter")
        page.goto(f"{live_server}/organiser/festivals/gastro/check-in/sessions/{session_id}/scan")
        page.click("#scanner-toggle")
        page.wait_for_selector("#scanner-result:not([hidden])")
        result = page.inner_text("#scanner-result")
        counted = page.inner_text('[data-count="checked_in"]')
    finally:
        browser.close()

    assert "Michele Guerra" in result and "Parma" in result
    assert "checked in" in result.lower()
    assert counted == "1"
    assert bool(questions) == (starts_in > timedelta(0)), questions
    assert all("has not started yet" in q for q in questions)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    with app.app_context():
        row = db.session.scalar(
            sa.select(Attendance).where(
                Attendance.session_id == session_id, Attendance.delegate_id == mayor_id
            )
        )
        assert row.checked_in_at is not None
