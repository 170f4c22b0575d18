"""Checking delegates in from the list: check-in, undo, walk-ins, refusals,
access, and query counts that do not grow with the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.attendance.services import attendees_of
from festival.extensions import db
from festival.programme.models import Attendance, Audience, ProgrammeSession, SessionStatus
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
    make_venue,
)
from tests.support.queries import queries_per_page


@pytest.fixture
def real_clock():
    """Asked for by a test that runs on today's clock (see _session_time)."""


@pytest.fixture(autouse=True)
def _session_time(request):
    """The sessions (15 June 2027, 10:00 in Tokyo) have begun: checking in
    asks nothing (an early check-in is tests/test_time_guard_rails.py's)."""
    if "real_clock" in request.fixturenames:
        yield
        return
    with time_machine.travel(datetime(2027, 6, 15, 1, 5, tzinfo=UTC)):
        yield


@pytest.fixture
def door(app):
    """A festival with a public session, the Mayors' Forum and three delegates."""
    with app.app_context():
        festival = make_festival(slug="gastro")
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        tsuruoka = make_delegation(festival, make_city(name="Tsuruoka", country_code="JP"))
        mayor = make_delegate(parma, full_name="Michele Guerra", role=DelegateRole.MAYOR)
        interpreter = make_delegate(parma, full_name="Giulia Rossi", role=DelegateRole.INTERPRETER)
        director = make_delegate(
            tsuruoka, full_name="Aiko Sato", native_name="佐藤 愛子", role=DelegateRole.OFFICIAL
        )
        venue = make_venue(festival, name="Shonai Hall")
        talk = make_session(festival, title="Rice and the Sea", venue=venue)
        forum = make_session(festival, title="Mayors' Forum", audience=Audience.MAYORS)
        enrol(talk, mayor)
        enrol(talk, interpreter)
        enrol(forum, mayor)
        db.session.commit()
        return {
            "festival_id": festival.id,
            "talk": talk.id,
            "forum": forum.id,
            "mayor": mayor.id,
            "interpreter": interpreter.id,
            "director": director.id,
        }


def url(door, session="talk", tail=""):
    return f"/organiser/festivals/gastro/check-in/sessions/{door[session]}{tail}"


def attendance(app, session_id, delegate_id):
    with app.app_context():
        return db.session.scalar(
            sa.select(Attendance).where(
                Attendance.session_id == session_id, Attendance.delegate_id == delegate_id
            )
        )


def test_session_page_lists_the_enrolled_with_counts_and_buttons(client, auth, door):
    auth.organiser()
    response = client.get(url(door))
    assert response.status_code == 200
    page = response.text
    assert "Rice and the Sea" in page and "Shonai Hall" in page
    assert "Michele Guerra" in page and "Giulia Rossi" in page
    assert "Aiko Sato" not in page  # not enrolled
    assert page.count(">Check in<") >= 2
    assert 'data-count="checked_in">0<' in page and 'data-count="enrolled">2<' in page


def test_check_in_then_undo(app, client, auth, door):
    auth.organiser()
    response = client.post(url(door, tail=f"/delegates/{door['mayor']}"), data={"next": url(door)})
    assert response.status_code == 303
    assert response.headers["Location"] == url(door)
    row = attendance(app, door["talk"], door["mayor"])
    assert row.checked_in_at is not None

    page = client.get(url(door)).text
    assert "Michele Guerra (Parma) checked in." in page
    assert 'data-count="checked_in">1<' in page

    again = client.post(url(door, tail=f"/delegates/{door['mayor']}"), follow_redirects=True)
    assert "Michele Guerra (Parma) was already checked in." in again.text

    client.post(url(door, tail=f"/delegates/{door['mayor']}/undo"))
    row = attendance(app, door["talk"], door["mayor"])
    assert row is not None and row.checked_in_at is None  # still enrolled
    assert "Check-in of Michele Guerra (Parma) undone." in client.get(url(door)).text


def test_checked_in_delegates_become_the_attendees(app, client, auth, door):
    auth.organiser()
    client.post(url(door, tail=f"/delegates/{door['interpreter']}"))
    with app.app_context():
        session = db.session.get(ProgrammeSession, door["talk"])
        assert [d.full_name for d in attendees_of(session)] == ["Giulia Rossi"]


def test_walk_in_is_found_checked_in_and_undone_without_a_trace(app, client, auth, door):
    auth.organiser()
    found = client.get(url(door, tail="/find"), query_string={"q": "佐藤"})
    assert found.status_code == 200
    assert "Aiko Sato" in found.text and "Not enrolled" in found.text

    response = client.post(url(door, tail=f"/delegates/{door['director']}"), follow_redirects=True)
    assert "Aiko Sato (Tsuruoka) checked in (walk-in)." in response.text
    row = attendance(app, door["talk"], door["director"])
    assert row.checked_in_at is not None and row.enrolled_at == row.checked_in_at
    assert "walk-in" in client.get(url(door)).text

    # Undoing a walk-in removes the place they never asked for.
    client.post(url(door, tail=f"/delegates/{door['director']}/undo"))
    assert attendance(app, door["talk"], door["director"]) is None


def test_search_by_city_and_by_state(client, auth, door):
    auth.organiser()
    client.post(url(door, tail=f"/delegates/{door['mayor']}"))
    by_city = client.get(url(door), query_string={"q": "parma"}).text
    assert "Michele Guerra" in by_city and "Giulia Rossi" in by_city
    by_name = client.get(url(door), query_string={"q": "giulia"}).text
    assert "Giulia Rossi" in by_name and "Michele Guerra" not in by_name
    waiting = client.get(url(door), query_string={"state": "waiting"}).text
    assert "Giulia Rossi" in waiting and "Michele Guerra" not in waiting
    assert "Nobody enrolled matches" in client.get(url(door), query_string={"q": "zzz"}).text
    too_short = client.get(url(door, tail="/find"), query_string={"q": "a"}).text
    assert "Type at least two characters." in too_short


def test_a_non_mayor_is_refused_at_the_mayors_forum(app, client, auth, door):
    auth.organiser()
    response = client.post(
        url(door, "forum", f"/delegates/{door['interpreter']}"), follow_redirects=True
    )
    assert "Giulia Rossi (Parma) is not a mayor or deputy mayor" in response.text
    assert attendance(app, door["forum"], door["interpreter"]) is None
    find = client.get(url(door, "forum", "/find"), query_string={"q": "Giulia"}).text
    assert "this session is for mayors and deputy mayors only" in find
    # The mayor is welcome.
    client.post(url(door, "forum", f"/delegates/{door['mayor']}"))
    assert attendance(app, door["forum"], door["mayor"]).checked_in_at is not None


def test_cancelled_delegates_and_cancelled_sessions_are_refused(app, client, auth, door):
    with app.app_context():
        db.session.execute(
            sa.update(ProgrammeSession)
            .where(ProgrammeSession.id == door["forum"])
            .values(status=SessionStatus.CANCELLED)
        )
        from festival.registration.models import Delegate

        db.session.get(Delegate, door["interpreter"]).status = DelegateStatus.CANCELLED
        db.session.commit()
    auth.organiser()
    refused = client.post(
        url(door, tail=f"/delegates/{door['interpreter']}"), follow_redirects=True
    ).text
    assert "Giulia Rossi (Parma)&#39;s registration is cancelled" in refused
    cancelled = client.post(
        url(door, "forum", f"/delegates/{door['mayor']}"), follow_redirects=True
    ).text
    assert "This session is cancelled" in cancelled
    assert attendance(app, door["forum"], door["mayor"]).checked_in_at is None


def test_sessions_and_delegates_of_another_festival_are_404(app, client, auth, door):
    with app.app_context():
        other = make_festival(slug="other")
        stranger = make_delegate(make_delegation(other))
        elsewhere = make_session(other)
        db.session.commit()
        stranger_id, elsewhere_id = stranger.id, elsewhere.id
    auth.organiser()
    assert (
        client.get(f"/organiser/festivals/gastro/check-in/sessions/{elsewhere_id}").status_code
        == 404
    )
    assert client.post(url(door, tail=f"/delegates/{stranger_id}")).status_code == 404
    assert client.get("/organiser/festivals/nope/check-in").status_code == 404


def test_organisers_only(app, client, auth, door):
    pages = ["/organiser/festivals/gastro/check-in", url(door), url(door, tail="/scan")]
    pages.append("/organiser/festivals/gastro/check-in/badges")
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    anonymous_post = client.post(url(door, tail=f"/delegates/{door['mayor']}"))
    assert anonymous_post.headers["Location"].startswith("/login")

    with app.app_context():
        from festival.registration.models import Delegate

        user_id = db.session.get(Delegate, door["mayor"]).user_id
    auth.user(user_id)
    for page in pages:
        assert client.get(page).status_code == 404
    assert client.post(url(door, tail=f"/delegates/{door['mayor']}")).status_code == 404
    assert attendance(app, door["talk"], door["mayor"]).checked_in_at is None


def test_check_in_without_csrf_token_is_refused(app, client, auth, door):
    auth.organiser()
    response = client.post(url(door, tail=f"/delegates/{door['mayor']}"), csrf=False)
    assert response.status_code == 400
    assert attendance(app, door["talk"], door["mayor"]).checked_in_at is None


def test_index_lists_today_and_all_sessions_with_counts(app, client, auth, door, real_clock):
    with app.app_context():
        from festival.festivals.models import Festival

        now = datetime.now(UTC)
        festival = db.session.get(Festival, door["festival_id"])
        make_session(festival, title="Tasting on now", starts_at=now - timedelta(minutes=30))
        make_session(festival, title="Ended hours ago", starts_at=now - timedelta(hours=5))
        db.session.commit()
    auth.organiser()
    client.post(url(door, tail=f"/delegates/{door['mayor']}"), data={"confirm_early": "1"})
    page = client.get("/organiser/festivals/gastro/check-in").text
    today = page.split('id="today-heading"')[1].split('id="all-heading"')[0]
    assert "Tasting on now" in today
    assert "Rice and the Sea" not in today and "Ended hours ago" not in today
    assert "<strong>1</strong> / 2" in page  # the talk: 1 of 2 checked in
    assert "Mayors&#39; Forum" in page
    searched = client.get("/organiser/festivals/gastro/check-in", query_string={"q": "forum"})
    assert "Mayors&#39; Forum" in searched.text and "Rice and the Sea" not in searched.text
    on_day = client.get("/organiser/festivals/gastro/check-in", query_string={"day": "2027-06-15"})
    assert "Rice and the Sea" in on_day.text.split('id="all-heading"')[1]
    other_day = client.get(
        "/organiser/festivals/gastro/check-in", query_string={"day": "2027-06-16"}
    )
    assert "No sessions match." in other_day.text


def _grow(app, festival_id, sessions, delegates_per_session):
    with app.app_context():
        from festival.festivals.models import Festival

        festival = db.session.get(Festival, festival_id)
        start = datetime(2027, 6, 15, 3, 0, tzinfo=UTC)
        for n in range(sessions):
            session = make_session(festival, starts_at=start + timedelta(minutes=n))
            delegation = make_delegation(festival)
            for m in range(delegates_per_session):
                delegate = make_delegate(delegation, with_user=False)
                enrol(session, delegate, checked_in_at=start if m % 2 else None)
        talk = db.session.scalar(
            sa.select(ProgrammeSession).where(ProgrammeSession.title == "Rice and the Sea")
        )
        for _ in range(delegates_per_session):
            delegate = make_delegate(make_delegation(festival), role=DelegateRole.OTHER)
            enrol(talk, delegate, checked_in_at=start if _ % 2 else None)
        db.session.commit()


def test_query_counts_do_not_grow_with_the_data(app, client, auth, door):
    auth.organiser()
    pages = [
        "/organiser/festivals/gastro/check-in",
        url(door),
        url(door, tail="/find?q=deleg"),
        url(door, tail="/scan"),
        "/organiser/festivals/gastro/check-in/badges",
    ]

    _grow(app, door["festival_id"], sessions=1, delegates_per_session=1)
    small = queries_per_page(client, pages)
    _grow(app, door["festival_id"], sessions=6, delegates_per_session=5)
    large = queries_per_page(client, pages)
    assert small == large, dict(zip(pages, zip(small, large, strict=True), strict=True))
