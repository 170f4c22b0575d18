"""Demo data for booths: the inter-city exchange with a dozen booths on a
floor plan of two halls, some run with partner cities, staffed by their
delegations, one still waiting for review."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from festival.booths import services
from festival.booths.models import BoothPartner, PartnerStatus
from festival.demo import DemoContext
from festival.extensions import db
from festival.programme.models import Audience, ProgrammeSession, SessionType
from festival.registration.models import Delegation

# (title, description, title in Japanese, needs: power, table, tasting)
PROJECTS = [
    (
        "Slow Food Routes",
        "A shared map of producers' routes between our cities.",
        "スローフードの道",
        (True, True, False),
    ),
    (
        "Heirloom Rice Exchange",
        "Seeds of old rice varieties grown in each other's fields.",
        "在来米の交換",
        (False, True, True),
    ),
    (
        "Young Chefs Residency",
        "Two weeks in a partner city's kitchens, every spring.",
        "若手料理人の滞在",
        (True, False, False),
    ),
    (
        "Fermentation Archive",
        "Recipes of miso, garum and kimchi, recorded with their makers.",
        "発酵のアーカイブ",
        (True, True, True),
    ),
    (
        "Market Halls Network",
        "How our covered markets keep small producers in town.",
        "市場のネットワーク",
        (False, True, False),
    ),
    (
        "School Lunch Stories",
        "Children cook a partner city's dish once a month.",
        "給食の物語",
        (False, True, True),
    ),
    (
        "Olive and Camellia Oils",
        "Two oils, two coasts, one tasting.",
        "オリーブと椿の油",
        (False, True, True),
    ),
    (
        "Street Food Heritage",
        "Keeping stalls alive in the city centre.",
        "屋台の遺産",
        (True, False, True),
    ),
    (
        "Tea Ceremonies Compared",
        "Tea in four cities, served side by side.",
        "茶の湯の比較",
        (False, True, True),
    ),
    (
        "Food Waste Compacts",
        "What the cities promised, and what they measured.",
        "食品ロスの協定",
        (True, False, False),
    ),
    (
        "Fishermen's Cooperatives",
        "Sustainable catches sold directly to restaurants.",
        "漁協の取り組み",
        (False, True, False),
    ),
    (
        "Mountain Vegetables",
        "Foraging guides written together by two cities.",
        "山菜のガイド",
        (False, True, True),
    ),
]
# Which booths are run with partners (index of the booth -> offsets of the partner cities).
PARTNERS = {0: (12,), 3: (13, 14), 6: (15,), 9: (12,)}


def _exchange(ctx: DemoContext) -> ProgrammeSession | None:
    assert ctx.festival is not None
    return db.session.scalar(
        sa.select(ProgrammeSession)
        .where(
            ProgrammeSession.festival_id == ctx.festival.id,
            ProgrammeSession.type == SessionType.EXCHANGE,
        )
        .order_by((ProgrammeSession.audience != Audience.PUBLIC), ProgrammeSession.starts_at)
        .limit(1)
    )


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no festival"
    session = _exchange(ctx)
    if session is None:
        return "no exchange session"
    services.set_exchange_session(festival, session)
    # Delegations whose head registered, by id: deterministic at every size.
    delegations = [
        d
        for d in db.session.scalars(
            sa.select(Delegation)
            .options(selectinload(Delegation.delegates))
            .where(Delegation.festival_id == festival.id)
            .order_by(Delegation.id)
        )
        if d.head is not None
    ]
    if len(delegations) < 2:
        return "too few delegations for booths"
    halls = [
        services.add_hall(festival, "Hall A", 2, 4),
        services.add_hall(festival, "Hall B", 2, 3),
    ]
    stands = [(halls[0], n) for n in range(1, 9)] + [(halls[1], n) for n in range(1, 7)]
    made = 0
    for index, (title, description, title_ja, needs) in enumerate(PROJECTS):
        if index >= len(delegations):
            break
        delegation = delegations[index]
        partner_ids = [
            delegations[offset].id
            for offset in PARTNERS.get(index, ())
            if offset < len(delegations) and offset != index
        ]
        booth = services.apply(
            delegation,
            session,
            services.BoothData(title, description, *needs, "", partner_ids),
        )
        booth.title_i18n = {"ja": title_ja}
        for n, partner in enumerate(booth.partners):
            # The last partner of the Fermentation Archive has not answered yet.
            if not (index == 3 and n == 1):
                services.answer_partner(booth, partner.delegation, True)
        for member in [delegation, *(p.delegation for p in booth.partners)]:
            if member.id in services.booth_delegation_ids(booth):
                people = [d.id for d in services.staff_candidates(member)][:2]
                services.set_staff(booth, member, people)
        if index == len(PROJECTS) - 1:
            continue  # one application still waiting for review
        services.review(booth, True, "")
        hall, stand = stands[index]
        services.place(booth, hall, stand)
        made += 1
    db.session.flush()
    confirmed = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(BoothPartner)
        .where(BoothPartner.status == PartnerStatus.CONFIRMED)
    )
    ctx.note(
        f"Booths: /festivals/{festival.slug}/booths"
        f" (organisers: /organiser/festivals/{festival.slug}/booths)"
    )
    return f"{made} booths placed in 2 halls, {confirmed} partner cities confirmed"
