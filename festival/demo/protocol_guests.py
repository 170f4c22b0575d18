"""Demo data for the protocol guests (issue 11, items 3, 4 and 6): a mayor's
spouse accompanying him (outside the quota, in the partner programme), a
UNESCO delegation and a press guest (guests who are not a city), and
interpretation on the Mayors' Forum with exactly one mayor left uncovered.

Runs after the programme step (it needs the delegations and the forum).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from festival.cities.models import City, CityKind
from festival.core.tokens import hash_token, new_token
from festival.demo import DemoContext
from festival.extensions import db
from festival.interpretation.coverage import norm
from festival.interpretation.services import coverage_of
from festival.invitations.models import Invitation, InvitationStatus
from festival.programme.models import (
    Attendance,
    Audience,
    HostInterpreter,
    ProgrammeSession,
    SessionStatus,
    SessionType,
)
from festival.registration.models import (
    Delegate,
    DelegateRole,
    DelegateStatus,
    Delegation,
    RoomType,
)

# Sessions a spouse would join: the partner programme.
PARTNER_TYPES = (SessionType.TASTING, SessionType.EXCURSION, SessionType.MEAL, SessionType.CEREMONY)
HOST_INTERPRETERS = [
    "Sato Keiko",
    "Mori Hana",
    "Ito Ren",
    "Kobayashi Yui",
    "Takahashi Jun",
    "Watanabe Aoi",
    "Yamada Sora",
    "Nakamura Emi",
    "Kato Riku",
    "Yoshida Mei",
    "Yamaguchi Kaito",
    "Matsumoto Rin",
]


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    if festival is None:
        return "no festival"
    done = [_guest_organisations(ctx), _spouse(ctx), _interpretation(ctx)]
    return "; ".join(part for part in done if part)


def _invite(ctx: DemoContext, city: City, quota: int) -> Delegation:
    assert ctx.festival is not None
    sent = ctx.now - timedelta(days=20)
    invitation = Invitation(
        festival_id=ctx.festival.id,
        city=city,
        token_hash=hash_token(new_token()),
        quota=quota,
        deadline=ctx.now + timedelta(days=30),
        status=InvitationStatus.ACCEPTED,
        sent_at=sent,
        opened_at=sent + timedelta(hours=5),
        responded_at=sent + timedelta(days=2),
    )
    delegation = Delegation(invitation=invitation, festival_id=ctx.festival.id, city=city)
    db.session.add_all([city, invitation, delegation])
    return delegation


def _person(delegation: Delegation, **values: object) -> Delegate:
    role = values.pop("role", DelegateRole.OFFICIAL)
    person = Delegate(
        delegation=delegation,
        status=DelegateStatus.CONFIRMED,
        role=role,
        confirmed_role=role,
        consent_at=delegation.invitation.responded_at,
        **values,
    )
    db.session.add(person)
    return person


def _guest_organisations(ctx: DemoContext) -> str:
    """UNESCO (an organisation, two places) and a press guest (one)."""
    unesco = _invite(
        ctx,
        City(
            name="UNESCO",
            kind=CityKind.ORGANISATION,
            country_code="FR",
            contact_name="Ana Pereira",
            contact_email="creativecities@unesco.example",
            preferred_language="fr",
        ),
        quota=2,
    )
    _person(
        unesco,
        is_head=True,
        full_name="Ana Pereira",
        position="Programme Specialist, Creative Cities Network",
        email="ana.pereira@unesco.example",
        locale="fr",
        languages=["fr", "en", "pt"],
        check_in_on=ctx.festival.starts_on - timedelta(days=1) if ctx.festival else None,
        check_out_on=ctx.festival.ends_on if ctx.festival else None,
    )
    _person(
        unesco,
        full_name="Jean Moreau",
        position="Assistant Programme Officer",
        email="jean.moreau@unesco.example",
        locale="fr",
        languages=["fr", "en"],
        check_in_on=ctx.festival.starts_on - timedelta(days=1) if ctx.festival else None,
        check_out_on=ctx.festival.ends_on if ctx.festival else None,
    )
    press = _invite(
        ctx,
        City(
            name="NHK World",
            kind=CityKind.PRESS,
            country_code="JP",
            contact_name="Tanaka Mika",
            contact_email="newsdesk@nhk-world.example",
            preferred_language="ja",
        ),
        quota=1,
    )
    _person(
        press,
        is_head=True,
        role=DelegateRole.PRESS,
        full_name="Tanaka Mika",
        native_name="田中 美香",
        position="Correspondent",
        email="mika.tanaka@nhk-world.example",
        locale="ja",
        languages=["ja", "en"],
        needs_room=False,
    )
    db.session.flush()
    return "UNESCO and a press guest"


def _spouse(ctx: DemoContext) -> str:
    """A confirmed mayor's spouse, sharing his room, in the partner programme."""
    assert ctx.festival is not None
    mayor = db.session.scalar(
        sa.select(Delegate)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(
            Delegation.festival_id == ctx.festival.id,
            Delegate.status == DelegateStatus.CONFIRMED,
            Delegate.confirmed_role == DelegateRole.MAYOR,
        )
        .order_by(Delegate.id)
        .limit(1)
    )
    if mayor is None:
        return ""
    family = mayor.full_name.split()[-1]
    spouse = _person(
        mayor.delegation,
        role=DelegateRole.OTHER,
        is_accompanying=True,
        accompanies_id=mayor.id,
        full_name=f"Claire {family}",
        position=f"Spouse of the Mayor of {mayor.delegation.city.name}",
        email=f"spouse.{mayor.id}@partners.example",
        locale=mayor.locale,
        languages=list(mayor.languages or ["en"]),
        dietary=["vegetarian"],
        arrival_at=mayor.arrival_at,
        arrival_flight=mayor.arrival_flight,
        arrival_airport=mayor.arrival_airport,
        departure_at=mayor.departure_at,
        departure_flight=mayor.departure_flight,
        departure_airport=mayor.departure_airport,
        needs_room=True,
        shares_room_with=mayor.full_name,
        check_in_on=mayor.check_in_on,
        check_out_on=mayor.check_out_on,
        hotel=mayor.hotel,
    )
    if mayor.room_type is None:
        mayor.room_type = RoomType.DOUBLE
    partner = list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .where(
                ProgrammeSession.festival_id == ctx.festival.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
                ProgrammeSession.audience.in_([Audience.PUBLIC, Audience.DELEGATES]),
                ProgrammeSession.type.in_(PARTNER_TYPES),
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
            .limit(4)
        )
    )
    db.session.flush()
    for session in partner:
        session.open_to_accompanying = True
    if partner:
        db.session.add(Attendance(session_id=partner[0].id, delegate_id=spouse.id))
    db.session.flush()
    ctx.note(
        f"Accompanying person: {spouse.full_name}, with {mayor.full_name} "
        f"({mayor.delegation.city.name}); {len(partner)} sessions in the partner programme."
    )
    return f"{spouse.full_name} accompanies {mayor.full_name}"


def _interpretation(ctx: DemoContext) -> str:
    """The Mayors' Forum in the host's language, interpretation offered into
    every language its mayors need but one: one mayor is left uncovered."""
    festival = ctx.festival
    assert festival is not None
    forum = db.session.scalar(
        sa.select(ProgrammeSession)
        .where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.audience == Audience.MAYORS,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        .limit(1)
    )
    if forum is None:
        return ""
    floor = list((festival.languages or ["en"])[:1])
    forum.languages = floor
    forum.interpretation_languages = []
    db.session.flush()
    uncovered = coverage_of(festival, [forum])[forum.id].uncovered
    if not uncovered:
        return "the forum needs no interpretation"

    # The one to leave: a mayor no other shares all their languages with
    # (offering another's language must not cover them too).
    def alone(candidate: Any) -> bool:
        theirs = set(norm(candidate.attendee.languages))
        return not any(
            set(norm(u.attendee.languages)) <= theirs for u in uncovered if u is not candidate
        )

    left = next((u for u in uncovered if alone(u)), uncovered[0])
    # One language of every other uncovered mayor is offered (never one the
    # mayor left uncovered speaks): only that mayor is left.
    theirs = set(norm(left.attendee.languages))
    offered = norm(
        next((code for code in norm(u.attendee.languages) if code not in theirs), "")
        for u in uncovered
        if u is not left
    )
    forum.interpretation_languages = offered
    for name, code in zip(HOST_INTERPRETERS, offered, strict=False):
        interpreter = HostInterpreter(festival_id=festival.id, name=name, languages=[*floor, code])
        db.session.add(interpreter)
        forum.interpreters.append(interpreter)
    db.session.flush()
    ctx.note(
        f"Mayors' Forum interpretation: offered {', '.join(offered) or 'none'}; "
        f"{left.attendee.name} ({left.attendee.city}) is left uncovered."
    )
    return f"interpretation at {forum.title}"
