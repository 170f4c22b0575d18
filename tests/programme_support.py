"""A small festival for the programme, enrolment and itinerary tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask

from festival.extensions import db
from festival.programme.models import Audience, SessionType
from festival.registration.models import DelegateRole
from tests.factories import (
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
    make_venue,
)
from tests.support.snapshots import scene

SLUG = "gf"
# 14–18 June 2027 in Tokyo; 10:00 there is 01:00 UTC.
FIRST_DAY = date(2027, 6, 14)


def tokyo_utc(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour``:``minute`` in Tokyo on June ``day`` 2027, as UTC."""
    return datetime(2027, 6, day, hour, minute, tzinfo=UTC) - timedelta(hours=9)


def build_world(app: Flask) -> dict[str, Any]:
    """Parma (a mayor, an interpreter) and Lyon (a deputy mayor, an official);
    a public talk, the Mayors' Forum and a session for Parma only. Built once
    per process and database, copied back after (tests/support/snapshots.py)."""
    return scene(app, "programme world", lambda: _build_world(app))


def _build_world(app: Flask) -> dict[str, Any]:
    with app.app_context():
        festival = make_festival(slug=SLUG, starts_on=FIRST_DAY, ends_on=date(2027, 6, 18))
        hall = make_venue(festival, name="Main Hall", capacity=100)
        salon = make_venue(festival, name="Mayors' Salon", capacity=10)
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        lyon = make_delegation(festival, make_city(name="Lyon", country_code="FR"))
        mayor = make_delegate(parma, role=DelegateRole.MAYOR, full_name="Michele Guerra")
        interpreter = make_delegate(parma, role=DelegateRole.INTERPRETER, full_name="Anna Rossi")
        deputy = make_delegate(lyon, role=DelegateRole.DEPUTY_MAYOR, full_name="Sophie Blanc")
        official = make_delegate(lyon, role=DelegateRole.OFFICIAL, full_name="Luc Martin")
        talk = make_session(
            festival,
            title="Fermentation Cultures of the World",
            venue=hall,
            starts_at=tokyo_utc(15, 10),
            ends_at=tokyo_utc(15, 11, 30),
            capacity=50,
        )
        forum = make_session(
            festival,
            title="Mayors' Forum",
            type=SessionType.FORUM,
            audience=Audience.MAYORS,
            venue=salon,
            starts_at=tokyo_utc(15, 14),
            ends_at=tokyo_utc(15, 16),
        )
        private = make_session(
            festival,
            title="Parma working lunch",
            type=SessionType.MEAL,
            audience=Audience.INVITED,
            venue=salon,
            starts_at=tokyo_utc(16, 12),
            ends_at=tokyo_utc(16, 13),
        )
        private.invited_delegations.append(parma)
        db.session.commit()
        return {
            "festival_id": festival.id,
            "hall_id": hall.id,
            "salon_id": salon.id,
            "parma_id": parma.id,
            "lyon_id": lyon.id,
            "mayor": (mayor.id, mayor.user_id),
            "interpreter": (interpreter.id, interpreter.user_id),
            "deputy": (deputy.id, deputy.user_id),
            "official": (official.id, official.user_id),
            "talk_id": talk.id,
            "forum_id": forum.id,
            "private_id": private.id,
        }
