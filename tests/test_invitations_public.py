"""The page a city reaches from its invitation: open, accept, decline, expired,
revoked; one delegation per invitation however many clicks; the expiry job."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.core.types import utcnow
from festival.extensions import db
from festival.invitations import services
from festival.invitations.models import Invitation, InvitationStatus
from festival.outbox.models import OutboxMessage
from festival.registration.models import Delegation
from tests.factories import make_city, make_festival, make_invitation


@pytest.fixture
def invitation(app):
    """A sent invitation to Parma, open for a month; (id, token)."""
    with app.app_context():
        festival = make_festival(
            slug="gastro",
            name="Gastronomy Festival 2027",
            contact_email="festival@host.example",
            starts_on=datetime(2027, 6, 14).date(),
            ends_on=datetime(2027, 6, 18).date(),
        )
        invitation, token = make_invitation(
            festival,
            make_city(name="Parma", country_code="IT"),
            quota=4,
            deadline=utcnow() + timedelta(days=30),
        )
        db.session.commit()
        return invitation.id, token


def _get(app, invitation_id: int) -> Invitation:
    with app.app_context():
        found = db.session.get(Invitation, invitation_id)
        db.session.expunge(found)
        return found


def _delegations(app) -> list[Delegation]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Delegation)))


def _accept(client, token: str):
    return client.post(f"/invitations/{token}", data={"accept-accept": "Accept"})


def test_an_unknown_link_is_a_friendly_404(client):
    response = client.get("/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.text


def test_the_page_shows_the_festival_quota_and_deadline(app, client, invitation):
    _id, token = invitation
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 200
    html = response.text
    assert "Gastronomy Festival 2027" in html
    assert "Jun 14\u2009–\u200918, 2027" in html  # the festival's days (core.dates)
    assert "Up to 4 people" in html
    assert "Japan Standard Time" in html  # the deadline, in the festival's zone
    assert "festival@host.example" in html
    assert "Accept the invitation" in html and "Decline the invitation" in html


def test_opening_marks_the_invitation_opened_the_first_time_only(app, client, invitation):
    invitation_id, token = invitation
    client.get(f"/invitations/{token}")
    first = _get(app, invitation_id)
    assert first.status == InvitationStatus.OPENED
    assert first.opened_at is not None

    client.get(f"/invitations/{token}")
    assert _get(app, invitation_id).opened_at == first.opened_at


def test_accepting_creates_the_delegation_and_leads_to_registration(
    app, client, invitation, monkeypatch
):
    invitation_id, token = invitation
    calls = []

    def registration_page(found, given_token):
        calls.append((found.id, given_token))
        return "registration form"

    monkeypatch.setattr("festival.registration.public.registration_page", registration_page)

    response = _accept(client, token)
    assert response.status_code == 302
    accepted = _get(app, invitation_id)
    assert accepted.status == InvitationStatus.ACCEPTED
    assert accepted.responded_at is not None
    (delegation,) = _delegations(app)
    assert (delegation.invitation_id, delegation.city_id) == (invitation_id, accepted.city_id)

    # From now on the link is the delegation's registration page, GET and POST.
    assert client.get(f"/invitations/{token}").text == "registration form"
    assert client.post(f"/invitations/{token}", data={"x": "1"}).text == "registration form"
    assert calls == [(invitation_id, token), (invitation_id, token)]


def test_accepting_twice_makes_one_delegation(app, client, invitation):
    _id, token = invitation
    _accept(client, token)
    _accept(client, token)
    with app.app_context():
        delegation_id = services.accept_invitation(db.session.get(Invitation, _id)).id
        db.session.commit()
    (delegation,) = _delegations(app)
    assert delegation.id == delegation_id


def test_two_racing_acceptances_make_one_delegation(app, invitation, postgres_only):
    invitation_id, _token = invitation
    barrier = threading.Barrier(2)
    results, errors = [], []

    def accept() -> None:
        with app.app_context():
            try:
                found = db.session.get(Invitation, invitation_id)
                barrier.wait(timeout=10)
                results.append(services.accept_invitation(found).id)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    (delegation,) = _delegations(app)
    assert results == [delegation.id, delegation.id]


def test_declining_records_the_reason_and_tells_the_organisers(app, client, invitation):
    invitation_id, token = invitation
    response = client.post(
        f"/invitations/{token}",
        data={"decline-reason": "Our mayor has a council session.", "decline-decline": "Decline"},
    )
    assert response.status_code == 302
    page = client.get(f"/invitations/{token}")
    assert "Thank you for letting us know" in page.text
    declined = _get(app, invitation_id)
    assert declined.status == InvitationStatus.DECLINED
    assert declined.decline_reason == "Our mayor has a council session."
    assert _delegations(app) == []
    with app.app_context():
        (notice,) = db.session.scalars(sa.select(OutboxMessage)).all()
        assert notice.recipient == "festival@host.example"
        assert "Parma declined" in notice.subject
        assert "Our mayor has a council session." in notice.text_body
    # A declined invitation can no longer be accepted.
    _accept(client, token)
    assert _get(app, invitation_id).status == InvitationStatus.DECLINED


def test_a_reason_too_long_is_refused_at_the_field_and_kept(app, client, invitation):
    invitation_id, token = invitation
    reason = "Non. " * 500
    response = client.post(
        f"/invitations/{token}", data={"decline-reason": reason, "decline-decline": "Decline"}
    )
    assert response.status_code == 422
    assert "Keep it under 2000 characters." in response.text
    assert reason.strip() in response.text
    assert _get(app, invitation_id).status == InvitationStatus.SENT


def test_a_revoked_invitation_is_a_404(app, client, invitation):
    invitation_id, token = invitation
    with app.app_context():
        services.revoke_invitation(db.session.get(Invitation, invitation_id))
        db.session.commit()
    assert client.get(f"/invitations/{token}").status_code == 404
    assert _accept(client, token).status_code == 404
    assert _delegations(app) == []


def test_past_the_deadline_the_page_says_whom_to_contact(app, client, invitation):
    invitation_id, token = invitation
    with app.app_context():
        found = db.session.get(Invitation, invitation_id)
        found.deadline = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()

    response = client.get(f"/invitations/{token}")

    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert "festival@host.example" in response.text
    assert _get(app, invitation_id).status == InvitationStatus.EXPIRED
    _accept(client, token)
    assert _delegations(app) == []


def test_accepting_after_the_deadline_is_refused(app, client, invitation):
    invitation_id, token = invitation
    client.get(f"/invitations/{token}")  # the page was opened in time...
    with app.app_context():
        found = db.session.get(Invitation, invitation_id)
        found.deadline = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    response = _accept(client, token)  # ...and answered too late
    assert response.status_code == 410
    assert "This invitation has expired" in response.text
    assert _get(app, invitation_id).status == InvitationStatus.EXPIRED
    assert _delegations(app) == []


def test_the_service_checks_the_deadline_itself(app, invitation):
    # The page checks first; the service checks again, in its UPDATE, for
    # the answer that arrives as the deadline passes.
    invitation_id, _token = invitation
    with app.app_context():
        found = db.session.get(Invitation, invitation_id)
        with pytest.raises(services.InvitationError):
            services.accept_invitation(found, now=found.deadline + timedelta(seconds=1))
        with pytest.raises(services.InvitationError):
            services.decline_invitation(found, "", now=found.deadline + timedelta(seconds=1))
        db.session.commit()
    assert _get(app, invitation_id).status == InvitationStatus.EXPIRED
    assert _delegations(app) == []


def test_the_expiry_job_expires_only_unanswered_overdue_invitations(app, runner):
    past = datetime.now(UTC) - timedelta(days=1)
    future = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        festival = make_festival()
        overdue_sent, _ = make_invitation(festival, deadline=past)
        overdue_opened, _ = make_invitation(festival, deadline=past, status=InvitationStatus.OPENED)
        on_time, _ = make_invitation(festival, deadline=future)
        answered, _ = make_invitation(festival, deadline=past, status=InvitationStatus.ACCEPTED)
        draft, _ = make_invitation(
            festival, deadline=past, status=InvitationStatus.DRAFT, token_hash=None
        )
        db.session.commit()
        ids = [i.id for i in (overdue_sent, overdue_opened, on_time, answered, draft)]

    result = runner.invoke(args=["worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "festival.invitations.services:expire_overdue: 2" in result.output
    assert [_get(app, i).status for i in ids] == [
        InvitationStatus.EXPIRED,
        InvitationStatus.EXPIRED,
        InvitationStatus.SENT,
        InvitationStatus.ACCEPTED,
        InvitationStatus.DRAFT,
    ]
