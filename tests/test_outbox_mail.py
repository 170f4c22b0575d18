"""The real mail path: invitations through the outbox to an SMTP server on
loopback (aiosmtpd), outages, retries with backoff, two workers at once."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox import services as outbox
from festival.outbox.models import OutboxMessage, OutboxStatus
from tests.factories import make_city, make_festival

FUTURE = (utcnow() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")


def _invite_cities(app, client, auth, languages: list[str]) -> list[int]:
    """Invite one city per language through the organiser's page."""
    with app.app_context():
        make_festival(slug="gastro", contact_email="festival@host.example")
        ids = [
            make_city(contact_email=f"office-{n}@city{n}.example", preferred_language=language).id
            for n, language in enumerate(languages)
        ]
        db.session.commit()
    auth.organiser()
    response = client.post(
        "/organiser/festivals/gastro/invitations/new",
        data={"city_ids": [str(i) for i in ids], "quota": "3", "deadline": FUTURE, "send": "1"},
    )
    assert response.status_code == 302
    return ids


def _outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return rows


def _queue(app, count: int) -> None:
    with app.app_context():
        for n in range(count):
            outbox.queue_email(
                key=f"test:{n}",
                recipient=f"person{n}@city.example",
                subject="Hello",
                template="login_link",
                url=f"http://festival.test/{n}",
                minutes=15,
            )
        db.session.commit()


def test_queueing_the_same_key_twice_makes_one_message(app):
    values = {"recipient": "a@x.example", "subject": "S", "template": "login_link"}
    context = {"url": "u", "minutes": 1}
    with app.app_context():
        first = outbox.queue_email(key="same", **values, **context)
        again = outbox.queue_email(key="same", **values, **context)
        bulk = outbox.queue_many([outbox.Email("same", **values, context=context)])
        db.session.commit()
        assert first is not None and again is None and bulk == 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_each_invitation_arrives_once_with_text_and_html_in_its_language(
    app, client, auth, runner, smtp_server
):
    _invite_cities(app, client, auth, ["en", "fr", "ja"])

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["worker", "--once"])  # nothing is sent twice
    assert again.exit_code == 0, again.output

    assert sorted(smtp_server.recipients()) == [
        "office-0@city0.example",
        "office-1@city1.example",
        "office-2@city2.example",
    ]
    expected_month = {"en": "June", "fr": "juin", "ja": "6月"}
    for message in smtp_server.messages:
        language = message["Content-Language"]
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "http://festival.test/invitations/" in text
        assert "http://festival.test/invitations/" in html
        assert f'<html lang="{language}">' in html
        # Dates are written the recipient's way.
        assert expected_month[language] in text
        assert expected_month[language] in html
    assert {m["Content-Language"] for m in smtp_server.messages} == {"en", "fr", "ja"}
    assert all(m.status == OutboxStatus.SENT and m.attempts == 1 for m in _outbox(app))


def test_without_smtp_messages_wait_in_the_outbox_for_organisers(app, client, auth, runner):
    _invite_cities(app, client, auth, ["en"])
    result = runner.invoke(args=["worker", "--once"])
    assert "No SMTP_HOST set" in result.output
    (message,) = _outbox(app)
    assert message.status == OutboxStatus.PENDING and message.attempts == 0

    page = client.get("/organiser/outbox/?category=invitation")
    assert "Invitation to" in page.text
    shown = client.get(f"/organiser/outbox/{message.id}")
    assert "http://festival.test/invitations/" in shown.text
    # The HTML part is shown escaped inside a sandboxed frame: it cannot run anything.
    assert 'sandbox=""' in shown.text
    assert 'srcdoc="&lt;!doctype html&gt;' in shown.text


def test_with_the_server_down_messages_wait_then_go_out_once_it_is_back(
    app, client, auth, runner, smtp_server
):
    _invite_cities(app, client, auth, ["en", "fr"])
    smtp_server.stop()

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    messages = _outbox(app)
    assert all(m.status == OutboxStatus.PENDING for m in messages)
    failed = [m for m in messages if m.attempts]
    assert len(failed) == 1  # the worker stops at the first refused connection
    assert "Error" in failed[0].last_error
    assert failed[0].next_attempt_at > utcnow()  # backed off

    smtp_server.start()  # back, on the same port
    with app.app_context():
        assert outbox.send_due() == {"sent": 1, "failed": 0}  # the other one was due
    with time_machine.travel(utcnow() + timedelta(minutes=2), tick=False), app.app_context():
        assert outbox.send_due() == {"sent": 1, "failed": 0}  # the one backed off
        assert outbox.send_due() == {"sent": 0, "failed": 0}

    assert sorted(smtp_server.recipients()) == ["office-0@city0.example", "office-1@city1.example"]
    messages = _outbox(app)
    assert all(m.status == OutboxStatus.SENT and m.last_error is None for m in messages)
    assert sorted(m.attempts for m in messages) == [1, 2]


def test_backoff_grows_and_the_worker_gives_up_after_the_last_attempt(app):
    assert [outbox.backoff(n).total_seconds() // 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert outbox.backoff(30) == timedelta(hours=6)
    _queue(app, 1)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9, SMTP_TIMEOUT=2)  # nobody listens
    when = utcnow()
    for _attempt in range(outbox.MAX_ATTEMPTS):
        when += timedelta(hours=7)
        with time_machine.travel(when, tick=False), app.app_context():
            outbox.send_due()
    (message,) = _outbox(app)
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == outbox.MAX_ATTEMPTS
    assert message.last_error


def test_a_refused_recipient_does_not_hold_up_the_others(app, smtp_server, monkeypatch):
    _queue(app, 3)
    real_send = smtplib.SMTP.send_message

    def send_message(self, email, *args, **kwargs):
        # The server answers "550 no such mailbox" for this one address.
        if email["To"] == "person0@city.example":
            raise smtplib.SMTPRecipientsRefused({email["To"]: (550, b"No such mailbox")})
        return real_send(self, email, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_message)
    with app.app_context():
        counts = outbox.send_due()
    assert counts == {"sent": 2, "failed": 1}
    assert sorted(smtp_server.recipients()) == ["person1@city.example", "person2@city.example"]
    refused = next(m for m in _outbox(app) if m.key == "test:0")
    # A permanent refusal (5xx) is not retried; the organiser sees why.
    assert refused.status == OutboxStatus.FAILED
    assert refused.attempts == 1
    assert "No such mailbox" in refused.last_error


def test_two_workers_send_every_message_exactly_once(app, smtp_server, monkeypatch):
    """Each claim moves its messages a lease ahead (on PostgreSQL, picked
    FOR UPDATE SKIP LOCKED, so simultaneous claims take different rows)."""
    _queue(app, 40)
    real_build = outbox.build_email
    started = threading.Barrier(2)

    def slow_build(message):
        # Hold each message a little longer, so the two workers overlap.
        threading.Event().wait(0.005)
        return real_build(message)

    monkeypatch.setattr(outbox, "build_email", slow_build)
    totals, errors = [], []

    def work() -> None:
        with app.app_context():
            try:
                started.wait(timeout=10)
                totals.append(outbox.send_due(limit=100))
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(t["sent"] for t in totals) == 40
    recipients = smtp_server.recipients()
    assert len(recipients) == 40
    assert len(set(recipients)) == 40
    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(set(message_ids)) == 40
    assert all(m.status == OutboxStatus.SENT and m.attempts == 1 for m in _outbox(app))


def test_a_message_whose_worker_died_waits_out_the_lease(app, smtp_server):
    _queue(app, 1)
    now = utcnow()
    with app.app_context():
        assert outbox._claim(now) != []  # then the worker dies mid-send
        db.session.remove()
    with time_machine.travel(now + timedelta(minutes=1), tick=False), app.app_context():
        assert outbox.send_due() == {"sent": 0, "failed": 0}  # still claimed
    lease_over = now + outbox.CLAIM_LEASE + timedelta(seconds=1)
    with time_machine.travel(lease_over, tick=False), app.app_context():
        assert outbox.send_due() == {"sent": 1, "failed": 0}
    assert smtp_server.recipients() == ["person0@city.example"]
