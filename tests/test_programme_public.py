"""The public programme: public sessions only, in the festival's time, filters,
print layout, the day picture, session pages and their calendar links."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme import services
from festival.programme.links import optional_url
from festival.programme.models import Audience, ProgrammeSession, SessionType
from tests.factories import make_session
from tests.programme_support import SLUG, build_world, tokyo_utc
from tests.support.queries import queries_per_page

PROGRAMME = f"/festivals/{SLUG}/programme"


@pytest.fixture
def world(app):
    return build_world(app)


def test_the_programme_shows_public_sessions_day_by_day_in_tokyo_time(client, world):
    page = client.get(PROGRAMME)
    assert page.status_code == 200
    assert "Fermentation Cultures of the World" in page.text
    assert "10:00–11:30" in page.text
    assert "UTC+09:00" in page.text and "Asia/Tokyo" in page.text
    assert "Tuesday, June 15, 2027" in page.text
    # Neither the Mayors' Forum nor an invited-list session is public.
    assert "Mayors&#39; Forum" not in page.text and "Mayors' Forum" not in page.text
    assert "Parma working lunch" not in page.text


def test_the_day_picture_is_svg_without_inline_styles(client, world):
    page = client.get(PROGRAMME)
    assert "<svg" in page.text
    assert 'class="tl-block tl-thematic_session tl-scheduled"' in page.text
    assert "style=" not in page.text
    assert f'href="/festivals/{SLUG}/sessions/{world["talk_id"]}"' in page.text
    assert "programme.css" in page.text


def test_filters_by_type_and_venue(app, client, world):
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        make_session(
            festival,
            title="Dewa Sanzan Sake Tasting",
            type=SessionType.TASTING,
            venue_id=world["salon_id"],
            starts_at=tokyo_utc(16, 17),
        )
        db.session.commit()
    tastings = client.get(PROGRAMME, query_string={"type": "tasting"}).text
    assert "Dewa Sanzan Sake Tasting" in tastings
    assert "Fermentation Cultures" not in tastings
    in_hall = client.get(PROGRAMME, query_string={"venue": world["hall_id"]}).text
    assert "Fermentation Cultures" in in_hall and "Dewa Sanzan" not in in_hall
    assert "Show everything" in in_hall
    nothing = client.get(PROGRAMME, query_string={"type": "forum"})
    assert nothing.status_code == 200 and "No session matches these filters." in nothing.text
    # Rubbish in the query string is ignored, never a 500.
    assert client.get(PROGRAMME, query_string={"type": "x", "venue": "abc"}).status_code == 200


def test_print_layout_is_a_plain_table_without_the_picture(client, world):
    page = client.get(PROGRAMME, query_string={"layout": "print"})
    assert page.status_code == 200
    assert 'class="print-table"' in page.text
    assert "<svg" not in page.text
    assert "Fermentation Cultures of the World" in page.text
    assert "layout=print" in client.get(PROGRAMME).text


def test_a_cancelled_session_is_struck_through_with_a_label(app, client, world):
    with app.app_context():
        services.cancel_session(db.session.get(ProgrammeSession, world["talk_id"]))
        db.session.commit()
    page = client.get(PROGRAMME).text
    assert 'class="session-cancelled"' in page
    assert "badge-cancelled" in page
    assert "tl-cancelled" in page
    session_page = client.get(f"/festivals/{SLUG}/sessions/{world['talk_id']}").text
    assert "This session has been cancelled." in session_page


def test_a_session_page_offers_google_outlook_and_shows_its_place(client, world):
    page = client.get(f"/festivals/{SLUG}/sessions/{world['talk_id']}")
    assert page.status_code == 200
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', page.text).group(1)
    query = parse_qs(urlsplit(google.replace("&amp;", "&")).query)
    assert query["dates"] == ["20270615T010000Z/20270615T023000Z"]
    assert query["text"] == ["Fermentation Cultures of the World"]
    assert query["location"] == ["Main Hall, 1-1 Honcho"]
    assert "http://festival.test/festivals/gf/sessions/" in query["details"][0]
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in page.text
    assert "Main Hall" in page.text


def test_restricted_sessions_are_a_404_for_the_public(client, world):
    assert client.get(f"/festivals/{SLUG}/sessions/{world['forum_id']}").status_code == 404
    assert client.get(f"/festivals/{SLUG}/sessions/{world['private_id']}").status_code == 404
    assert client.get(f"/festivals/{SLUG}/sessions/99999").status_code == 404
    assert client.get("/festivals/nope/programme").status_code == 404
    # A session id from another festival is not found under this one.
    assert client.get(f"/festivals/nope/sessions/{world['talk_id']}").status_code == 404


def test_organisers_see_restricted_session_pages(client, auth, world):
    auth.organiser()
    assert client.get(f"/festivals/{SLUG}/sessions/{world['forum_id']}").status_code == 200


def test_calendar_links_appear_only_when_the_calendar_domain_provides_them(app):
    with app.test_request_context():
        assert optional_url("programme.programme", slug="gf") == "/festivals/gf/programme"
        assert optional_url("no_such.endpoint", slug="gf") is None


def test_feed_and_export_links_follow_the_calendar_blueprint(app, client, world):
    page = client.get(PROGRAMME).text
    session_page = client.get(f"/festivals/{SLUG}/sessions/{world['talk_id']}").text
    endpoints = app.view_functions
    assert (f"/festivals/{SLUG}/programme.ics" in page) == ("calendar.programme_ics" in endpoints)
    assert ("schedule.xml" in page) == ("calendar.schedule_xml" in endpoints)
    assert (f"/sessions/{world['talk_id']}.ics" in session_page) == (
        "calendar.session_ics" in endpoints
    )


def _add_public_sessions(app, world, n):
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        for i in range(n):
            make_session(
                festival,
                title=f"Public {i}",
                audience=Audience.PUBLIC,
                venue_id=(world["hall_id"], world["salon_id"], None)[i % 3],
                starts_at=tokyo_utc(14 + i % 5, 9 + i % 9),
            )
        db.session.commit()


def test_query_count_is_the_same_for_3_and_30_sessions(app, client, world):
    pages = [PROGRAMME, f"{PROGRAMME}?layout=print", f"{PROGRAMME}?type=thematic_session"]
    _add_public_sessions(app, world, 3)
    small = queries_per_page(client, pages)
    _add_public_sessions(app, world, 27)
    assert queries_per_page(client, pages) == small
