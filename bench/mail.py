"""``python -m bench.mail``: how fast e-mails are made and go out (issue #15).

In a database of its own, PostgreSQL (``BENCH_PG_ADMIN``) or SQLite with
``--sqlite``:

- queues 1,000 e-mails in the outbox and times one worker pass sending them
  to an SMTP server on loopback (bench/smtp_sink.py, aiosmtpd in a process
  of its own): goal 50/s or more;
- cancels a session with 1,000 enrolled and times the save and the worker
  queueing their e-mails: goal under 2 s;
- builds and queues the evening digest of 5,000 delegates: goal under a minute.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
DB_NAME = "festival_bench_mail"
SECRET = "bench-secret-key-" + "m" * 40  # noqa: S105


@contextmanager
def database(use_sqlite: bool) -> Iterator[str]:
    """A fresh database of the benchmark's own, dropped afterwards."""
    if use_sqlite:
        with tempfile.TemporaryDirectory(prefix="festival-bench-mail-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    admin = sa.create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{DB_NAME}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        admin.dispose()


def timed(what: str, action: Callable[[], object]) -> float:
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{what}: {seconds:.2f} s ({result})", flush=True)
    return seconds


def bench_outbox(count: int) -> None:
    """Queue ``count`` e-mails, then send them in one pass."""
    from festival.extensions import db
    from festival.outbox import services as outbox

    emails = [
        outbox.Email(
            key=f"bench:{n}",
            recipient=f"delegate{n}@city{n % 200}.example",
            subject="Your programme has changed",
            template="login_link",
            context={"url": "http://festival.test/my/itinerary", "minutes": 15},
        )
        for n in range(count)
    ]

    def queue() -> int:
        queued = outbox.queue_many(emails)
        db.session.commit()
        return queued

    timed(f"queue {count} e-mails", queue)
    # The server in a process of its own, as a real one would be (in this
    # one, it would share the sender's interpreter).
    import socket
    import subprocess
    import sys

    from flask import current_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    try:
        current_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
        seconds = timed(f"send {count} e-mails (one pass)", outbox.send_due)
    finally:
        server.terminate()
        received, connections = server.communicate(timeout=30)[0].split()
    print(
        f"outbox: {count / seconds:.0f} messages/s over {connections} connection(s), "
        f"{received} received (goal: 50/s or more)",
        flush=True,
    )


def _people(count: int) -> tuple[object, list[object]]:
    """A festival and ``count`` confirmed delegates (three per delegation),
    with their languages varied."""
    from tests.factories import make_delegate, make_delegation, make_festival

    festival = make_festival()
    people = []
    delegation = None
    for n in range(count):
        if n % 3 == 0:
            delegation = make_delegation(festival)
        people.append(make_delegate(delegation, with_user=False, locale=("en", "fr", "ja")[n % 3]))
    return festival, people


def bench_cancel(count: int) -> None:
    """Cancel a session with ``count`` enrolled: the organiser's save, then
    the worker queueing the e-mails once the quiet period is over."""
    from flask import current_app

    from festival.changes import services as changes
    from festival.extensions import db
    from festival.programme import services as programme
    from festival.programme.models import Attendance
    from tests.factories import make_session, make_venue

    festival, people = _people(count)
    session = make_session(festival, venue=make_venue(festival))
    db.session.add_all(Attendance(session=session, delegate=d) for d in people)
    db.session.commit()

    def cancel() -> int:
        before = changes.snapshot_session(session)
        programme.cancel_session(session)
        told = changes.session_changed(session, before)
        db.session.commit()
        return told

    saved = timed(f"cancel a session with {count} enrolled (the organiser's save)", cancel)
    current_app.config["CHANGES_QUIET_MINUTES"] = 0

    def queue() -> int:
        queued = changes.send_due_changes()
        db.session.commit()
        return queued

    queued = timed(f"queue their {count} e-mails (the worker, after the quiet period)", queue)
    print(f"changes: {saved + queued:.2f} s from the save to {count} e-mails queued (goal: < 2 s)")


def bench_digest(count: int) -> None:
    """The evening digest of ``count`` delegates, each with three sessions
    and their delegation's pickup on the next day."""
    from datetime import UTC, datetime, timedelta

    import time_machine

    from festival.changes import digest
    from festival.extensions import db
    from festival.itineraries.models import ItemKind, ItineraryItem
    from festival.programme.models import Attendance
    from tests.factories import make_session

    festival, people = _people(count)
    day = festival.starts_on + timedelta(days=1)
    noon = datetime.combine(day, datetime.min.time(), tzinfo=festival.tz).astimezone(UTC)
    sessions = [
        make_session(festival, starts_at=noon + timedelta(hours=n % 10), title=f"Session {n}")
        for n in range(30)
    ]
    rows = [
        {"session_id": sessions[(n + k * 7) % 30].id, "delegate_id": d.id}
        for n, d in enumerate(people)
        for k in range(3)
    ]
    db.session.execute(sa.insert(Attendance), rows)
    for delegation_id in {d.delegation_id for d in people}:
        db.session.add(
            ItineraryItem(
                delegation_id=delegation_id,
                kind=ItemKind.PICKUP,
                title="Pickup at the hotel",
                starts_at=noon,
                ends_at=noon,
                location="Hotel lobby",
            )
        )
    db.session.commit()
    eve = datetime.combine(festival.starts_on, festival.digest_at, tzinfo=festival.tz)

    def build() -> int:
        with time_machine.travel(eve + timedelta(minutes=1), tick=False):
            queued = digest.send_due_digests()
        db.session.commit()
        return queued

    seconds = timed(f"evening digest of {count} delegates (built and queued)", build)
    print(f"digest: {seconds:.1f} s for {count} delegates (goal: under a minute)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--enrolled", type=int, default=1000)
    parser.add_argument("--delegates", type=int, default=5000)
    args = parser.parse_args()

    import flask_migrate

    from festival import create_app
    from festival.extensions import db

    with database(args.sqlite) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
        with app.app_context():
            flask_migrate.upgrade()
            print(f"database: {db.engine.dialect.name}", flush=True)
            bench_outbox(args.messages)
            bench_cancel(args.enrolled)
            bench_digest(args.delegates)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
