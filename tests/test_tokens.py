"""Secret links: single-use where they should be, replaced when renewed,
stored only as hashes, looked up by hash and compared in constant time."""

from __future__ import annotations

import hmac
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.auth.models import LoginLink
from festival.core.tokens import hash_token
from festival.core.types import utcnow
from festival.extensions import db
from festival.impressions.models import ImpressionInvite
from festival.invitations.models import Invitation
from festival.outbox.models import OutboxMessage
from tests.support.queries import recorded_statements
from tests.test_hostile_input_support import World, build_world, sign_in

LINK = re.compile(r"http://festival\.test(/(?:login/link|invitations|impressions)/[A-Za-z0-9_\-]+)")


@pytest.fixture
def world(app) -> World:
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    return build_world(app)


def _links_mailed_to(app, recipient: str, category: str) -> list[str]:
    """Paths of the secret links e-mailed to ``recipient``, oldest first."""
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(OutboxMessage.text_body)
            .where(OutboxMessage.recipient == recipient, OutboxMessage.category == category)
            .order_by(OutboxMessage.id)
        ).all()
    return [m.group(1) for body in bodies for m in LINK.finditer(body)]


# --- single use ---------------------------------------------------------------


def test_a_sign_in_link_works_once_and_then_says_it_was_used(app, client, world):
    email = "giulia@parma.example"
    client.post("/login/link", data={"email": email})
    link = _links_mailed_to(app, email, "login")[-1]

    # Opening it (a mail scanner does) only shows a button: it is not used up.
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert client.get("/my/delegation").status_code == 200  # signed in

    other = app.test_client()
    again = other.post(link)
    assert again.status_code == 410
    assert "This sign-in link is no longer valid" in again.text
    assert other.get("/my/delegation").status_code == 302  # not signed in
    assert other.get(link).status_code == 410


def test_a_sign_in_link_expires_after_thirty_minutes(app, client, world):
    email = "giulia@parma.example"
    client.post("/login/link", data={"email": email})
    link = _links_mailed_to(app, email, "login")[-1]
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        response = client.post(link)
    assert response.status_code == 410
    assert client.get("/my/delegation").status_code == 302


def test_resending_an_invitation_kills_the_old_link(app, client, world):
    old = f"/invitations/{world.tokens['invitations.respond'][0]}"
    assert client.get(old).status_code == 200
    sign_in(client, app, "organiser", world)
    deadline = (utcnow() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")
    invitation_id = world.ids["invitation_id"][0]
    response = client.post(
        f"/organiser/festivals/{world.slug}/invitations/{invitation_id}/send",
        data={"quota": "3", "deadline": deadline},
    )
    assert response.status_code == 302
    with app.app_context():
        recipient = db.session.get(Invitation, invitation_id).city.contact_email
    new = _links_mailed_to(app, recipient, "invitation")[-1]
    assert new != old
    visitor = app.test_client()
    assert visitor.get(old).status_code == 404
    assert visitor.get(new).status_code == 200


def test_revoking_an_invitation_kills_its_link(app, client, world):
    link = f"/invitations/{world.tokens['invitations.respond'][0]}"
    sign_in(client, app, "organiser", world)
    invitation_id = world.ids["invitation_id"][0]
    response = client.post(f"/organiser/festivals/{world.slug}/invitations/{invitation_id}/revoke")
    assert response.status_code == 302
    assert app.test_client().get(link).status_code == 404


def test_renewing_a_feed_link_kills_the_old_one(app, client, world):
    old = f"/feeds/{world.feed_token}.ics"
    assert client.get(old).status_code == 200
    sign_in(client, app, "head", world)
    head_id = int(world.feed_token.split("-", 1)[0])  # the token names its delegate
    response = client.post(f"/feeds/regenerate/{head_id}", data={"confirm": "y"})
    assert response.status_code == 302
    assert app.test_client().get(old).status_code == 404


# --- stored as hashes, looked up by hash ------------------------------------------


def _all_stored_text(exclude: set[tuple[str, str]]) -> str:
    """Every string value in every table (but ``exclude``d columns), joined."""
    pieces = []
    for table in db.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, (sa.String, sa.Text, sa.JSON))
            and (table.name, c.name) not in exclude
        ]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            pieces.extend(str(value) for value in row if value is not None)
    return "\n".join(pieces)


def test_the_database_keeps_only_hashes_of_secret_links(app, client, world):
    # Issue links the way people get them: a sign-in link and an invitation.
    client.post("/login/link", data={"email": "giulia@parma.example"})
    secrets = [
        world.login_token,
        *world.tokens["invitations.respond"],
        *world.tokens["impressions.answer"],
        world.feed_token.split("-", 1)[1],  # the MAC part of the feed token
        *(p.rsplit("/", 1)[1] for p in _links_mailed_to(app, "giulia@parma.example", "login")),
    ]
    with app.app_context():
        # The e-mail that carries a link holds it, of necessity (the outbox
        # sends it later); nothing else does.
        stored = _all_stored_text(
            exclude={("outbox_messages", "text_body"), ("outbox_messages", "html_body")}
        )
        for secret in secrets:
            assert secret not in stored
        hashes = set(db.session.scalars(sa.select(LoginLink.token_hash)))
        hashes |= set(db.session.scalars(sa.select(Invitation.token_hash)))
        hashes |= set(db.session.scalars(sa.select(ImpressionInvite.token_hash)))
    assert hash_token(world.login_token) in hashes
    assert hash_token(world.tokens["impressions.answer"][0]) in hashes
    assert all(hash_token(t) in hashes for t in world.tokens["invitations.respond"])


@pytest.fixture
def statements(app):
    """(statement, parameters) of every SQL statement run while the test runs."""
    with recorded_statements(app, parameters=True) as seen:
        yield seen


@pytest.mark.parametrize("kind", ["invitation", "impression", "login link"])
def test_a_secret_link_is_looked_up_by_its_hash_never_by_itself(
    app, client, world, statements, kind
):
    token = {
        "invitation": world.tokens["invitations.respond"][0],
        "impression": world.tokens["impressions.answer"][0],
        "login link": world.login_token,
    }[kind]
    path = {"invitation": "invitations", "impression": "impressions", "login link": "login/link"}
    statements.clear()
    assert client.get(f"/{path[kind]}/{token}").status_code == 200
    if kind == "login link":
        assert client.post(f"/login/link/{token}").status_code == 302
    sql = "\n".join(f"{s} {p}" for s, p in statements)
    assert token not in sql
    assert hash_token(token) in sql


def test_a_feed_token_is_checked_in_constant_time(app, client, world, statements, monkeypatch):
    """A feed token is ``<delegate id>-<MAC>``: the id finds the delegate,
    and the MAC is compared with hmac.compare_digest, never with ==."""
    compared: list[bytes] = []
    original = hmac.compare_digest

    def recording(a, b):
        compared.append(a)
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    delegate_id, mac = world.feed_token.split("-", 1)
    forged = f"{delegate_id}-{'0' * len(mac)}"
    statements.clear()
    assert client.get(f"/feeds/{forged}.ics").status_code == 404
    assert client.get(f"/feeds/{world.feed_token}.ics").status_code == 200
    assert forged.encode() in compared and world.feed_token.encode() in compared
    sql = "\n".join(f"{s} {p}" for s, p in statements)
    assert mac not in sql


def test_unknown_used_and_revoked_links_look_alike(app, client, world):
    """No answer tells a guessed invitation token from a revoked one."""
    unknown = client.get("/invitations/" + "x" * 43)
    sign_in(client, app, "organiser", world)
    client.post(
        f"/organiser/festivals/{world.slug}/invitations/{world.ids['invitation_id'][0]}/revoke"
    )
    revoked = app.test_client().get(f"/invitations/{world.tokens['invitations.respond'][0]}")
    assert unknown.status_code == revoked.status_code == 404

    def content(page) -> str:  # the page without its forms' hidden values
        return re.sub(r'value="[^"]*"', "", page.text)

    assert content(unknown) == content(revoked)
