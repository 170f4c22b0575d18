"""``flask worker``: the background work (outbox, follow-ups, reminders).

Each job is a function that does one pass and returns how much it did. Jobs
are safe to run in several workers at once: they claim rows with locks or
rely on the outbox's unique keys.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import with_appcontext

from festival.extensions import db
from festival.outbox import services as outbox

# "module:function" of every periodic job, in order; the outbox goes last so
# that what the other jobs queued goes out in the same pass.
JOBS: list[str] = []


def _load(path: str) -> Callable[[], int]:
    module, _sep, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run_once() -> dict[str, int]:
    """One pass of every job, then the outbox."""
    done: dict[str, int] = {}
    for path in JOBS:
        try:
            done[path] = _load(path)()
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("worker: job %s failed", path)
            done[path] = -1
    counts = outbox.send_due()
    done["outbox sent"] = counts["sent"]
    done["outbox failed"] = counts["failed"]
    return done


@click.command("worker")
@click.option("--once", is_flag=True, help="Do one pass and exit (for cron).")
@click.option("--interval", default=15.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def worker(once: bool, interval: float) -> None:
    """Send the outbox and run follow-ups and reminders."""
    if not outbox.smtp_configured():
        click.echo("No SMTP_HOST set: e-mails stay in the outbox (organisers can read them).")
    while True:
        done = run_once()
        summary = ", ".join(f"{name}: {count}" for name, count in done.items() if count)
        if summary or once:
            click.echo(summary or "nothing to do")
        if once:
            return
        db.session.remove()
        time.sleep(interval)
