"""Translations load with their rows: the programme, my programme, my
itinerary and the feeds run as many queries in Japanese with three
translated items as with one (no query per item, whatever the language)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from festival.calendar import fastpath
from festival.calendar.services import personal_token
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.registration.models import Delegate, Delegation
from tests import factories
from tests.support.queries import queries_per_page

SLUG = "gastro-2027"
START = datetime(2027, 6, 15, 1, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    with app.app_context():
        festival = factories.make_festival(slug=SLUG)
        hall = factories.make_venue(festival, name="Civic Hall", name_i18n={"ja": "市民ホール"})
        delegation = factories.make_delegation(festival)
        delegate = factories.make_delegate(delegation, locale="ja")
        delegate.user.locale = "ja"
        db.session.commit()
        return {
            "festival": festival.id,
            "hall": hall.id,
            "delegation": delegation.id,
            "delegate": delegate.id,
            "user": delegate.user_id,
        }


def add(app, world, n: int) -> None:
    """``n`` more translated sessions (enrolled) and itinerary items."""
    with app.app_context():
        festival = db.session.get(Festival, world["festival"])
        hall = db.session.get(Venue, world["hall"])
        delegate = db.session.get(Delegate, world["delegate"])
        for _ in range(n):
            count = len(festival.sessions)
            session = factories.make_session(
                festival,
                title=f"Talk {count}",
                title_i18n={"ja": f"講演{count}", "fr": f"Conférence {count}"},
                description="About food.",
                description_i18n={"ja": "食について。"},
                venue=hall,
                starts_at=START + timedelta(hours=2 * count),
            )
            factories.enrol(session, delegate)
            db.session.add(
                ItineraryItem(
                    delegation=db.session.get(Delegation, world["delegation"]),
                    kind=ItemKind.VISIT,
                    title=f"Visit {count}",
                    title_i18n={"ja": f"見学{count}"},
                    notes="Bring shoes.",
                    notes_i18n={"ja": "靴をお持ちください。"},
                    starts_at=START + timedelta(hours=2 * count + 1),
                    ends_at=START + timedelta(hours=2 * count + 1, minutes=30),
                )
            )
        db.session.commit()


def pages(app, world) -> list[str]:
    with app.app_context():
        token = personal_token(db.session.get(Delegate, world["delegate"]))
    return [
        f"/festivals/{SLUG}/programme?day=2027-06-15",
        "/my/programme?day=2027-06-15",
        "/my/itinerary",
        f"/feeds/{token}.ics",
        f"/festivals/{SLUG}/programme.ics?lang=ja",
    ]


def counts(app, client, world) -> list[int]:
    # Twice: the first visit of a new version records it (feeds) or fills a cache.
    fastpath.clear(app)
    queries_per_page(client, pages(app, world))
    fastpath.clear(app)
    return queries_per_page(client, pages(app, world))


def test_pages_and_feeds_in_japanese_do_not_query_per_translated_item(app, client, auth, world):
    auth.user(world["user"])
    add(app, world, 1)
    one = counts(app, client, world)
    page = client.get("/my/itinerary").text
    assert "講演0" in page and "見学0" in page and "靴をお持ちください。" in page
    add(app, world, 3)
    assert counts(app, client, world) == one
    feed = client.get(pages(app, world)[3]).data.decode()
    assert "講演3" in feed and "見学3" in feed and "市民ホール" in feed
