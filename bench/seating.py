"""``python -m bench.seating``: protocol at scale (issue #11, item 10).

Builds, in a throw-away SQLite database (or PostgreSQL with ``--pg URL``):

- a banquet of 600 guests (200 delegations: a mayor, an interpreter and an
  official each) at 60 round tables of 10: times the automatic placement
  (the pure algorithm alone, and the whole service: loading, precedence,
  placement, writing the seats);
- ten times that (6,000 guests at 600 tables): times the organiser's plan
  page, its SVG and the order of precedence, in-process through the test
  client (median of several loads after a warm-up), with the number of
  SQL queries each runs.

Goals: placement under 1 s at 600 guests; the plan page under 100 ms at
6,000. Prints a table; nothing is written to the repository.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

ORGANISER = ("bench-seating@example.org", "bench seating passphrase")


def _build(guests_per_table: int, tables: int) -> dict[str, Any]:
    """A festival, its delegations and a banquet with ``tables`` tables."""
    from festival.auth.services import create_organiser
    from festival.cities.models import City, CreativeField
    from festival.extensions import db
    from festival.festivals.models import Festival
    from festival.invitations.models import Invitation, InvitationStatus
    from festival.programme.models import Attendance, Audience, ProgrammeSession, SessionType
    from festival.protocol import seating
    from festival.protocol.models import LayoutKind, TableShape
    from festival.registration.models import (
        Delegate,
        DelegateRole,
        DelegateStatus,
        Delegation,
    )

    guests = guests_per_table * tables
    cities = guests // 3
    n = Festival.query.count() + 1 if hasattr(Festival, "query") else 1
    festival = Festival(
        slug=f"bench-seating-{n}-{tables}",
        name="Bench",
        starts_on=date(2027, 6, 14),
        ends_on=date(2027, 6, 18),
        timezone="Asia/Tokyo",
        host_city="City 0",
        languages=["ja", "en", "fr"],
    )
    db.session.add(festival)
    db.session.flush()
    start = datetime(2027, 6, 15, 9, tzinfo=UTC)
    banquet = ProgrammeSession(
        festival_id=festival.id,
        title="Banquet",
        type=SessionType.MEAL,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        audience=Audience.DELEGATES,
    )
    db.session.add(banquet)
    db.session.flush()
    now = datetime.now(UTC)
    city_rows = [
        {
            "name": f"City {tables}-{i}",
            "country_code": "FR",
            "creative_field": CreativeField.GASTRONOMY,
            "year_designated": 2004 + i % 20,
            "search_key": f"city {i}",
        }
        for i in range(cities)
    ]
    city_ids = list(db.session.scalars(sa.insert(City).returning(City.id), city_rows))
    invitation_ids = list(
        db.session.scalars(
            sa.insert(Invitation).returning(Invitation.id),
            [
                {
                    "festival_id": festival.id,
                    "city_id": c,
                    "quota": 3,
                    "deadline": now,
                    "status": InvitationStatus.ACCEPTED,
                }
                for c in city_ids
            ],
        )
    )
    delegation_ids = list(
        db.session.scalars(
            sa.insert(Delegation).returning(Delegation.id),
            [
                {"invitation_id": i, "festival_id": festival.id, "city_id": c}
                for i, c in zip(invitation_ids, city_ids, strict=True)
            ],
        )
    )
    roles = (DelegateRole.MAYOR, DelegateRole.INTERPRETER, DelegateRole.OFFICIAL)
    delegate_ids = list(
        db.session.scalars(
            sa.insert(Delegate).returning(Delegate.id),
            [
                {
                    "delegation_id": d,
                    "is_head": k == 0,
                    "status": DelegateStatus.CONFIRMED,
                    "full_name": f"Person {d}-{k}",
                    "role": role,
                    "confirmed_role": role,
                    "email": f"p{d}-{k}@bench.example",
                    "dietary": ["vegetarian"] if k == 2 else [],
                    "allergens": [],
                    "languages": ["en"],
                    "feed_secret": f"{d:016x}{k:016x}",
                }
                for d in delegation_ids
                for k, role in enumerate(roles)
            ],
        )
    )
    db.session.execute(
        sa.insert(Attendance), [{"session_id": banquet.id, "delegate_id": i} for i in delegate_ids]
    )
    plan = seating.create_plan(
        festival,
        banquet,
        layout=LayoutKind.TABLES,
        head_shape=TableShape.LONG,
        head_seats=guests_per_table,
        count=tables - 1,
        shape=TableShape.ROUND,
        seats=guests_per_table,
        mix=True,
    )
    if not db.session.scalar(
        sa.text("SELECT count(*) FROM users WHERE email = :e"), {"e": ORGANISER[0]}
    ):
        create_organiser(*ORGANISER)
    db.session.commit()
    return {"festival": festival, "session": banquet, "plan": plan, "guests": len(delegate_ids)}


def _median_ms(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", help="a PostgreSQL URL for a throw-away database")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-seating-")
    url = args.pg or f"sqlite:///{os.path.join(folder, 'seating.db')}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    from festival import create_app
    from festival.extensions import db
    from festival.protocol import placement, precedence, seating
    from tests.support.queries import recorded_statements

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench-seating-" + "k" * 40,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "100000 per minute",
        }
    )
    rows: list[tuple[str, str, str]] = []
    with app.app_context():
        db.create_all()
        small = _build(10, 60)
        festival, plan = small["festival"], small["plan"]
        # The pure algorithm on loaded data, then the whole service.
        ordered = precedence.standings(festival, precedence.people_of(festival))
        guests = [placement.Guest(s.person.id, s.person.delegation_id, False) for s in ordered]
        tables = [placement.Table(t.id, t.number, t.shape.value, t.seats) for t in plan.tables]
        pure = _median_ms(lambda: placement.place(tables, guests, mix=True), args.runs)
        rows.append(("placement alone, 600 guests / 60 tables", f"{pure:.1f} ms", "< 1000 ms"))

        def service() -> None:
            seating.auto_place(festival, plan)
            db.session.commit()

        whole = _median_ms(service, args.runs)
        rows.append(
            ("auto-placement service (load, rank, place, write)", f"{whole:.0f} ms", "< 1000 ms")
        )
        large = _build(10, 600)
        seating.auto_place(large["festival"], large["plan"])
        db.session.commit()
        slug, session_id = large["festival"].slug, large["session"].id
    client = app.test_client()
    client.post("/login", data={"email": ORGANISER[0], "password": ORGANISER[1]})
    base = f"/organiser/festivals/{slug}/protocol"
    pages = {
        "plan page, 6,000 guests / 600 tables": f"{base}/sessions/{session_id}/seating",
        "plan page, last page of tables": f"{base}/sessions/{session_id}/seating?page=20",
        "plan SVG, all 600 tables": f"{base}/sessions/{session_id}/seating/plan.svg",
        "order of precedence, 6,600 people (printable list)": base,
        "delegates list (by precedence)": f"/organiser/festivals/{slug}/delegates",
    }
    for label, path in pages.items():
        assert client.get(path).status_code == 200, path  # warm-up (ranks, caches)
        with recorded_statements(app) as statements:
            client.get(path)
        ms = _median_ms(lambda path=path: client.get(path), args.runs)
        goal = "< 100 ms" if label.startswith("plan page") else ""
        rows.append((f"{label} ({len(statements)} queries)", f"{ms:.0f} ms", goal))
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'median':>9}  goal")
    for what, value, goal in rows:
        print(f"{what:<{width}}  {value:>9}  {goal}")


if __name__ == "__main__":
    main()
