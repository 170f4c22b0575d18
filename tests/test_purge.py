"""``flask purge-personal-data``: anonymise a festival's delegates after it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from festival.auth.models import LoginLink, User
from festival.extensions import db
from festival.impressions.models import ImpressionForm, ImpressionResponse
from festival.outbox.models import OutboxMessage, OutboxStatus
from festival.programme.models import Attendance
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)


def build(app, *, ended: bool = True, delegates: int = 3) -> dict:
    with app.app_context():
        festival = make_festival(
            slug="gastro-2025" if ended else "gastro-2099",
            starts_on=date(2025, 6, 14) if ended else date(2099, 6, 14),
            ends_on=date(2025, 6, 18) if ended else date(2099, 6, 18),
        )
        later = make_festival(
            slug="next-year", starts_on=date(2099, 6, 1), ends_on=date(2099, 6, 5)
        )
        session = make_session(festival, starts_at=datetime(2025, 6, 15, 1, tzinfo=UTC))
        group = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        people = []
        for n in range(delegates):
            person = make_delegate(
                group,
                full_name=f"Giulia Rossi {n}",
                native_name="ジュリア",
                email=f"giulia{n}@parma.example",
                phone="+39 0521 000000",
                role=DelegateRole.MAYOR if n == 0 else DelegateRole.CHEF,
                is_head=n == 0,
                status=DelegateStatus.CONFIRMED if n else DelegateStatus.PENDING,
                dietary=["halal"],
                dietary_other="no raw fish",
                allergens=["milk"],
                allergens_other="kiwi",
                accessibility="Wheelchair",
                arrival_at=datetime(2025, 6, 13, 23, tzinfo=UTC),
                arrival_flight="AZ784",
                arrival_airport="NRT",
                departure_at=datetime(2025, 6, 19, 3, tzinfo=UTC),
                departure_flight="AZ785",
                departure_airport="NRT",
                hotel="Hotel Tsuruoka",
                check_in_on=date(2025, 6, 14),
                check_out_on=date(2025, 6, 19),
                shares_room_with="Marco",
                status_reason="Welcome!",
            )
            enrol(session, person)
            people.append(person)
        # The mayor comes back next year with the same account: it must stay open.
        again = make_delegate(
            make_delegation(later, make_city(name="Parma 2099", country_code="IT")),
            full_name="Giulia Rossi 0",
            email="giulia0@parma.example",
            with_user=False,
        )
        again.user = people[0].user
        db.session.add(
            LoginLink(
                user=people[1].user,
                token_hash="h" * 64,
                expires_at=datetime(2099, 1, 1, tzinfo=UTC),
            )
        )
        form = ImpressionForm(festival=festival, title="Your festival")
        db.session.add(form)
        db.session.flush()
        quote = "Tsuruoka's cuisine moved us all."
        db.session.add(
            ImpressionResponse(
                form=form,
                delegate=people[1],
                quote=quote,
                consent_to_quote=True,
                in_report=True,
                rating=5,
            )
        )
        for n, status in enumerate([OutboxStatus.SENT, OutboxStatus.PENDING]):
            db.session.add(
                OutboxMessage(
                    key=f"k{n}",
                    recipient="giulia1@parma.example",
                    subject="Dear Giulia",
                    text_body="Dear Giulia Rossi",
                    html_body="<p>Dear Giulia Rossi</p>",
                    status=status,
                )
            )
        db.session.commit()
        return {
            "slug": festival.slug,
            "ids": [p.id for p in people],
            "users": [p.user_id for p in people],
            "again": again.id,
        }


def test_refuses_while_the_festival_is_not_over(app, runner) -> None:
    data = build(app, ended=False)
    result = runner.invoke(args=["purge-personal-data", "--festival", data["slug"], "--yes"])
    assert result.exit_code != 0
    assert "still needed" in result.output
    with app.app_context():
        assert db.session.get(Delegate, data["ids"][0]).anonymised_at is None


def test_unknown_festival(app, runner) -> None:
    result = runner.invoke(args=["purge-personal-data", "--festival", "nope", "--yes"])
    assert result.exit_code != 0 and "No festival" in result.output


def test_answering_no_changes_nothing(app, runner) -> None:
    data = build(app)
    result = runner.invoke(args=["purge-personal-data", "--festival", data["slug"]], input="n\n")
    assert result.exit_code == 1
    assert "3 delegates" in result.output and "Aborted" in result.output
    with app.app_context():
        assert db.session.get(Delegate, data["ids"][0]).full_name == "Giulia Rossi 0"


def test_purge_anonymises_and_keeps_what_counts(app, runner) -> None:
    data = build(app)
    result = runner.invoke(args=["purge-personal-data", "--festival", data["slug"]], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Anonymise them now?" in result.output
    assert "Anonymised 3 delegates" in result.output
    assert "closed 2 sign-in accounts" in result.output  # the mayor's stays: she comes back
    assert "blanked 2 e-mails" in result.output
    with app.app_context():
        people = [db.session.get(Delegate, i) for i in data["ids"]]
        emails = {p.email for p in people}
        assert len(emails) == 3 and all(e.endswith("@anonymised.invalid") for e in emails)
        for p in people:
            assert p.anonymised_at is not None
            assert p.full_name == "Anonymised delegate" and p.native_name is None
            assert (p.phone, p.accessibility, p.position) == (None, None, "")
            assert (p.dietary, p.dietary_other, p.allergens, p.allergens_other) == (
                [],
                None,
                [],
                None,
            )
            assert p.arrival_at is p.departure_at is p.arrival_flight is p.departure_airport
            assert p.arrival_at is None
            assert (p.hotel, p.check_in_on, p.shares_room_with) == (None, None, None)
            assert p.status_reason is None
        # Kept: role, city, status, attendance and the rating.
        assert [p.role for p in people] == [
            DelegateRole.MAYOR,
            DelegateRole.CHEF,
            DelegateRole.CHEF,
        ]
        assert people[0].status == DelegateStatus.PENDING
        assert people[1].status == DelegateStatus.CONFIRMED
        assert people[0].delegation.city.name == "Parma"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 3
        # The rating stays for the results; the words leave with the name: a
        # quote survives only as published (tests/test_report_purge.py).
        response = db.session.scalar(sa.select(ImpressionResponse))
        assert response.rating == 5 and response.delegate_id == data["ids"][1]
        assert response.quote == "" and not response.in_report and not response.consent_to_quote
        # Accounts: closed unless they still serve another festival.
        kept = db.session.get(User, data["users"][0])
        assert kept.email == "giulia0@parma.example" and kept.is_active
        closed = db.session.get(User, data["users"][1])
        assert closed.email.endswith("@anonymised.invalid") and not closed.is_active
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginLink)) == 0
        assert db.session.get(Delegate, data["again"]).full_name == "Giulia Rossi 0"
        # The outbox keeps no copy of their names or addresses; nothing waits to go.
        for message in db.session.scalars(sa.select(OutboxMessage)):
            assert "Giulia" not in message.text_body + message.html_body + message.subject
            assert message.recipient.endswith("@anonymised.invalid")
            assert message.status != OutboxStatus.PENDING


def test_a_second_run_has_nothing_to_do(app, runner) -> None:
    data = build(app)
    runner.invoke(args=["purge-personal-data", "--festival", data["slug"], "--yes"])
    result = runner.invoke(args=["purge-personal-data", "--festival", data["slug"], "--yes"])
    assert result.exit_code == 0
    assert "Nothing to do" in result.output


def test_large_festival_in_batches_with_progress(app, runner, monkeypatch) -> None:
    from festival.delegations import purge

    monkeypatch.setattr(purge, "BATCH", 4)
    data = build(app, delegates=10)
    result = runner.invoke(args=["purge-personal-data", "--festival", data["slug"], "--yes"])
    assert result.exit_code == 0, result.output
    assert "Anonymising" in result.output and "Anonymised 10 delegates" in result.output
    with app.app_context():
        left = db.session.scalar(
            sa.select(sa.func.count()).select_from(Delegate).where(Delegate.anonymised_at.is_(None))
        )
        assert left == 1  # only next year's delegate
        secrets_ = set(db.session.scalars(sa.select(Delegate.feed_secret)))
        assert len(secrets_) == 11  # every feed link revoked, each secret still unique


def test_anonymised_delegates_show_no_personal_data_to_organisers(
    app, runner, client, auth
) -> None:
    data = build(app)
    runner.invoke(args=["purge-personal-data", "--festival", data["slug"], "--yes"])
    auth.organiser()
    base = f"/organiser/festivals/{data['slug']}"
    page = client.get(f"{base}/delegates/{data['ids'][1]}").text
    assert "Personal data removed" in page and "Giulia" not in page
    assert client.get(f"{base}/delegates/{data['ids'][1]}/visa-letter").status_code == 409
    assert "Giulia" not in client.get(f"{base}/logistics/arrivals.csv").data.decode()


def test_organiser_deletes_one_persons_data_on_request(app, client, auth) -> None:
    data = build(app)
    auth.organiser()
    person_id = data["ids"][2]
    with app.app_context():
        # As registration records a request (festival.registration): the date,
        # and an e-mail telling the organisers, keyed by the delegate's id.
        person = db.session.get(Delegate, person_id)
        person.locale = "fr"
        person.deletion_requested_at = datetime(2025, 7, 1, tzinfo=UTC)
        told = OutboxMessage(
            key=f"registration-deletion-request:{person_id}:organiser@example.org",
            recipient="organiser@example.org",
            subject="Request to delete personal data: Giulia Rossi 2",
            text_body="Giulia Rossi 2 asks for their personal data to be deleted.",
            html_body="<p>Giulia Rossi 2 asks for their personal data to be deleted.</p>",
            category="privacy",
            status=OutboxStatus.SENT,
        )
        db.session.add(told)
        db.session.commit()
        told_id = told.id
    base = f"/organiser/festivals/{data['slug']}/delegates"
    listed = client.get(base, query_string={"deletion": "1"}).text
    assert "Giulia Rossi 2" in listed and "Giulia Rossi 1" not in listed
    assert "Deletion requests (1)" in listed

    refused = client.post(f"{base}/{person_id}/anonymise")
    assert refused.status_code == 422
    assert 'id="anonymise-confirm-error"' in refused.text

    response = client.post(f"{base}/{person_id}/anonymise", data={"anonymise-confirm": "y"})
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Delegate, person_id)
        assert person.anonymised_at is not None and person.full_name == "Anonymised delegate"
        assert db.session.get(Delegate, data["ids"][1]).full_name == "Giulia Rossi 1"
        request_copy = db.session.get(OutboxMessage, told_id)
        assert "Giulia" not in request_copy.text_body + request_copy.subject
        confirmation = db.session.scalar(
            sa.select(OutboxMessage).where(
                OutboxMessage.key == f"delegate-data-deleted:{person_id}"
            )
        )
        assert confirmation.recipient == "giulia2@parma.example"
        assert confirmation.locale == "fr" and confirmation.status == OutboxStatus.PENDING
    again = client.post(f"{base}/{person_id}/anonymise", data={"anonymise-confirm": "y"})
    assert again.status_code == 302  # already done: nothing more happens
