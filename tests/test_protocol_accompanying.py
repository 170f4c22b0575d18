"""Accompanying persons (issue 11, item 3): registered by the head or the
delegate they accompany, outside the quota, limited per delegate, in the
partner programme only and never in a restricted session (enrolment,
check-in by list, typed code and scan, the personal feed)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.attendance import codes
from festival.calendar.services import personal_token
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import Attendance, Audience, ProgrammeSession
from festival.registration.accompanying import add_accompanying
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from festival.registration.services import RegistrationError
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.test_registration_concurrency import RACERS, _race, racing_app  # noqa: F401
from tests.test_registration_support import member_form

SLUG = "gastro"


def companion_form(**overrides):
    values = {
        "full_name": "Elena Guerra",
        "position": "Spouse of the Mayor",
        "role": "other",
        "email": "elena@parma.example",
        "locale": "fr",
    }
    return member_form(**{**values, **overrides})


@pytest.fixture
def parma(app):
    """Parma (quota 2, full): its head and its mayor; a forum, a talk, a
    partner-programme visit; Tsuruoka's head as a stranger."""
    with app.app_context():
        festival = make_festival(slug=SLUG)
        delegation = make_delegation(
            festival,
            make_city(name="Parma", country_code="IT"),
            quota=2,
            deadline=utcnow() + timedelta(days=30),
        )
        head = make_delegate(delegation, full_name="Giulia Rossi", is_head=True)
        mayor = make_delegate(delegation, full_name="Michele Guerra", role=DelegateRole.MAYOR)
        other = make_delegation(festival, make_city(name="Tsuruoka", country_code="JP"))
        stranger = make_delegate(other, full_name="Aiko Sato", is_head=True)
        forum = make_session(festival, title="Mayors' Forum", audience=Audience.MAYORS)
        talk = make_session(festival, title="Rice and the Sea")
        visit = make_session(festival, title="Kimono workshop", open_to_accompanying=True)
        db.session.commit()
        return {
            "festival": festival.id,
            "delegation": delegation.id,
            "head": head.id,
            "head_user": head.user_id,
            "mayor": mayor.id,
            "mayor_user": mayor.user_id,
            "stranger_user": stranger.user_id,
            "forum": forum.id,
            "talk": talk.id,
            "visit": visit.id,
        }


def new_url(delegate_id):
    return f"/my/delegation/members/{delegate_id}/accompanying/new"


def companion(app, email="elena@parma.example"):
    with app.app_context():
        person = db.session.scalar(sa.select(Delegate).where(Delegate.email == email))
        if person is not None:
            db.session.expunge(person)
        return person


def make_companion(app, parma, **values):
    """A confirmed spouse of the mayor (what an organiser's approval leaves)."""
    with app.app_context():
        delegation = db.session.get(Delegate, parma["mayor"]).delegation
        person = make_delegate(
            delegation,
            full_name="Elena Guerra",
            role=DelegateRole.OTHER,
            is_accompanying=True,
            accompanies_id=parma["mayor"],
            **values,
        )
        db.session.commit()
        return person.id, person.user_id


# -- registration -------------------------------------------------------------------


def test_the_head_adds_a_spouse_outside_the_full_quota(app, client, auth, parma):
    auth.user(parma["head_user"])
    page = client.get("/my/delegation").text
    assert "2 of 2 places" in page and "Add a member" not in page
    assert new_url(parma["mayor"]) in page
    form = client.get(new_url(parma["mayor"]))
    assert form.status_code == 200
    assert 'name="role" value="other"' in form.text  # no role to declare

    response = client.post(new_url(parma["mayor"]), data=companion_form())
    assert response.status_code == 302, response.text
    person = companion(app)
    assert person.is_accompanying and person.accompanies_id == parma["mayor"]
    assert person.role == DelegateRole.OTHER and person.status == DelegateStatus.PENDING
    page = client.get("/my/delegation").text
    assert "2 of 2 places" in page  # the quota is not consumed
    assert "accompanying Michele Guerra" in page
    # A member still cannot join the full delegation.
    assert client.post("/my/delegation/members/new", data=member_form()).status_code == 409


def test_one_accompanying_person_per_delegate_unless_the_organisers_allow_more(
    app, client, auth, parma
):
    auth.user(parma["head_user"])
    assert client.post(new_url(parma["mayor"]), data=companion_form()).status_code == 302
    second = companion_form(full_name="Luca Neri", email="luca@parma.example")
    refused = client.post(new_url(parma["mayor"]), data=second)
    assert refused.status_code == 409
    assert "as many accompanying persons as the organisers allow" in refused.text
    # Nothing typed is lost.
    assert 'value="Luca"' in refused.text and 'value="Neri"' in refused.text
    assert new_url(parma["mayor"]) not in client.get("/my/delegation").text
    with app.app_context():
        db.session.get(Festival, parma["festival"]).accompanying_limit = 2
        db.session.commit()
    assert client.post(new_url(parma["mayor"]), data=second).status_code == 302
    # An accompanying person brings nobody.
    spouse = companion(app)
    assert (
        client.post(new_url(spouse.id), data=companion_form(email="x@p.example")).status_code == 404
    )


def test_the_delegate_adds_their_own_companion_but_not_someone_elses(app, client, auth, parma):
    auth.user(parma["mayor_user"])
    assert new_url(parma["mayor"]) in client.get("/my/delegation").text
    assert client.get(new_url(parma["head"])).status_code == 404
    assert client.post(new_url(parma["mayor"]), data=companion_form()).status_code == 302
    assert companion(app).accompanies_id == parma["mayor"]


def test_another_citys_delegate_gets_404(app, client, auth, parma):
    auth.user(parma["stranger_user"])
    assert client.get(new_url(parma["mayor"])).status_code == 404
    assert client.post(new_url(parma["mayor"]), data=companion_form()).status_code == 404
    assert companion(app) is None


def test_without_csrf_token_nothing_is_added(app, client, auth, parma):
    auth.user(parma["head_user"])
    response = client.post(new_url(parma["mayor"]), data=companion_form(), csrf=False)
    assert response.status_code == 400
    assert companion(app) is None


def test_a_member_added_again_is_no_longer_accompanying(app, client, auth, parma):
    auth.user(parma["head_user"])
    client.post(new_url(parma["mayor"]), data=companion_form())
    with app.app_context():
        db.session.get(Delegate, companion(app).id).status = DelegateStatus.CANCELLED
        db.session.get(Delegate, parma["mayor"]).status = DelegateStatus.CANCELLED
        db.session.commit()
    # The mayor's place is free: Elena comes back as a member in her own right.
    added = client.post("/my/delegation/members/new", data=companion_form(role="official"))
    assert added.status_code == 302
    person = companion(app)
    assert not person.is_accompanying and person.accompanies_id is None


def test_twenty_racing_registrations_for_one_companion_place_yield_one(
    postgres_only,
    app,
    racing_app,  # noqa: F811
    parma,
):
    def register(i: int) -> str:
        with racing_app.app_context():
            try:
                head = db.session.get(Delegate, parma["head"])
                mayor = db.session.get(Delegate, parma["mayor"])
                # The service takes what the form's delegate_values() gives:
                # the name in parts and joined (the names branch split it).
                values = companion_form(email=f"c{i}@parma.example", full_name=f"C {i}")
                add_accompanying(head, mayor, {**values, "full_name": f"C {i}"})
                db.session.commit()
                return "added"
            except RegistrationError as error:
                db.session.rollback()
                return f"refused {error.status}"
            finally:
                db.session.remove()

    outcomes = Counter(_race(register))
    assert outcomes == {"added": 1, "refused 409": RACERS - 1}


# -- never in a restricted session ---------------------------------------------------


def test_enrolment_only_in_the_partner_programme(app, client, auth, parma):
    _id, user = make_companion(app, parma)
    auth.user(user)
    assert client.post(f"/festivals/{SLUG}/sessions/{parma['visit']}/enrol").status_code in (
        302,
        303,
    )
    assert client.get(f"/festivals/{SLUG}/sessions/{parma['talk']}").status_code in (200, 404)
    assert client.post(f"/festivals/{SLUG}/sessions/{parma['talk']}/enrol").status_code == 404
    assert client.post(f"/festivals/{SLUG}/sessions/{parma['forum']}/enrol").status_code == 404
    with app.app_context():
        enrolled = set(
            db.session.scalars(
                sa.select(Attendance.session_id).where(Attendance.delegate_id == _id)
            )
        )
    assert enrolled == {parma["visit"]}


def test_never_in_the_forum_even_marked_open_and_confirmed_as_mayor(app, client, auth, parma):
    person_id, user = make_companion(app, parma, confirmed_role=DelegateRole.MAYOR)
    with app.app_context():
        # Set behind the form's back (the form refuses it).
        db.session.get(ProgrammeSession, parma["forum"]).open_to_accompanying = True
        db.session.commit()
    auth.user(user)
    assert client.get(f"/festivals/{SLUG}/sessions/{parma['forum']}").status_code == 404
    assert client.post(f"/festivals/{SLUG}/sessions/{parma['forum']}/enrol").status_code == 404
    assert "Mayors" not in client.get("/my/programme").text


def test_the_feed_has_the_partner_programme_and_never_the_forum(app, client, parma):
    person_id, _user = make_companion(app, parma)
    with app.app_context():
        person = db.session.get(Delegate, person_id)
        # Even enrolled by mistake, the forum and the talk stay out of the feed.
        for key in ("forum", "talk", "visit"):
            enrol(db.session.get(ProgrammeSession, parma[key]), person)
        db.session.commit()
        with app.test_request_context():
            token = personal_token(person)
    body = client.get(f"/feeds/{token}.ics").data
    assert b"Kimono workshop" in body
    assert b"Mayors' Forum" not in body and b"Rice and the Sea" not in body


@pytest.fixture
def door(app, parma):
    """The spouse enrolled (by mistake) in the forum; the sessions have begun."""
    person_id, _user = make_companion(app, parma)
    with app.app_context():
        enrol(db.session.get(ProgrammeSession, parma["forum"]), db.session.get(Delegate, person_id))
        enrol(
            db.session.get(ProgrammeSession, parma["forum"]),
            db.session.get(Delegate, parma["mayor"]),
        )
        db.session.commit()
        with app.test_request_context():
            code = codes.code_for(person_id)
    with time_machine.travel(datetime(2027, 6, 15, 1, 5, tzinfo=UTC)):
        yield {**parma, "spouse": person_id, "code": code}


def checkin_url(door, tail=""):
    return f"/organiser/festivals/{SLUG}/check-in/sessions/{door['forum']}{tail}"


def checked_in(app, session_id, delegate_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(Attendance.checked_in_at).where(
                Attendance.session_id == session_id, Attendance.delegate_id == delegate_id
            )
        )


def test_check_in_list_typed_code_and_scan_refuse_the_spouse(app, client, auth, door):
    auth.organiser()
    page = client.get(checkin_url(door)).text
    spouse_row = page[page.index("Elena Guerra") :].split("</tr>")[0]
    assert "Not allowed in this session" in spouse_row
    listed = client.post(checkin_url(door, f"/delegates/{door['spouse']}"), follow_redirects=True)
    assert "accompanying person" in listed.text
    typed = client.post(checkin_url(door, "/scan"), data={"code": door["code"]})
    assert typed.status_code == 409 and "accompanying person" in typed.text
    scanned = client.post(checkin_url(door, "/scan/check-in"), data={"code": door["code"]})
    assert scanned.status_code == 409 and scanned.json["status"] == "not_eligible"
    assert checked_in(app, door["forum"], door["spouse"]) is None


def test_organisers_cannot_open_a_mayors_session_to_accompanying_persons(app, client, auth, parma):
    auth.organiser()
    data = {
        "title": "Mayors' Forum",
        "type": "forum",
        "start_date": "2027-06-16",
        "start_time": "10:00",
        "end_time": "11:30",
        "languages": ["en"],
        "audience": "mayors",
        "open_to_accompanying": "y",
    }
    url = f"/organiser/festivals/{SLUG}/programme/{parma['forum']}/edit"
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "never open to accompanying persons" in response.text
    data["audience"] = "delegates"
    assert client.post(url, data=data).status_code in (302, 303)
    with app.app_context():
        assert db.session.get(ProgrammeSession, parma["forum"]).open_to_accompanying


def test_rooming_arrivals_and_catering_count_the_spouse_marked_as_accompanying(
    app, client, auth, parma
):
    make_companion(
        app,
        parma,
        needs_room=True,
        dietary=["vegetarian"],
        arrival_at=datetime(2027, 6, 14, 6, 40, tzinfo=UTC),
        arrival_airport="HND",
        arrival_flight="AZ 786",
    )
    auth.organiser()
    base = f"/organiser/festivals/{SLUG}/logistics"
    rooming = client.get(f"{base}/rooming").text
    row = rooming[rooming.index("Elena Guerra") :].split("</tr>")[0]
    assert "Accompanying person" in row
    travel = client.get(f"{base}/arrivals?day=2027-06-14").text
    assert "Elena Guerra" in travel and "Accompanying person" in travel
    assert client.get(f"{base}/catering").status_code == 200
    delegates = client.get(f"/organiser/festivals/{SLUG}/delegates").text
    assert "Accompanying person" in delegates
    listed = client.get(f"/organiser/festivals/{SLUG}/delegations").text
    assert "+ 1 accompanying" in listed


def test_organisers_set_the_limit_on_the_festival_form(app, client, auth, parma):
    auth.organiser()
    edit = f"/organiser/festivals/{SLUG}/edit"
    assert 'id="accompanying_limit"' in client.get(edit).text
    data = {
        "name": "Gastronomy Festival",
        "slug": SLUG,
        "starts_on": "2027-06-14",
        "ends_on": "2027-06-18",
        "timezone": "Asia/Tokyo",
        "host_city": "Tsuruoka",
        "languages": ["en", "ja", "fr"],
        "contact_email": "",
    }
    refused = client.post(edit, data={**data, "accompanying_limit": "-1"})
    assert refused.status_code == 422 and 'value="-1"' in refused.text
    assert client.post(edit, data={**data, "accompanying_limit": "0"}).status_code == 302
    with app.app_context():
        assert db.session.get(Festival, parma["festival"]).accompanying_limit == 0
    client.post("/logout")
    auth.user(parma["head_user"])
    assert new_url(parma["mayor"]) not in client.get("/my/delegation").text
    assert client.post(new_url(parma["mayor"]), data=companion_form()).status_code == 409
    assert companion(app) is None


def test_withdrawing_a_delegate_withdraws_their_companion(app, client, auth, parma):
    auth.user(parma["head_user"])
    client.post(new_url(parma["mayor"]), data=companion_form())
    response = client.post(f"/my/delegation/members/{parma['mayor']}/withdraw")
    assert response.status_code == 302
    assert companion(app).status == DelegateStatus.CANCELLED
