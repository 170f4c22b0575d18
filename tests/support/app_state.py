"""One app per database for the whole run, put back as it was after each test.

Building the app (blueprints, 100-odd URL rules, extensions) costs about a
fifth of a second, so the suite builds one per database and, after every
test, restores what a test may have changed: the app's config (tests set
``app.config[...]``), its per-app stores in ``app.extensions`` (the memos,
the programme's page cache, the calendar's feed store and the feed fast
path's memo all live there), and the rate limiter, which is one object for
every app in this process: its settings as they were, its counts emptied.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask

from festival.extensions import limiter


def _copied(value: Any) -> Any:
    """A copy of a container another app's ``init_app`` may change in place."""
    return copy.copy(value) if isinstance(value, dict | list | set) else value


class PristineApp:
    """What a test may change on the shared app, as it was when built."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._config = copy.deepcopy(dict(app.config))
        self._extensions = dict(app.extensions)
        self._instance_path = app.instance_path
        self._test_client_class = app.test_client_class
        self._limiter = {name: _copied(value) for name, value in vars(limiter).items()}

    def restore(self) -> None:
        """Put the app, its stores and the rate limiter back as they were."""
        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self._config))
        # Stores made during the test (memos, feed caches) go; any the test
        # took out come back.
        app.extensions.clear()
        app.extensions.update(self._extensions)
        app.instance_path = self._instance_path
        app.test_client_class = self._test_client_class
        # Another app built during the test re-configured the shared limiter
        # (its storage, its key prefix, whether it is enabled).
        state = vars(limiter)
        state.clear()
        state.update({name: _copied(value) for name, value in self._limiter.items()})
        limiter.reset()
        fallback = state.get("_fallback_storage")
        if fallback is not None:
            fallback.reset()
