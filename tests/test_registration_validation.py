"""Bad input gets a 4xx, the message next to the field, and everything typed kept."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.auth.models import LoginLink
from festival.auth.services import create_organiser
from festival.extensions import db
from festival.invitations.models import Invitation
from festival.registration.models import Delegate
from tests.test_registration_support import (
    accepted_invitation,
    delegate_by_email,
    head_form,
    member_form,
    register_head,
)


def error_at(page: str, field_id: str) -> str:
    """The error message shown for a field (tied to it by aria-describedby)."""
    match = re.search(rf'id="{field_id}-error"[^>]*>([^<]*)<', page)
    assert match, f"no error shown at {field_id}"
    return match.group(1)


def assert_kept(page: str, *values: str) -> None:
    for value in values:
        assert value in page, f"{value!r} was lost"


def test_departure_before_arrival_is_refused_at_the_departure_field(app, client):
    invited = accepted_invitation(app)
    response = register_head(
        client, invited, arrival_at="2027-06-13T15:40", departure_at="2027-06-13T09:00"
    )
    assert response.status_code == 422
    assert "after the arrival" in error_at(response.text, "departure_at")
    assert_kept(response.text, 'value="Rossi"', "2027-06-13T09:00", 'value="AZ 787"')
    assert_kept(response.text, "kiwi (mild)")
    assert re.search(r'<input checked [^>]*value="buckwheat"', response.text)
    assert re.search(r'<input checked [^>]*value="it"', response.text)
    assert delegate_by_email(app, "giulia.rossi@parma.example") is None


def test_the_zone_decides_the_order_of_arrival_and_departure(app, client):
    """10:00 in Tokyo is before 09:00 the same day in Paris."""
    invited = accepted_invitation(app)
    response = register_head(
        client,
        invited,
        arrival_at="2027-06-19T10:00",
        arrival_airport="NRT",
        departure_at="2027-06-19T09:00",
        departure_airport="CDG",
        check_out_on="2027-06-20",
    )
    assert response.status_code == 302, response.text


def test_an_unknown_airport_is_a_field_error(app, client):
    invited = accepted_invitation(app)
    response = register_head(client, invited, arrival_airport="QQX")
    assert response.status_code == 422
    assert "QQX" in error_at(response.text, "arrival_airport")
    assert_kept(response.text, 'value="QQX"', "2027-06-13T15:40")


def test_a_time_without_an_airport_asks_for_the_airport(app, client):
    invited = accepted_invitation(app)
    response = register_head(client, invited, arrival_airport="")
    assert response.status_code == 422
    assert "Which airport" in error_at(response.text, "arrival_airport")


def test_a_time_skipped_by_daylight_saving_is_refused(app, client):
    invited = accepted_invitation(app)
    with app.app_context():
        festival = db.session.get(Invitation, invited.invitation_id).festival
        festival.starts_on = festival.starts_on.replace(month=3, day=30)
        festival.ends_on = festival.starts_on + timedelta(days=3)
        db.session.commit()
    # Paris skips 02:00-03:00 on the last Sunday of March (28 March 2027).
    response = register_head(
        client,
        invited,
        arrival_at="2027-03-28T02:30",
        arrival_airport="CDG",
        departure_at="2027-04-03T10:00",
        check_in_on="2027-03-28",
        check_out_on="2027-04-03",
    )
    assert response.status_code == 422
    assert "does not exist" in error_at(response.text, "arrival_at")


def test_nights_out_of_order_and_missing_consent_are_field_errors(app, client):
    invited = accepted_invitation(app)
    response = register_head(
        client, invited, check_in_on="2027-06-19", check_out_on="2027-06-13", consent=None
    )
    assert response.status_code == 422
    assert "after the check-in" in error_at(response.text, "check_out_on")
    assert error_at(response.text, "consent")
    assert_kept(response.text, 'value="2027-06-19"')


def test_other_diet_needs_its_description(app, client):
    invited = accepted_invitation(app)
    response = register_head(client, invited, dietary=["other"], dietary_other="")
    assert response.status_code == 422
    assert error_at(response.text, "dietary_other")


def test_an_email_already_in_the_delegation_is_refused_at_the_email_field(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    response = client.post(
        "/my/delegation/members/new",
        data=member_form(email="GIULIA.ROSSI@parma.example", full_name="Giulia Copy"),
    )
    assert response.status_code == 422
    assert "already uses this address" in error_at(response.text, "email")
    assert_kept(response.text, 'value="Copy"', 'value="Mayor of Parma"')


def test_an_email_already_in_the_delegation_is_refused_when_editing_too(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    client.post("/my/delegation/members/new", data=member_form())
    response = client.post("/my/details", data=head_form(email="marco.bianchi@parma.example"))
    assert response.status_code == 422
    assert "already uses this address" in error_at(response.text, "email")
    assert_kept(response.text, "kiwi (mild)")


def test_a_staff_address_never_becomes_a_delegate_login_and_is_not_revealed(app, client):
    """The head typed a staff address: the record gets no login, nobody is
    signed in, no sign-in link goes out, and the page is the one any known
    address gets (nothing says the address is staff)."""
    invited = accepted_invitation(app)
    with app.app_context():
        staff = create_organiser("staff@host.example", "long enough password 1")
        db.session.commit()
        staff_id = staff.id
    response = register_head(client, invited, email="staff@host.example")
    assert response.status_code == 200
    assert "already has an account" in response.text
    assert "staff account" not in response.text.lower()
    assert client.get("/organiser/festivals").status_code in (302, 404)  # not signed in
    with app.app_context():
        head = db.session.scalar(sa.select(Delegate).where(Delegate.is_head))
        assert head.email == "staff@host.example"
        assert head.user_id is None
        links = db.session.scalar(
            sa.select(sa.func.count()).select_from(LoginLink).where(LoginLink.user_id == staff_id)
        )
        assert links == 0


def test_quota_exceeded_is_refused_with_everything_kept(app, client):
    invited = accepted_invitation(app, quota=2)
    register_head(client, invited)
    assert client.post("/my/delegation/members/new", data=member_form()).status_code == 302
    response = client.post(
        "/my/delegation/members/new",
        data=member_form(email="third@parma.example", full_name="Terzo Verdi"),
    )
    assert response.status_code == 409
    assert "already has its 2 places" in response.text
    assert_kept(response.text, 'value="Verdi"', 'value="third@parma.example"')
    assert delegate_by_email(app, "third@parma.example") is None


def _close(app, invitation_id: int) -> None:
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        invitation.deadline = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()


def test_registering_after_the_deadline_is_refused_with_everything_kept(app, client):
    invited = accepted_invitation(app)
    _close(app, invited.invitation_id)
    page = client.get(invited.url)
    assert page.status_code == 410 and "Registration closed" in page.text
    response = register_head(client, invited)
    assert response.status_code == 409
    assert "Registration closed" in response.text and "festival@host.example" in response.text
    assert_kept(response.text, 'value="Rossi"', "kiwi (mild)", 'value="AZ 786"')
    assert delegate_by_email(app, "giulia.rossi@parma.example") is None


@pytest.mark.parametrize("path", ["/my/details", "/my/delegation/members/new", "member"])
def test_changes_after_the_deadline_are_refused_with_everything_kept(app, client, path):
    invited = accepted_invitation(app)
    register_head(client, invited)
    client.post("/my/delegation/members/new", data=member_form())
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    _close(app, invited.invitation_id)
    if path == "member":
        path = f"/my/delegation/members/{member.id}"
    data = (
        member_form(full_name="Late Comer", email="late@parma.example")
        if path.endswith("new")
        else head_form(full_name="Late Comer", email="late@parma.example", consent="y")
    )
    response = client.post(path, data=data)
    assert response.status_code == 409
    assert "Registration closed" in response.text and "festival@host.example" in response.text
    assert_kept(response.text, 'value="Comer"', 'value="late@parma.example"')
    assert delegate_by_email(app, "late@parma.example") is None
    with app.app_context():
        assert db.session.get(Delegate, member.id).full_name == "Marco Bianchi"


def test_a_post_without_csrf_token_is_refused(app, client):
    invited = accepted_invitation(app)
    response = client.post(invited.url, data=head_form(), csrf=False)
    assert response.status_code in (400, 422)
    assert delegate_by_email(app, "giulia.rossi@parma.example") is None
