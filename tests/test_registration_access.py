"""Who may see and change a delegate's personal data on the delegates' pages.

Five people try every route: nobody signed in, the member themselves, a
colleague in the same delegation, their head of delegation, a delegate of
another city, and an organiser. Only the person and their head get the
data; another city's delegate (and the colleague) get 404, so they cannot
even tell the record exists; an organiser is sent to the organisers' pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from festival.auth.services import create_organiser
from festival.core.types import utcnow
from festival.extensions import db
from festival.registration.models import Delegate, DelegateRole
from tests import factories
from tests.conftest import AuthActions
from tests.test_registration_support import head_form

SECRET = "MARKER-sesame-only-in-MA"


@dataclass
class World:
    member: int
    colleague: int
    head: int
    other_head: int
    users: dict[str, int | None]


def build_world(app) -> World:
    from datetime import timedelta

    with app.app_context():
        festival = factories.make_festival(contact_email="festival@host.example")
        deadline = utcnow() + timedelta(days=20)
        ours = factories.make_delegation(festival, deadline=deadline)
        theirs = factories.make_delegation(festival, deadline=deadline)
        head = factories.make_delegate(ours, is_head=True, full_name="Head Of Ours")
        member = factories.make_delegate(
            ours,
            full_name="Member Target",
            role=DelegateRole.MAYOR,
            allergens=["sesame"],
            allergens_other=SECRET,
        )
        colleague = factories.make_delegate(ours, full_name="Colleague Same City")
        other_head = factories.make_delegate(theirs, is_head=True, full_name="Head Of Theirs")
        organiser = create_organiser("organiser@host.example", "correct horse 1")
        db.session.commit()
        return World(
            member=member.id,
            colleague=colleague.id,
            head=head.id,
            other_head=other_head.id,
            users={
                "anonymous": None,
                "member": member.user_id,
                "colleague": colleague.user_id,
                "head": head.user_id,
                "other_city": other_head.user_id,
                "organiser": organiser.id,
            },
        )


def client_for(app, persona: str, world: World):
    client = app.test_client()
    user_id = world.users[persona]
    if persona == "organiser":
        AuthActions(app, client).organiser("organiser@host.example", "correct horse 1")
    elif user_id is not None:
        AuthActions(app, client).user(user_id)
    return client


def member_edit_data() -> dict:
    return head_form(
        full_name="Changed By Someone",
        email="changed@city.example",
        consent=None,
        allergens_other=SECRET,
    )


# (method, path template, data, expected status per persona). For "own"
# pages every signed-in delegate gets 200 with *their own* record, so the
# check there is that SECRET shows to the member only.
MEMBER_ROUTES = [
    (
        "GET",
        "/my/delegation/members/{member}",
        None,
        {
            "anonymous": 302,
            "member": 302,  # to their own /my/details
            "colleague": 404,
            "head": 200,
            "other_city": 404,
            "organiser": 302,
        },
    ),
    (
        "POST",
        "/my/delegation/members/{member}",
        "edit",
        {
            "anonymous": 302,
            "member": 302,
            "colleague": 404,
            "other_city": 404,
            "organiser": 302,
            "head": 302,  # saved
        },
    ),
    (
        "POST",
        "/my/delegation/members/{member}/resend",
        None,
        {
            "anonymous": 302,
            "member": 404,
            "colleague": 404,
            "other_city": 404,
            "organiser": 302,
            "head": 302,
        },
    ),
    (
        "POST",
        "/my/delegation/members/{member}/withdraw",
        None,
        {
            "anonymous": 302,
            "member": 404,
            "colleague": 404,
            "other_city": 404,
            "organiser": 302,
            "head": 302,
        },
    ),
]


@pytest.mark.parametrize("method,template,data,expected", MEMBER_ROUTES)
def test_routes_about_one_member(app, method, template, data, expected):
    world = build_world(app)
    path = template.format(member=world.member)
    for persona, status in expected.items():  # dicts keep order: the head acts last
        client = client_for(app, persona, world)
        body = member_edit_data() if data == "edit" else None
        response = client.open(path, method=method, data=body)
        assert response.status_code == status, (persona, path, response.status_code)
        if persona != "head":
            assert SECRET not in response.text, persona
        if status == 302 and persona == "anonymous":
            assert "/login/link" in response.headers["Location"]
        if status == 302 and persona == "organiser":
            assert response.headers["Location"].startswith("/organiser")
        if persona == "head" and method == "GET":
            assert SECRET in response.text
        if persona != "head":
            with app.app_context():
                target = db.session.get(Delegate, world.member)
                assert target.full_name == "Member Target", persona
                assert target.status.value == "confirmed", persona


def test_the_head_and_the_member_are_the_only_ones_who_see_a_members_page(app):
    """And a member cannot open the head's record nor a colleague's."""
    world = build_world(app)
    member = client_for(app, "member", world)
    assert member.get(f"/my/delegation/members/{world.head}").status_code == 404
    assert member.get(f"/my/delegation/members/{world.colleague}").status_code == 404
    other = client_for(app, "other_city", world)
    for delegate_id in (world.head, world.member, world.colleague, 999999):
        assert other.get(f"/my/delegation/members/{delegate_id}").status_code == 404
    head = client_for(app, "head", world)
    assert head.get(f"/my/delegation/members/{world.other_head}").status_code == 404
    assert head.get("/my/delegation/members/999999").status_code == 404


OWN_PAGES = ["/my", "/my/delegation", "/my/details", "/my/data.json", "/my/deletion"]


@pytest.mark.parametrize("path", OWN_PAGES)
def test_own_pages_show_each_person_only_their_own_data(app, path):
    world = build_world(app)
    for persona in ("anonymous", "member", "colleague", "head", "other_city", "organiser"):
        client = client_for(app, persona, world)
        response = client.get(path)
        if persona == "anonymous":
            assert response.status_code == 302
            assert "/login/link" in response.headers["Location"]
            continue
        if persona == "organiser":
            assert response.status_code == 302
            assert response.headers["Location"].startswith("/organiser")
            continue
        assert response.status_code in (200, 302), (persona, path)
        if SECRET in response.text:
            assert persona == "member", persona
        elif persona == "member":
            assert path in ("/my", "/my/deletion"), "the member's own data is missing"
        if persona == "other_city":
            assert "Member Target" not in response.text and "Head Of Ours" not in response.text


def test_a_member_sees_their_own_record_but_not_the_others_in_the_delegation(app):
    world = build_world(app)
    member = client_for(app, "member", world)
    page = member.get("/my/delegation")
    assert page.status_code == 200
    assert "Member Target" in page.text and "Colleague Same City" not in page.text
    head = client_for(app, "head", world)
    page = head.get("/my/delegation")
    assert "Member Target" in page.text and "Colleague Same City" in page.text
    assert "Head Of Theirs" not in page.text


def test_only_the_head_adds_members(app):
    world = build_world(app)
    for persona, status in (("member", 404), ("colleague", 404), ("head", 200)):
        client = client_for(app, persona, world)
        assert client.get("/my/delegation/members/new").status_code == status, persona
        if status == 404:
            response = client.post("/my/delegation/members/new", data={"full_name": "X"})
            assert response.status_code == 404


def test_anonymous_gets_the_sign_in_link_page_and_the_privacy_notice(client):
    assert client.get("/privacy").status_code == 200
    response = client.get("/my/delegation")
    assert response.status_code == 302 and response.headers["Location"] == "/login/link"
