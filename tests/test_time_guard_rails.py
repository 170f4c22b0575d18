"""Time guard rails for organisers (#15 item 13): changing a festival's
dates so that sessions fall outside it is refused with the list; sending
impression forms "now" or checking someone in before a session has started
asks for confirmation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.attendance import codes
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionInvite
from festival.programme.models import Attendance
from tests import factories
from tests.impressions_support import SESSION_START, build_scene
from tests.test_festivals_admin import VALID, field_error


def hidden_fields(page):
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))


@pytest.fixture
def festival_with_sessions(app):
    with app.app_context():
        festival = factories.make_festival(slug="gastro-2027", name="Gastro 2027")
        # 10:00–11:30 in Tokyo on Tuesday 15 June, and on Friday 18 June.
        factories.make_session(festival, title="Opening talk")
        factories.make_session(
            festival, title="Closing dinner", starts_at=datetime(2027, 6, 18, 10, tzinfo=UTC)
        )
        db.session.commit()
        return festival.id


def test_new_dates_that_leave_sessions_outside_are_refused_with_the_list(
    app, client, auth, festival_with_sessions
):
    auth.organiser()
    url = "/organiser/festivals/gastro-2027/edit"
    data = {**VALID, "slug": "gastro-2027", "starts_on": "2027-06-14", "ends_on": "2027-06-17"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    error = field_error(response.text, "ends_on")
    assert "Closing dinner (Fri, Jun 18, 2027, 19:00–20:30)" in error
    assert "Opening talk" not in error
    assert 'value="2027-06-17"' in response.text  # nothing typed is lost

    data.update(starts_on="2027-06-16", ends_on="2027-06-18")
    error = field_error(client.post(url, data=data).text, "starts_on")
    assert "Opening talk (Tue, Jun 15, 2027, 10:00–11:30)" in error
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival))
        assert (festival.starts_on.day, festival.ends_on.day) == (14, 18)

    data.update(starts_on="2027-06-15", ends_on="2027-06-19")  # still around them: fine
    assert client.post(url, data=data).status_code == 302


# --- checking in before the start ------------------------------------------------

# The talk is 10:00–11:30 in Tokyo on 15 June 2027 (01:00 UTC); doors open
# half an hour before.
EVE = datetime(2027, 6, 14, 9, 0, tzinfo=UTC)  # the evening before, 18:00 in Tokyo
DOORS = datetime(2027, 6, 15, 0, 40, tzinfo=UTC)  # 09:40 in Tokyo


@pytest.fixture
def door(app):
    with app.app_context():
        festival = factories.make_festival(slug="gastro")
        parma = factories.make_delegation(festival, factories.make_city(name="Parma"))
        mayor = factories.make_delegate(parma, full_name="Michele Guerra")
        talk = factories.make_session(festival, title="Rice and the Sea")
        factories.enrol(talk, mayor)
        db.session.commit()
        return {"talk": talk.id, "mayor": mayor.id, "code": codes.code_for(mayor.id)}


def is_checked_in(app, door):
    with app.app_context():
        return db.session.scalar(
            sa.select(Attendance.checked_in_at).where(
                Attendance.session_id == door["talk"], Attendance.delegate_id == door["mayor"]
            )
        )


def test_checking_in_from_the_list_before_the_start_asks_first(app, client, auth, door):
    url = f"/organiser/festivals/gastro/check-in/sessions/{door['talk']}/delegates/{door['mayor']}"
    with time_machine.travel(EVE, tick=False):
        auth.organiser()  # signed in at that time (a sign-in does not last a year)
        asked = client.post(url)
        assert asked.status_code == 409
        assert "“Rice and the Sea” has not started yet" in asked.text
        assert "Tue, Jun 15 at 10:00" in asked.text
        assert "Check Michele Guerra (Parma) in anyway?" in asked.text
        assert "Check in anyway" in asked.text and "Cancel" in asked.text
        assert is_checked_in(app, door) is None
        fields = hidden_fields(asked.text)
        assert fields["confirm_early"] == "1" and "csrf_token" in fields
        assert client.post(url, data=fields, csrf=False).status_code == 303
        assert is_checked_in(app, door) == EVE
    with time_machine.travel(DOORS, tick=False):  # doors open: nothing asked
        auth.organiser()
        assert client.post(url + "/undo").status_code == 303
        assert client.post(url).status_code == 303
        assert is_checked_in(app, door) == DOORS


def test_a_typed_code_before_the_start_asks_and_keeps_the_code(app, client, auth, door):
    url = f"/organiser/festivals/gastro/check-in/sessions/{door['talk']}/scan"
    with time_machine.travel(EVE, tick=False):
        auth.organiser()  # signed in at that time (a sign-in does not last a year)
        asked = client.post(url, data={"code": door["code"]})
        assert asked.status_code == 409
        fields = hidden_fields(asked.text)
        assert fields["code"] == door["code"] and fields["confirm_early"] == "1"
        assert is_checked_in(app, door) is None
        assert client.post(url, data=fields, csrf=False).status_code == 303
        assert is_checked_in(app, door) == EVE


def test_a_scan_before_the_start_answers_needs_confirmation(app, client, auth, door):
    url = f"/organiser/festivals/gastro/check-in/sessions/{door['talk']}/scan/check-in"
    with time_machine.travel(EVE, tick=False):
        auth.organiser()  # signed in at that time (a sign-in does not last a year)
        asked = client.post(url, data={"code": door["code"]})
        assert asked.status_code == 409
        assert asked.json["needs_confirmation"] is True
        assert asked.json["name"] == "Michele Guerra"
        assert "has not started yet" in asked.json["message"]
        assert is_checked_in(app, door) is None
        done = client.post(url, data={"code": door["code"], "confirm_early": "1"})
        assert done.status_code == 200 and done.json["status"] == "checked_in"
        assert is_checked_in(app, door) == EVE


# --- sending impression forms before the start -----------------------------------


def test_sending_impressions_before_the_session_starts_asks_first(app, client, auth):
    with app.app_context():
        scene = build_scene()
        invites = sa.select(sa.func.count()).select_from(ImpressionInvite)
    base = f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}"
    # The evening before the session (10:00 in Tokyo on Tue 15 June).
    with time_machine.travel(SESSION_START - timedelta(hours=15)):
        auth.organiser()
        asked = client.post(f"{base}/send")
        assert asked.status_code == 409
        assert "“Fermented Futures” has not started yet" in asked.text
        assert "Tue, Jun 15 at 10:00" in asked.text
        assert "Send anyway" in asked.text and "Cancel" in asked.text
        with app.app_context():
            assert db.session.scalar(invites) == 0  # nothing sent
        fields = hidden_fields(asked.text)
        assert fields["confirm_early"] == "1" and "csrf_token" in fields
        assert client.post(f"{base}/send", data=fields, csrf=False).status_code == 302
        with app.app_context():
            assert db.session.scalar(invites) == len(scene.attendees)


def test_sending_impressions_once_the_session_has_started_asks_nothing(app, client, auth):
    with app.app_context():
        scene = build_scene()
    base = f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}"
    with time_machine.travel(SESSION_START + timedelta(minutes=5)):
        auth.organiser()
        assert client.post(f"{base}/send").status_code == 302
