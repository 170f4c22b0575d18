"""Security issue #10, items 1 and 6 (forms): one city's head cannot take
over another city's account, a sign-in address moves only through a link
sent to the new address, and the delegates' forms do not tell whose an
address is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine
from flask import Flask

from festival.auth.models import User
from festival.auth.services import create_organiser
from festival.core.logs import redact as redact_log
from festival.core.types import utcnow
from festival.extensions import db
from festival.invitations.models import InvitationStatus
from festival.outbox.services import redact as redact_outbox
from festival.registration.models import Delegate, Delegation
from tests import factories
from tests.test_registration_support import (
    Invited,
    head_form,
    link_in,
    member_form,
    outbox,
    register_head,
)

CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/login/email/[A-Za-z0-9_\-~]+)")


def _invited(app: Flask, festival_id: int, quota: int = 3, **city: object) -> Invited:
    """An accepted invitation of a new city to the festival, with its empty delegation."""
    with app.app_context():
        festival = db.session.get(factories.Festival, festival_id)
        invitation, token = factories.make_invitation(
            festival,
            factories.make_city(**city),
            quota=quota,
            deadline=utcnow() + timedelta(days=30),
            status=InvitationStatus.ACCEPTED,
        )
        delegation = Delegation(
            invitation=invitation, festival=festival, city_id=invitation.city_id
        )
        db.session.add(delegation)
        db.session.commit()
        return Invited(festival.id, delegation.id, invitation.id, token, f"/invitations/{token}")


def _festival(app: Flask) -> int:
    with app.app_context():
        festival = factories.make_festival(contact_email="festival@host.example")
        db.session.commit()
        return festival.id


def _record(app: Flask, delegation_id: int, email: str) -> Delegate:
    with app.app_context():
        record = db.session.scalar(
            sa.select(Delegate).where(
                Delegate.delegation_id == delegation_id, Delegate.email == email
            )
        )
        db.session.expunge(record)
        return record


def _user(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _sign_in_by_mail(app: Flask, email: str) -> object:
    """A new browser that asks for a sign-in link for ``email`` and follows it."""
    browser = app.test_client()
    assert browser.post("/login/link", data={"email": email}).status_code == 302
    path = link_in(outbox(app, email)[-1].text_body)
    assert browser.post(path).status_code == 302
    return browser


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash [^"]*"[^>]*>(.*?)</p>', html, re.S)


# -- item 1: the audit's attack -----------------------------------------------------


def test_a_head_cannot_take_over_another_citys_head_through_a_member(app):
    festival_id = _festival(app)
    city_a = _invited(app, festival_id, quota=2, name="Attackville")
    city_b = _invited(app, festival_id, name="Bologna")
    # City B: its head and one member.
    browser_b = app.test_client()
    register_head(browser_b, city_b, full_name="Bea Bruni", email="bea@bologna.example")
    browser_b.post(
        "/my/delegation/members/new",
        data=member_form(full_name="Bruno Neri", email="bruno@bologna.example"),
    )
    head_b = _record(app, city_b.delegation_id, "bea@bologna.example")
    bruno = _record(app, city_b.delegation_id, "bruno@bologna.example")
    # City A's head fills the quota, withdraws someone to free a place...
    attacker = app.test_client()
    register_head(attacker, city_a, full_name="Mallory", email="mallory@attackville.example")
    attacker.post("/my/delegation/members/new", data=member_form(email="m1@attackville.example"))
    m1 = _record(app, city_a.delegation_id, "m1@attackville.example")
    assert attacker.post(f"/my/delegation/members/{m1.id}/withdraw").status_code == 302
    # ...adds B's head's address as a "member", then re-addresses it to their own.
    added = attacker.post(
        "/my/delegation/members/new",
        data=member_form(full_name="Bea Bruni", email="bea@bologna.example"),
    )
    assert added.status_code == 302
    planted = _record(app, city_a.delegation_id, "bea@bologna.example")
    assert planted.user_id != head_b.user_id  # B's login is not linked to A's record
    edited = attacker.post(
        f"/my/delegation/members/{planted.id}",
        data=head_form(full_name="Bea Bruni", email="evil@attacker.example", consent=None),
    )
    assert edited.status_code == 302, edited.text

    # B's login keeps its address and its only record.
    user_b = _user(app, head_b.user_id)
    assert user_b.email == "bea@bologna.example"
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Delegate.id)).where(Delegate.user_id == user_b.id)
            )
            == 1
        )
    # A sign-in link for the attacker's address signs in to A's record only.
    as_attacker = _sign_in_by_mail(app, "evil@attacker.example")
    for page in ("/my/delegation", "/my/details", "/my"):
        text = as_attacker.get(page, follow_redirects=True).text
        assert "Bruno Neri" not in text and "bruno@bologna.example" not in text
        assert "NERI Bruno" not in text  # nor in the list form of names
    assert as_attacker.get(f"/my/delegation/members/{bruno.id}").status_code == 404
    assert as_attacker.post(f"/my/delegation/members/{bruno.id}/withdraw").status_code == 404
    assert _record(app, city_b.delegation_id, "bruno@bologna.example").status == bruno.status
    # B's head still signs in with their own address and sees their delegation.
    as_b = _sign_in_by_mail(app, "bea@bologna.example")
    page = as_b.get("/my/delegation")
    assert page.status_code == 200 and "NERI Bruno" in page.text and "Bologna" in page.text


def test_the_same_person_in_the_same_citys_next_edition_keeps_one_login(app):
    """Attaching an existing login is safe within one city's delegations."""
    with app.app_context():
        city = factories.make_city(name="Parma")
        earlier = factories.make_delegation(factories.make_festival(), city)
        mayor = factories.make_delegate(earlier, email="sindaco@parma.example")
        mayor_login = mayor.user_id
        db.session.commit()
        city_id = city.id
    invited = _invited(app, _festival(app))
    with app.app_context():  # the next edition's invitation goes to the same city
        db.session.get(Delegation, invited.delegation_id).city_id = city_id
        db.session.get(factories.Invitation, invited.invitation_id).city_id = city_id
        db.session.commit()
    head = app.test_client()
    register_head(head, invited)
    head.post("/my/delegation/members/new", data=member_form(email="sindaco@parma.example"))
    assert _record(app, invited.delegation_id, "sindaco@parma.example").user_id == mayor_login


# -- item 1: changing one's sign-in address -------------------------------------------


def _confirm_path(app: Flask, email: str) -> str:
    [mail] = [m for m in outbox(app, email) if "/login/email/" in m.text_body]
    match = CONFIRM_LINK.search(mail.text_body)
    assert match, mail.text_body
    return match.group(1)


def test_a_new_sign_in_address_takes_effect_only_through_the_link_sent_to_it(app, client):
    invited = _invited(app, _festival(app))
    register_head(client, invited)  # signed in on this browser
    client.get("/my/delegation")  # shows (and so clears) the welcome message
    head = _record(app, invited.delegation_id, "giulia.rossi@parma.example")

    saved = client.post("/my/details", data=head_form(email="giulia@new.example"))
    assert saved.status_code == 302
    flashes = _flashes(client.get("/my/details").text)
    assert any("giulia@new.example" in f and "follow the link" in f for f in flashes)
    # Nothing moved yet: the contact address did, the sign-in address did not.
    assert _user(app, head.user_id).email == "giulia.rossi@parma.example"
    [told] = [m for m in outbox(app, "giulia.rossi@parma.example") if "about to" in m.subject]
    assert "giulia@new.example" in told.text_body and "/login/email/" not in told.text_body
    path = _confirm_path(app, "giulia@new.example")
    # The secret part of the link is hidden from the logs and the outbox view.
    assert redact_log(f"GET {path} HTTP/1.1") == "GET /login/email/[token] HTTP/1.1"
    assert redact_outbox(f"http://festival.test{path}", "login", "[hidden]").endswith(
        "/login/email/[hidden]"
    )

    visitor = app.test_client()
    page = visitor.get(path)  # a mail scanner's GET changes nothing
    assert page.status_code == 200 and "giulia@new.example" in page.text
    assert _user(app, head.user_id).email == "giulia.rossi@parma.example"
    assert visitor.post(path, csrf=False).status_code == 400  # the button needs its CSRF token
    confirmed = visitor.post(path)
    assert confirmed.status_code == 302
    assert _user(app, head.user_id).email == "giulia@new.example"
    # The session that asked for the change ended; the old address is told;
    # the new one signs in.
    assert client.get("/my/delegation").status_code == 302
    changed = [m for m in outbox(app, "giulia.rossi@parma.example") if "has changed" in m.subject]
    assert len(changed) == 1 and "giulia@new.example" in changed[0].text_body
    assert _sign_in_by_mail(app, "giulia@new.example").get("/my/delegation").status_code == 200
    # A used link is refused, and changes nothing again.
    assert visitor.get(path).status_code == 410
    assert visitor.post(path).status_code == 410
    assert _user(app, head.user_id).email == "giulia@new.example"


def test_a_stale_or_superseded_confirmation_link_is_refused(app, client):
    invited = _invited(app, _festival(app))
    register_head(client, invited)
    head = _record(app, invited.delegation_id, "giulia.rossi@parma.example")
    client.post("/my/details", data=head_form(email="first@new.example"))
    first = _confirm_path(app, "first@new.example")
    client.post("/my/details", data=head_form(email="second@new.example"))
    second = _confirm_path(app, "second@new.example")
    # A day and more later, the link has expired.
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=25)):
        assert app.test_client().get(second).status_code == 410
        assert app.test_client().post(second).status_code == 410
    assert _user(app, head.user_id).email == "giulia.rossi@parma.example"
    # Once one link moved the address, the other (made for the old one) fails.
    assert app.test_client().post(second).status_code == 302
    assert app.test_client().post(first).status_code == 410
    assert _user(app, head.user_id).email == "second@new.example"
    # A forged or altered link fails too.
    assert app.test_client().get(second[:-3] + "abc").status_code == 410


# -- item 6: the forms answer every address alike ---------------------------------------


def _addresses(app: Flask, festival_id: int) -> dict[str, str]:
    """A staff account's address, another city's delegate's, and a new one."""
    other = _invited(app, festival_id, name="Elsewhere")
    with app.app_context():
        create_organiser("staff@host.example", "long enough password")
        factories.make_delegate(
            db.session.get(Delegation, other.delegation_id), email="head@elsewhere.example"
        )
        db.session.commit()
    return {
        "staff": "staff@host.example",
        "other city": "head@elsewhere.example",
        "nobody": "fresh@nowhere.example",
    }


def _same_apart_from(text: str, email: str) -> str:
    text = text.replace(email, "ADDRESS")
    # A CSRF token carries the second it was made.
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r"\1CSRF", text)


def test_my_details_answers_the_same_whoever_the_address_belongs_to(app, client):
    festival_id = _festival(app)
    invited = _invited(app, festival_id)
    register_head(client, invited)
    client.get("/my/delegation")  # shows (and so clears) the welcome message
    head = _record(app, invited.delegation_id, "giulia.rossi@parma.example")
    answers = {}
    for owner, email in _addresses(app, festival_id).items():
        response = client.post("/my/details", data=head_form(email=email))
        page = client.get("/my/details")
        answers[owner] = (
            response.status_code,
            response.headers.get("Location"),
            [f.replace(email, "ADDRESS") for f in _flashes(page.text)],
            _same_apart_from(page.text, email),
        )
    assert answers["staff"] == answers["other city"] == answers["nobody"]
    assert answers["nobody"][0] == 302
    # And no address moved: each only gets a link it would have to confirm.
    assert _user(app, head.user_id).email == "giulia.rossi@parma.example"


def test_adding_a_member_answers_the_same_whoever_the_address_belongs_to(app, client):
    festival_id = _festival(app)
    invited = _invited(app, festival_id, quota=5)
    register_head(client, invited)
    client.get("/my/delegation")  # shows (and so clears) the welcome message
    addresses = _addresses(app, festival_id)
    answers = {}
    for owner, email in addresses.items():
        response = client.post(
            "/my/delegation/members/new", data=member_form(full_name="Pat Doe", email=email)
        )
        page = client.get(response.headers.get("Location", "/my/delegation"))
        answers[owner] = (
            response.status_code,
            response.headers.get("Location"),
            [f.replace(email, "ADDRESS") for f in _flashes(page.text)],
        )
    assert answers["staff"] == answers["other city"] == answers["nobody"]
    assert answers["nobody"][0] == 302
    # Neither staff's login nor another city's was linked to the head's records.
    with app.app_context():
        for owner in ("staff", "other city"):
            record = db.session.scalar(
                sa.select(Delegate).where(
                    Delegate.delegation_id == invited.delegation_id,
                    Delegate.email == addresses[owner],
                )
            )
            assert record.user_id is None


def test_editing_a_member_answers_the_same_whoever_the_address_belongs_to(app, client):
    festival_id = _festival(app)
    invited = _invited(app, festival_id)
    register_head(client, invited)
    client.post("/my/delegation/members/new", data=member_form(email="own@parma.example"))
    client.get("/my/delegation")  # shows (and so clears) the earlier messages
    member = _record(app, invited.delegation_id, "own@parma.example")
    answers = {}
    for owner, email in _addresses(app, festival_id).items():
        response = client.post(
            f"/my/delegation/members/{member.id}",
            data=head_form(full_name="Pat Doe", email=email, consent=None),
        )
        page = client.get(response.headers.get("Location", "/my/delegation"))
        answers[owner] = (
            response.status_code,
            response.headers.get("Location"),
            [f.replace(email, "ADDRESS") for f in _flashes(page.text)],
            _same_apart_from(page.text, email),
        )
    assert answers["staff"] == answers["other city"] == answers["nobody"]
    assert answers["nobody"][0] == 302


def test_a_confirmation_link_survives_a_key_rotation_while_its_key_is_a_fallback(app, client):
    """SECRET_KEY rotated, the old key kept in SECRET_KEY_FALLBACKS: the link
    already sent still moves the address; with the old key retired, it fails."""
    invited = _invited(app, _festival(app))
    register_head(client, invited)
    head = _record(app, invited.delegation_id, "giulia.rossi@parma.example")
    client.post("/my/details", data=head_form(email="giulia@new.example"))
    path = _confirm_path(app, "giulia@new.example")
    old_key = app.config["SECRET_KEY"]

    app.config["SECRET_KEY"] = "rotated-secret-key-" + "n" * 40
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert app.test_client().get(path).status_code == 410  # retired: refused
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert app.test_client().get(path).status_code == 200
    assert app.test_client().post(path).status_code == 302
    assert _user(app, head.user_id).email == "giulia@new.example"
