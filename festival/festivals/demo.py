"""Demo data: the organiser, the festival edition and its venues."""

from __future__ import annotations

import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from festival.auth.services import create_organiser
from festival.demo import ORGANISER_EMAIL, DemoContext
from festival.extensions import db
from festival.festivals.models import Festival, Venue

VENUES = [
    ("Civic Hall, Main Auditorium", "1-1 Honcho, Tsuruoka, Yamagata", 38.7275, 139.8267, 800),
    ("Civic Hall, Room A", "1-1 Honcho, Tsuruoka, Yamagata", 38.7275, 139.8267, 120),
    ("Civic Hall, Room B", "1-1 Honcho, Tsuruoka, Yamagata", 38.7275, 139.8267, 80),
    ("Mayors' Salon, City Hall", "9-25 Baba-cho, Tsuruoka, Yamagata", 38.7276, 139.8266, 60),
    ("Market Square Pavilion", "Shimizu Square, Tsuruoka", 38.7310, 139.8300, 1500),
    ("Shonai Food Lab", "3-2 Daiho-ji, Tsuruoka", 38.7420, 139.8190, 40),
    ("Haguro Temple Hall", "Mount Haguro, Tsuruoka", 38.7030, 140.0050, 150),
    ("Hotel Tsuruoka Grand Ballroom", "2-10 Suehiro-machi, Tsuruoka", 38.7360, 139.8310, 400),
]


TIMEZONE = "Asia/Tokyo"


def seed(ctx: DemoContext) -> str:
    # Not from ctx.rng: the same seed must not give the same password.
    password = secrets.token_urlsafe(12)
    create_organiser(ORGANISER_EMAIL, password, locale="en")
    # The demo festival is under way: it began yesterday and runs five days,
    # so a newcomer sees past sessions (with impressions) and coming ones.
    today = ctx.now.astimezone(ZoneInfo(TIMEZONE)).date()
    starts_on = today - timedelta(days=1)
    festival = Festival(
        slug=f"gastronomy-{starts_on.year}",
        name=f"Gastronomy Festival {starts_on.year}",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        timezone=TIMEZONE,
        host_city="Tsuruoka",
        languages=["en", "ja", "fr"],
        contact_email="festival@tsuruoka.example",
    )
    db.session.add(festival)
    for name, address, lat, lon, capacity in VENUES:
        festival.venues.append(
            Venue(name=name, address=address, latitude=lat, longitude=lon, capacity=capacity)
        )
    db.session.flush()
    ctx.festival = festival
    ctx.note(f"Organiser sign-in: {ORGANISER_EMAIL} / password: {password}")
    return f"1 festival, {len(VENUES)} venues, 1 organiser"
