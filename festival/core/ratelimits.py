"""Where the sign-in rate limits are counted, and saying so when it matters.

With ``REDIS_URL`` every app server counts in Redis. Without it, each
process counts on its own: four gunicorn workers allow four times the limit.
When Redis stops answering, Flask-Limiter counts in this process's memory
until it answers again (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``), so people
can still sign in.
"""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


class _RepeatInOurLog(logging.Filter):
    """Flask-Limiter reports the fall-back to memory on its own logger, whose
    NullHandler keeps the message out of a bare gunicorn's stderr; repeat its
    warnings on ours, which reaches stderr like the feed cache's warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            log.warning("rate limits: %s", record.getMessage(), exc_info=record.exc_info)
            return False
        return True


def counts_in_memory(app: Flask) -> bool:
    """Whether this app counts its limits in this process's memory only."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    return uri.startswith("memory://")


def init_app(app: Flask) -> None:
    """Repeat Flask-Limiter's warnings in our log; outside debug and tests,
    warn at start-up when the limits are counted per process. (How many
    workers the server runs is not known here: the warning is for anyone
    who runs more than one.)"""
    flask_limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(f, _RepeatInOurLog) for f in flask_limiter_log.filters):
        flask_limiter_log.addFilter(_RepeatInOurLog())
    if counts_in_memory(app) and not (app.debug or app.testing):
        log.warning(
            "rate limits: no REDIS_URL, so each process counts sign-in attempts on its own; "
            "with several workers or servers a visitor gets the limit once per process. "
            "Set REDIS_URL to share them."
        )
