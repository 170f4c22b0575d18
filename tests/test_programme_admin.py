"""The organiser's programme: sessions created and edited in the festival's
zone, checks and warnings, SEQUENCE, cancellation, enrolling a delegation."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.programme import services
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
)
from festival.registration.models import DelegateStatus, Delegation
from tests.factories import make_delegate, make_session
from tests.programme_support import SLUG, build_world, tokyo_utc
from tests.support.queries import queries_per_page

BASE = f"/organiser/festivals/{SLUG}/programme"


@pytest.fixture
def world(app):
    return build_world(app)


def form(world, **overrides):
    data = {
        "title": "Rice: From Paddy to Sake",
        "type": "thematic_session",
        "start_date": "2027-06-16",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "11:30",
        "venue_id": str(world["hall_id"]),
        "description": "Brewers of the Shonai plain.",
        "speakers": "Keiko Sato\n\n  Prof. Okuda  ",
        "languages": ["en", "ja"],
        "interpretation": "Simultaneous, ja ↔ en",
        "capacity": "40",
        "audience": "public",
    }
    data.update(overrides)
    return data


def get_session(app, session_id):
    with app.app_context():
        session = db.session.get(ProgrammeSession, session_id)
        db.session.expunge(session)
        return session


def latest(app):
    with app.app_context():
        return db.session.scalar(sa.select(ProgrammeSession).order_by(ProgrammeSession.id.desc()))


def test_anonymous_and_delegates_are_kept_out(client, auth, world):
    assert client.get(BASE).status_code == 302
    auth.user(world["mayor"][1])
    assert client.get(BASE).status_code == 404
    assert client.get(f"{BASE}/{world['talk_id']}").status_code == 404


def test_a_session_typed_at_ten_in_tokyo_is_stored_at_one_utc(app, client, auth, world):
    auth.organiser()
    page = client.get(f"{BASE}/new")
    assert page.status_code == 200
    assert "Asia/Tokyo (UTC+09:00)" in page.text
    response = client.post(f"{BASE}/new", data=form(world))
    assert response.status_code == 302, response.text
    with app.app_context():
        session = db.session.scalar(
            sa.select(ProgrammeSession).where(ProgrammeSession.title == "Rice: From Paddy to Sake")
        )
        assert session.starts_at == datetime(2027, 6, 16, 1, 0, tzinfo=UTC)
        assert session.ends_at == datetime(2027, 6, 16, 2, 30, tzinfo=UTC)
        assert session.speakers == "Keiko Sato\nProf. Okuda"
        assert session.languages == ["en", "ja"]
        assert session.capacity == 40
        assert session.sequence == 0
        assert session.status == SessionStatus.SCHEDULED
    shown = client.get(response.headers["Location"])
    assert "10:00–11:30" in shown.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_time": "09:00"}, "must end after it starts"),
        ({"start_date": "2027-06-20"}, "must fall within those days"),
        # 00:30 on the first day in Tokyo is 15:30 UTC the day before: still inside.
        ({"start_date": "2027-06-19", "start_time": "00:30", "end_time": "01:00"}, "within"),
        ({"title": ""}, "This field is required"),
        ({"audience": "invited"}, "Choose at least one delegation"),
        ({"capacity": "0"}, "between 1 and 100000"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_kept(client, auth, world, overrides, message):
    auth.organiser()
    data = form(world, **overrides)
    response = client.post(f"{BASE}/new", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert "Brewers of the Shonai plain." in response.text  # what was typed is kept
    assert 'class="field-error"' in response.text or "field-error" in response.text


def test_times_are_checked_in_the_festivals_zone_not_utc(app, client, auth, world):
    auth.organiser()
    # 08:00 on 14 June in Tokyo is 23:00 UTC on the 13th, yet inside the festival.
    response = client.post(
        f"{BASE}/new", data=form(world, start_date="2027-06-14", start_time="08:00")
    )
    assert response.status_code == 302
    assert latest(app).starts_at == datetime(2027, 6, 13, 23, 0, tzinfo=UTC)


def test_a_double_booking_is_a_warning_the_organiser_can_override(app, client, auth, world):
    auth.organiser()
    clash = form(world, start_date="2027-06-15", start_time="11:00", end_time="12:00")
    response = client.post(f"{BASE}/new", data=clash)
    assert response.status_code == 409
    assert "already booked" in response.text
    assert "Fermentation Cultures of the World" in response.text  # the clashing session
    assert "Save anyway" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeSession)) == 3
    response = client.post(f"{BASE}/new", data={**clash, "save_anyway": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgrammeSession)) == 4
    # The list flags both sessions.
    listing = client.get(f"{BASE}?day=2027-06-15")
    assert listing.text.count("Venue double-booked") == 2


def test_a_cancelled_session_does_not_block_its_venue(app, client, auth, world):
    with app.app_context():
        services.cancel_session(db.session.get(ProgrammeSession, world["talk_id"]))
        db.session.commit()
    auth.organiser()
    clash = form(world, start_date="2027-06-15", start_time="11:00", end_time="12:00")
    assert client.post(f"{BASE}/new", data=clash).status_code == 302


def test_a_capacity_above_the_venues_is_a_warning(client, auth, world):
    auth.organiser()
    response = client.post(f"{BASE}/new", data=form(world, capacity="500"))
    assert response.status_code == 409
    assert "more than the venue holds (100)" in response.text
    assert (
        client.post(f"{BASE}/new", data=form(world, capacity="500", save_anyway="y")).status_code
        == 302
    )


def test_sequence_rises_on_time_place_and_status_but_not_on_description(app, client, auth, world):
    auth.organiser()
    talk = world["talk_id"]
    url = f"{BASE}/{talk}/edit"
    edit = client.get(url)
    assert 'value="10:00"' in edit.text and 'value="2027-06-15"' in edit.text
    same = form(
        world,
        title="Fermentation Cultures of the World",
        start_date="2027-06-15",
        start_time="10:00",
        end_time="11:30",
        capacity="50",
    )
    assert client.post(url, data={**same, "description": "New words"}).status_code == 302
    assert get_session(app, talk).sequence == 0
    assert get_session(app, talk).description == "New words"

    assert (
        client.post(url, data={**same, "start_time": "10:30", "end_time": "12:00"}).status_code
        == 302
    )
    moved = get_session(app, talk)
    assert moved.sequence == 1
    assert moved.starts_at == tokyo_utc(15, 10, 30)

    elsewhere = {
        **same,
        "start_time": "10:30",
        "end_time": "12:00",
        "venue_id": str(world["salon_id"]),
        "capacity": "10",
    }
    assert client.post(url, data=elsewhere).status_code == 302
    assert get_session(app, talk).sequence == 2

    assert client.post(f"{BASE}/{talk}/cancel").status_code == 302
    cancelled = get_session(app, talk)
    assert (cancelled.status, cancelled.sequence) == (SessionStatus.CANCELLED, 3)
    assert client.post(f"{BASE}/{talk}/cancel").status_code == 302  # again: no change
    assert get_session(app, talk).sequence == 3
    assert client.post(f"{BASE}/{talk}/reinstate").status_code == 302
    assert get_session(app, talk).sequence == 4


def _checked_languages(html):
    """The language codes ticked on a session form, in page order."""
    boxes = re.findall(r'<input[^>]*name="languages"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', b).group(1) for b in boxes if "checked" in b]


def test_a_session_keeps_an_unusual_stored_language_when_saved_again(app, client, auth, world):
    talk = world["talk_id"]
    with app.app_context():
        db.session.get(ProgrammeSession, talk).languages = ["it", "xx-legacy"]
        db.session.commit()
    auth.organiser()
    url = f"{BASE}/{talk}/edit"
    edit = client.get(url)
    assert _checked_languages(edit.text) == ["it", "xx-legacy"]
    same = form(
        world,
        title="Fermentation Cultures of the World",
        start_date="2027-06-15",
        start_time="10:00",
        end_time="11:30",
        capacity="50",
        description="Words changed, languages left alone",
        languages=_checked_languages(edit.text),
    )
    response = client.post(url, data=same)
    assert response.status_code == 302, response.text
    saved = get_session(app, talk)
    assert saved.languages == ["it", "xx-legacy"]
    assert saved.description == "Words changed, languages left alone"

    # Unticked once, the code is no longer offered: a request cannot bring it back.
    assert client.post(url, data={**same, "languages": ["it"]}).status_code == 302
    assert get_session(app, talk).languages == ["it"]
    assert 'value="xx-legacy"' not in client.get(url).text
    refused = client.post(url, data=same)
    assert refused.status_code == 422
    assert "Choose the languages from the list." in refused.text
    assert get_session(app, talk).languages == ["it"]


def test_update_session_service_reports_schedule_changes(app, world):
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        assert services.update_session(talk, {"title": "Renamed", "speakers": "X"}) is False
        assert talk.sequence == 0
        assert services.update_session(talk, {"ends_at": tokyo_utc(15, 12)}) is True
        assert services.update_session(talk, {"venue_id": None}) is True
        assert talk.venue is None
        assert talk.sequence == 2


def test_a_cancelled_session_is_kept_and_shown_struck_through(app, client, auth, world):
    auth.organiser()
    client.post(f"{BASE}/{world['talk_id']}/cancel")
    with app.app_context():
        assert db.session.get(ProgrammeSession, world["talk_id"]) is not None
    listing = client.get(f"{BASE}?day=2027-06-15")
    assert 'class="session-cancelled"' in listing.text
    public = client.get(f"/festivals/{SLUG}/programme")
    assert "session-cancelled" in public.text and "Cancelled" in public.text


def test_invited_list_is_chosen_among_accepted_delegations(app, client, auth, world):
    auth.organiser()
    page = client.get(f"{BASE}/new")
    assert "Parma (IT)" in page.text and "Lyon (FR)" in page.text
    data = form(world, audience="invited", invited_delegations=[str(world["lyon_id"])])
    assert client.post(f"{BASE}/new", data=data).status_code == 302
    with app.app_context():
        session = latest(app)
        session = db.session.get(ProgrammeSession, session.id)
        assert session.audience == Audience.INVITED
        assert [d.id for d in session.invited_delegations] == [world["lyon_id"]]
    # Switching to public drops the list.
    url = f"{BASE}/{session.id}/edit"
    assert (
        client.post(url, data=form(world, invited_delegations=[str(world["lyon_id"])])).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(ProgrammeSession, session.id).invited_delegations == []


def test_enrolling_a_whole_delegation_skips_and_reports_those_not_allowed(app, client, auth, world):
    auth.organiser()
    forum = world["forum_id"]
    response = client.post(
        f"{BASE}/{forum}/enrol-delegation", data={"delegation_id": str(world["parma_id"])}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Enrolled: Michele Guerra." in page.text
    assert "not allowed in this session: Anna Rossi" in page.text
    with app.app_context():
        enrolled = set(
            db.session.scalars(
                sa.select(Attendance.delegate_id).where(Attendance.session_id == forum)
            )
        )
    assert enrolled == {world["mayor"][0]}
    again = client.post(
        f"{BASE}/{forum}/enrol-delegation", data={"delegation_id": str(world["parma_id"])}
    )
    assert "Already enrolled: Michele Guerra." in client.get(again.headers["Location"]).text


def test_enrolling_a_delegation_respects_capacity(app, client, auth, world):
    with app.app_context():
        lyon = db.session.get(Delegation, world["lyon_id"])
        make_delegate(lyon, full_name="Third Person")
        make_delegate(lyon, full_name="Gone Person", status=DelegateStatus.CANCELLED)
        small = make_session(lyon.festival, title="Tiny tasting", capacity=2)
        db.session.commit()
        small_id = small.id
    auth.organiser()
    response = client.post(
        f"{BASE}/{small_id}/enrol-delegation", data={"delegation_id": str(world["lyon_id"])}
    )
    page = client.get(response.headers["Location"]).text
    assert "Enrolled: Sophie Blanc, Luc Martin." in page
    assert "no place left: Third Person" in page
    assert "not allowed in this session: Gone Person" in page
    with app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Attendance)
            .where(Attendance.session_id == small_id)
        )
    assert count == 2


def test_an_organiser_can_remove_an_attendee(app, client, auth, world):
    auth.organiser()
    talk = world["talk_id"]
    client.post(f"{BASE}/{talk}/enrol-delegation", data={"delegation_id": str(world["lyon_id"])})
    page = client.get(f"{BASE}/{talk}")
    assert "Sophie Blanc" in page.text and "Luc Martin" in page.text
    client.post(f"{BASE}/{talk}/attendees/{world['official'][0]}/remove")
    assert "Luc Martin is no longer enrolled." in client.get(f"{BASE}/{talk}").text
    page = client.get(f"{BASE}/{talk}")
    assert "Luc Martin" not in page.text and "Sophie Blanc" in page.text


def test_a_session_of_another_festival_is_a_404(app, client, auth, world):
    from tests.factories import make_festival

    with app.app_context():
        other = make_session(make_festival(slug="other"))
        db.session.commit()
        other_id = other.id
    auth.organiser()
    assert client.get(f"{BASE}/{other_id}").status_code == 404
    assert client.get(f"{BASE}/{other_id}/edit").status_code == 404
    assert client.post(f"{BASE}/{other_id}/cancel").status_code == 404


def _add_sessions(app, world, n):
    with app.app_context():
        from festival.festivals.models import Festival

        festival = db.session.get(Festival, world["festival_id"])
        for i in range(n):
            make_session(
                festival,
                title=f"Extra {i}",
                venue_id=world["hall_id"] if i % 2 else None,
                starts_at=tokyo_utc(15, 9 + i % 10),
                audience=Audience.PUBLIC,
            )
        db.session.commit()


def test_the_organiser_list_runs_the_same_queries_for_3_and_30_sessions(
    app, client, auth, world, count_queries
):
    auth.organiser()
    pages = [
        f"{BASE}?day=2027-06-15",
        f"{BASE}?day=all",
        f"{BASE}?q=Extra",
        f"{BASE}/{world['talk_id']}",
    ]

    _add_sessions(app, world, 3)
    small = queries_per_page(client, pages)
    _add_sessions(app, world, 27)
    assert queries_per_page(client, pages) == small
