"""The delegates' journey through the browser: the head registers, adds
members, and a member completes their own details from the e-mailed link."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from festival.auth.models import User
from festival.extensions import db
from festival.registration.models import Delegate, DelegateStatus
from tests.test_registration_support import (
    accepted_invitation,
    delegate_by_email,
    head_form,
    link_in,
    member_form,
    outbox,
    register_head,
)


def test_the_registration_form_shows_every_group_and_links_the_privacy_notice(app, client):
    invited = accepted_invitation(app, contact_email="office@parma.example")
    page = client.get(invited.url)
    assert page.status_code == 200
    for legend in ("Who you are", "Languages", "Food and health", "Travel", "Accommodation"):
        assert f"<legend>{legend}</legend>" in page.text
    # Prefilled from the city's contact address; every input has its label.
    assert 'value="office@parma.example"' in page.text
    assert 'for="arrival_airport"' in page.text and 'id="arrival_airport"' in page.text
    assert "Buckwheat (soba)" in page.text and "Cereals containing gluten" in page.text
    assert "/privacy?festival=" in page.text
    assert client.get("/privacy").status_code == 200


def test_head_registers_and_lands_signed_in_on_the_delegation_page(app, client):
    invited = accepted_invitation(app)
    response = register_head(client, invited)
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/my/delegation"

    head = delegate_by_email(app, "giulia.rossi@parma.example")
    assert head.is_head and head.status == DelegateStatus.PENDING
    assert head.consent_at is not None
    assert head.languages == ["it", "en", "Parmigiano dialect"]
    assert head.allergens == ["peanuts", "buckwheat"]
    # 15:40 at Haneda (UTC+9) is 06:40 UTC.
    assert head.arrival_at == datetime(2027, 6, 13, 6, 40, tzinfo=UTC)
    assert head.arrival_airport == "HND"
    assert head.check_in_on.isoformat() == "2027-06-13"
    with app.app_context():
        user = db.session.get(User, head.user_id)
        assert user.is_delegate and user.password_hash is None

    page = client.get("/my/delegation")
    assert page.status_code == 200
    assert "ROSSI Giulia" in page.text and "1 of 3 places" in page.text
    assert [m.recipient for m in outbox(app)] == ["giulia.rossi@parma.example"]

    # The invitation link now leads the head back to the delegation.
    assert client.get(invited.url).headers["Location"] == "/my/delegation"


def test_someone_else_with_the_invitation_link_sees_no_registration_data(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    client.post("/logout")
    page = client.get(invited.url)
    assert page.status_code == 200
    assert "already has a head of delegation" in page.text
    assert "giulia.rossi" not in page.text and "Giulia" not in page.text


def test_head_adds_a_member_who_completes_details_from_the_emailed_link(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)

    assert client.get("/my/delegation/members/new").status_code == 200
    response = client.post("/my/delegation/members/new", data=member_form())
    assert response.status_code == 302, response.text
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    assert not member.is_head and member.consent_at is None
    assert member.status == DelegateStatus.PENDING and member.invited_at is not None
    assert "2 of 3 places" in client.get("/my/delegation").text

    # The e-mail is in the member's language (Japanese) and carries a sign-in link.
    [mail] = outbox(app, "marco.bianchi@parma.example")
    assert mail.locale == "ja"
    path = link_in(mail.text_body)

    client.post("/logout")
    member_client = app.test_client()
    assert member_client.get(path).status_code == 200  # a button, not a sign-in
    signed_in = member_client.post(path)
    assert signed_in.headers["Location"] == "/my"
    assert member_client.get("/my").headers["Location"] == "/my/details"

    details = member_client.get("/my/details")
    assert details.status_code == 200 and 'value="Bianchi"' in details.text
    form = head_form(
        full_name="Marco Bianchi",
        email="marco.bianchi@parma.example",
        position="Mayor of Parma",
        role="mayor",
        locale="ja",
        languages=["it"],
        languages_other="",
        dietary=["halal", "other"],
        dietary_other="No raw fish",
        allergens=["shrimp"],
        allergens_other="",
        arrival_at="2027-06-13T09:00",
        arrival_airport="CDG",
        departure_at="2027-06-19T18:30",
        departure_airport="SYO",
        departure_flight="NH 398",
        needs_room="y",
        shares_room_with="",
    )
    saved = member_client.post("/my/details", data=form)
    assert saved.status_code == 302, saved.text
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    assert member.consent_at is not None
    assert member.dietary == ["halal", "other"] and member.dietary_other == "No raw fish"
    # 09:00 in Paris in June (UTC+2) is 07:00 UTC.
    assert member.arrival_at == datetime(2027, 6, 13, 7, 0, tzinfo=UTC)
    assert member.departure_airport == "SYO"

    # The head sees the member's details; the member sees the head's name only.
    client_head = app.test_client()
    head = delegate_by_email(app, "giulia.rossi@parma.example")
    token_user = head.user_id
    from tests.conftest import AuthActions

    AuthActions(app, client_head).user(token_user)
    page = client_head.get(f"/my/delegation/members/{member.id}")
    assert page.status_code == 200 and "No raw fish" in page.text
    own = member_client.get("/my/delegation")
    assert own.status_code == 200
    assert "Giulia Rossi" in own.text and "giulia.rossi@parma.example" not in own.text


def test_head_edits_a_member_and_withdraws_them_to_free_the_place(app, client):
    invited = accepted_invitation(app, quota=2)
    register_head(client, invited)
    client.post("/my/delegation/members/new", data=member_form())
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    assert "Add a member" not in client.get("/my/delegation").text  # quota reached

    edit = client.get(f"/my/delegation/members/{member.id}")
    assert edit.status_code == 200 and 'name="consent"' not in edit.text
    response = client.post(
        f"/my/delegation/members/{member.id}",
        data=head_form(
            full_name="Marco Bianchi",
            email="marco.bianchi@parma.example",
            role="mayor",
            languages=["it"],
            consent=None,
        ),
    )
    assert response.status_code == 302, response.text
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    assert member.role == "mayor" and member.languages == ["it", "Parmigiano dialect"]
    assert member.consent_at is None  # only the person consents

    assert client.post(f"/my/delegation/members/{member.id}/withdraw").status_code == 302
    assert delegate_by_email(app, member.email).status == DelegateStatus.CANCELLED
    assert "Add a member" in client.get("/my/delegation").text
    # Adding the same person again brings back their record.
    again = client.post("/my/delegation/members/new", data=member_form())
    assert again.status_code == 302
    assert delegate_by_email(app, member.email).id == member.id
    assert delegate_by_email(app, member.email).status == DelegateStatus.PENDING


def test_the_head_can_send_a_member_a_fresh_link(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    client.post("/my/delegation/members/new", data=member_form())
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    assert client.post(f"/my/delegation/members/{member.id}/resend").status_code == 302
    mails = outbox(app, member.email)
    assert len(mails) == 2 and link_in(mails[0].text_body) != link_in(mails[1].text_body)


def test_a_registered_address_gets_a_link_instead_of_being_signed_in(app, client):
    """An invitation link must not open, nor attach, an existing account
    someone else owns."""
    first = accepted_invitation(app)
    register_head(client, first)
    client.post("/logout")
    second = accepted_invitation(app, name="Alba")
    other = app.test_client()
    response = register_head(other, second)
    assert response.status_code == 200
    assert "e-mailed you a sign-in link" in response.text
    assert other.get("/my/delegation").status_code == 302  # not signed in
    with app.app_context():
        heads = db.session.scalars(sa.select(Delegate).where(Delegate.is_head)).all()
        # Another city's login is never attached (security #10): the second
        # head has no login until an organiser sorts it out, and the page
        # said nothing about whose address it is.
        assert len(heads) == 2 and heads[0].user_id is not None and heads[1].user_id is None


def test_a_delegate_downloads_everything_held_about_them(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    response = client.get("/my/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["delegate"]["full_name"] == "Giulia Rossi"
    assert data["delegate"]["allergens"] == ["peanuts", "buckwheat"]
    assert data["login"]["email"] == "giulia.rossi@parma.example"
    assert "feed_secret" not in data["delegate"] and "session_nonce" not in data["login"]
    assert data["festival"]["organisers_contact"] == "festival@host.example"


def test_a_deletion_request_is_recorded_and_the_organisers_are_told(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    assert client.get("/my/deletion").status_code == 200
    refused = client.post("/my/deletion", data={"reason": "Changed jobs"})
    assert refused.status_code == 422 and "Changed jobs" in refused.text
    response = client.post("/my/deletion", data={"reason": "Changed jobs", "confirm": "y"})
    assert response.status_code == 302
    head = delegate_by_email(app, "giulia.rossi@parma.example")
    assert head.deletion_requested_at is not None and head.deletion_reason == "Changed jobs"
    [mail] = outbox(app, "festival@host.example")
    assert "ROSSI Giulia" in mail.text_body and "Changed jobs" in mail.text_body
    # Asking twice records nothing new and sends nothing new.
    client.post("/my/deletion", data={"reason": "again", "confirm": "y"})
    assert len(outbox(app, "festival@host.example")) == 1
    assert "You asked for your data to be deleted" in client.get("/my/deletion").text


def test_after_the_deadline_details_are_read_only_with_whom_to_contact(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)
    with app.app_context():
        from festival.invitations.models import Invitation

        db.session.get(Invitation, invited.invitation_id).deadline = datetime.now(UTC) - timedelta(
            minutes=1
        )
        db.session.commit()
    page = client.get("/my/details")
    assert page.status_code == 200
    assert '<form method="post" novalidate>' not in page.text
    assert "Registration closed" in page.text and "festival@host.example" in page.text
    assert "Add a member" not in client.get("/my/delegation").text


def test_the_delegation_page_runs_as_many_queries_for_two_people_as_for_ten(
    app, client, auth, count_queries
):
    from tests import factories

    with app.app_context():
        festival = factories.make_festival()
        delegation = factories.make_delegation(
            festival, deadline=datetime.now(UTC) + timedelta(days=9), quota=10
        )
        head = factories.make_delegate(delegation, is_head=True)
        factories.make_delegate(delegation)
        db.session.commit()
        head_user, delegation_id = head.user_id, delegation.id
    auth.user(head_user)
    with count_queries() as few:
        assert client.get("/my/delegation").status_code == 200
    with app.app_context():
        from festival.registration.models import Delegation

        for _ in range(8):
            factories.make_delegate(db.session.get(Delegation, delegation_id))
        db.session.commit()
    with count_queries() as many:
        page = client.get("/my/delegation")
    assert "10 of 10 places" in page.text
    assert len(many) == len(few)


def test_the_head_adds_a_member_with_all_their_details_in_one_form(app, client):
    invited = accepted_invitation(app)
    register_head(client, invited)

    page = client.get("/my/delegation/members/new")
    assert page.status_code == 200
    # One form, in the third person: the head fills it in for someone else.
    for legend in ("Who they are", "How to reach them", "Languages", "Food and health"):
        assert f"<legend>{legend}</legend>" in page.text
    assert "Their dietary requirements" in page.text and "Needs a hotel room" in page.text
    assert "Who you are" not in page.text and "I need a hotel room" not in page.text
    assert 'name="consent"' not in page.text  # only the person consents

    # Bad input: field errors, 422, and everything typed is still there.
    data = head_form(
        **member_form(),
        languages=["it"],
        dietary=["other"],
        dietary_other="",
        allergens=["shrimp"],
        arrival_airport="ZZZ",
        check_in_on="",
        consent=None,
    )
    bad = client.post("/my/delegation/members/new", data=data)
    assert bad.status_code == 422
    assert "Please describe their dietary requirement." in bad.text
    assert "We do not know the airport &#34;ZZZ&#34;" in bad.text
    assert "Which night do they arrive at the hotel?" in bad.text
    assert 'value="Marco"' in bad.text and 'value="Bianchi"' in bad.text
    assert 'value="AZ 786"' in bad.text
    assert 'checked id="allergens-' in bad.text
    assert delegate_by_email(app, "marco.bianchi@parma.example") is None

    data.update(dietary_other="No raw fish", arrival_airport="HND", check_in_on="2027-06-13")
    saved = client.post("/my/delegation/members/new", data=data)
    assert saved.status_code == 302, saved.text
    member = delegate_by_email(app, "marco.bianchi@parma.example")
    assert member.dietary == ["other"] and member.dietary_other == "No raw fish"
    assert member.allergens == ["shrimp"] and member.languages == ["it", "Parmigiano dialect"]
    assert member.arrival_airport == "HND" and member.arrival_flight == "AZ 786"
    assert member.needs_room and member.check_in_on.isoformat() == "2027-06-13"
    assert member.consent_at is None and member.status == DelegateStatus.PENDING
    assert len(outbox(app, "marco.bianchi@parma.example")) == 1

    # The head's page for an existing member speaks of them too.
    edit = client.get(f"/my/delegation/members/{member.id}")
    assert "<legend>Who they are</legend>" in edit.text and "Needs a hotel room" in edit.text
    # The member's own page speaks to them.
    assert "<legend>Who you are</legend>" in client.get("/my/details").text


def test_the_kept_blank_form_follows_its_city_its_festival_and_the_language(app, client):
    """The form's fields as first shown are kept per version of what they
    are made of: each change shows on the next view, and another city's
    invitation never shows this city's contact."""
    from festival.cities.models import City
    from festival.core.types import utcnow
    from festival.festivals.models import Festival
    from festival.invitations.models import Invitation, InvitationStatus
    from festival.registration.models import Delegation
    from tests import factories

    invited = accepted_invitation(app, contact_email="office@parma.example")
    with app.app_context():  # Lyon invited too, its city changed at the same instant
        festival = db.session.get(Festival, invited.festival_id)
        parma = db.session.get(Invitation, invited.invitation_id).city
        lyon = factories.make_city(contact_email="mairie@lyon.example")
        invitation, token = factories.make_invitation(
            festival, lyon, deadline=utcnow() + timedelta(days=30), status=InvitationStatus.ACCEPTED
        )
        db.session.add(Delegation(invitation=invitation, festival=festival, city_id=lyon.id))
        db.session.flush()
        lyon.updated_at = parma.updated_at
        db.session.commit()
    assert 'value="office@parma.example"' in client.get(invited.url).text
    page = client.get(f"/invitations/{token}").text
    assert 'value="mairie@lyon.example"' in page and "parma" not in page
    with app.app_context():  # the city's contact changes
        city = db.session.get(Invitation, invited.invitation_id).city
        city.contact_email = "sindaco@parma.example"
        db.session.commit()
        assert db.session.get(City, city.id).contact_email == "sindaco@parma.example"
    assert 'value="sindaco@parma.example"' in client.get(invited.url).text
    with app.app_context():  # the festival moves: the usual nights move with it
        festival = db.session.get(Festival, invited.festival_id)
        festival.starts_on += timedelta(days=7)
        festival.ends_on += timedelta(days=7)
        night_before = (festival.starts_on - timedelta(days=1)).isoformat()
        db.session.commit()
    assert f'value="{night_before}"' in client.get(invited.url).text
    client.post("/language", data={"locale": "ja", "next": "/"})
    assert "<legend>言語</legend>" in client.get(invited.url).text
