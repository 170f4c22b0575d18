"""A small festival with something on every main page, for the browser's
accessibility and keyboard tests.

It runs around today, in Tokyo: some sessions are over (their impression
forms are open), others are to come. Built with the factories and the
domains' own services, inside an app context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask

from festival.auth.models import User
from festival.auth.services import create_organiser, issue_login_link
from festival.extensions import db
from festival.impressions import sending
from festival.impressions import services as impressions
from festival.impressions.models import ImpressionQuestion, QuestionKind
from festival.invitations.models import InvitationStatus
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.itineraries.services import create_item
from festival.programme.models import Audience, SessionStatus, SessionType
from festival.registration.models import DelegateRole, DelegateStatus, Delegation
from tests.e2e.support import ORGANISER_EMAIL, ORGANISER_PASSWORD
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_festival,
    make_invitation,
    make_session,
    make_venue,
)

TOKYO = ZoneInfo("Asia/Tokyo")


@dataclass
class Scene:
    slug: str
    public_session_id: int
    forum_form_id: int
    invitation_token: str  # sent, not answered yet: the invitation page
    registration_token: str  # accepted, nobody registered: the head's form
    impression_token: str  # the head's unanswered form for a past session
    head_id: int  # Parma's head of delegation (user id)
    mayor_id: int  # Parma's mayor (user id)
    parma_id: int  # Parma's delegation
    mayor_delegate_id: int = 0  # Parma's mayor (delegate id)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Tokyo wall-clock time, as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO).astimezone(UTC)


def build_scene(app: Flask, language: str = "en") -> Scene:
    """The festival, its people and their paperwork; delegates read ``language``."""
    with app.app_context():
        create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        today = datetime.now(TOKYO).date()
        festival = make_festival(
            slug="tsuruoka",
            name="Gastronomy Festival of Tsuruoka",
            starts_on=today - timedelta(days=2),
            ends_on=today + timedelta(days=2),
            contact_email="festival@city.tsuruoka.example",
        )
        hall = make_venue(festival, name="Shonai Hall", capacity=300)
        deadline = datetime.now(UTC) + timedelta(days=10)

        parma_city = make_city(name="Parma", country_code="IT", contact_email="parma@example.org")
        parma_invitation, _ = make_invitation(
            festival, parma_city, status=InvitationStatus.ACCEPTED, deadline=deadline
        )
        parma = Delegation(invitation=parma_invitation, festival=festival, city=parma_city)
        db.session.add(parma)
        head = make_delegate(
            parma,
            full_name="Giulia Ferrari",
            position="Director, Creative City Office",
            email="giulia@parma.example",
            is_head=True,
            locale=language,
            dietary=["vegetarian"],
            arrival_at=at(festival.starts_on, 9, 40),
            arrival_airport="HND",
            arrival_flight="NH 393",
        )
        mayor = make_delegate(
            parma,
            full_name="Michele Guerra",
            position="Mayor of Parma",
            role=DelegateRole.MAYOR,
            email="michele@parma.example",
            locale=language,
        )
        interpreter = make_delegate(
            parma,
            full_name="Sara Conti",
            native_name="サラ・コンティ",
            role=DelegateRole.INTERPRETER,
            position="Interpreter",
            email="sara@parma.example",
            status=DelegateStatus.PENDING,
            consent_at=None,
            locale=language,
        )
        for person in (head, mayor, interpreter):
            person.user.locale = language

        lyon, invitation_token = make_invitation(
            festival,
            # Lyon's invitation is in the language under test: it opens in it.
            make_city(name="Lyon", country_code="FR", preferred_language=language),
            deadline=deadline,
        )
        chengdu_city = make_city(name="Chengdu", country_code="CN", contact_name="Li Wei")
        chengdu, registration_token = make_invitation(
            festival, chengdu_city, status=InvitationStatus.ACCEPTED, deadline=deadline
        )
        db.session.add(Delegation(invitation=chengdu, festival=festival, city=chengdu_city))
        make_invitation(festival, make_city(name="Bergen", country_code="NO"), deadline=deadline,
                        status=InvitationStatus.DECLINED)  # fmt: skip
        make_invitation(festival, make_city(name="Östersund", country_code="SE"),
                        deadline=deadline, status=InvitationStatus.DRAFT, token_hash=None,
                        sent_at=None)  # fmt: skip

        yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
        forum = make_session(
            festival,
            title="Mayors' Forum",
            type=SessionType.FORUM,
            audience=Audience.MAYORS,
            venue=hall,
            starts_at=at(yesterday, 10),
            ends_at=at(yesterday, 11, 30),
        )
        tasting = make_session(
            festival,
            title="Fermented Futures",
            type=SessionType.TASTING,
            venue=hall,
            starts_at=at(yesterday, 14),
            ends_at=at(yesterday, 15, 30),
            description="Koji, miso and Parmigiano, side by side.",
        )
        public = make_session(
            festival,
            title="Rice, Sea and Mountains",
            venue=hall,
            starts_at=at(tomorrow, 10),
            ends_at=at(tomorrow, 11, 30),
            speakers="Chef Okuda\nMassimo Bottura",
            languages=["ja", "en"],
            interpretation="simultaneous, Japanese ↔ English",
            capacity=120,
            description="Three landscapes, three kitchens.",
        )
        make_session(
            festival,
            title="Harbour Excursion",
            type=SessionType.EXCURSION,
            starts_at=at(tomorrow, 15),
            status=SessionStatus.CANCELLED,
        )
        # Content in three languages (#12); some left untranslated: the
        # public session has no French title, the excursion no translation.
        festival.name_i18n = {
            "ja": "鶴岡食文化フェスティバル",
            "fr": "Festival gastronomique de Tsuruoka",
        }
        hall.name_i18n = {"ja": "庄内ホール", "fr": "Salle du Shōnai"}
        tasting.title_i18n = {"ja": "発酵の未来", "fr": "L'avenir de la fermentation"}
        tasting.description_i18n = {
            "ja": "麹、味噌、パルミジャーノを食べ比べ。",
            "fr": "Kōji, miso et parmesan, côte à côte.",
        }
        public.title_i18n = {"ja": "米と海と山"}
        enrol(forum, mayor)
        for person in (head, mayor, interpreter):
            enrol(tasting, person)
            enrol(public, person)

        create_item(
            parma,
            {
                "kind": ItemKind.PICKUP,
                "title": "Pickup at Haneda, arrivals hall",
                "starts_at": at(festival.starts_on, 12),
                "ends_at": at(festival.starts_on, 12),
                "location": "Haneda Airport, Terminal 3, exit B",
            },
        )
        create_item(
            parma,
            {
                "kind": ItemKind.HOTEL,
                "title": "Hotel Tsuruoka Garden",
                "all_day": True,
                "starts_at": at(festival.starts_on, 0),
                "ends_at": at(festival.ends_on + timedelta(days=1), 0),
            },
        )

        pickup = db.session.scalars(
            sa.select(ItineraryItem).where(ItineraryItem.kind == ItemKind.PICKUP)
        ).one()
        pickup.title_i18n = {
            "ja": "羽田空港でお出迎え",
            "fr": "Accueil à Haneda, hall des arrivées",
        }

        now = datetime.now(UTC)
        forum_form = impressions.create_form(festival, forum)
        tasting_form = impressions.create_form(festival, tasting)
        tasting_form.title_i18n = tasting.title_i18n
        tasting_form.closing_text = "Thank you for your time."
        tasting_form.closing_text_i18n = {
            "ja": "ご協力ありがとうございました。",
            "fr": "Merci de votre temps.",
        }
        tasting_form.questions.append(
            ImpressionQuestion(
                position=len(tasting_form.questions) + 1,
                kind=QuestionKind.SINGLE_CHOICE,
                text="Which taste surprised you most?",
                text_i18n={
                    "ja": "いちばん驚いた味はどれですか。",
                    "fr": "Quel goût vous a le plus surpris ?",
                },
                choices=["Koji", "Miso", "Parmesan"],
                choices_i18n={
                    "ja": ["麹", "味噌", "パルミジャーノ"],
                    "fr": ["Kōji", "Miso", "Parmesan"],
                },
            )
        )
        mayor_invite = sending.new_invite(forum_form, mayor, now)
        head_invite = sending.new_invite(tasting_form, head, now)
        db.session.add_all([mayor_invite, head_invite])
        db.session.flush()
        answers = {}
        for question in forum_form.questions:
            answers[str(question.id)] = {
                "overall": 5,
                "valuable": "Hearing how other mayors keep their food markets alive.",
                "again": True,
                "quote": "A forum where cities spoke with one voice about food.",
            }.get(question.builtin or "")
        impressions.save_response(mayor_invite, answers, consent_to_quote=True)
        scene = Scene(
            slug=festival.slug,
            public_session_id=public.id,
            forum_form_id=forum_form.id,
            invitation_token=invitation_token,
            registration_token=registration_token,
            impression_token=sending.token_for(head_invite),
            head_id=head.user_id,
            mayor_id=mayor.user_id,
            parma_id=parma.id,
            mayor_delegate_id=mayor.id,
        )
        db.session.commit()
        assert lyon.status == InvitationStatus.SENT
        return scene


def login_link(app: Flask, user_id: int) -> str:
    """A fresh single-use sign-in path for ``user_id``."""
    with app.app_context():
        token = issue_login_link(db.session.get(User, user_id))
        db.session.commit()
    return f"/login/link/{token}"
