"""Shared data and parsers for the calendar and frab tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import icalendar
import vobject

from festival.calendar.services import personal_token
from festival.extensions import db
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.models import Audience, SessionType
from festival.registration.models import DelegateRole
from tests.factories import (
    enrol,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
    make_venue,
)
from tests.support.snapshots import scene

JAPANESE = "鶴岡の食文化と持続可能な農業についての国際シンポジウム：伝統野菜、発酵、精進料理"
FRENCH = "Gastronomie créative : échanges entre villes, « terroir » et cuisine d'hôtes à l'œuvre"
ARABIC = "منتدى رؤساء البلديات حول التراث الغذائي والمدن المبدعة في شبكة اليونسكو"


@dataclass
class World:
    """Ids of the data a calendar test looks at (objects do not outlive the context)."""

    slug: str
    festival_id: int
    venue_id: int
    public_id: int  # a public session at 10:00 Tokyo time, Japanese title
    forum_id: int  # the Mayors' Forum (mayors and deputy mayors only)
    invited_id: int  # invited list: Parma only
    public_other_id: int  # public, nobody enrolled
    mayor_id: int
    interpreter_id: int
    mayor_user_id: int
    interpreter_user_id: int
    pickup_id: int
    hotel_id: int
    mayor_token: str
    interpreter_token: str


def build_world(app) -> World:
    """A Tokyo festival with a mayor and an interpreter from Parma, enrolled in
    everything they may attend, a pickup for the mayor and a hotel for both.
    Built once per process and database, copied back after (tests/support/snapshots.py)."""
    return scene(app, "calendar world", lambda: _build_world(app))


def _build_world(app) -> World:
    with app.app_context():
        festival = make_festival(slug="gastronomy-2027", name="Gastronomy Festival 2027")
        venue = make_venue(
            festival,
            name="Civic Hall, Main Auditorium",
            address="1-1 Honcho, Tsuruoka, Yamagata",
            latitude=38.7275,
            longitude=139.8267,
        )
        parma = make_delegation(festival)
        mayor = make_delegate(parma, role=DelegateRole.MAYOR, full_name="Michele Guerra")
        interpreter = make_delegate(parma, role=DelegateRole.INTERPRETER, locale="fr")
        public = make_session(
            festival,
            title=JAPANESE,
            description=FRENCH + "\n" + ARABIC,
            speakers="Sato Yuki\nFatima Al-Zahra",
            languages=["ja", "en"],
            interpretation="ja ↔ en",
            venue=venue,
            starts_at=datetime(2027, 6, 15, 1, 0, tzinfo=UTC),  # 10:00 in Tokyo
        )
        forum = make_session(
            festival,
            title="Mayors' Forum",
            type=SessionType.FORUM,
            audience=Audience.MAYORS,
            venue=venue,
            starts_at=datetime(2027, 6, 15, 5, 0, tzinfo=UTC),
        )
        invited = make_session(
            festival,
            title="Sake brewery visit",
            audience=Audience.INVITED,
            type=SessionType.EXCURSION,
        )
        invited.invited_delegations.append(parma)
        other = make_session(festival, title="Closing ceremony", type=SessionType.CEREMONY)
        for session in (public, forum, invited):
            enrol(session, mayor)
        for session in (public, invited):
            enrol(session, interpreter)
        pickup = ItineraryItem(
            delegation=parma,
            delegate=mayor,
            kind=ItemKind.PICKUP,
            title="Pickup at Shonai Airport",
            starts_at=datetime(2027, 6, 14, 5, 30, tzinfo=UTC),
            ends_at=datetime(2027, 6, 14, 6, 30, tzinfo=UTC),
            location="Shonai Airport, arrivals hall",
        )
        hotel = ItineraryItem(
            delegation=parma,
            kind=ItemKind.HOTEL,
            title="Hotel Tsuruoka Grand",
            # Check-in on the 14th, out on the 18th, as dates in Tokyo.
            starts_at=datetime(2027, 6, 13, 15, 0, tzinfo=UTC),
            ends_at=datetime(2027, 6, 17, 15, 0, tzinfo=UTC),
            all_day=True,
            location="2-10 Suehiro-machi, Tsuruoka",
        )
        db.session.add_all([pickup, hotel])
        db.session.commit()
        return World(
            slug=festival.slug,
            festival_id=festival.id,
            venue_id=venue.id,
            public_id=public.id,
            forum_id=forum.id,
            invited_id=invited.id,
            public_other_id=other.id,
            mayor_id=mayor.id,
            interpreter_id=interpreter.id,
            mayor_user_id=mayor.user_id,
            interpreter_user_id=interpreter.user_id,
            pickup_id=pickup.id,
            hotel_id=hotel.id,
            mayor_token=personal_token(mayor),
            interpreter_token=personal_token(interpreter),
        )


def parse_both(body: bytes) -> tuple[icalendar.Calendar, object]:
    """The calendar read by icalendar and by vobject (an independent parser)."""
    with_icalendar = icalendar.Calendar.from_ical(body)
    with_vobject = vobject.readOne(body.decode("utf-8"))
    return with_icalendar, with_vobject


def events_by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def vobject_events(calendar: object) -> list[object]:
    return list(getattr(calendar, "vevent_list", []))
