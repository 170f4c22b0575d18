"""``flask worker``: the background work (outbox, follow-ups, reminders).

Each job is a function that does one pass and returns how much it did. Jobs
are safe to run in several workers at once: they claim rows with locks or
rely on the outbox's unique keys.
"""

from __future__ import annotations

import importlib
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext

from festival.extensions import db
from festival.outbox import services as outbox

# "module:function" of every periodic job, in order; the outbox goes last so
# that what the other jobs queued goes out in the same pass.
JOBS: list[str] = [
    "festival.invitations.services:expire_overdue",
    "festival.impressions.sending:send_due_invitations",
    "festival.changes.services:send_due_changes",
    "festival.changes.digest:send_due_digests",
]

FAILED = -1


def _load(path: str) -> Callable[[], int]:
    module, _sep, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run_once() -> dict[str, int]:
    """One pass of every job, then the outbox; a job that fails counts -1.

    A failing job (or an unreachable database) is logged and rolled back;
    it never stops the other jobs or the worker.
    """
    done: dict[str, int] = {}
    for path in JOBS:
        try:
            done[path] = _load(path)()
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("worker: job %s failed", path)
            done[path] = FAILED
    try:
        counts = outbox.send_due()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("worker: the outbox pass failed")
        counts = {"sent": 0, "failed": FAILED}
    done["outbox sent"] = counts["sent"]
    done["outbox failed"] = counts["failed"]
    return done


def pause_after(done: dict[str, int], interval: float) -> float:
    """Seconds to wait before the next pass: none while work is waiting.

    A pass that did something (sent, queued, expired) may have left more
    behind (what its jobs queued after the outbox went, a change whose
    quiet period just ended): the next pass starts at once. Only an idle
    pass, or one that failed, waits the interval.
    """
    if FAILED in done.values():
        return interval
    return 0.0 if any(count > 0 for count in done.values()) else interval


def _pass_that_survives() -> dict[str, int]:
    """:func:`run_once`, whatever happens: a pass that raises anyway (the
    database gone while rolling back, say) is logged and counts as failed,
    and the looping worker tries again at the next pass."""
    try:
        return run_once()
    except Exception:
        current_app.logger.exception("worker: the pass failed")
        return {"worker pass": FAILED}
    finally:
        try:
            db.session.remove()
        except Exception:
            current_app.logger.exception("worker: could not close the database session")


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or Ctrl+C: the pass under way finishes, then we stop.

    A second Ctrl+C interrupts at once, for the impatient.
    """
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals are only delivered to the main thread
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command("worker")
@click.option("--once", is_flag=True, help="Do one pass and exit (for cron).")
@click.option("--interval", default=15.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def worker(once: bool, interval: float) -> None:
    """Send the outbox and run follow-ups and reminders."""
    if not outbox.smtp_configured():
        click.echo("No SMTP_HOST set: e-mails stay in the outbox (organisers can read them).")
    with _stop_on_signals() as stop:
        if not once:
            click.echo(f"Worker started: a pass every {interval:g} s (Ctrl+C or SIGTERM stops it).")
        while True:
            done = _pass_that_survives()
            summary = ", ".join(f"{name}: {count}" for name, count in done.items() if count)
            if summary or once:
                click.echo(summary or "nothing to do")
            if once:
                # Cron and scripts see a failed job in the exit status.
                if FAILED in done.values():
                    raise SystemExit(1)
                return
            if stop.wait(pause_after(done, interval)):
                break
    click.echo("Worker stopped.")
