"""Item 11 of #15: a full session offers its waiting list; when a place
frees (someone leaves, the capacity is raised) the first eligible person on
it is enrolled and e-mailed; on PostgreSQL, 20 simultaneous departures and
joins never overbook and never skip anyone."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from festival.extensions import db
from festival.outbox.models import OutboxMessage
from festival.programme import enrolment, waitlist
from festival.programme.models import Attendance, ProgrammeSession, WaitingEntry
from festival.registration.models import Delegate, DelegateRole
from tests.factories import enrol, make_delegate, make_delegation, make_festival, make_session
from tests.programme_support import SLUG, build_world


def _full_talk(app, world) -> int:
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        talk.capacity = 1
        enrol(talk, db.session.get(Delegate, world["official"][0]))
        db.session.commit()
        return talk.id


def _enrolled(app, session_id) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(Attendance.delegate_id).where(Attendance.session_id == session_id)
            )
        )


def test_join_see_the_position_leave_and_get_the_freed_place(app, client, auth):
    world = build_world(app)
    talk = _full_talk(app, world)
    page = f"/festivals/{SLUG}/sessions/{talk}"

    auth.user(world["mayor"][1])
    assert "Join the waiting list" in client.get(page).text
    response = client.post(f"{page}/waiting-list", data={}, follow_redirects=True)
    assert "You are number 1 on the waiting list" in response.text
    assert "Leave the waiting list" in response.text

    auth.logout()
    auth.user(world["deputy"][1])
    client.post(f"{page}/waiting-list", data={})
    assert "You are number 2 on the waiting list" in client.get(page).text

    # The official leaves: the mayor, first on the list, gets the place and an e-mail.
    auth.logout()
    auth.user(world["official"][1])
    client.post(f"{page}/unenrol", data={})
    assert _enrolled(app, talk) == {world["mayor"][0]}
    with app.app_context():
        mayor = db.session.get(Delegate, world["mayor"][0])
        (mail,) = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.category == "waitlist")
        ).all()
        assert mail.recipient == mayor.email
        assert "Fermentation Cultures of the World" in mail.text_body
        assert "<p>" in mail.html_body

    auth.logout()
    auth.user(world["deputy"][1])
    assert "You are number 1 on the waiting list" in client.get(page).text
    response = client.post(f"{page}/waiting-list/leave", data={}, follow_redirects=True)
    assert "You have left the waiting list" in response.text
    assert "Join the waiting list" in response.text


def test_raising_the_capacity_enrols_the_list_in_order(app, client, auth):
    world = build_world(app)
    talk = _full_talk(app, world)
    with app.app_context():
        item = db.session.get(ProgrammeSession, talk)
        for key in ("deputy", "mayor", "interpreter"):
            assert waitlist.join(item, db.session.get(Delegate, world[key][0])) == "joined"
        db.session.commit()
        from festival.programme import services

        services.update_session(item, {"capacity": 3})
        db.session.commit()
    # Two more places: the deputy and the mayor (first two), not the interpreter.
    assert _enrolled(app, talk) == {world[k][0] for k in ("official", "deputy", "mayor")}


def test_someone_who_may_no_longer_attend_is_passed_over(app):
    with app.app_context():
        festival = make_festival()
        forum = make_session(festival, audience="mayors", capacity=1)
        city = make_delegation(festival)
        first = make_delegate(city, role=DelegateRole.MAYOR)
        waiting_mayor = make_delegate(city, role=DelegateRole.MAYOR)
        second = make_delegate(make_delegation(festival), role=DelegateRole.MAYOR)
        enrol(forum, first)
        waitlist.join(forum, waiting_mayor)
        waitlist.join(forum, second)
        waiting_mayor.confirmed_role = DelegateRole.OFFICIAL  # no longer a mayor
        db.session.commit()
        enrolment.unenrol(forum, first)
        db.session.commit()
        assert _enrolled(app, forum.id) == {second.id}


def test_another_citys_delegate_and_strangers_get_404(app, client, auth):
    world = build_world(app)
    forum_id = world["forum_id"]
    auth.user(world["interpreter"][1])  # not a mayor: the forum does not exist for them
    base = f"/festivals/{SLUG}/sessions/{forum_id}"
    assert client.post(f"{base}/waiting-list", data={}).status_code == 404
    assert client.post(f"{base}/waiting-list/leave", data={}).status_code == 404
    missing = f"/festivals/{SLUG}/sessions/999999/waiting-list"
    assert client.post(missing, data={}).status_code == 404


def test_twenty_simultaneous_departures_and_joins_neither_overbook_nor_skip(app, postgres_only):
    with app.app_context():
        festival = make_festival()
        session = make_session(festival, capacity=10)
        delegation = make_delegation(festival, quota=40)
        leaving = [make_delegate(delegation) for _ in range(10)]
        first_waiting = [make_delegate(delegation) for _ in range(5)]
        joining = [make_delegate(delegation) for _ in range(10)]
        for delegate in leaving:
            enrol(session, delegate)
        db.session.commit()
        for delegate in first_waiting:
            assert waitlist.join(session, delegate) == "joined"
            db.session.commit()
        ids = (session.id, [d.id for d in leaving], [d.id for d in joining])
        first_ids = [d.id for d in first_waiting]
    session_id, leaving_ids, joining_ids = ids
    barrier = threading.Barrier(20, timeout=20)
    errors: list[BaseException] = []

    def act(delegate_id: int, leave: bool) -> None:
        try:
            with app.test_request_context():
                item = db.session.get(ProgrammeSession, session_id)
                delegate = db.session.get(Delegate, delegate_id)
                delegate.delegation.festival  # noqa: B018 (loaded before the race)
                # Give the connection back: twenty threads outnumber the pool,
                # and a thread waiting for one must not hold up the barrier.
                db.session.commit()
                barrier.wait()
                if leave:
                    enrolment.unenrol(item, delegate)
                else:
                    waitlist.join(item, delegate)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=act, args=(d, True)) for d in leaving_ids]
    threads += [threading.Thread(target=act, args=(d, False)) for d in joining_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors

    enrolled = _enrolled(app, session_id)
    with app.app_context():
        still_waiting = list(
            db.session.scalars(
                sa.select(WaitingEntry.delegate_id)
                .where(WaitingEntry.session_id == session_id)
                .order_by(WaitingEntry.id)
            )
        )
    assert len(enrolled) == 10  # ten left, fifteen wanted in: full, never more
    assert set(first_ids) <= enrolled  # those waiting first were served first
    assert not enrolled & set(leaving_ids)
    assert len(still_waiting) == 5 and not enrolled & set(still_waiting)
    assert set(still_waiting) | (enrolled - set(first_ids)) == set(joining_ids)


def test_the_freed_place_email_is_in_the_readers_content_language(app):
    """A French mayor gets the session's French title, in the subject too,
    and the venue's French name."""
    from festival.festivals.models import Venue

    world = build_world(app)
    talk_id = _full_talk(app, world)
    with app.app_context():
        talk = db.session.get(ProgrammeSession, talk_id)
        talk.title_i18n = {"fr": "Cultures de la fermentation"}
        db.session.get(Venue, world["hall_id"]).name_i18n = {"fr": "Grande salle"}
        mayor = db.session.get(Delegate, world["mayor"][0])
        mayor.locale = "fr"
        waitlist.join(talk, mayor)
        enrolment.unenrol(talk, db.session.get(Delegate, world["official"][0]))
        db.session.commit()
        (mail,) = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.category == "waitlist")
        ).all()
    assert "Cultures de la fermentation" in mail.subject
    assert "Cultures de la fermentation" in mail.text_body and "Grande salle" in mail.text_body
    assert "Fermentation Cultures of the World" not in mail.html_body
