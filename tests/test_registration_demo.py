"""The registration demo step: realistic delegations, and a mayor's sign-in link that works."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from festival.core.types import utcnow
from festival.demo import DemoContext
from festival.extensions import db
from festival.registration import demo
from festival.registration.models import MAYOR_ROLES, Delegate, DelegateRole, DelegateStatus
from tests import factories

COUNTRIES = ["IT", "JP", "FR", "LB", "MX", "KR", "TR", "BR", "CN", "SE"]


def _seed(app, *, delegations: int = 60, delegates: int = 150, seed: int = 7, shared: bool):
    with app.app_context():
        festival = factories.make_festival()
        ids = []
        for n in range(delegations):
            delegation = factories.make_delegation(
                festival,
                factories.make_city(country_code=COUNTRIES[n % len(COUNTRIES)]),
                quota=3 if n % 5 else 4,
            )
            ids.append((delegation.id, delegation.city_id, delegation.invitation_id))
        ctx = DemoContext(
            rng=random.Random(seed),
            cities=delegations,
            delegates=delegates,
            sessions=0,
            now=utcnow(),
        )
        ctx.festival = festival
        if shared:
            ctx.shared["delegation_ids"] = ids
        summary = demo.seed(ctx)
        db.session.commit()
        return ctx, summary, festival.id


def _delegates(app) -> list[Delegate]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Delegate).order_by(Delegate.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_demo_delegations_look_like_real_ones(app):
    ctx, summary, _festival_id = _seed(app, shared=True)
    people = _delegates(app)
    assert len(people) == 150 and summary.startswith("150 delegates")
    assert sorted(ctx.shared["delegate_ids"]) == [d.id for d in people]

    by_delegation: dict[int, list[Delegate]] = {}
    for d in people:
        by_delegation.setdefault(d.delegation_id, []).append(d)
    sizes = Counter(len(group) for group in by_delegation.values())
    assert sizes.most_common(1)[0][0] == 3  # mostly three people
    for group in by_delegation.values():
        assert sum(d.is_head for d in group) == 1
        assert len({d.email for d in group}) == len(group)
        if len(group) == 3:
            assert {d.role for d in group} >= {DelegateRole.INTERPRETER, DelegateRole.OFFICIAL}
            assert any(d.role in MAYOR_ROLES for d in group)

    # The confirmed registrations had their role confirmed with them; no other.
    assert all(
        d.confirmed_role == (d.role if d.status == DelegateStatus.CONFIRMED else None)
        for d in people
    )
    statuses = Counter(d.status for d in people)
    assert statuses[DelegateStatus.CONFIRMED] > len(people) / 2
    assert statuses[DelegateStatus.CANCELLED] < len(people) / 10
    # Names in their own script where the country writes in one.
    assert any(d.native_name and any(ord(ch) > 0x3000 for ch in d.native_name) for d in people)
    assert all(d.languages for d in people)


def test_demo_arrivals_are_the_day_before_in_the_airports_zone(app):
    _ctx, _summary, festival_id = _seed(app, shared=False)
    with app.app_context():
        from festival.festivals.models import Festival

        festival = db.session.get(Festival, festival_id)
        starts_on = festival.starts_on
    tokyo = ZoneInfo("Asia/Tokyo")
    travellers = [d for d in _delegates(app) if d.arrival_at is not None]
    assert travellers, "some delegates have their flights on file"
    assert {d.arrival_airport for d in travellers} <= {"HND", "NRT", "KIX", "SYO"}
    for d in travellers:
        local = d.arrival_at.astimezone(tokyo)
        assert local.date() in (starts_on - timedelta(days=1), starts_on - timedelta(days=2))
        assert 6 <= local.hour <= 21
        assert d.departure_at > d.arrival_at and d.arrival_flight
        if d.needs_room:
            assert d.check_in_on == local.date()


def test_the_demo_mayor_link_signs_in_a_head_of_delegation_who_is_a_mayor(app, client):
    ctx, _summary, _festival_id = _seed(app, shared=True)
    [line] = [n for n in ctx.notes if n.startswith("Delegate sign-in (head of delegation, mayor)")]
    # The app's SERVER_URL (http://127.0.0.1:5000 for `make run`), then the link.
    url = line.split(": ", 1)[1]
    assert url.startswith(app.config["SERVER_URL"] + "/login/link/")
    path = url[len(app.config["SERVER_URL"]) :]
    assert client.post(path).status_code == 302
    assert client.get("/my/delegation").status_code == 200
    me = client.get("/my/data.json").json["delegate"]
    assert me["is_head"] and me["role"] == "mayor" and me["status"] == "confirmed"
    assert me["full_name"] in client.get("/my/delegation").text


def test_the_demo_is_deterministic(app):
    _seed(app, shared=True, seed=11)
    first = [(d.full_name, d.role, d.arrival_at) for d in _delegates(app)]
    with app.app_context():
        db.session.execute(sa.delete(Delegate))
        db.session.commit()
        from festival.auth.models import LoginLink, User, UserRole

        db.session.execute(sa.delete(LoginLink))
        db.session.execute(sa.delete(User).where(User.role == UserRole.DELEGATE))
        db.session.commit()
    _seed(app, shared=True, seed=11)
    second = [(d.full_name, d.role, d.arrival_at) for d in _delegates(app)]
    assert len(first) == len(second)
    assert [f[:2] for f in first] == [s[:2] for s in second]
