"""Browser tests: the app served on loopback, driven by Playwright in Debian's
Chromium.

Pictures of each step (the ``shots`` fixture) are documentation, not checks:
full-page PNGs cost a tenth of a second or more each, so they are taken only
when asked, ``E2E_SHOTS=1 make test`` (or pytest), into tests/artifacts/e2e/.
A failing browser test always leaves a picture of every page it had open.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.support.browser import SHARED

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "e2e"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# The pictures of each step, only when asked (see above).
SHOTS = os.environ.get("E2E_SHOTS", "") not in ("", "0")


@pytest.fixture(scope="session", autouse=True)
def _patient_expectations() -> None:
    """expect() waits up to 10 s (not 5): CI machines run the suite while busy."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # the browser fixture says what is missing
        return
    expect.set_options(timeout=10_000)


@pytest.fixture
def browser(playwright: Any) -> Iterator[Any]:
    """Chromium, shared with the browser tests before and after this one
    (tests/support/browser.py); the contexts a test leaves open are closed
    after it (and after the failure pictures below)."""
    browser = SHARED.browser()
    yield browser
    for context in browser.contexts:
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The app on a random loopback port, in a thread; yields its base URL.

    Static files may be kept an hour: they do not change during a run, and
    asking again for each on every page (a "304 Not Modified" each for the
    CSS and JS, from a server in this very process) cost some 5% of the
    browser tests' CPU.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["SERVER_URL"] = base
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 3600
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=5)


class Shots:
    """Numbered screenshots of one test's steps, when ``wanted`` (E2E_SHOTS=1)."""

    def __init__(self, folder: Path, wanted: bool = True) -> None:
        self.folder = folder
        self.wanted = wanted
        self.count = 0
        if wanted:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page: Any, name: str) -> Path | None:
        self.count += 1
        if not self.wanted:
            return None
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When a browser test fails, keep a picture of every open page: the
    state the failure left, beside the numbered steps."""
    outcome = yield
    report = outcome.get_result()
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.when != "call" or not report.failed or browser is None:
        return
    folder = ARTIFACTS / _safe_name(item.name)
    folder.mkdir(parents=True, exist_ok=True)
    for c, open_context in enumerate(browser.contexts):
        for p, open_page in enumerate(open_context.pages):
            # A page that cannot be pictured must not hide the real failure.
            with contextlib.suppress(Exception):
                open_page.screenshot(path=str(folder / f"failure-{c}-{p}.png"), full_page=True)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Shots:
    return Shots(ARTIFACTS / _safe_name(request.node.name), wanted=SHOTS)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


# The serious and critical violations only: the whole result (every rule
# that passed or did not apply, with its descriptions) is some 55 kB, and
# sending it out of the page for each audit cost more than a tenth of the
# audit's CPU. Null where axe is not loaded yet.
AXE_RUN = """async () => {
  if (typeof axe === 'undefined') return null;
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}"""


@functools.cache
def axe_source() -> str:
    """axe-core's source (650 kB), read from the disk once."""
    return AXE.read_text(encoding="utf-8")


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the current page.

    axe is evaluated through the DevTools protocol, which the page's CSP does
    not govern, so the app's CSP stays as strict as in production. A context
    that audits many pages can preload it: ``context.add_init_script(path=AXE)``.
    """
    violations = page.evaluate(AXE_RUN)
    if violations is None:
        page.evaluate(axe_source())
        violations = page.evaluate(AXE_RUN)
    return violations
