"""Demo data: the programme (ctx.sessions sessions over the festival's days)
and the delegates' enrolments, in bulk inserts.

An opening ceremony, thematic sessions, workshops, tastings, meals,
excursions, the inter-city exchange with its booths, a Mayors' Forum on day
2 (mayors and deputy mayors only), a few invited-list sessions and one
cancelled session. The festival began yesterday, so some sessions are over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from festival.demo import DemoContext
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.programme.catalogue import (
    ANCHORS,
    DURATIONS,
    LANGUAGE_SETS,
    MIX,
    SPEAKERS,
    VENUE_PREFERENCES,
    titles_for,
)
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
    SessionType,
    session_invited_delegations,
)
from festival.programme.times import to_utc
from festival.registration.models import Delegate, Delegation

DAY_STARTS = time(9, 0)
DAY_ENDS = time(21, 30)
BREAK = timedelta(minutes=15)


@dataclass
class Planned:
    """A session being planned, before it has an id."""

    row: dict[str, Any]
    invited: list[int] = field(default_factory=list)


class Planner:
    """Books venues day by day in the festival's zone, so rooms are not
    double-booked until the programme is so large that they must be."""

    def __init__(self, ctx: DemoContext, festival: Festival, venues: list[Venue]) -> None:
        self.ctx, self.festival, self.tz = ctx, festival, festival.tz
        self.venues = {v.name: v for v in venues}
        self.days = [
            festival.starts_on + timedelta(days=n)
            for n in range((festival.ends_on - festival.starts_on).days + 1)
        ]
        self.booked: dict[tuple[date, str], list[tuple[datetime, datetime]]] = {}

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return to_utc(day, time(hour, minute), self.tz)

    def book(self, day: date, venue: Venue, starts: datetime, ends: datetime) -> None:
        self.booked.setdefault((day, venue.name), []).append((starts, ends + BREAK))

    def _first_free(
        self, day: date, name: str, options: list[datetime], length: timedelta
    ) -> datetime | None:
        closing = self.at(day, DAY_ENDS.hour, DAY_ENDS.minute)
        busy = sorted(self.booked.get((day, name), []))
        for start in options:
            while start + length <= closing:
                clash = next((e for s, e in busy if s < start + length and start < e), None)
                if clash is None:
                    return start
                if len(options) > 1:
                    break  # fixed times (meals): try the next option
                start = clash
        return None

    def place(
        self, day: date, kind: SessionType, minutes: int, options: list[datetime] | None = None
    ) -> tuple[datetime, Venue | None]:
        """A start and a venue suited to ``kind``: the first free time in a
        preferred venue, else in any venue, else (the day is full) an
        overlapping start in a preferred one."""
        length = timedelta(minutes=minutes)
        starts = options or [self.at(day, DAY_STARTS.hour, DAY_STARTS.minute)]
        preferred = [n for n in VENUE_PREFERENCES[kind] if n in self.venues]
        self.ctx.rng.shuffle(preferred)
        others = [n for n in self.venues if n not in preferred]
        for name in preferred + others:
            start = self._first_free(day, name, starts, length)
            if start is not None:
                self.book(day, self.venues[name], start, start + length)
                return start, self.venues[name]
        if not self.venues:
            return starts[0], None
        name = (preferred or others)[0]
        start = options[0] if options else self.at(day, self.ctx.rng.randint(9, 18))
        return start, self.venues[name]


def _row(
    planner: Planner,
    title: str,
    kind: SessionType,
    audience: Audience,
    starts: datetime,
    minutes: int,
    venue: Venue | None,
    description: str,
) -> dict[str, Any]:
    rng = planner.ctx.rng
    capacity: int | None = venue.capacity if venue else None
    if kind == SessionType.WORKSHOP:
        capacity = min(capacity or 30, rng.choice((20, 24, 30, 40)))
    elif kind == SessionType.EXCURSION:
        capacity = rng.choice((40, 45, 80))
    elif kind == SessionType.CEREMONY:
        capacity = None
    created = planner.ctx.now - timedelta(days=rng.randint(20, 90))
    speakers = (
        "\n".join(rng.sample(SPEAKERS, rng.randint(1, 3)))
        if kind in (SessionType.THEMATIC, SessionType.FORUM, SessionType.WORKSHOP)
        else ""
    )
    languages, interpretation = rng.choice(LANGUAGE_SETS)
    return {
        "festival_id": planner.festival.id,
        "title": title,
        "type": kind,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=minutes),
        "venue_id": venue.id if venue else None,
        "description": description,
        "speakers": speakers,
        "languages": languages,
        "interpretation": interpretation,
        "audience": audience,
        "capacity": capacity,
        "status": SessionStatus.SCHEDULED,
        "sequence": 0,
        "created_at": created,
        "updated_at": created,
    }


def _plan(ctx: DemoContext, planner: Planner, delegation_ids: list[int]) -> list[Planned]:
    rng = ctx.rng
    planned: list[Planned] = []
    days = planner.days
    for day_index, hour, minute, minutes, title, kind, audience, venue_name, text in ANCHORS:
        if len(planned) >= ctx.sessions:
            break
        day = days[min(day_index if day_index >= 0 else len(days) + day_index, len(days) - 1)]
        venue = planner.venues.get(venue_name)
        starts = planner.at(day, hour, minute)
        if venue:
            planner.book(day, venue, starts, starts + timedelta(minutes=minutes))
        planned.append(Planned(_row(planner, title, kind, audience, starts, minutes, venue, text)))
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    titles = {kind: titles_for(kind, rng) for kind, _weight in MIX}
    n = 0
    while len(planned) < ctx.sessions:
        kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
        day = days[n % len(days)]
        n += 1
        title, description = next(titles[kind])
        minutes = rng.choice(DURATIONS[kind])
        options = None
        if kind == SessionType.MEAL:
            hour = 12 if "unch" in title or "昼" in title else 19
            options = [planner.at(day, hour, m) for m in (0, 15, 30)]
        starts, venue = planner.place(day, kind, minutes, options)
        audience = Audience.PUBLIC
        if kind in (SessionType.MEAL, SessionType.EXCURSION, SessionType.TRANSFER):
            audience = Audience.DELEGATES
        elif kind == SessionType.FORUM:
            audience = Audience.MAYORS
        invited: list[int] = []
        if delegation_ids and rng.random() < 0.04:
            audience = Audience.INVITED
            invited = rng.sample(delegation_ids, min(len(delegation_ids), rng.randint(4, 15)))
        planned.append(
            Planned(
                _row(planner, title, kind, audience, starts, minutes, venue, description), invited
            )
        )
    # One session is cancelled, and a few were moved once or twice since they
    # were published: their SEQUENCE tells calendar clients so.
    if len(planned) > 3:
        cancelled = planned[min(len(planned) - 1, 5 + rng.randint(0, max(0, len(planned) - 7)))]
        cancelled.row.update(
            status=SessionStatus.CANCELLED, sequence=1, updated_at=ctx.now - timedelta(days=2)
        )
    for item in rng.sample(planned, len(planned) // 15):
        if item.row["status"] == SessionStatus.SCHEDULED:
            item.row.update(sequence=rng.randint(1, 2), updated_at=ctx.now - timedelta(days=3))
    return planned


def _delegates(festival: Festival) -> Sequence[Any]:
    """(id, confirmed mayor?, delegation_id) of every active delegate: one query."""
    return db.session.execute(
        sa.select(Delegate.id, Delegate.is_confirmed_mayor, Delegate.delegation_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegation.festival_id == festival.id, Delegate.status.in_(ACTIVE_STATUSES))
        .order_by(Delegate.id)
    ).all()


class _Enroller:
    """Enrols delegates one after another, keeping the places taken.

    Plain numbers (POSIX timestamps, list indexes) in the loop: it runs tens
    of thousands of times at the benchmark's size."""

    def __init__(self, ctx: DemoContext, sessions: list[tuple[int, Planned]]) -> None:
        self.ctx = ctx
        self.ids = [sid for sid, _p in sessions]
        self.starts = [p.row["starts_at"].timestamp() for _sid, p in sessions]
        self.ends = [p.row["ends_at"].timestamp() for _sid, p in sessions]
        self.left = [
            p.row["capacity"] if p.row["capacity"] is not None else 10**9 for _sid, p in sessions
        ]
        self.rows: list[dict[str, Any]] = []

    def delegate(self, delegate_id: int) -> None:
        self.delegate_id = delegate_id
        self.chosen: list[int] = []
        ago = timedelta(days=self.ctx.rng.randint(2, 40), minutes=self.ctx.rng.randint(0, 1440))
        self.enrolled_at = self.ctx.now - ago

    def take(self, index: int, *, overlap_ok: bool = False) -> None:
        if self.left[index] <= 0 or index in self.chosen:
            return
        starts, ends = self.starts[index], self.ends[index]
        if not overlap_ok:
            for other in self.chosen:
                if self.starts[other] < ends and starts < self.ends[other]:
                    return
        self.chosen.append(index)
        self.left[index] -= 1
        self.rows.append(
            {
                "session_id": self.ids[index],
                "delegate_id": self.delegate_id,
                "enrolled_at": self.enrolled_at,
            }
        )


def _enrolments(
    ctx: DemoContext, sessions: list[tuple[int, Planned]], delegates: Sequence[Any]
) -> list[dict[str, Any]]:
    """Every confirmed mayor in the mayors' sessions; each delegate in 5–12
    sessions they may attend, without clashes where possible, within capacity."""
    rng = ctx.rng
    scheduled = [
        i for i, (_sid, p) in enumerate(sessions) if p.row["status"] == SessionStatus.SCHEDULED
    ]
    audience = [p.row["audience"] for _sid, p in sessions]
    common = [i for i in scheduled if audience[i] in (Audience.PUBLIC, Audience.DELEGATES)]
    mayors_only = [i for i in scheduled if audience[i] == Audience.MAYORS]
    invited_by_delegation: dict[int, list[int]] = {}
    for i in scheduled:
        for delegation_id in sessions[i][1].invited:
            invited_by_delegation.setdefault(delegation_id, []).append(i)
    enroller = _Enroller(ctx, sessions)
    random = rng.random
    for delegate_id, confirmed_mayor, delegation_id in delegates:
        enroller.delegate(delegate_id)
        if confirmed_mayor:
            for i in mayors_only:
                enroller.take(i, overlap_ok=True)
        for i in invited_by_delegation.get(delegation_id, []):
            if random() < 0.7:
                enroller.take(i)
        wanted = rng.randint(5, 12)
        for _attempt in range(40):
            if len(enroller.chosen) >= wanted or not common:
                break
            enroller.take(common[int(random() * len(common))])
    return enroller.rows


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None or ctx.sessions <= 0:
        return "no programme"
    venues = list(
        db.session.scalars(
            sa.select(Venue).where(Venue.festival_id == festival.id).order_by(Venue.id)
        )
    )
    delegation_ids = list(
        db.session.scalars(
            sa.select(Delegation.id)
            .where(Delegation.festival_id == festival.id)
            .order_by(Delegation.id)
        )
    )
    planner = Planner(ctx, festival, venues)
    planned = _plan(ctx, planner, delegation_ids)
    ids = db.session.scalars(
        sa.insert(ProgrammeSession).returning(ProgrammeSession.id, sort_by_parameter_order=True),
        [p.row for p in planned],
    ).all()
    sessions = list(zip(ids, planned, strict=True))
    invited_rows = [
        {"session_id": sid, "delegation_id": d} for sid, p in sessions for d in p.invited
    ]
    if invited_rows:
        db.session.execute(sa.insert(session_invited_delegations), invited_rows)
    delegates = _delegates(festival)
    attendance = _enrolments(ctx, sessions, delegates)
    if attendance:
        # The table's own insert: the ORM's bulk path costs seconds at this size.
        db.session.execute(Attendance.__table__.insert(), attendance)
    ctx.shared["session_ids"] = ids
    forum = next((sid for sid, p in sessions if p.row["audience"] == Audience.MAYORS), None)
    if forum:
        ctx.shared["mayors_forum_id"] = forum
    return f"{len(ids)} sessions, {len(attendance)} enrolments of {len(delegates)} delegates"
