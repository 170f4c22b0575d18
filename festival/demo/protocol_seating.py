"""Demo data for protocol: city names in katakana with their readings, the
festival's precedence rule, a seated banquet (the Welcome Dinner, an
exchange dinner: delegations mixed) and the Mayors' Forum's speaking order.

Cities not in the list below keep no reading: the order of precedence
derives one from a romanised Japanese name (Usuki: うすき) or places them
after the others, which the printed list explains.
"""

from __future__ import annotations

import math

import sqlalchemy as sa

from festival.cities.models import City
from festival.demo import DemoContext
from festival.extensions import db
from festival.invitations.models import Invitation, InvitationStatus
from festival.programme.models import Attendance, ProgrammeSession
from festival.protocol import seating
from festival.protocol.models import (
    CityProtocol,
    EqualRankRule,
    LayoutKind,
    ProtocolSettings,
    SpeakingOrder,
    TableShape,
)
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

# (name in katakana or kanji, reading in hiragana) as a Japanese host writes them.
CITY_NAMES = {
    "Alba": ("アルバ", "あるば"),
    "Arequipa": ("アレキパ", "あれきぱ"),
    "Belém": ("ベレン", "べれん"),
    "Bergamo": ("ベルガモ", "べるがも"),
    "Bergen": ("ベルゲン", "べるげん"),
    "Burgos": ("ブルゴス", "ぶるごす"),
    "Chengdu": ("成都", "せいと"),
    "Cuenca": ("クエンカ", "くえんか"),
    "Dénia": ("デニア", "でにあ"),
    "Gangneung": ("江陵", "かんぬん"),
    "Gaziantep": ("ガズィアンテプ", "がずぃあんてぷ"),
    "Jeonju": ("全州", "ちょんじゅ"),
    "Macao": ("マカオ", "まかお"),
    "Parma": ("パルマ", "ぱるま"),
    "Phuket": ("プーケット", "ぷーけっと"),
    "Rouen": ("ルーアン", "るーあん"),
    "Tsuruoka": ("鶴岡", "つるおか"),
    "Tucson": ("ツーソン", "つーそん"),
    "Usuki": ("臼杵", "うすき"),
    "Yangzhou": ("揚州", "ようしゅう"),
    "Zaragoza": ("サラゴサ", "さらごさ"),
}
HOST_MAYOR = ("Minako Sato", "佐藤 美奈子")
BANQUET = "Welcome Dinner"
FORUM = "Mayors' Forum"


def _session(ctx: DemoContext, title: str) -> ProgrammeSession | None:
    assert ctx.festival is not None
    return db.session.scalar(
        sa.select(ProgrammeSession)
        .where(
            ProgrammeSession.festival_id == ctx.festival.id,
            ProgrammeSession.title.startswith(title),
        )
        .order_by(ProgrammeSession.starts_at)
        .limit(1)
    )


def _host_delegation(ctx: DemoContext, sessions: list[ProgrammeSession]) -> bool:
    """The host city's own delegation with its mayor, enrolled in ``sessions``
    (the host heads the banquet and opens the forum), if the demo has the
    host city's invitation but no delegation for it."""
    festival = ctx.festival
    assert festival is not None
    invitation = db.session.scalar(
        sa.select(Invitation)
        .join(City, City.id == Invitation.city_id)
        .where(Invitation.festival_id == festival.id, City.name == festival.host_city)
    )
    if invitation is None or invitation.delegation is not None:
        return False
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = ctx.now
    delegation = Delegation(invitation=invitation, festival=festival, city_id=invitation.city_id)
    mayor = Delegate(
        delegation=delegation,
        is_head=True,
        full_name=HOST_MAYOR[0],
        native_name=HOST_MAYOR[1],
        position="Mayor",
        role=DelegateRole.MAYOR,
        confirmed_role=DelegateRole.MAYOR,
        status=DelegateStatus.CONFIRMED,
        email="mayor@tsuruoka-host.example",
        locale="ja",
        languages=["ja"],
        consent_at=ctx.now,
    )
    db.session.add_all([delegation, mayor])
    db.session.flush()
    db.session.add_all(Attendance(session_id=s.id, delegate_id=mayor.id) for s in sessions)
    db.session.flush()
    return True


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no festival"
    banquet, forum = _session(ctx, BANQUET), _session(ctx, FORUM)
    host = _host_delegation(ctx, [s for s in (banquet, forum) if s is not None])
    db.session.add(
        ProtocolSettings(
            festival_id=festival.id, rule=EqualRankRule.ALPHABETICAL, language="ja", revision=1
        )
    )
    cities = db.session.execute(
        sa.select(Delegation.city_id, City.name)
        .join(City, City.id == Delegation.city_id)
        .where(Delegation.festival_id == festival.id)
    ).all()
    named = [
        CityProtocol(
            festival_id=festival.id,
            city_id=city_id,
            local_name=CITY_NAMES[name][0],
            reading=CITY_NAMES[name][1],
        )
        for city_id, name in cities
        if name in CITY_NAMES
    ]
    db.session.add_all(named)
    db.session.flush()
    summary = [f"{len(named)} city readings"] + (["the host's delegation"] if host else [])
    if banquet is not None:
        guests = len(seating.guest_ids(banquet))
        plan = seating.create_plan(
            festival,
            banquet,
            layout=LayoutKind.TABLES,
            head_shape=TableShape.LONG,
            head_seats=12,
            count=max(1, math.ceil(max(guests - 12, 0) / 10)),
            shape=TableShape.ROUND,
            seats=10,
            mix=True,
        )
        unseated = seating.auto_place(festival, plan)
        summary.append(f"a banquet of {guests - len(unseated)} seated guests")
        ctx.note(
            f"Seated banquet: /organiser/festivals/{festival.slug}/protocol/sessions/"
            f"{banquet.id}/seating"
        )
    if forum is not None:
        db.session.add(
            SpeakingOrder(
                festival_id=festival.id, session_id=forum.id, slot_minutes=6, offset_minutes=10
            )
        )
        summary.append("the Mayors' Forum's speaking order")
    return ", ".join(summary)
