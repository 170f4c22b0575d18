"""The worker e-mails each attendee once when a session ends, reminds once,
and stops when the form closes; organisers can send by hand."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from festival.extensions import db
from festival.impressions.models import ImpressionInvite
from festival.outbox.models import OutboxMessage
from festival.worker import run_once
from tests.impressions_support import SESSION_END, build_scene, form, tokens_by_recipient


def _run_worker(app, times: int = 1) -> None:
    for _ in range(times):
        with app.app_context():
            run_once()
            db.session.remove()


def _run_concurrently(app) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work() -> None:
        try:
            with app.app_context():
                barrier.wait()
                run_once()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def _received(smtp_server) -> Counter:
    return Counter(smtp_server.recipients())


def test_nothing_is_sent_before_the_session_ends_plus_the_delay(app, smtp_server):
    with app.app_context():
        build_scene()
    with time_machine.travel(SESSION_END + timedelta(minutes=59)):
        _run_worker(app)
    assert smtp_server.messages == []


def test_each_attendee_gets_one_email_then_one_reminder(app, client, smtp_server):
    with app.app_context():
        scene = build_scene()
    with time_machine.travel(SESSION_END + timedelta(minutes=61)):
        _run_worker(app, times=2)
    received = _received(smtp_server)
    # One e-mail per attendee of the session, one for the forum's only mayor.
    expected = Counter(scene.attendees) + Counter(scene.forum_attendees)
    assert received == expected
    assert scene.absent not in received
    # The interpreter attended the session (one e-mail) but not the forum.
    assert received[scene.not_allowed] == 1

    # The delegate's language: subject and body.
    by_recipient = {m["To"]: m for m in smtp_server.messages if "Mayors" not in m["Subject"]}
    assert "Fermented Futures" in by_recipient["claire@lyon.example"]["Subject"]
    # Dates in the body are written in the delegate's language.
    assert "juin" in by_recipient["claire@lyon.example"].get_body(("plain",)).get_content()
    assert "6月" in by_recipient["yui@tsuruoka.example"].get_body(("plain",)).get_content()
    with app.app_context():
        locales = dict(
            db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.locale)).all()
        )
    assert locales["claire@lyon.example"] == "fr" and locales["yui@tsuruoka.example"] == "ja"

    # Claire answers; the others do not.
    tokens = tokens_by_recipient([m for m in smtp_server.messages if "Mayors" not in m["Subject"]])
    assert sorted(tokens) == scene.attendees
    with time_machine.travel(SESSION_END + timedelta(hours=2)):
        page = client.get(f"/impressions/{tokens['claire@lyon.example']}")
        assert page.status_code == 200
        with app.app_context():
            rating = form(scene.form_id).questions[0]
        answer = client.post(
            f"/impressions/{tokens['claire@lyon.example']}", data={rating.field_name: "5"}
        )
        assert answer.status_code == 303

    smtp_server.messages.clear()
    with time_machine.travel(SESSION_END + timedelta(days=3, hours=2)):
        _run_worker(app, times=2)
    reminders = _received(smtp_server)
    expected = Counter(e for e in scene.attendees if e != "claire@lyon.example")
    expected += Counter(scene.forum_attendees)
    assert reminders == expected
    assert "Reminder" in next(
        m["Subject"] for m in smtp_server.messages if m["To"] == "maria@parma.example"
    )
    # The reminder carries the same personal link as the first e-mail.
    reminder_tokens = tokens_by_recipient(
        [m for m in smtp_server.messages if "Mayors" not in m["Subject"]]
    )
    assert reminder_tokens["maria@parma.example"] == tokens["maria@parma.example"]

    smtp_server.messages.clear()
    with time_machine.travel(SESSION_END + timedelta(days=6)):
        _run_worker(app, times=2)
    assert smtp_server.messages == []


def test_two_workers_at_once_send_each_email_once(app, smtp_server, postgres_only):
    with app.app_context():
        scene = build_scene()
    with time_machine.travel(SESSION_END + timedelta(minutes=61)):
        _run_concurrently(app)
        _run_concurrently(app)
    expected = Counter(scene.attendees) + Counter(scene.forum_attendees)
    assert _received(smtp_server) == expected

    smtp_server.messages.clear()
    with time_machine.travel(SESSION_END + timedelta(days=3, hours=2)):
        _run_concurrently(app)
        _run_concurrently(app)
    assert _received(smtp_server) == expected
    with app.app_context():
        keys = db.session.scalars(sa.select(OutboxMessage.key)).all()
        assert len(keys) == 2 * sum(expected.values())


def test_nothing_goes_out_after_the_form_closes(app, smtp_server):
    with app.app_context():
        scene = build_scene()
        # The session's form closes before the worker ever ran; the forum's
        # closes after the e-mail but before the reminder would be due.
        form(scene.form_id).closes_at = SESSION_END + timedelta(minutes=30)
        form(scene.forum_form_id).closes_at = SESSION_END + timedelta(days=2)
        db.session.commit()
    with time_machine.travel(SESSION_END + timedelta(minutes=61)):
        _run_worker(app)
    assert _received(smtp_server) == Counter(scene.forum_attendees)
    smtp_server.messages.clear()
    with time_machine.travel(SESSION_END + timedelta(days=4)):
        _run_worker(app)
    assert smtp_server.messages == []


def test_a_cancelled_session_sends_nothing(app, smtp_server):
    from festival.programme.models import ProgrammeSession, SessionStatus

    with app.app_context():
        scene = build_scene()
        db.session.get(ProgrammeSession, scene.session_id).status = SessionStatus.CANCELLED
        db.session.commit()
    with time_machine.travel(SESSION_END + timedelta(hours=2)):
        _run_worker(app)
    assert _received(smtp_server) == Counter(scene.forum_attendees)


def test_the_delay_is_the_organisers_choice(app, smtp_server):
    with app.app_context():
        scene = build_scene()
        form(scene.form_id).delay_minutes = 0
        form(scene.forum_form_id).delay_minutes = 180
        db.session.commit()
    with time_machine.travel(SESSION_END + timedelta(minutes=1)):
        _run_worker(app)
    assert _received(smtp_server) == Counter(scene.attendees)


def test_organisers_send_by_hand_and_see_who_got_what(app, client, auth):
    # Each step a little later than the one before: a session cookie signed
    # "in the future" would not be accepted.
    with app.app_context():
        scene = build_scene()
    base = f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}"
    with time_machine.travel(SESSION_END - timedelta(minutes=10)):
        auth.organiser()
        response = client.post(f"{base}/send")
        assert response.status_code == 302
        again = client.post(f"{base}/send", follow_redirects=True)
        assert "nobody new" in again.text
        page = client.get(f"{base}/invites")
    with app.app_context():
        invites = db.session.scalars(
            sa.select(ImpressionInvite).where(ImpressionInvite.form_id == scene.form_id)
        ).all()
        assert len(invites) == len(scene.attendees)
        messages = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.category == "impressions")
        ).all()
        assert sorted(m.recipient for m in messages) == scene.attendees
        maria_id = next(i.id for i in invites if i.delegate.email == "maria@parma.example")
    assert page.status_code == 200
    for email in scene.attendees:
        assert email in page.text
    assert scene.absent not in page.text

    with time_machine.travel(SESSION_END):
        assert client.post(f"{base}/invites/{maria_id}/resend").status_code == 302
        page = client.get(f"{base}/invites?q=Maria")
    assert "1×" in page.text and "claire@lyon.example" not in page.text
    with app.app_context():
        recipients = db.session.scalars(
            sa.select(OutboxMessage.recipient).where(OutboxMessage.category == "impressions")
        ).all()
        assert Counter(recipients)["maria@parma.example"] == 2

    # When the form opens, the worker does not send it a second time (the
    # forum's form still goes out to its one mayor).
    with time_machine.travel(SESSION_END + timedelta(hours=2)), app.app_context():
        run_once()
        recipients = db.session.scalars(
            sa.select(OutboxMessage.recipient).where(OutboxMessage.category == "impressions")
        ).all()
    assert Counter(recipients) == Counter(scene.attendees) + Counter(
        ["maria@parma.example", "maria@parma.example"]
    )


def test_the_invites_page_is_for_organisers_only(app, client, auth):
    with app.app_context():
        scene = build_scene()
    url = f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}/invites"
    assert client.get(url).status_code == 302  # sign in first


def test_the_closing_form_goes_once_to_everyone_who_attended_something(app, smtp_server):
    from festival.impressions import services

    with app.app_context():
        scene = build_scene()
        festival = form(scene.form_id).festival
        festival_name = festival.name
        services.create_form(festival)
        db.session.commit()
    with time_machine.travel(SESSION_END + timedelta(minutes=61)):
        _run_worker(app, times=2)
    closing = [m["To"] for m in smtp_server.messages if festival_name in m["Subject"]]
    assert sorted(closing) == scene.attendees
    assert scene.absent not in smtp_server.recipients()
