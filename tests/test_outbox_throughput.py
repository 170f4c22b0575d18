"""A wave of e-mails goes out in one pass over one SMTP connection, to the
real loopback server: every message once, a message the server puts off
retried later without holding up the others, a dropped connection opened
again, and the looping worker does not sleep while work is waiting."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from festival import worker
from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox import services as outbox
from festival.outbox.models import OutboxMessage, OutboxStatus


def _queue(app, count: int) -> None:
    with app.app_context():
        outbox.queue_many(
            [
                outbox.Email(
                    key=f"wave:{n}",
                    recipient=f"person{n}@city.example",
                    subject="Hello",
                    template="login_link",
                    context={"url": "http://festival.test/x", "minutes": 15},
                )
                for n in range(count)
            ]
        )
        db.session.commit()


def _statuses(app) -> dict[str, OutboxStatus]:
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.status))
        return {recipient: status for recipient, status in rows}


def test_one_pass_sends_a_whole_wave_once_over_one_connection(app, runner, smtp_server):
    _queue(app, 180)  # more than a claim, and than the old 50 a pass

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "outbox sent: 180" in result.output
    recipients = smtp_server.recipients()
    assert len(recipients) == 180 and len(set(recipients)) == 180
    assert smtp_server.connections() == 1
    assert set(_statuses(app).values()) == {OutboxStatus.SENT}


def test_a_message_put_off_is_retried_later_and_holds_up_nobody(app, smtp_server):
    _queue(app, 30)
    smtp_server.refuse_for_now.add("person3@city.example")

    with app.app_context():
        assert outbox.send_due() == {"sent": 29, "failed": 1}
    assert smtp_server.connections() == 1  # the refusal did not cost the connection
    statuses = _statuses(app)
    assert statuses.pop("person3@city.example") == OutboxStatus.PENDING
    assert set(statuses.values()) == {OutboxStatus.SENT}

    smtp_server.refuse_for_now.clear()
    with app.app_context():
        assert outbox.send_due() == {"sent": 0, "failed": 0}  # backed off, not due yet
    with time_machine.travel(utcnow() + timedelta(minutes=2), tick=False), app.app_context():
        assert outbox.send_due() == {"sent": 1, "failed": 0}
    assert smtp_server.recipients().count("person3@city.example") == 1
    assert len(smtp_server.recipients()) == 30


def test_a_connection_the_server_closes_is_opened_again(app, smtp_server):
    smtp_server.messages_per_connection = 10
    _queue(app, 35)

    with app.app_context():
        assert outbox.send_due() == {"sent": 35, "failed": 0}

    recipients = smtp_server.recipients()
    assert len(recipients) == 35 and len(set(recipients)) == 35
    assert smtp_server.connections() == 4


def test_a_limit_leaves_the_rest_due_for_the_next_pass(app, smtp_server):
    _queue(app, 30)
    with app.app_context():
        assert outbox.send_due(limit=12) == {"sent": 12, "failed": 0}
        assert outbox.send_due() == {"sent": 18, "failed": 0}
    assert len(set(smtp_server.recipients())) == 30


def test_the_looping_worker_waits_only_when_idle():
    assert worker.pause_after({"outbox sent": 120, "outbox failed": 0}, 15) == 0
    assert worker.pause_after({"some job": 3, "outbox sent": 0}, 15) == 0
    assert worker.pause_after({"some job": 0, "outbox sent": 0}, 15) == 15
    # A failing job or outbox waits rather than spinning.
    assert worker.pause_after({"some job": -1, "outbox sent": 4}, 15) == 15


def test_emails_sharing_one_context_are_rendered_once_each_keeps_its_recipient(app):
    context = {"url": "http://festival.test/x", "minutes": 15}
    with app.app_context():
        queued = outbox.queue_many(
            [
                outbox.Email(
                    f"shared:{n}", f"p{n}@city.example", "Hi", "login_link", locale, context=context
                )
                for n, locale in enumerate(["fr", "fr", "ja"])
            ]
        )
        db.session.commit()
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.key)).all()
    assert queued == 3
    assert [(m.key, m.recipient, m.locale) for m in rows] == [
        ("shared:0", "p0@city.example", "fr"),
        ("shared:1", "p1@city.example", "fr"),
        ("shared:2", "p2@city.example", "ja"),
    ]
    assert rows[0].text_body == rows[1].text_body != rows[2].text_body
