"""Control characters in one-line text (security issue #10, item 3).

A full name typed with a line break went into e-mail subjects as it was; the
worker could not build those mails and gave up the whole pass, so no e-mail
(sign-in links included) went out. Now every one-line field of every form
keeps its text on one line, the city import does the same, e-mail headers
are cleaned as they are built, and the worker sends each message on its own:
one that cannot be built or sent waits for a retry, the others go out.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask_wtf import FlaskForm

from festival import worker
from festival.cities.models import City
from festival.core.forms import Form
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.outbox import services as outbox
from festival.outbox.models import OutboxMessage, OutboxStatus
from festival.registration.models import Delegate
from tests.test_cities_admin import CITY
from tests.test_cities_import import CONFIRM, payload_of, upload
from tests.test_festivals_admin import VALID
from tests.test_registration_support import (
    accepted_invitation,
    delegate_by_email,
    head_form,
    member_form,
    register_head,
)
from tests.test_registration_support import outbox as outbox_of

# What a robot (or a paste from a terminal) puts in a name: CR/LF with a
# header after it, NEL, the Unicode line separator, an escape sequence, DEL,
# a C1 control.
HOSTILE_NAME = "Giulia\r\nBcc: evil@attacker.example\u0085Rossi\u2028\x1b[2J\x7f\x9b"
ONE_LINE_NAME = "Giulia Bcc: evil@attacker.example Rossi [2J"


# --- Forms: one-line fields keep their text on one line ----------------------


def test_every_form_of_the_app_cleans_its_text_fields(app):
    """One mechanism for every form: all of them derive from core.forms.Form."""

    def subclasses(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *subclasses(sub))]

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("festival.")]
    assert len(ours) > 20  # every blueprint is imported by create_app
    assert [c.__qualname__ for c in ours if not issubclass(c, Form)] == []


def test_the_registration_form_stores_a_name_on_one_line(app, client):
    invited = accepted_invitation(app)
    response = register_head(
        client,
        invited,
        full_name=HOSTILE_NAME,
        native_name="山田\r\n花子",
        position="Director\tCreative\u2029City",
        # A text area keeps its lines (as \n) and drops the rest.
        accessibility="Step-free access\r\nhearing loop\x1b\u0085please\x9b",
    )
    assert response.status_code == 302, response.text
    head = delegate_by_email(app, "giulia.rossi@parma.example")
    assert head.full_name == ONE_LINE_NAME
    assert head.native_name == "山田 花子"
    assert head.position == "Director Creative City"
    assert head.accessibility == "Step-free access\nhearing loop\nplease"

    # The head's name goes into the subject of the member's invitation.
    client.post("/my/delegation/members/new", data=member_form())
    [mail] = outbox_of(app, "marco.bianchi@parma.example")
    assert mail.subject.startswith(ONE_LINE_NAME)  # then "...added you" in Japanese


def test_my_details_stores_one_line_values(app, client):
    invited = accepted_invitation(app)
    assert register_head(client, invited).status_code == 302
    response = client.post(
        "/my/details",
        data=head_form(
            full_name="Giulia\nRossi",
            languages_other="Parmigiano\r\ndialect\x00",
            dietary=["other"],
            dietary_other="no\u2028pork",
            allergens_other="kiwi\x85(mild)",
        ),
    )
    assert response.status_code == 302, response.text
    head = delegate_by_email(app, "giulia.rossi@parma.example")
    assert head.full_name == "Giulia Rossi"
    assert "Parmigiano dialect" in head.languages
    assert (head.dietary_other, head.allergens_other) == ("no pork", "kiwi (mild)")


def test_organiser_forms_store_one_line_values(app, client, auth):
    auth.organiser()
    city = {**CITY, "name": "Parma\u2028", "contact_name": HOSTILE_NAME}
    assert client.post("/organiser/cities/new", data=city).status_code == 302
    festival = {**VALID, "name": "Gastronomy\r\nFestival 2027", "host_city": "Tsuruoka\u0085"}
    assert client.post("/organiser/festivals/new", data=festival).status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(City))
        assert (stored.name, stored.contact_name) == ("Parma", ONE_LINE_NAME)
        edition = db.session.scalar(sa.select(Festival))
        assert (edition.name, edition.host_city) == ("Gastronomy Festival 2027", "Tsuruoka")


def test_the_city_import_stores_one_line_values(app, client, auth):
    auth.organiser()
    data = (
        "name,country,creative_field,contact_name,contact_email\r\n"
        '"Parma\x1b",IT,gastronomy,"Giulia\r\nBcc: evil@attacker.example\x7f\x9b",'
        "office@parma.example\r\n"
    ).encode()
    preview = upload(client, data)
    assert preview.status_code == 200, preview.text
    assert client.post(CONFIRM, data={"payload": payload_of(preview.text)}).status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(City))
        assert (stored.name, stored.contact_name) == ("Parma", "Giulia Bcc: evil@attacker.example")


def test_a_name_already_stored_with_a_line_break_is_queued_on_one_line(app, client):
    """Names typed before the filter are still in the database."""
    invited = accepted_invitation(app)
    assert register_head(client, invited).status_code == 302
    with app.app_context():
        head = db.session.scalar(sa.select(Delegate))
        # The name now lives in its parts (festival.registration.names).
        head.given_names = "Giulia\r\nBcc: evil@attacker.example"
        db.session.commit()
    client.post("/my/delegation/members/new", data=member_form(locale="en"))
    [mail] = outbox_of(app, "marco.bianchi@parma.example")
    assert mail.subject.startswith("Giulia Bcc: evil@attacker.example Rossi added you")


# --- The worker: one message that cannot go never holds up the others ------


def _queue(app, count: int) -> None:
    """``count`` ordinary sign-in e-mails, due now."""
    with app.app_context():
        for n in range(count):
            outbox.queue_email(
                key=f"login:{n}",
                recipient=f"person{n}@city.example",
                subject="Your sign-in link",
                template="login_link",
                category="login",
                url=f"http://festival.test/login/link/{n}",
                minutes=15,
            )
        db.session.commit()


def _insert_old_row(app, **values) -> int:
    """A pending message written before the forms cleaned anything, due first."""
    row = {
        "key": f"old:{values['subject']!r}:{values['recipient']!r}",
        "text_body": "Hello",
        "html_body": "<p>Hello</p>",
        "locale": "en",
        "category": "registration",
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": utcnow() - timedelta(hours=1),
        "created_at": utcnow() - timedelta(hours=1),
        **values,
    }
    with app.app_context():
        message_id = db.session.execute(
            sa.insert(OutboxMessage).values(**row).returning(OutboxMessage.id)
        ).scalar_one()
        db.session.commit()
        return message_id


def _message(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def test_a_poisoned_message_does_not_stop_the_other_21(app, runner, smtp_server):
    """22 pending, the first two from old rows holding CR/LF: 21 go out in one pass."""
    bad_recipient = _insert_old_row(
        app, recipient="anna@city.example\r\nBcc: evil@attacker.example", subject="Welcome"
    )
    bad_subject = _insert_old_row(
        app,
        recipient="marco@city.example",
        subject="Giulia\r\nBcc: evil@attacker.example added you",
    )
    _queue(app, 20)
    before = utcnow()

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "outbox sent: 21" in result.output and "outbox failed: 1" in result.output
    assert len(smtp_server.messages) == 21
    assert all(m["Bcc"] is None for m in smtp_server.messages)
    assert "evil@attacker.example" not in " ".join(smtp_server.recipients())
    # The subject was put on one line as the message was built.
    [cleaned] = [m for m in smtp_server.messages if m["To"] == "marco@city.example"]
    assert cleaned["Subject"] == "Giulia Bcc: evil@attacker.example added you"
    assert _message(app, bad_subject).status == OutboxStatus.SENT

    # An address cannot be guessed at: that one waits, with why, for a retry.
    failed = _message(app, bad_recipient)
    assert failed.status == OutboxStatus.PENDING and failed.attempts == 1
    assert "address" in failed.last_error
    assert failed.next_attempt_at >= before + timedelta(minutes=1)

    # A later pass leaves it alone until its retry time.
    again = runner.invoke(args=["worker", "--once"])
    assert again.exit_code == 0 and "outbox" not in again.output
    assert _message(app, bad_recipient).attempts == 1


def test_a_message_that_fails_to_build_for_any_reason_is_skipped(
    app, runner, smtp_server, monkeypatch
):
    _queue(app, 5)
    build = outbox.build_email

    def build_or_fail(message):
        if message.recipient == "person2@city.example":
            raise RuntimeError("template exploded")
        return build(message)

    monkeypatch.setattr(outbox, "build_email", build_or_fail)
    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 4
    with app.app_context():
        failed = db.session.scalar(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == "person2@city.example")
        )
        assert failed.status == OutboxStatus.PENDING and failed.attempts == 1
        assert failed.last_error == "RuntimeError: template exploded"
        assert failed.next_attempt_at > utcnow()


def test_a_database_error_on_one_message_keeps_the_others_sent(
    app, runner, smtp_server, monkeypatch
):
    """A failed statement is rolled back to the message's savepoint: on
    PostgreSQL it would otherwise abort the transaction and every later one."""
    _queue(app, 5)
    mark_sent = outbox._mark_sent

    def mark_sent_or_fail(message, now):
        if message.recipient == "person1@city.example":
            db.session.execute(sa.text("SELECT no_such_column FROM outbox_messages"))
        mark_sent(message, now)

    monkeypatch.setattr(outbox, "_mark_sent", mark_sent_or_fail)
    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "outbox sent: 4" in result.output and "outbox failed: 1" in result.output
    with app.app_context():
        rows = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
        failed = rows.pop("person1@city.example")
        assert failed.status == OutboxStatus.PENDING and failed.attempts == 1
        assert "no_such_column" in failed.last_error
        assert all(m.status == OutboxStatus.SENT for m in rows.values())


def test_the_looping_worker_survives_a_pass_that_raises(app, runner, monkeypatch):
    stop = threading.Event()
    passes: list[str] = []

    def run_once():
        passes.append("pass")
        if len(passes) == 1:
            raise RuntimeError("database gone")
        stop.set()
        return {"outbox sent": 1}

    @contextmanager
    def stop_when_told():
        yield stop

    monkeypatch.setattr(worker, "run_once", run_once)
    monkeypatch.setattr(worker, "_stop_on_signals", stop_when_told)
    result = runner.invoke(args=["worker", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert passes == ["pass", "pass"]
    assert "outbox sent: 1" in result.output and "Worker stopped." in result.output
