"""Playwright and Debian's Chromium (its headless shell) for the browser
tests: one driver and one browser per test process, kept while browser
tests follow one another.

Starting Playwright's driver and Chromium, then stopping them, costs about a
second of CPU; once per test module, that was some fifteen seconds of the
suite. But a running sync Playwright marks its asyncio loop as running in
this thread, so ``asyncio.run()`` (or a second sync Playwright) in a test
that does not use it would fail: the driver is stopped before such a test
(``pytest_runtest_setup`` in tests/conftest.py), and started again by the
next browser test.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Debian's headless shell first: the same Blink and V8 without the desktop
# browser around them, it loads a page for half the CPU of ``chromium
# --headless`` (measured: 55 ms against 105 ms a page), which halved the
# browser tests' time.
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser")
INSTALL = "apt-get install chromium-headless-shell"


def chromium_path() -> str | None:
    """The Chromium that $CHROMIUM names, or Debian's headless shell, or
    Debian's Chromium: the first installed."""
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_NAMES):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


class SharedPlaywright:
    """The process's Playwright driver and its Chromium, started on demand."""

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None

    def playwright(self) -> Any:
        """The running sync Playwright; the test is skipped (failed on CI)
        where Chromium or Playwright is missing."""
        if self._playwright is None:
            if chromium_path() is None:
                if os.environ.get("CI"):
                    pytest.fail(f"Chromium is missing: .ci/run installs it ({INSTALL})")
                pytest.skip(f"Chromium is not installed: {INSTALL} (CI installs it)")
            sync_api = pytest.importorskip("playwright.sync_api")
            self._playwright = sync_api.sync_playwright().start()
        return self._playwright

    def browser(self) -> Any:
        """Chromium, launched once for every browser test that follows."""
        if self._browser is None or not self._browser.is_connected():
            self._browser = self.playwright().chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        """Close Chromium and stop the driver (which frees the asyncio loop)."""
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        try:
            if browser is not None and browser.is_connected():
                browser.close()
        finally:
            if playwright is not None:
                playwright.stop()


SHARED = SharedPlaywright()
