"""Overlaps are the delegate's business too (#15 item 12): enrolling in a
session that overlaps another of theirs, or an itinerary item, asks them to
confirm, and My programme and My itinerary then mark the clash."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.models import Attendance
from festival.registration.models import Delegate
from tests.factories import enrol, make_session
from tests.programme_support import SLUG, build_world, tokyo_utc


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        mayor = db.session.get(Delegate, world["mayor"][0])
        tea = make_session(
            festival, title="Tea Ceremony", starts_at=tokyo_utc(15, 11), ends_at=tokyo_utc(15, 12)
        )
        enrol(db.session.get(type(tea), world["talk_id"]), mayor)
        db.session.add(
            ItineraryItem(
                delegation_id=world["parma_id"],
                kind=ItemKind.VISIT,
                title="Fish market visit",
                starts_at=tokyo_utc(16, 12, 30),
                ends_at=tokyo_utc(16, 14),
            )
        )
        db.session.commit()
        world["tea_id"] = tea.id
    return world


def enrolled_in(app, session_id):
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(Attendance.delegate_id).where(Attendance.session_id == session_id)
            )
        )


def hidden_fields(page):
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))


def test_enrolling_over_another_session_asks_then_marks_the_clash(app, client, auth, world):
    auth.user(world["mayor"][1])
    tea = world["tea_id"]
    asked = client.post(
        f"/my/programme?festival={SLUG}",
        data={"enrol": str(tea), "next": "/my/programme?day=2027-06-15"},
    )
    assert asked.status_code == 409
    assert "Fermentation Cultures of the World" in asked.text
    assert "Enrol anyway" in asked.text and "Cancel" in asked.text
    assert enrolled_in(app, tea) == set()  # nothing done yet
    fields = hidden_fields(asked.text)
    assert fields["confirm_overlap"] == "1" and fields["enrol"] == str(tea)
    assert "csrf_token" in fields
    done = client.post(f"/my/programme?festival={SLUG}", data=fields, csrf=False)
    assert done.status_code == 302
    assert done.headers["Location"] == "/my/programme?day=2027-06-15"
    assert enrolled_in(app, tea) == {world["mayor"][0]}

    page = client.get("/my/programme?day=2027-06-15").text
    assert "clashes with Fermentation Cultures of the World" in page
    assert "clashes with Tea Ceremony" in page
    itinerary = client.get("/my/itinerary").text
    assert "clashes with Fermentation Cultures of the World" in itinerary
    assert "clashes with Tea Ceremony" in itinerary


def test_enrolling_over_an_itinerary_item_asks_from_the_session_page(app, client, auth, world):
    auth.user(world["mayor"][1])
    url = f"/festivals/{SLUG}/sessions/{world['private_id']}/enrol"
    asked = client.post(url)
    assert asked.status_code == 409
    assert "Fish market visit" in asked.text
    assert f'href="/festivals/{SLUG}/sessions/{world["private_id"]}"' in asked.text  # Cancel
    assert enrolled_in(app, world["private_id"]) == set()
    assert client.post(url, data={"confirm_overlap": "1"}).status_code == 302
    assert enrolled_in(app, world["private_id"]) == {world["mayor"][0]}
    itinerary = client.get("/my/itinerary").text
    assert "clashes with Parma working lunch" in itinerary
    assert "clashes with Fish market visit" in itinerary


def test_no_question_without_a_clash(app, client, auth, world):
    auth.user(world["official"][1])
    response = client.post(f"/festivals/{SLUG}/sessions/{world['tea_id']}/enrol")
    assert response.status_code == 302
    assert enrolled_in(app, world["tea_id"]) == {world["official"][0]}
