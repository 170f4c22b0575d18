"""Check-in codes: the code itself, typing it, scanning it (the JSON
endpoint), the delegate's own QR code and the printable badges."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine
from flask import render_template_string

from festival.attendance import codes
from festival.extensions import db
from festival.programme.models import Attendance, Audience
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def test_codes_are_short_unambiguous_and_decode_back(app):
    with app.test_request_context():
        seen = set()
        for delegate_id in range(1, 3001):
            code = codes.code_for(delegate_id)
            assert CODE.match(code), code
            assert codes.delegate_id_from(code) == delegate_id
            seen.add(code)
        assert len(seen) == 3000
        code = codes.code_for(42)
        # What people type: lower case, spaces, O for 0, I or L for 1.
        sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
        assert codes.delegate_id_from(sloppy) == 42
        for junk in ["", "hello", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG!", "UUUU-UUUU"]:
            assert codes.delegate_id_from(junk) is None, junk
        # Random codes decode to nothing, or to an id a database column can hold.
        rng = random.Random(5)
        for _ in range(2000):
            guess = "".join(rng.choice(codes.ALPHABET) for _ in range(8))
            decoded = codes.delegate_id_from(guess)
            assert decoded is None or 0 < decoded < 2**31


def test_codes_depend_on_the_secret_key(app):
    with app.test_request_context():
        ours = codes.code_for(7)
    app.secret_key = "another-secret-" + "y" * 32
    with app.test_request_context():
        assert codes.code_for(7) != ours
        assert codes.delegate_id_from(ours) != 7


@pytest.fixture(autouse=True)
def _session_time():
    """The sessions (15 June 2027, 10:00 in Tokyo) have begun: checking in
    asks nothing (an early check-in is tests/test_time_guard_rails.py's)."""
    with time_machine.travel(datetime(2027, 6, 15, 1, 5, tzinfo=UTC)):
        yield


@pytest.fixture
def hall(app):
    with app.app_context():
        festival = make_festival(slug="gastro")
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        mayor = make_delegate(
            parma, full_name="Michele Guerra", position="Mayor of Parma", role=DelegateRole.MAYOR
        )
        chef = make_delegate(
            parma, full_name="Aiko Sato", native_name="佐藤 愛子", role=DelegateRole.CHEF
        )
        pending = make_delegate(parma, full_name="Pia Pending", status=DelegateStatus.PENDING)
        talk = make_session(festival, title="Rice and the Sea")
        forum = make_session(festival, title="Mayors' Forum", audience=Audience.MAYORS)
        enrol(talk, mayor)
        stranger = make_delegate(make_delegation(make_festival()), full_name="Far Away")
        db.session.commit()
        with app.test_request_context():
            return {
                "talk": talk.id,
                "forum": forum.id,
                "mayor": mayor.id,
                "chef": chef.id,
                "pending": pending.id,
                "mayor_code": codes.code_for(mayor.id),
                "chef_code": codes.code_for(chef.id),
                "pending_code": codes.code_for(pending.id),
                "stranger_code": codes.code_for(stranger.id),
            }


def scan_url(hall, session="talk", tail=""):
    return f"/organiser/festivals/gastro/check-in/sessions/{hall[session]}/scan{tail}"


def checked_in(app, session_id, delegate_id):
    with app.app_context():
        row = db.session.scalar(
            sa.select(Attendance).where(
                Attendance.session_id == session_id, Attendance.delegate_id == delegate_id
            )
        )
        return row is not None and row.checked_in_at is not None


def test_scan_page_has_the_camera_and_a_typed_code_form(client, auth, hall):
    auth.organiser()
    response = client.get(scan_url(hall))
    page = response.text
    assert response.status_code == 200
    assert '<meta name="csrf-token"' in page
    assert 'src="/static/js/checkin-scan.js"' in page
    assert "<script>" not in page and "style=" not in page
    assert f'data-endpoint="{scan_url(hall, tail="/check-in")}"' in page
    assert 'name="code"' in page  # works without JavaScript
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_typed_code_checks_in(app, client, auth, hall):
    auth.organiser()
    typed = hall["mayor_code"].lower().replace("-", " ")
    response = client.post(scan_url(hall), data={"code": typed})
    assert response.status_code == 303
    assert response.headers["Location"] == scan_url(hall)
    assert checked_in(app, hall["talk"], hall["mayor"])
    assert "Michele Guerra (Parma) checked in." in client.get(scan_url(hall)).text
    again = client.post(scan_url(hall), data={"code": typed}, follow_redirects=True)
    assert "was already checked in" in again.text


def test_typed_code_from_the_session_list_goes_back_there(app, client, auth, hall):
    auth.organiser()
    back = f"/organiser/festivals/gastro/check-in/sessions/{hall['talk']}?q=parma"
    response = client.post(scan_url(hall), data={"code": hall["chef_code"], "next": back})
    assert response.headers["Location"] == back
    assert checked_in(app, hall["talk"], hall["chef"])  # a walk-in


def test_unknown_or_malformed_code_gets_a_clear_message_and_keeps_the_input(client, auth, hall):
    auth.organiser()
    unknown = "ZZZZ-ZZZZ" if hall["mayor_code"] != "ZZZZ-ZZZZ" else "YYYY-YYYY"
    response = client.post(scan_url(hall), data={"code": unknown})
    assert response.status_code == 422
    assert f"No delegate of this festival has the code {unknown}" in response.text
    assert f'value="{unknown}"' in response.text
    assert 'aria-invalid="true"' in response.text

    malformed = client.post(scan_url(hall), data={"code": "hello"})
    assert malformed.status_code == 422
    assert "is not a check-in code" in malformed.text

    empty = client.post(scan_url(hall), data={"code": ""})
    assert empty.status_code == 422
    assert "Type the code printed under the QR code." in empty.text

    # Another festival's delegate is unknown here.
    elsewhere = client.post(scan_url(hall), data={"code": hall["stranger_code"]})
    assert elsewhere.status_code == 422


def test_typed_code_of_a_non_mayor_at_the_forum_is_refused(app, client, auth, hall):
    auth.organiser()
    response = client.post(scan_url(hall, "forum"), data={"code": hall["chef_code"]})
    assert response.status_code == 409
    assert "is not a mayor or deputy mayor" in response.text
    assert not checked_in(app, hall["forum"], hall["chef"])


def test_scan_endpoint_answers_json(app, client, auth, hall):
    auth.organiser()
    endpoint = scan_url(hall, tail="/check-in")

    first = client.post(endpoint, data={"code": hall["mayor_code"]})
    assert first.status_code == 200
    assert first.json["status"] == "checked_in"
    assert first.json["name"] == "Michele Guerra" and first.json["city"] == "Parma"
    assert first.json["checked_in"] == 1 and first.json["enrolled"] == 1
    assert checked_in(app, hall["talk"], hall["mayor"])

    assert client.post(endpoint, data={"code": hall["mayor_code"]}).json["status"] == "already"

    walk_in = client.post(endpoint, data={"code": hall["chef_code"]}).json
    assert walk_in["status"] == "walk_in" and walk_in["native_name"] == "佐藤 愛子"
    assert walk_in["checked_in"] == 2 and walk_in["enrolled"] == 2

    refused = client.post(scan_url(hall, "forum", "/check-in"), data={"code": hall["chef_code"]})
    assert refused.status_code == 409
    assert refused.json["status"] == "not_eligible"
    assert "mayors and deputy mayors only" in refused.json["message"]

    unknown = client.post(endpoint, data={"code": hall["stranger_code"]})
    assert unknown.status_code == 404
    assert unknown.json["status"] == "unknown" and unknown.json["name"] is None
    assert unknown.json["message"]

    noise = client.post(endpoint, data={"code": "https://example.org/"})
    assert noise.json["status"] == "unknown"
    assert "is not a check-in code" in noise.json["message"]


def test_scan_endpoint_needs_the_csrf_token_and_an_organiser(app, client, auth, hall):
    endpoint = scan_url(hall, tail="/check-in")
    assert client.post(endpoint, data={"code": hall["mayor_code"]}).status_code == 302
    auth.organiser()
    assert client.post(endpoint, data={"code": hall["mayor_code"]}, csrf=False).status_code == 400
    assert not checked_in(app, hall["talk"], hall["mayor"])
    auth.logout()
    with app.app_context():
        user_id = db.session.get(Delegate, hall["mayor"]).user_id
    auth.user(user_id)
    assert client.post(endpoint, data={"code": hall["mayor_code"]}).status_code == 404
    assert not checked_in(app, hall["talk"], hall["mayor"])


def test_the_delegate_sees_their_own_code(app, hall):
    with app.test_request_context():
        delegate = db.session.get(Delegate, hall["chef"])
        html = render_template_string('{% include "attendance/_my_code.html" %}', delegate=delegate)
    assert hall["chef_code"] in html
    assert "<svg" in html and 'viewBox="0 0 29 29"' in html  # a full QR code, not Micro QR
    assert "style=" not in html and "<script" not in html


def test_badges_sheet(client, auth, hall):
    auth.organiser()
    response = client.get("/organiser/festivals/gastro/check-in/badges")
    assert response.status_code == 200
    page = response.text
    assert page.count('class="badge-card"') == 2  # confirmed delegates only
    for text in ["Michele Guerra", "Mayor of Parma", "佐藤 愛子", "Parma", "IT"]:
        assert text in page
    assert hall["mayor_code"] in page and hall["chef_code"] in page
    assert page.count('class="checkin-qr"') == 2
    assert "Far Away" not in page and "Pia Pending" not in page
    assert "css/attendance.css" in page

    with_pending = client.get("/organiser/festivals/gastro/check-in/badges?pending=1").text
    assert "Pia Pending" in with_pending and hall["pending_code"] in with_pending
    searched = client.get("/organiser/festivals/gastro/check-in/badges?q=sato").text
    assert "Aiko Sato" in searched and "Michele Guerra" not in searched


def test_scan_answers_carry_words_that_agree_with_the_numbers(app, client, auth, hall):
    """The scan page swaps the door numbers and the words beside them (1 arrivé, 2 arrivés)."""
    auth.organiser()
    client.post("/language", data={"locale": "fr"})
    page = client.get(scan_url(hall)).text
    assert '<span data-count-label="checked_in">arrivé</span>' in page
    endpoint = scan_url(hall, tail="/check-in")
    first = client.post(endpoint, data={"code": hall["mayor_code"]}).json
    assert first["checked_in"] == 1 and first["count_labels"]["checked_in"] == "arrivé"
    second = client.post(endpoint, data={"code": hall["chef_code"]}).json
    assert second["checked_in"] == 2 and second["count_labels"]["checked_in"] == "arrivés"
    assert second["count_labels"]["enrolled"] == "inscrits"
