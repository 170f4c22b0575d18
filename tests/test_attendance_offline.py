"""The door app's server side (issue #14): the offline list, the upload of
check-ins made offline (exactly once), and the check-in helper's limits."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from festival.attendance import codes
from festival.attendance.lists import Counts
from festival.attendance.offline import code_hash
from festival.auth.models import User
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import Attendance, Audience, SessionStatus
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.hostile import CHOICE_KINDS, forms_in
from tests.support.queries import queries_per_page
from tests.test_route_audit import _rules, _url

HELPER = {"email": "door@example.org", "password": "open sesame 42"}


@pytest.fixture(autouse=True)
def _session_time():
    with time_machine.travel(datetime(2027, 6, 15, 1, 5, tzinfo=UTC)):
        yield


@pytest.fixture
def door(app):
    with app.app_context():
        festival = make_festival(slug="gastro")
        other = make_festival(slug="other")
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        mayor = make_delegate(parma, full_name="Michele Guerra", role=DelegateRole.MAYOR)
        aiko = make_delegate(parma, full_name="Aiko Sato", native_name="佐藤 愛子")
        walker = make_delegate(parma, full_name="Walk In")
        gone = make_delegate(parma, full_name="Gone Away", status=DelegateStatus.CANCELLED)
        talk = make_session(festival, title="Rice and the Sea", capacity=2)
        forum = make_session(festival, title="Mayors' Forum", audience=Audience.MAYORS)
        elsewhere = make_session(other, title="Another festival's talk")
        enrol(talk, mayor)
        enrol(talk, aiko)
        db.session.commit()
        return {
            "festival": festival.id,
            "talk": talk.id,
            "forum": forum.id,
            "elsewhere": elsewhere.id,
            "mayor": mayor.id,
            "aiko": aiko.id,
            "walker": walker.id,
            "gone": gone.id,
        }


def _checkin(session, person, key=None):
    return {
        "key": key or str(uuid.uuid4()),
        "session": session,
        "person": person,
        "at": "2027-06-15T01:04:00+00:00",
    }


def _post_json(client, url, payload, **kwargs):
    # As the door app sends it: a JSON body, the CSRF token in a header.
    body = json.dumps(payload)
    return client.post(url, data=body, content_type="application/json", **kwargs)


def _sync(client, *items, **kwargs):
    return _post_json(client, "/check-in/gastro/sync", {"checkins": list(items)}, **kwargs)


def _attendances(app, session_id):
    with app.app_context():
        return db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id == session_id, Attendance.checked_in_at.is_not(None)
            )
        ).all()


def test_the_list_has_what_the_door_needs_and_no_codes(app, client, auth, door):
    auth.organiser()
    response = client.get(f"/check-in/gastro/list.json?s={door['talk']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    people = {p["id"]: p for p in data["people"]}
    assert people[door["aiko"]]["o"] == "佐藤 愛子" and people[door["aiko"]]["c"] == "Parma"
    (talk,) = data["sessions"]
    assert sorted(talk["enrolled"]) == sorted([door["mayor"], door["aiko"]])
    assert door["walker"] in talk["allowed"] and door["gone"] not in talk["allowed"]
    with app.app_context():
        code = codes.code_for(door["aiko"])
        gone_code = codes.code_for(door["gone"])
    # The device recognises a code by its salted hash only; no code travels.
    assert code not in response.text and code.replace("-", "") not in response.text
    assert people[door["aiko"]]["h"] == code_hash(data["salt"], code.replace("-", ""))
    # A cancelled delegate's code is known, to be refused as "not allowed".
    assert code_hash(data["salt"], gone_code.replace("-", "")) in data["others"]
    assert door["gone"] not in people


def test_the_list_is_only_for_the_festivals_sessions(client, auth, door):
    auth.organiser()
    assert client.get(f"/check-in/gastro/list.json?s={door['elsewhere']}").status_code == 404
    assert (
        client.get(f"/check-in/gastro/list.json?s={door['talk']}&s={door['elsewhere']}").status_code
        == 404
    )
    assert client.get("/check-in/gastro/list.json").status_code == 404


def test_the_same_check_in_sent_twice_is_one_attendance(app, client, auth, door):
    auth.organiser()
    item = _checkin(door["talk"], door["aiko"])
    first = _sync(client, item)
    assert first.status_code == 200
    assert first.get_json()["results"][0]["status"] == "checked_in"
    again = _sync(client, item, item)
    assert [r["status"] for r in again.get_json()["results"]] == ["checked_in", "checked_in"]
    (row,) = _attendances(app, door["talk"])
    assert row.client_key == item["key"]
    assert row.checked_in_at == datetime(2027, 6, 15, 1, 4, tzinfo=UTC)


def test_the_same_person_at_two_doors_is_one_attendance(app, client, auth, door):
    auth.organiser()
    door_a = _checkin(door["talk"], door["mayor"])
    door_b = _checkin(door["talk"], door["mayor"])
    assert _sync(client, door_a).get_json()["results"][0]["status"] == "checked_in"
    answer = _sync(client, door_b).get_json()
    assert answer["results"][0]["status"] == "already"
    assert answer["results"][0]["checked_in_at"].startswith("2027-06-15T01:04")
    assert answer["counts"][str(door["talk"])]["checked_in"] == 1
    assert len(_attendances(app, door["talk"])) == 1


def test_a_walk_in_and_refusals_are_answered_per_check_in(app, client, auth, door):
    auth.organiser()
    answer = _sync(
        client,
        _checkin(door["talk"], door["walker"]),
        _checkin(door["forum"], door["aiko"]),
        _checkin(door["talk"], door["gone"]),
        _checkin(door["talk"], 999999),
    ).get_json()
    statuses = [r["status"] for r in answer["results"]]
    assert statuses == ["walk_in", "not_eligible", "not_eligible", "unknown"]
    assert [a.delegate_id for a in _attendances(app, door["talk"])] == [door["walker"]]
    assert _attendances(app, door["forum"]) == []


def test_another_festivals_session_is_a_404_and_records_nothing(app, client, auth, door):
    auth.organiser()
    response = _sync(
        client, _checkin(door["talk"], door["aiko"]), _checkin(door["elsewhere"], door["aiko"])
    )
    assert response.status_code == 404
    assert _attendances(app, door["talk"]) == []


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"checkins": "x"},
        {"checkins": [{"key": "nope", "session": 1, "person": 1}]},
        {"checkins": [{"key": str(uuid.uuid4()), "session": "1", "person": 1}]},
        {"checkins": [{"key": str(uuid.uuid4()), "session": True, "person": 1}]},
    ],
)
def test_a_malformed_upload_is_a_400(client, auth, door, payload):
    auth.organiser()
    assert _post_json(client, "/check-in/gastro/sync", payload).status_code == 400


def test_the_upload_needs_its_csrf_token(app, client, auth, door):
    auth.organiser()
    response = _sync(client, _checkin(door["talk"], door["aiko"]), csrf=False)
    assert response.status_code == 400
    assert _attendances(app, door["talk"]) == []


def _helper(client, auth, app, door):
    auth.organiser()
    created = client.post("/organiser/festivals/gastro/check-in/helpers", data=HELPER)
    assert created.status_code == 303
    auth.logout()
    response = client.post("/login", data=HELPER)
    assert response.headers["Location"] == "/check-in/gastro/"


def test_a_helper_checks_people_in_and_opens_nothing_else(app, client, auth, door):
    _helper(client, auth, app, door)
    assert client.get("/check-in/gastro/").status_code == 200
    assert client.get(f"/check-in/gastro/sessions/{door['talk']}").status_code == 200
    assert _sync(client, _checkin(door["talk"], door["aiko"])).status_code == 200
    rules = _rules(app, prefix="/organiser")
    assert len(rules) > 20
    for rule in rules:
        url = _url(rule).replace("/audit", "/gastro", 1)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        assert client.open(url, method=method).status_code == 404, url


def test_a_helper_of_one_festival_is_a_stranger_at_another(app, client, auth, door):
    _helper(client, auth, app, door)
    assert client.get("/check-in/other/").status_code == 404
    assert client.get(f"/check-in/other/list.json?s={door['elsewhere']}").status_code == 404
    response = _post_json(
        client, "/check-in/other/sync", {"checkins": [_checkin(door["elsewhere"], door["aiko"])]}
    )
    assert response.status_code == 404


def test_delegates_and_strangers_get_no_door(app, client, auth, door):
    assert client.get("/check-in/gastro/").status_code == 302
    assert _sync(client, _checkin(door["talk"], door["aiko"])).status_code == 302
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email.like("delegate%")))
    auth.user(user_id)
    assert client.get("/check-in/gastro/").status_code == 404
    assert _sync(client, _checkin(door["talk"], door["aiko"])).status_code == 404


def test_a_turned_off_helper_is_signed_out(app, client, auth, door):
    _helper(client, auth, app, door)
    with app.app_context():
        helper = db.session.scalar(sa.select(User).where(User.email == HELPER["email"]))
        helper.is_active_flag = False
        helper.end_sessions()
        db.session.commit()
    assert client.get("/check-in/gastro/").status_code == 302


def test_the_service_worker_and_manifest_are_scoped_to_the_door(client, door):
    worker = client.get("/check-in/gastro/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    manifest = client.get("/check-in/gastro/manifest.webmanifest").get_json()
    assert manifest["scope"] == "/check-in/gastro/" and manifest["start_url"] == "/check-in/gastro/"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get("/check-in/nope/sw.js").status_code == 404


def test_counts_read_walk_ins_apart_from_the_places(app):
    from festival.attendance.labels import places_label

    with app.test_request_context():
        assert places_label(Counts(enrolled=33, checked_in=33, walk_ins=3), 30) == (
            "30 enrolled + 3 walk-ins of 30 places"
        )
        assert (
            places_label(Counts(enrolled=1, checked_in=0, walk_ins=0), 1) == "1 enrolled of 1 place"
        )
        assert places_label(Counts(enrolled=2, checked_in=1, walk_ins=1), None) == (
            "1 enrolled + 1 walk-in"
        )


def test_the_door_page_shows_the_places(client, auth, door):
    auth.organiser()
    page = client.get(f"/check-in/gastro/sessions/{door['talk']}")
    assert "2 enrolled of 2 places" in page.text
    assert page.headers["Cache-Control"] == "no-store"


def test_one_key_for_two_people_records_the_first_only(app, client, auth, door):
    auth.organiser()
    key = str(uuid.uuid4())
    answer = _sync(
        client,
        _checkin(door["talk"], door["aiko"], key),
        _checkin(door["talk"], door["mayor"], key),
    ).get_json()
    assert [r["status"] for r in answer["results"]] == ["checked_in", "unknown"]
    assert [a.delegate_id for a in _attendances(app, door["talk"])] == [door["aiko"]]


def test_the_door_pages_query_counts_do_not_grow_with_the_data(app, client, auth, door):
    auth.organiser()
    pages = [
        "/check-in/gastro/",
        f"/check-in/gastro/sessions/{door['talk']}",
        f"/check-in/gastro/list.json?s={door['talk']}&s={door['forum']}",
        "/organiser/festivals/gastro/check-in/helpers",
    ]
    small = queries_per_page(client, pages)
    with app.app_context():
        from festival.festivals.models import Festival
        from festival.programme.models import ProgrammeSession

        festival = db.session.get(Festival, door["festival"])
        talk = db.session.get(ProgrammeSession, door["talk"])
        for n in range(4):
            delegation = make_delegation(festival, make_city(name=f"City {n}"))
            for _ in range(5):
                enrol(talk, make_delegate(delegation, with_user=False))
            make_session(festival)
        db.session.commit()
    large = queries_per_page(client, pages)
    assert small == large, dict(zip(pages, zip(small, large, strict=True), strict=True))


def test_the_door_index_links_every_session_by_day_in_the_readers_language(app, client, auth, door):
    with app.app_context():
        festival = db.session.get(Festival, door["festival"])
        make_session(
            festival,
            title="Closing Dinner",
            title_i18n={"ja": "閉会の夕食"},
            starts_at=datetime(2027, 6, 16, 9, 30, tzinfo=UTC),
            status=SessionStatus.CANCELLED,
        )
        db.session.commit()
    auth.organiser()
    page = client.get("/check-in/gastro/").get_data(as_text=True)
    talk = f'<a href="/check-in/gastro/sessions/{door["talk"]}">'
    when = '<time datetime="2027-06-15T01:00:00+00:00">10:00</time>'
    assert f"{talk}{when} Rice and the Sea</a>" in page
    assert "Closing Dinner</a>\n        (Cancelled)" in page
    assert page.index("Rice and the Sea") < page.index("Closing Dinner")
    assert "Another festival" not in page
    with client.session_transaction() as session:
        session["locale"] = "ja"
    page = client.get("/check-in/gastro/").get_data(as_text=True)
    assert "18:30</time> 閉会の夕食</a>" in page
    # No Japanese title: the English one, marked for the organiser.
    assert '<span lang="en">Rice and the Sea</span> <span class="untranslated">' in page


def test_the_list_follows_every_change_to_its_people(app, client, auth, door):
    """Its people are kept per version of their data (the salt and hashes
    are new each time): a change made through the app shows on the next
    download."""
    with app.app_context():
        parma = db.session.get(Delegate, door["aiko"]).delegation.city
        city_id, field = parma.id, parma.creative_field.value
        db.session.commit()
    auth.organiser()

    def people():
        data = client.get(f"/check-in/gastro/list.json?s={door['talk']}").get_json()
        return {p["id"]: p for p in data["people"]}, data["salt"]

    first, salt = people()
    again, other_salt = people()
    assert first[door["aiko"]]["n"] == "Aiko Sato" and salt != other_salt
    assert first[door["aiko"]]["h"] != again[door["aiko"]]["h"]
    city = {
        "name": "Parma di Sopra",
        "country_code": "IT",
        "creative_field": field,
        "contact_name": "Giulia Rossi",
        "contact_email": "creative.city@parma.example",
        "preferred_language": "en",
        "year_designated": "2015",
    }
    assert client.post(f"/organiser/cities/{city_id}/edit", data=city).status_code == 302
    assert people()[0][door["aiko"]]["c"] == "Parma di Sopra"
    base = "/organiser/festivals/gastro/delegates"
    client.post(f"{base}/{door['aiko']}/anonymise", data={"anonymise-confirm": "y"})
    removed = people()[0][door["aiko"]]
    assert "Aiko" not in removed["n"] and "o" not in removed


def _as_sent(form):
    """What a browser sends for ``form`` untouched: its values, its ticks."""
    data = {}
    for field in form.fields.values():
        if field.name == "csrf_token" or field.kind == "file":
            continue
        if field.kind in CHOICE_KINDS:
            if field.selected:
                data[field.name] = field.selected
        else:
            data[field.name] = field.value
    return data


def test_who_may_enter_follows_every_change_to_the_rules(app, client, auth, door):
    """Who may enter the opened sessions is kept per version of the people
    and of the sessions' rules: a delegate declined, a delegation added, a
    session for mayors only, then for invited delegations, one more
    delegation invited (a change to no session's row) each show on the
    next download."""
    auth.organiser()
    url = f"/check-in/gastro/list.json?s={door['talk']}"

    def allowed():
        (talk,) = client.get(url).get_json()["sessions"]
        return set(talk["allowed"])

    assert {door["aiko"], door["walker"], door["mayor"]} <= allowed()
    decline = f"/organiser/festivals/gastro/delegates/{door['walker']}/decline"
    response = client.post(decline, data={"decline-reason": "No places left"})
    assert response.status_code == 302
    assert door["walker"] not in allowed() and door["aiko"] in allowed()

    with app.app_context():
        festival = db.session.get(Festival, door["festival"])
        parma = db.session.get(Delegate, door["aiko"]).delegation_id
        lyon = make_delegation(festival, make_city(name="Lyon", country_code="FR"))
        chef = make_delegate(lyon, full_name="Paul Chef").id
        lyon = lyon.id
        db.session.commit()
    assert chef in allowed()
    edit = f"/organiser/festivals/gastro/programme/{door['talk']}/edit"
    (form,) = [f for f in forms_in(client.get(edit).text, edit) if f.action == edit]
    mayors = {**_as_sent(form), "audience": Audience.MAYORS.value, "save_anyway": "y"}
    assert client.post(edit, data=mayors).status_code == 302
    assert allowed() == {door["mayor"]}
    parma_only = {
        **_as_sent(form),
        "audience": Audience.INVITED.value,
        "invited_delegations": [str(parma)],
        "save_anyway": "y",
    }
    assert client.post(edit, data=parma_only).status_code == 302
    assert allowed() == {door["aiko"], door["mayor"]}
    # Lyon invited too: a row of the invitations table, the session's own unchanged.
    both = {**parma_only, "invited_delegations": [str(parma), str(lyon)]}
    assert client.post(edit, data=both).status_code == 302
    assert allowed() == {door["aiko"], door["mayor"], chef}
