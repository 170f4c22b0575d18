"""How long the calendar feeds take at demo scale, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.feeds --sessions 600 --delegates 5000 --cities 2000

For each database it builds a throwaway copy with the demo command, then
times, through the app (the WSGI test client: routing, queries, building,
headers; no network), 50 requests of each kind and prints the median (p50)
and p95 in milliseconds:

- cold: nothing cached, the feed is built (what the first poll after a
  change costs);
- cached: the same version was built before, the bytes come from the cache;
- 304: the client revalidates with If-None-Match (the usual poll).

Feeds: the public programme (.ics), a typical delegate's personal feed, a
mayor enrolled in every session he may attend (the worst case), and the
frab schedule.xml. If the demo data has no delegates or enrolments yet, the
script adds them itself (three people per delegation, about 30 sessions
each), so the personal feeds have something to show.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "bench-feeds-secret-" + "k" * 40  # noqa: S105


def _app(url: str) -> Any:
    from festival import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "SERVER_URL": "https://festival.example",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )


def build_data(url: str, cities: int, delegates: int, sessions: int) -> None:
    import flask_migrate

    app = _app(url)
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
    started = time.perf_counter()
    result = app.test_cli_runner().invoke(
        args=[
            "demo",
            "--outside-debug",  # the benchmark runs outside debug, as production does
            "--cities",
            str(cities),
            "--delegates",
            str(delegates),
            "--sessions",
            str(sessions),
        ]
    )
    if result.exit_code != 0:
        raise SystemExit(f"demo failed:\n{result.output}\n{result.exception!r}")
    print(f"  demo data in {time.perf_counter() - started:.1f} s")
    with app.app_context():
        _top_up(delegates)


def _top_up(wanted: int) -> None:
    """Delegates and enrolments, when the demo steps do not make them (yet)."""
    from festival.extensions import db
    from festival.programme.eligibility import visible_to
    from festival.programme.models import Attendance, ProgrammeSession
    from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

    rng = random.Random(2027)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Delegate)) or 0
    if count == 0:
        delegations = db.session.scalars(sa.select(Delegation.id).order_by(Delegation.id)).all()
        roles = [DelegateRole.MAYOR, DelegateRole.INTERPRETER, DelegateRole.OFFICIAL]
        rows = []
        for n in range(min(wanted, 3 * len(delegations))):
            rows.append(
                {
                    "delegation_id": delegations[n // 3],
                    "is_head": n % 3 == 2,
                    "status": DelegateStatus.CONFIRMED,
                    "full_name": f"Bench Delegate {n}",
                    "role": roles[n % 3],
                    "email": f"bench{n}@city.example",
                    "locale": rng.choice(["en", "ja", "fr"]),
                    "languages": ["en"],
                    "feed_secret": secrets.token_hex(16),
                }
            )
        db.session.execute(sa.insert(Delegate), rows)
        print(f"  added {len(rows)} delegates (the demo made none)")
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)):
        delegates = db.session.scalars(sa.select(Delegate).order_by(Delegate.id)).all()
        public_ids = db.session.scalars(
            sa.select(ProgrammeSession.id).where(visible_to(delegates[0]) if delegates else False)
        ).all()
        rows = [
            {"session_id": session_id, "delegate_id": delegate.id}
            for delegate in delegates
            for session_id in rng.sample(public_ids, min(30, len(public_ids)))
        ]
        db.session.execute(sa.insert(Attendance), rows)
        print(f"  added {len(rows)} enrolments (the demo made none)")
    db.session.commit()


def _worst_case_mayor() -> int:
    """A mayor enrolled in every session he may attend."""
    from festival.extensions import db
    from festival.programme.eligibility import visible_to
    from festival.programme.models import Attendance, ProgrammeSession
    from festival.registration.models import Delegate, DelegateRole, DelegateStatus

    mayor = db.session.scalar(
        sa.select(Delegate)
        .where(Delegate.role == DelegateRole.MAYOR, Delegate.status == DelegateStatus.CONFIRMED)
        .order_by(Delegate.id.desc())
    )
    assert mayor is not None, "no mayor in the data"
    enrolled = sa.select(Attendance.session_id).where(Attendance.delegate_id == mayor.id)
    have = set(db.session.scalars(enrolled))
    ids = db.session.scalars(
        sa.select(ProgrammeSession.id).where(
            ProgrammeSession.festival_id == mayor.delegation.festival_id, visible_to(mayor)
        )
    ).all()
    rows = [{"session_id": i, "delegate_id": mayor.id} for i in ids if i not in have]
    if rows:
        db.session.execute(sa.insert(Attendance), rows)
    db.session.commit()
    return mayor.id


def _typical_delegate() -> int:
    """The confirmed delegate whose enrolments are the median of all delegates'."""
    from festival.extensions import db
    from festival.programme.models import Attendance
    from festival.registration.models import Delegate, DelegateStatus

    rows = db.session.execute(
        sa.select(Delegate.id, sa.func.count(Attendance.id))
        .join(Attendance, Attendance.delegate_id == Delegate.id)
        .where(Delegate.status == DelegateStatus.CONFIRMED)
        .group_by(Delegate.id)
        .order_by(sa.func.count(Attendance.id), Delegate.id)
    ).all()
    return rows[len(rows) // 2][0]


def _time(run: Callable[[], Any], runs: int) -> tuple[float, float, float]:
    """p50 and p95 of the wall time, and p50 of this process's CPU time (ms).

    The CPU time tells the cost on a busy machine, where the wall time also
    counts the waits for a core.
    """
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    samples.sort()
    p95 = samples[int(0.95 * (len(samples) - 1))]
    return statistics.median(samples), p95, statistics.median(cpu)


def measure(
    url: str, runs: int
) -> list[tuple[str, int, int, dict[str, tuple[float, float, float]]]]:
    from festival.calendar.services import personal_token
    from festival.extensions import db
    from festival.festivals.models import Festival
    from festival.registration.models import Delegate

    app = _app(url)
    client = app.test_client()
    with app.app_context():
        slug = db.session.scalar(sa.select(Festival.slug))
        typical = personal_token(db.session.get(Delegate, _typical_delegate()))
        worst = personal_token(db.session.get(Delegate, _worst_case_mayor()))
        engine = db.engine
    feeds = [
        ("public programme.ics", f"/festivals/{slug}/programme.ics"),
        ("public programme.ics?lang=ja", f"/festivals/{slug}/programme.ics?lang=ja"),
        ("personal feed (typical)", f"/feeds/{typical}.ics"),
        ("personal feed (mayor, every session)", f"/feeds/{worst}.ics"),
        ("frab schedule.xml", f"/festivals/{slug}/schedule.xml"),
    ]
    queries: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    results = []
    for name, path in feeds:
        first = client.get(path)
        assert first.status_code == 200, (path, first.status_code)
        events = first.data.count(b"BEGIN:VEVENT") or first.data.count(b"<event ")

        def cold(path: str = path) -> None:
            app.extensions.pop("calendar_feed_store", None)
            assert client.get(path).status_code == 200

        def cached(path: str = path) -> None:
            assert client.get(path).status_code == 200

        def revalidate(path: str = path, etag: str = first.headers["ETag"]) -> None:
            assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

        timings = {}
        for label, run in (("cold", cold), ("cached", cached), ("304", revalidate)):
            timings[label] = _time(run, runs)
        queries.clear()
        cold()
        results.append((name, events, len(queries), timings))
        queries.clear()
    return results


def _sqlite_url(directory: str) -> str:
    return f"sqlite:///{Path(directory) / 'bench-feeds.db'}"


def _postgres() -> tuple[str, Callable[[], None]]:
    from sqlalchemy.engine import make_url

    name = f"festival_bench_feeds_{secrets.token_hex(4)}"
    admin_url = make_url(PG_ADMIN).set(drivername="postgresql+psycopg")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=int, default=2000)
    parser.add_argument("--delegates", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=600)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"calendar feeds at --cities {args.cities} --delegates {args.delegates} "
        f"--sessions {args.sessions}; wall p50 / p95 (CPU p50) in ms over {args.runs} "
        f"requests; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for backend in backends:
        print(f"\n{backend}:")
        with tempfile.TemporaryDirectory() as directory:
            drop: Callable[[], None] = lambda: None  # noqa: E731
            url = _sqlite_url(directory)
            if backend == "postgresql":
                url, drop = _postgres()
            try:
                build_data(url, args.cities, args.delegates, args.sessions)
                rows = measure(url, args.runs)
            finally:
                from festival.extensions import db

                app = _app(url)
                with app.app_context():
                    db.engine.dispose()
                drop()
        heads = "".join(f"{h:>24}" for h in ("cold", "cached", "304"))
        print(f"  {'feed':<38}{'events':>7}{'queries':>8}{heads}")
        for name, events, query_count, timings in rows:
            cells = "".join(
                f"{f'{p50:.1f} / {p95:.1f} ({cpu:.1f})':>24}" for p50, p95, cpu in timings.values()
            )
            print(f"  {name:<38}{events:>7}{query_count:>8}{cells}")


if __name__ == "__main__":
    main()
