"""Interpretation per session (issue 11, item 6): what attendees need, what
the host offers, who is left uncovered (above all mayors at the Mayors'
Forum, whose own interpreters may not enter), and host interpreters
assigned to sessions as staff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import Attendance, Audience, HostInterpreter, ProgrammeSession
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.support.queries import queries_per_page, recorded_statements
from tests.support.redis_server import REDIS_URL, another_server, needs_redis

SLUG = "gastro"
BASE = f"/organiser/festivals/{SLUG}"


@pytest.fixture
def forum(app):
    """The Mayors' Forum in Japanese with English offered: a mayor from
    Parma (Italian only, his interpreter stays out), one from Jeonju (Korean
    only, no interpreter), one from Lyon (French and English: covered)."""
    with app.app_context():
        festival = make_festival(slug=SLUG, languages=["ja", "en"])
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        jeonju = make_delegation(festival, make_city(name="Jeonju", country_code="KR"))
        lyon = make_delegation(festival, make_city(name="Lyon", country_code="FR"))
        guerra = make_delegate(
            parma, full_name="Michele Guerra", role=DelegateRole.MAYOR, languages=["it"]
        )
        make_delegate(
            parma, full_name="Giulia Rossi", role=DelegateRole.INTERPRETER, languages=["it", "ja"]
        )
        make_delegate(jeonju, full_name="Kim Seung-su", role=DelegateRole.MAYOR, languages=["ko"])
        make_delegate(
            lyon, full_name="Grégory Doucet", role=DelegateRole.MAYOR, languages=["fr", "en"]
        )
        forum = make_session(
            festival,
            title="Mayors' Forum",
            audience=Audience.MAYORS,
            languages=["ja"],
            interpretation_languages=["en"],
        )
        talk = make_session(festival, title="Rice and the Sea", languages=["ja"])
        enrol(talk, guerra)
        other = make_festival()
        elsewhere = make_session(other, title="Elsewhere")
        stranger = make_delegate(make_delegation(other), full_name="Far Away")
        db.session.commit()
        return {
            "festival": festival.id,
            "forum": forum.id,
            "talk": talk.id,
            "elsewhere": elsewhere.id,
            "stranger_user": stranger.user_id,
        }


def session_page(client, ids, key="forum"):
    return client.get(f"{BASE}/programme/{ids[key]}").text


def add_interpreter(client, name="Sato Keiko", languages=("ja", "it"), **extra):
    return client.post(
        f"{BASE}/interpretation",
        data={"name": name, "languages": list(languages), "languages_other": "", **extra},
    )


def interpreter_id(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(HostInterpreter.id).where(HostInterpreter.name == name))


def test_the_forum_page_shows_needs_offer_and_the_uncovered_mayors(client, auth, forum):
    auth.organiser()
    page = session_page(client, forum)
    section = page[page.index('id="interpretation"') :]
    assert "2 people are left uncovered" in section
    assert "Michele Guerra" in section and "Kim Seung-su" in section
    assert "Grégory Doucet" not in section.split("left uncovered")[1].split("</ul>")[0]
    assert "Their interpreter Giulia Rossi may not enter this session." in section
    assert "none assigned" in section
    assert "No assigned host interpreter speaks:" in section  # English offered, nobody staffed


def test_at_an_open_session_the_own_interpreter_covers_the_mayor(client, auth, forum):
    auth.organiser()
    section = session_page(client, forum, "talk").split('id="interpretation"')[1]
    assert "left uncovered" not in section
    assert "1 person relies on their delegation" in section


def test_a_host_interpreter_assigned_to_the_forum_is_admitted_as_staff(app, client, auth, forum):
    auth.organiser()
    assert add_interpreter(client).status_code == 302
    assert add_interpreter(client, "Kang Min-ji", ("ko", "ja")).status_code == 302
    listed = client.get(f"{BASE}/interpretation").text
    assert "Sato Keiko" in listed and "Kang Min-ji" in listed
    sato = interpreter_id(app, "Sato Keiko")
    response = client.post(
        f"{BASE}/interpretation/sessions/{forum['forum']}/interpreters",
        data={"interpreter_id": str(sato)},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/programme/{forum['forum']}#interpretation")
    # The organiser offers Italian and Korean too: Sato covers Italian, Korean is unstaffed.
    with app.app_context():
        db.session.get(ProgrammeSession, forum["forum"]).interpretation_languages = [
            "en",
            "it",
            "ko",
        ]
        db.session.commit()
    section = session_page(client, forum).split('id="interpretation"')[1]
    assert "left uncovered" not in section  # Italian and Korean are interpreted now
    assert "No assigned host interpreter speaks:" in section
    checkin = client.get(f"{BASE}/check-in/sessions/{forum['forum']}").text
    assert "Admitted as staff (host interpreters):" in checkin and "Sato Keiko" in checkin
    removed = client.post(
        f"{BASE}/interpretation/sessions/{forum['forum']}/interpreters/{sato}/remove"
    )
    assert removed.status_code == 302
    client.get(f"{BASE}/programme/{forum['forum']}")  # shows the flash message
    assert "Admitted as staff" not in client.get(f"{BASE}/check-in/sessions/{forum['forum']}").text


def test_bad_input_keeps_what_was_typed(app, client, auth, forum):
    auth.organiser()
    add_interpreter(client)
    twice = add_interpreter(client)
    assert twice.status_code == 422
    assert "already on the list" in twice.text and 'value="Sato Keiko"' in twice.text
    one_language = add_interpreter(client, "Ito Ren", ("ja",))
    assert one_language.status_code == 422 and "at least two languages" in one_language.text
    empty = add_interpreter(client, "", ())
    assert empty.status_code == 422
    assert (
        client.post(
            f"{BASE}/interpretation/sessions/{forum['forum']}/interpreters",
            data={"interpreter_id": "999999"},
        ).status_code
        == 302
    )  # not a choice: back with a message, nothing assigned


def test_csrf_and_access(app, client, auth, forum):
    auth.user(forum["stranger_user"])
    assert client.get(f"{BASE}/interpretation").status_code == 404
    assert add_interpreter(client).status_code == 404
    client.post("/logout")
    auth.organiser()
    no_csrf = client.post(
        f"{BASE}/interpretation", data={"name": "Sato Keiko", "languages": ["ja", "it"]}, csrf=False
    )
    assert no_csrf.status_code == 400
    assert interpreter_id(app, "Sato Keiko") is None
    add_interpreter(client)
    sato = interpreter_id(app, "Sato Keiko")
    # Another festival's session, or an unknown one, is a 404.
    for session_id in (forum["elsewhere"], 999999):
        response = client.post(
            f"{BASE}/interpretation/sessions/{session_id}/interpreters",
            data={"interpreter_id": str(sato)},
        )
        assert response.status_code == 404
    no_token = client.post(
        f"{BASE}/interpretation/sessions/{forum['forum']}/interpreters/{sato}/remove", csrf=False
    )
    assert no_token.status_code == 400


def test_the_logistics_summary_shows_each_sessions_coverage(client, auth, forum):
    auth.organiser()
    page = client.get(f"{BASE}/logistics/interpreters").text
    section = page[page.index('id="sessions-title"') :]
    assert "Mayors&#39; Forum" in section or "Mayors' Forum" in section
    assert "2 people are left uncovered" in section
    assert "Their interpreter Giulia Rossi may not enter this session." in section


def test_the_sessions_coverage_follows_every_change_behind_it(app, client, auth, forum):
    """The table is kept per version of its data: each kind of change shows
    on the next view (nothing stale from the kept copy)."""
    auth.organiser()
    url = f"{BASE}/logistics/interpreters"

    def section() -> str:
        page = client.get(url).text
        start = page.index('id="sessions-title"')
        return page[start : page.index("</section>", start)]

    assert "2 people are left uncovered" in section()
    with app.app_context():  # Lyon's mayor forgets English and French: a delegate changes
        lyon = db.session.scalar(sa.select(Delegate).filter_by(full_name="Grégory Doucet"))
        lyon.languages = ["pt"]
        db.session.commit()
    assert "3 people are left uncovered" in section()
    with app.app_context():  # a host interpreter offers Korean: an assignment
        forum_session = db.session.get(ProgrammeSession, forum["forum"])
        forum_session.interpretation_languages = ["en", "ko"]
        db.session.commit()
    assert "2 people are left uncovered" in section()
    with app.app_context():  # one more enrolment at the talk: an attendance
        festival = db.session.get(Festival, forum["festival"])
        talk = db.session.get(ProgrammeSession, forum["talk"])
        enrol(talk, make_delegate(make_delegation(festival), languages=["sw"]))
        db.session.commit()
    assert '<span lang="sw">' in section()
    with app.app_context():  # and out again
        db.session.execute(sa.delete(Attendance).where(Attendance.session_id == forum["talk"]))
        db.session.commit()
    assert '<span lang="sw">' not in section()


def test_query_counts_do_not_grow_with_sessions_and_people(app, client, auth, forum):
    auth.organiser()
    pages = [f"{BASE}/logistics/interpreters", f"{BASE}/programme/{forum['forum']}"]
    with app.app_context():  # one enrolment, so the session page lists attendees either way
        festival = db.session.get(Festival, forum["festival"])
        first = make_delegate(make_delegation(festival), role=DelegateRole.MAYOR, languages=["es"])
        enrol(db.session.get(ProgrammeSession, forum["forum"]), first)
        db.session.commit()
    queries_per_page(client, pages)  # warm the caches
    # The sessions' coverage is kept per version of the data: measured as
    # computed, both times (whatever its cost, a fixed number of queries).
    memo.clear(app)
    few = queries_per_page(client, pages)
    with app.app_context():
        festival = db.session.get(Festival, forum["festival"])
        host = HostInterpreter(festival_id=festival.id, name="Ito Ren", languages=["ja", "ko"])
        db.session.add(host)
        for i in range(6):
            delegation = make_delegation(festival, make_city(name=f"City {i}"))
            mayor = make_delegate(delegation, role=DelegateRole.MAYOR, languages=["es"])
            make_delegate(delegation, role=DelegateRole.INTERPRETER, languages=["es", "ja"])
            session = make_session(
                festival,
                title=f"Talk {i}",
                languages=["ja"],
                interpretation_languages=["en"],
            )
            session.interpreters.append(host)
            enrol(session, mayor)
            enrol(db.session.get(ProgrammeSession, forum["forum"]), mayor)
        db.session.commit()
    memo.clear(app)
    many = queries_per_page(client, pages)
    assert few == many


def test_people_are_named_as_lists_name_them(app, client, auth, forum):
    """With the name in parts on file, the coverage lists "GUERRA Michele"
    and the interpreter kept out by her list name too."""
    from festival.registration.models import Delegate

    with app.app_context():
        for delegate in db.session.scalars(sa.select(Delegate)):
            if delegate.full_name in ("Michele Guerra", "Giulia Rossi"):
                delegate.given_names, delegate.family_name = delegate.full_name.split()
        db.session.commit()
    auth.organiser()
    page = session_page(client, forum)
    section = page[page.index('id="interpretation"') :]
    assert "GUERRA Michele" in section
    assert "Their interpreter ROSSI Giulia may not enter this session." in section


def test_the_sessions_coverage_shows_one_day_at_a_time(app, client, auth, forum):
    """At ten times the scale every session's coverage on one page was 570 KB
    of HTML: the page shows the chosen day's sessions (the first by default),
    each day's link says how many sessions and how many with gaps, and
    "every day" (for printing) shows them all."""
    with app.app_context():
        festival = db.session.get(Festival, forum["festival"])
        later = make_session(
            festival,
            title="Sake Tasting",
            languages=["ja"],
            starts_at=datetime(2027, 6, 17, 1, 0, tzinfo=UTC),
        )
        enrol(later, db.session.scalar(sa.select(Delegate).filter_by(full_name="Kim Seung-su")))
        db.session.commit()
    auth.organiser()
    url = f"{BASE}/logistics/interpreters"

    def section(query: str = "") -> str:
        page = client.get(url + query).text
        start = page.index('id="sessions-title"')
        return page[start : page.index("</section>", start)]

    first = section()
    assert "Mayors&#39; Forum" in first and "Rice and the Sea" in first
    assert "Sake Tasting" not in first
    # Both days are linked, with their counts; the first is the one shown.
    assert 'aria-current="page">Tue, Jun 15 <small class="count">2 sessions' in first
    assert "day=2027-06-17" in first
    assert "1 session, " in first and "1 with gaps" in first

    other_day = section("?day=2027-06-17")
    assert "Sake Tasting" in other_day and "Mayors&#39; Forum" not in other_day
    every_day = section("?day=all")
    assert all(t in every_day for t in ("Mayors&#39; Forum", "Rice and the Sea", "Sake Tasting"))
    # An unreadable day falls back to the first.
    assert "Sake Tasting" not in section("?day=not-a-day")


def test_the_session_page_s_kept_coverage_follows_each_change(app, client, auth, forum):
    # The session page keeps its coverage per version of what it is computed
    # from: seen once, then each change below shows on the next view.
    auth.organiser()
    section = session_page(client, forum).split('id="interpretation"')[1]
    assert "2 people are left uncovered" in section and "none assigned" in section
    add_interpreter(client, "Kang Min-ji", ("ko", "ja"))
    client.post(
        f"{BASE}/interpretation/sessions/{forum['forum']}/interpreters",
        data={"interpreter_id": str(interpreter_id(app, "Kang Min-ji"))},
    )
    section = session_page(client, forum).split('id="interpretation"')[1]
    assert "Kang Min-ji" in section and "none assigned" not in section
    with app.app_context():  # the other uncovered mayor's registration is cancelled
        guerra = db.session.scalar(
            sa.select(Delegate).where(Delegate.full_name == "Michele Guerra")
        )
        guerra.status = DelegateStatus.CANCELLED
        db.session.commit()
    section = session_page(client, forum).split('id="interpretation"')[1]
    assert "Michele Guerra" not in section


@needs_redis
def test_every_app_server_takes_the_coverage_one_of_them_made(app, client, auth, forum):
    """With Redis, a worker's first view takes the sessions' coverage another
    worker made (each making it took ~0.4 s at ten times the scale), and a
    change shows on every worker."""
    app.config["REDIS_URL"] = REDIS_URL
    other = another_server(app, REDIS_URL=REDIS_URL)
    other.test_client_class = type(client)
    with app.app_context():
        memo.clear()
    auth.organiser()
    url = f"{BASE}/logistics/interpreters"
    with recorded_statements(app) as made:
        first = client.get(url)
    assert "2 people are left uncovered" in first.text
    second_server = other.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    second_server.set_cookie("session", cookie.value, domain=cookie.domain)
    with recorded_statements(other) as taken:
        second = second_server.get(url)
    assert second.status_code == 200 and "2 people are left uncovered" in second.text
    # Its own stamp and page, no coverage made: fewer statements than the first.
    assert len(taken) < len(made)
    with app.app_context():  # Lyon's mayor forgets English and French
        lyon = db.session.scalar(sa.select(Delegate).filter_by(full_name="Grégory Doucet"))
        lyon.languages = ["pt"]
        db.session.commit()
    assert "3 people are left uncovered" in second_server.get(url).text
    assert "3 people are left uncovered" in client.get(url).text
    with app.app_context():
        memo.clear()
