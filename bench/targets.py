"""What the benchmark loads: the pages, the people who load them, and the
number of SQL queries each page runs (counted in-process, steady state)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

BENCH_ORGANISER_PASSWORD = "bench-organiser-passphrase"  # noqa: S105 (a throw-away database)


@dataclass
class Target:
    """One page to load, and who loads it."""

    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    cookie: str | None = None  # "delegate" or "organiser"
    # Also load the bare view answering a body of this page's size.
    same_size_bare: bool = False
    # The goal, when the page has one (issue #18): the app's median time per
    # request alone (in-process ms) and the 95th percentile under load.
    in_process_ms: float | None = None
    p95_ms: float | None = None


ORGANISER_GOAL = {"in_process_ms": 30.0, "p95_ms": 100.0}
DELEGATE_GOAL = {"in_process_ms": 10.0, "p95_ms": 100.0}


@dataclass
class Plan:
    targets: list[Target]
    organiser_login: dict[str, str]
    delegate_user_id: int
    extra: dict[str, Any] = field(default_factory=dict)


def _app() -> Any:
    from festival import create_app

    return create_app()


def prepare() -> Plan:
    """Pick a festival, a mayor and an open registration; return the pages to load."""
    from festival.auth.services import create_organiser
    from festival.calendar.tokens import feed_token
    from festival.cities.models import City, CreativeField
    from festival.core.tokens import hash_token, new_token
    from festival.core.types import utcnow
    from festival.demo import ORGANISER_EMAIL
    from festival.extensions import db
    from festival.festivals.models import Festival
    from festival.invitations.models import Invitation, InvitationStatus
    from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

    app = _app()
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).order_by(Festival.id))
        mayor = db.session.scalar(
            sa.select(Delegate)
            .where(
                Delegate.role == DelegateRole.MAYOR,
                Delegate.status == DelegateStatus.CONFIRMED,
                Delegate.user_id.is_not(None),
            )
            .order_by(Delegate.id)
        )
        feed = feed_token(app.secret_key, mayor.id, mayor.feed_secret)
        mayor_user_id = mayor.user_id
        # A city that has just accepted: its invitation link shows the
        # head-of-delegation registration form.
        city = City(
            name="Benchmark City",
            country_code="IT",
            creative_field=CreativeField.GASTRONOMY,
            contact_email="bench@city.example",
        )
        token = new_token()
        invitation = Invitation(
            festival=festival,
            city=city,
            token_hash=hash_token(token),
            quota=3,
            deadline=utcnow() + timedelta(days=30),
            status=InvitationStatus.ACCEPTED,
            sent_at=utcnow(),
            responded_at=utcnow(),
        )
        db.session.add(Delegation(invitation=invitation, festival=festival, city=city))
        # The demo prints a random password; the benchmark sets its own.
        create_organiser(ORGANISER_EMAIL, BENCH_ORGANISER_PASSWORD)
        db.session.commit()
        slug = festival.slug

    public_feed = f"/festivals/{slug}/programme.ics"
    etag = _etag(app, public_feed)
    targets = [
        Target("public programme", f"/festivals/{slug}/programme"),
        Target("public feed (200)", public_feed, same_size_bare=True),
        # What calendar apps send (Google, Apple, Outlook, Thunderbird all ask for gzip).
        Target("public feed (200, gzip)", public_feed, headers={"Accept-Encoding": "gzip"}),
        Target("public feed (304)", public_feed, headers={"If-None-Match": etag}, expect=304),
        # The same in Japanese (#12): the content's translations ride with the
        # rows, each language its own cached copy; the same goals as above.
        # The page's language is the reader's (the browser's), the feed's ?lang=.
        Target(
            "public programme (ja)",
            f"/festivals/{slug}/programme",
            headers={"Accept-Language": "ja"},
        ),
        Target("public feed (200, ?lang=ja)", f"{public_feed}?lang=ja"),
        Target(
            "public feed (200, gzip, ?lang=ja)",
            f"{public_feed}?lang=ja",
            headers={"Accept-Encoding": "gzip"},
        ),
        Target("personal feed (200)", f"/feeds/{feed}.ics"),
        Target("delegate's itinerary", "/my/itinerary", cookie="delegate", **DELEGATE_GOAL),
        Target("my programme", "/my/programme", cookie="delegate", **DELEGATE_GOAL),
        Target(
            "impressions overview",
            f"/organiser/festivals/{slug}/impressions",
            cookie="organiser",
            **ORGANISER_GOAL,
        ),
        Target(
            "organiser delegate list",
            f"/organiser/festivals/{slug}/delegates",
            cookie="organiser",
            **ORGANISER_GOAL,
        ),
        Target("registration form", f"/invitations/{token}", **DELEGATE_GOAL),
    ]
    # The organiser's logistics pages as they open (one day, night or page),
    # each with the goal of every organiser page: 30 ms alone, p95 100 ms loaded.
    logistics = f"/organiser/festivals/{slug}/logistics"
    targets += [
        Target(f"logistics: {page}", f"{logistics}/{page}", cookie="organiser", **ORGANISER_GOAL)
        for page in ("rooming", "interpreters", "catering", "arrivals", "departures")
    ]
    targets.append(
        Target(
            "transfers: day board",
            f"/organiser/festivals/{slug}/transfers",
            cookie="organiser",
            **ORGANISER_GOAL,
        )
    )
    # Protocol and the door (#11, #14): the banquet's seating plan, and the
    # door app's offline list for the session with the most people enrolled.
    with app.app_context():
        from festival.programme.models import Attendance
        from festival.protocol.models import SeatingPlan

        banquet = db.session.scalar(sa.select(SeatingPlan.session_id).order_by(SeatingPlan.id))
        busiest = db.session.scalar(
            sa.select(Attendance.session_id)
            .group_by(Attendance.session_id)
            .order_by(sa.func.count().desc(), Attendance.session_id)
            .limit(1)
        )
    if banquet is not None:
        targets.append(
            Target(
                "protocol: seating plan",
                f"/organiser/festivals/{slug}/protocol/sessions/{banquet}/seating",
                cookie="organiser",
                **ORGANISER_GOAL,
            )
        )
    if busiest is not None:
        targets.append(
            Target(
                "check-in: door list (JSON)",
                f"/check-in/{slug}/list.json?s={busiest}",
                cookie="organiser",
                **ORGANISER_GOAL,
            )
        )
    return Plan(
        targets=targets,
        organiser_login={"email": ORGANISER_EMAIL, "password": BENCH_ORGANISER_PASSWORD},
        delegate_user_id=mayor_user_id,
    )


def login_path(plan: Plan) -> str:
    """A fresh sign-in link for the mayor: links are single-use, and a new
    one retires the earlier ones, so each sign-in asks for its own."""
    from festival.auth.models import User
    from festival.auth.services import issue_login_link
    from festival.extensions import db

    app = _app()
    with app.app_context():
        token = issue_login_link(db.session.get(User, plan.delegate_user_id))
        db.session.commit()
    return f"/login/link/{token}"


def _etag(app: Any, path: str) -> str:
    response = app.test_client().get(path)
    return response.headers["ETag"]


@dataclass
class InProcess:
    """A page served one request at a time, inside this process."""

    queries: int  # SQL statements per request, steady state
    median_ms: float  # the app's own time per request, without load or network


def measure_in_process(plan: Plan, repeat: int = 30) -> dict[str, InProcess]:
    """Per page: the SQL statements of one request (after a warm-up request)
    and the median time of ``repeat`` requests made one after another."""
    # The production entry point's app, as the servers load it (its
    # reference data loaded and its start-up objects frozen).
    import wsgi
    from festival.extensions import db

    app = wsgi.app
    app.config["WTF_CSRF_ENABLED"] = False
    organiser = app.test_client()
    organiser.post("/login", data=plan.organiser_login)
    delegate = app.test_client()
    delegate.post(login_path(plan))
    anonymous = app.test_client()
    clients = {"organiser": organiser, "delegate": delegate, None: anonymous}

    measured: dict[str, InProcess] = {}
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    for target in plan.targets:
        client = clients[target.cookie]
        client.get(target.path, headers=target.headers)  # warm caches, as under load
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(target.path, headers=target.headers)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        if response.status_code != target.expect:
            raise SystemExit(f"{target.name}: expected {target.expect}, got {response.status_code}")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(target.path, headers=target.headers)
            times.append((time.perf_counter() - started) * 1000)
        measured[target.name] = InProcess(len(statements), statistics.median(times))
    return measured
