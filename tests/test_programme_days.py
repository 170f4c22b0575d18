"""The public programme one day at a time, and its cached day sections."""

from __future__ import annotations

from datetime import datetime

import pytest

from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.programme import public
from festival.programme.models import ProgrammeSession
from tests.factories import make_session
from tests.programme_support import SLUG, build_world, tokyo_utc

PROGRAMME = f"/festivals/{SLUG}/programme"


@pytest.fixture
def world(app):
    with app.app_context():
        ids = build_world(app)
        festival = db.session.get(Festival, ids["festival_id"])
        ids["tasting_id"] = make_session(
            festival, title="Dewa Sanzan Sake Tasting", starts_at=tokyo_utc(17, 16)
        ).id
        db.session.commit()
    return ids


def test_the_first_day_shows_by_default_and_the_others_are_links(client, world):
    page = client.get(PROGRAMME).text
    assert "Fermentation Cultures of the World" in page  # June 15
    assert "Dewa Sanzan Sake Tasting" not in page  # June 17
    assert f'href="{PROGRAMME}?day=2027-06-17"' in page
    assert 'href="/festivals/gastronomy-2027/programme?day=2027-06-15" aria-current="page"' in (
        page.replace(SLUG, "gastronomy-2027")
    )


def test_another_day_shows_its_sessions_only(client, world):
    other = client.get(PROGRAMME, query_string={"day": "2027-06-17"}).text
    assert "Dewa Sanzan Sake Tasting" in other
    assert "Fermentation Cultures of the World" not in other


def test_today_is_the_default_during_the_festival(client, world, monkeypatch):
    monkeypatch.setattr(public, "utcnow", lambda: datetime.fromisoformat("2027-06-17T03:00Z"))
    page = client.get(PROGRAMME).text
    assert "Dewa Sanzan Sake Tasting" in page
    assert "Fermentation Cultures of the World" not in page


@pytest.mark.parametrize("day", ["2027-13-40", "nonsense", "2030-01-01"])
def test_an_unknown_day_falls_back_to_the_first(client, world, day):
    page = client.get(PROGRAMME, query_string={"day": day})
    assert page.status_code == 200
    assert "Fermentation Cultures of the World" in page.text


def test_the_print_layout_still_has_every_day(client, world):
    page = client.get(PROGRAMME, query_string={"layout": "print"}).text
    assert "Fermentation Cultures of the World" in page and "Dewa Sanzan Sake Tasting" in page


def test_a_change_shows_on_the_next_visit(app, client, world):
    url = f"{PROGRAMME}?day=2027-06-17"
    assert "Dewa Sanzan Sake Tasting" in client.get(url).text  # now cached
    with app.app_context():
        db.session.get(ProgrammeSession, world["tasting_id"]).title = "Shonai Rice Tasting"
        db.session.commit()
    assert "Shonai Rice Tasting" in client.get(url).text

    with app.app_context():
        venue = db.session.get(Venue, world["salon_id"])
        venue.name = "Tsuruoka Civic Hall"
        db.session.get(ProgrammeSession, world["tasting_id"]).venue_id = venue.id
        db.session.commit()
    assert "Tsuruoka Civic Hall" in client.get(url).text

    with app.app_context():
        db.session.delete(db.session.get(ProgrammeSession, world["tasting_id"]))
        db.session.commit()
    assert "Shonai Rice Tasting" not in client.get(url).text


def test_each_language_has_its_own_copy(client, world):
    english = client.get(PROGRAMME, headers={"Accept-Language": "en"}).text
    french = client.get(PROGRAMME, headers={"Accept-Language": "fr"}).text
    assert "Tuesday, June 15, 2027" in english
    assert "mardi 15 juin 2027" in french
