"""The demo programme and itineraries: realistic, within the rules, deterministic."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from festival.core.types import utcnow
from festival.demo import DemoContext
from festival.extensions import db
from festival.festivals import demo as festivals_demo
from festival.itineraries import demo as itineraries_demo
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme import demo as programme_demo
from festival.programme.eligibility import may_attend
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
    SessionType,
)
from festival.programme.times import day_start, local_day
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import make_city, make_delegate, make_delegation

ROLES = [DelegateRole.MAYOR, DelegateRole.INTERPRETER, DelegateRole.OFFICIAL]


def _seed(sessions: int, delegations: int = 12, seed: int = 7) -> DemoContext:
    ctx = DemoContext(
        rng=random.Random(seed),
        cities=delegations,
        delegates=delegations * 3,
        sessions=sessions,
        now=utcnow(),
    )
    festivals_demo.seed(ctx)
    for n in range(delegations):
        delegation = make_delegation(ctx.festival, make_city(name=f"Demo City {n}"))
        for i, role in enumerate(ROLES):
            make_delegate(
                delegation,
                role=DelegateRole.DEPUTY_MAYOR if (n, i) == (1, 0) else role,
                with_user=False,
            )
    make_delegate(
        delegation, role=DelegateRole.CHEF, status=DelegateStatus.DECLINED, with_user=False
    )
    programme_demo.seed(ctx)
    itineraries_demo.seed(ctx)
    db.session.commit()
    return ctx


def test_the_demo_programme_follows_the_rules(app):
    with app.app_context():
        ctx = _seed(60)
        festival = ctx.festival
        sessions = db.session.scalars(
            sa.select(ProgrammeSession).where(ProgrammeSession.festival_id == festival.id)
        ).all()
        assert len(sessions) == 60
        first = day_start(festival.starts_on, festival.tz)
        after = day_start(festival.ends_on + timedelta(days=1), festival.tz)
        assert all(first <= s.starts_at < s.ends_at <= after for s in sessions)
        types = Counter(s.type for s in sessions)
        for kind in (
            SessionType.CEREMONY,
            SessionType.THEMATIC,
            SessionType.WORKSHOP,
            SessionType.TASTING,
            SessionType.MEAL,
            SessionType.EXCURSION,
            SessionType.EXCHANGE,
            SessionType.FORUM,
        ):
            assert types[kind] >= 1, kind
        assert [s.status for s in sessions].count(SessionStatus.CANCELLED) == 1
        forum = next(s for s in sessions if s.type == SessionType.FORUM)
        assert forum.audience == Audience.MAYORS
        assert local_day(forum.starts_at, festival.tz) == festival.starts_on + timedelta(days=1)
        # The festival began yesterday: part of the programme is over already.
        assert any(s.ends_at < ctx.now for s in sessions)
        assert any(s.starts_at > ctx.now for s in sessions)
        titles = " ".join(s.title for s in sessions)
        assert any("\u3040" <= c <= "\u9fff" for c in titles)  # some Japanese

        attendances = db.session.scalars(sa.select(Attendance)).all()
        by_session = Counter(a.session_id for a in attendances)
        by_delegate = Counter(a.delegate_id for a in attendances)
        for s in sessions:
            assert s.capacity is None or by_session[s.id] <= s.capacity
            if s.status == SessionStatus.CANCELLED:
                assert by_session[s.id] == 0
        delegates = db.session.scalars(sa.select(Delegate)).all()
        forum_people = {a.delegate_id for a in attendances if a.session_id == forum.id}
        for delegate in delegates:
            if delegate.status != DelegateStatus.CONFIRMED:
                assert by_delegate[delegate.id] == 0
                continue
            assert (delegate.id in forum_people) == delegate.is_confirmed_mayor
            assert 5 <= by_delegate[delegate.id] <= 12 + 3, delegate
        # Nobody is enrolled where the audience rules would not let them in.
        sessions_by_id = {s.id: s for s in sessions}
        people = {d.id: d for d in delegates}
        assert all(
            may_attend(sessions_by_id[a.session_id], people[a.delegate_id]) for a in attendances
        )


def test_each_delegation_gets_a_pickup_a_hotel_stay_a_visit_and_a_dinner(app):
    with app.app_context():
        _seed(20, delegations=5)
        items = db.session.scalars(sa.select(ItineraryItem)).all()
        per_delegation: dict[int, list[ItineraryItem]] = {}
        for item in items:
            per_delegation.setdefault(item.delegation_id, []).append(item)
        assert len(per_delegation) == 5
        for group in per_delegation.values():
            kinds = sorted(i.kind for i in group)
            assert kinds == sorted(
                [ItemKind.PICKUP, ItemKind.HOTEL, ItemKind.VISIT, ItemKind.DINNER]
            )
            hotel = next(i for i in group if i.kind == ItemKind.HOTEL)
            assert hotel.all_day and hotel.ends_at > hotel.starts_at
            pickup = next(i for i in group if i.kind == ItemKind.PICKUP)
            assert pickup.starts_at < next(i for i in group if i.kind == ItemKind.VISIT).starts_at


def test_the_demo_is_deterministic(app):
    with app.app_context():
        _seed(30, delegations=4, seed=11)
        first = db.session.execute(
            sa.select(
                ProgrammeSession.title, ProgrammeSession.starts_at, ProgrammeSession.venue_id
            ).order_by(ProgrammeSession.id)
        ).all()
        first = [(t, s - first[0][1], v) for t, s, v in first]
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        _seed(30, delegations=4, seed=11)
        again = db.session.execute(
            sa.select(
                ProgrammeSession.title, ProgrammeSession.starts_at, ProgrammeSession.venue_id
            ).order_by(ProgrammeSession.id)
        ).all()
        again = [(t, s - again[0][1], v) for t, s, v in again]
    assert [(t, s) for t, s, _v in first] == [(t, s) for t, s, _v in again]
