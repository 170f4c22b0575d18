"""Delegates enrol in the sessions they may attend, within capacity; a
non-mayor never sees nor enters the Mayors' Forum."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme import enrolment, services
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation
from tests.factories import (
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.programme_support import SLUG, build_world, tokyo_utc
from tests.support.queries import queries_per_page


@pytest.fixture
def world(app):
    return build_world(app)


def enrolled(app, session_id):
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(Attendance.delegate_id).where(Attendance.session_id == session_id)
            )
        )


def session_url(world, key, tail=""):
    return f"/festivals/{SLUG}/sessions/{world[key]}{tail}"


def test_my_programme_needs_a_signed_in_delegate(client, auth, world):
    assert client.get("/my/programme").status_code == 302
    auth.organiser()
    assert client.get("/my/programme").status_code == 404


def test_a_non_mayor_neither_sees_nor_enters_the_mayors_forum(app, client, auth, world):
    auth.user(world["interpreter"][1])
    page = client.get("/my/programme")  # one day at a time: the first, June 15
    assert page.status_code == 200
    assert "Fermentation Cultures of the World" in page.text
    assert "Mayors&#39; Forum" not in page.text and "Mayors' Forum" not in page.text
    assert "Parma working lunch" in client.get("/my/programme?day=2027-06-16").text  # invited
    assert client.get(session_url(world, "forum_id")).status_code == 404
    assert client.post(session_url(world, "forum_id", "/enrol")).status_code == 404
    assert enrolled(app, world["forum_id"]) == set()


def test_mayors_and_deputy_mayors_see_and_enter_the_forum(app, client, auth, world):
    auth.user(world["deputy"][1])
    assert "Mayors&#39; Forum" in client.get("/my/programme").text
    assert client.get(session_url(world, "forum_id")).status_code == 200
    response = client.post(session_url(world, "forum_id", "/enrol"))
    assert response.status_code == 302
    assert "You are enrolled in" in client.get(response.headers["Location"]).text
    assert enrolled(app, world["forum_id"]) == {world["deputy"][0]}
    # Lyon is not on the invited list of Parma's lunch.
    assert client.get(session_url(world, "private_id")).status_code == 404
    assert client.post(session_url(world, "private_id", "/enrol")).status_code == 404


def test_enrol_and_leave_from_my_programme(app, client, auth, world):
    auth.user(world["official"][1])
    response = client.post(
        session_url(world, "talk_id", "/enrol"), data={"next": "/my/programme?day=2027-06-15"}
    )
    assert response.headers["Location"] == "/my/programme?day=2027-06-15"
    page = client.get("/my/programme").text
    assert "You are enrolled in 1 session." in page
    assert "1 of 50 places taken" in page
    assert enrolled(app, world["talk_id"]) == {world["official"][0]}
    again = client.post(session_url(world, "talk_id", "/enrol"))
    assert "already enrolled" in client.get(again.headers["Location"]).text
    assert enrolled(app, world["talk_id"]) == {world["official"][0]}
    left = client.post(session_url(world, "talk_id", "/unenrol"))
    assert "You have left" in client.get(left.headers["Location"]).text
    assert enrolled(app, world["talk_id"]) == set()


def test_an_open_redirect_is_refused(client, auth, world):
    auth.user(world["official"][1])
    response = client.post(
        session_url(world, "talk_id", "/enrol"), data={"next": "//evil.example/"}
    )
    assert response.headers["Location"] == session_url(world, "talk_id")


def test_capacity_is_enforced_and_a_full_session_says_so(app, client, auth, world):
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        talk.capacity = 1
        db.session.commit()
    auth.user(world["official"][1])
    client.post(session_url(world, "talk_id", "/enrol"))
    auth.logout()
    auth.user(world["interpreter"][1])
    page = client.get(session_url(world, "talk_id")).text
    assert "This session is full" in page
    response = client.post(session_url(world, "talk_id", "/enrol"))
    assert "is full: no place is left" in client.get(response.headers["Location"]).text
    assert enrolled(app, world["talk_id"]) == {world["official"][0]}
    assert "Full" in client.get("/my/programme").text


def test_cancelled_and_past_sessions_take_no_enrolment(app, client, auth, world):
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        past = make_session(
            festival, title="Yesterday's tasting", starts_at=utcnow() - timedelta(days=1)
        )
        services.cancel_session(db.session.get(ProgrammeSession, world["talk_id"]))
        db.session.commit()
        past_id = past.id
    auth.user(world["official"][1])
    cancelled = client.post(session_url(world, "talk_id", "/enrol"))
    assert "has been cancelled" in client.get(cancelled.headers["Location"]).text
    over = client.post(f"/festivals/{SLUG}/sessions/{past_id}/enrol")
    assert "is already over" in client.get(over.headers["Location"]).text
    assert enrolled(app, world["talk_id"]) == set() and enrolled(app, past_id) == set()


def test_a_delegate_of_another_festival_gets_404(app, client, auth, world):
    with app.app_context():
        other = make_delegate(make_delegation(make_festival(slug="elsewhere")))
        db.session.commit()
        user_id = other.user_id
    auth.user(user_id)
    # Public pages stay public; enrolling needs a place in this festival.
    assert client.get(session_url(world, "talk_id")).status_code == 200
    assert client.post(session_url(world, "talk_id", "/enrol")).status_code == 404
    assert client.get(session_url(world, "forum_id")).status_code == 404
    assert client.get("/my/programme?festival=gf").status_code == 404
    assert client.get("/my/programme").status_code == 200  # their own festival


def test_enrol_service_outcomes(app, world):
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        forum = db.session.get(ProgrammeSession, world["forum_id"])
        interpreter = db.session.get(Delegate, world["interpreter"][0])
        mayor = db.session.get(Delegate, world["mayor"][0])
        assert enrolment.enrol(forum, interpreter) == enrolment.Enrolment.NOT_ALLOWED
        assert enrolment.enrol(forum, mayor) == enrolment.Enrolment.ENROLLED
        assert enrolment.enrol(forum, mayor) == enrolment.Enrolment.ALREADY
        talk.capacity = 1
        assert enrolment.enrol(talk, mayor) == enrolment.Enrolment.ENROLLED
        assert enrolment.enrol(talk, interpreter) == enrolment.Enrolment.FULL
        assert enrolment.enrol(talk, mayor, now=talk.ends_at) == enrolment.Enrolment.OVER
        assert enrolment.unenrol(talk, mayor) is True
        assert enrolment.unenrol(talk, mayor) is False
        assert enrolment.enrol(talk, interpreter) == enrolment.Enrolment.ENROLLED


def test_capacity_holds_when_delegates_race_for_the_last_places(app, world, postgres_only):
    """12 delegates at once for 3 places: exactly 3 get in (PostgreSQL, real threads)."""
    racers = 12  # fewer than the connection pool holds, or the barrier never opens
    with app.app_context():
        lyon = db.session.get(Delegation, world["lyon_id"])
        ids = [make_delegate(lyon).id for _ in range(racers)]
        festival = db.session.get(Festival, world["festival_id"])
        session_id = make_session(festival, title="Popular workshop", capacity=3).id
        db.session.commit()
    barrier = threading.Barrier(racers, timeout=30)
    outcomes: list[object] = []

    def attempt(delegate_id: int) -> None:
        with app.app_context():
            try:
                session = db.session.get(ProgrammeSession, session_id)
                delegate = db.session.get(Delegate, delegate_id)
                delegate.delegation.festival_id  # noqa: B018 (load before the race)
                db.session.commit()  # no transaction open while waiting
                barrier.wait()
                outcomes.append(enrolment.enrol(session, delegate))
                db.session.commit()
            finally:
                db.session.rollback()
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count(enrolment.Enrolment.ENROLLED) == 3
    assert outcomes.count(enrolment.Enrolment.FULL) == racers - 3
    assert len(enrolled(app, session_id)) == 3


def _add(app, world, n):
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        official = db.session.get(Delegate, world["official"][0])
        for i in range(n):
            session = make_session(
                festival,
                title=f"Extra {i}",
                starts_at=tokyo_utc(14 + i % 5, 9 + i % 9),
                capacity=10,
            )
            if i % 2:
                db.session.add(Attendance(session=session, delegate=official))
        db.session.commit()


def test_my_programme_runs_the_same_queries_for_3_and_30_sessions(app, client, auth, world):
    auth.user(world["official"][1])
    _add(app, world, 3)
    small = queries_per_page(client, ["/my/programme"])
    _add(app, world, 27)
    assert queries_per_page(client, ["/my/programme"]) == small


def test_the_many_delegates_form_of_the_rules_agrees_with_visible_to(app, world):
    from festival.programme.eligibility import attendable_by_joined_delegate, visible_to

    with app.app_context():
        parma = db.session.get(Delegation, world["parma_id"])
        make_delegate(parma, role=DelegateRole.MAYOR, status=DelegateStatus.CANCELLED)
        make_session(make_festival(slug="elsewhere"), title="Another festival's talk")
        db.session.commit()
        for delegate in db.session.scalars(sa.select(Delegate)):
            one = set(
                db.session.scalars(
                    sa.select(ProgrammeSession.id).where(
                        ProgrammeSession.festival_id == delegate.delegation.festival_id,
                        visible_to(delegate),
                    )
                )
            )
            many = set(
                db.session.scalars(
                    sa.select(ProgrammeSession.id)
                    .join(Delegate, Delegate.id == delegate.id)
                    .join(Delegation, Delegation.id == Delegate.delegation_id)
                    .where(attendable_by_joined_delegate())
                )
            )
            assert one == many, delegate


def test_my_programme_shows_one_day_at_a_time_with_my_sessions_per_day(app, client, auth, world):
    auth.user(world["interpreter"][1])  # of Parma, invited to a lunch on June 16
    client.post(session_url(world, "talk_id", "/enrol"))  # June 15
    first = client.get("/my/programme").text
    # Both days are offered; June 15 is shown and holds one of my sessions.
    assert 'href="/my/programme?festival=gf&amp;day=2027-06-16"' in first
    assert 'day=2027-06-15" aria-current="page"' in first
    assert "Fermentation Cultures of the World" in first
    assert '>1<span class="visually-hidden"> session you are enrolled in</span>' in first
    second = client.get("/my/programme?day=2027-06-16").text
    assert "Fermentation Cultures of the World" not in second
    assert 'day=2027-06-16" aria-current="page"' in second
    # Enrol and leave come back to the day they were pressed on.
    assert 'name="next" value="/my/programme?festival=gf&amp;day=2027-06-16"' in second
    # A day with nothing for this delegate, or nonsense, falls back to the first day.
    for odd in ("2027-06-20", "yesterday", "9999-99-99"):
        page = client.get(f"/my/programme?day={odd}")
        assert page.status_code == 200
        assert "Fermentation Cultures of the World" in page.text


def _day_form(page):
    """The day's form on My programme: its action and its hidden fields."""
    import re

    page = page[page.index('<section class="programme-day"') :]
    action = re.search(r'<form method="post" action="([^"]+)">', page).group(1)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    return action.replace("&amp;", "&"), {k: v.replace("&amp;", "&") for k, v in fields.items()}


def test_one_form_per_day_enrols_and_leaves_by_the_button_pressed(app, client, auth, world):
    from tests.support.clients import AuthActions

    auth.user(world["official"][1])
    page = client.get("/my/programme").text
    day = page[page.index('<section class="programme-day"') :]
    assert day.count("<form") == 1  # one form for the day, not one per session
    talk = world["talk_id"]
    assert f'name="enrol" value="{talk}"' in page
    action, fields = _day_form(page)
    # The page's own CSRF token is what the button sends (no JavaScript needed).
    response = client.post(action, data={**fields, "enrol": str(talk)}, csrf=False)
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/programme?festival=gf&day=2027-06-15"
    page = client.get(response.headers["Location"]).text
    assert "You are enrolled in “Fermentation Cultures of the World”." in page
    assert f'name="leave" value="{talk}"' in page and "1 of 50 places taken" in page
    assert enrolled(app, talk) == {world["official"][0]}

    # Another delegate, the rows now rendered and kept: their own state and token.
    other = app.test_client()
    AuthActions(app, other).user(world["deputy"][1])
    theirs = other.get("/my/programme").text
    assert f'name="enrol" value="{talk}"' in theirs and "Leave" not in theirs
    assert "1 of 50 places taken" in theirs and "You are enrolled in 0 sessions." in theirs
    their_action, their_fields = _day_form(theirs)
    assert their_fields["csrf_token"] != fields["csrf_token"]
    refused = other.post(their_action, data={**their_fields, "leave": str(talk)}, csrf=False)
    assert "You were not enrolled in" in other.get(refused.headers["Location"]).text

    left = client.post(action, data={**fields, "leave": str(talk)}, csrf=False)
    assert "You have left" in client.get(left.headers["Location"]).text
    assert enrolled(app, talk) == set()


def test_the_day_form_refuses_a_session_the_delegate_may_not_enter(app, client, auth, world):
    auth.user(world["official"][1])  # of Lyon, no mayor
    for value in (world["forum_id"], world["private_id"], "99999999999999999999", "x", ""):
        response = client.post("/my/programme", data={"enrol": value})
        assert response.status_code == 404, value
    without_token = client.post("/my/programme", data={"enrol": world["talk_id"]}, csrf=False)
    assert without_token.status_code == 400
    assert enrolled(app, world["forum_id"]) == set() and enrolled(app, world["talk_id"]) == set()


def test_my_programme_shows_a_session_edit_at_once(app, client, auth, world):
    auth.user(world["official"][1])
    assert "Fermentation Cultures of the World" in client.get("/my/programme").text
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        talk.title = "Koji and Miso"
        talk.venue.name = "Great Hall"
        db.session.commit()
    page = client.get("/my/programme").text
    assert "Koji and Miso" in page and "Fermentation Cultures" not in page
    assert "Great Hall" in page and "Main Hall" not in page
