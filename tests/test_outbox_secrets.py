"""The organiser's outbox hides every secret link a stored e-mail carries
(invitations, impression forms, personal feeds, as well as sign-in links):
shown as [hidden], while the e-mail that leaves by SMTP keeps the real link."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox import services as outbox
from festival.outbox.models import OutboxMessage
from tests.factories import make_city, make_festival
from tests.impressions_support import SESSION_END, build_scene

FUTURE = (utcnow() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
CITY = "office@parma.example"
CONTACT = "festival@host.example"


def _stored(app, category: str) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.category == category)
                .order_by(OutboxMessage.id)
            )
        )
        db.session.expunge_all()
        return rows


def _secret(message: OutboxMessage, pattern: str) -> str:
    found = set(re.findall(pattern, message.text_body)) | set(
        re.findall(pattern, message.html_body)
    )
    assert len(found) == 1, found
    return found.pop()


def _outbox_pages(client, messages: list[OutboxMessage]) -> dict[str, str]:
    """Every outbox page that lists or shows ``messages``: {path: HTML}."""
    paths = ["/organiser/outbox/", "/organiser/outbox/?status=pending"]
    for message in messages:
        paths += [
            f"/organiser/outbox/?category={message.category}",
            f"/organiser/outbox/?q={message.recipient}",
            f"/organiser/outbox/{message.id}",
        ]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.text
    return pages


def _sent(smtp_server) -> dict[str, tuple[str, str]]:
    """{recipient: (plain text, HTML)} of what the SMTP server received."""
    return {
        m["To"]: (m.get_body(("plain",)).get_content(), m.get_body(("html",)).get_content())
        for m in smtp_server.messages
    }


def _invite_a_city(app, client, auth) -> tuple[OutboxMessage, str]:
    with app.app_context():
        make_festival(slug="gastro", contact_email=CONTACT)
        city_id = make_city(name="Parma", contact_email=CITY, preferred_language="fr").id
        db.session.commit()
    auth.organiser()
    response = client.post(
        "/organiser/festivals/gastro/invitations/new",
        data={"city_ids": [str(city_id)], "quota": "3", "deadline": FUTURE, "send": "1"},
    )
    assert response.status_code == 302
    (message,) = _stored(app, "invitation")
    return message, _secret(message, r"/invitations/([A-Za-z0-9_\-]+)")


def test_an_invitation_link_is_hidden_from_organisers_but_sent_whole(
    app, client, auth, runner, smtp_server
):
    message, token = _invite_a_city(app, client, auth)
    for path, html in _outbox_pages(client, [message]).items():
        assert token not in html, path
    shown = client.get(f"/organiser/outbox/{message.id}").text
    assert "http://festival.test/invitations/[hidden]" in shown  # text part and HTML source
    assert "only the recipient can use it" in shown

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    text, html = _sent(smtp_server)[CITY]
    assert f"http://festival.test/invitations/{token}" in text
    assert f'href="http://festival.test/invitations/{token}"' in html
    # Hidden only from view: the stored message keeps the link, which works.
    (stored,) = _stored(app, "invitation")
    assert f"/invitations/{token}" in stored.text_body
    auth.logout()
    assert client.get(f"/invitations/{token}").status_code == 200


def test_the_organisers_own_links_stay_whole(app, client, auth):
    """A city that declines: the notice to the organisers links to their own
    page of the invitation (/organiser/.../invitations/<id>), not a secret."""
    _message, token = _invite_a_city(app, client, auth)
    auth.logout()
    response = client.post(
        f"/invitations/{token}",
        data={"decline-reason": "A council session.", "decline-decline": "Decline"},
    )
    assert response.status_code == 302
    notice = next(m for m in _stored(app, "invitation") if m.recipient == CONTACT)
    link = re.search(
        r"http://festival\.test/organiser/festivals/gastro/invitations/\d+", notice.text_body
    )
    assert link
    auth.organiser()
    shown = client.get(f"/organiser/outbox/{notice.id}").text
    assert link.group(0) in shown
    assert "[hidden]" not in shown and "only the recipient can use it" not in shown


def test_impression_links_are_hidden_from_organisers_but_sent_whole(
    app, client, auth, runner, smtp_server
):
    with app.app_context():
        scene = build_scene()
    send = f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}/send"
    # The organiser sends the form by hand, before the worker would.
    with time_machine.travel(SESSION_END - timedelta(minutes=10)):
        auth.organiser()
        assert client.post(send).status_code == 302
        messages = _stored(app, "impressions")
        assert sorted(m.recipient for m in messages) == scene.attendees
        tokens = {m.recipient: _secret(m, r"/impressions/([A-Za-z0-9_\-]+)") for m in messages}
        pages = _outbox_pages(client, messages)
        # The organiser's page of who got the form links to the same messages.
        invites = client.get(send.replace("/send", "/invites"))
        assert invites.status_code == 200
        pages["invites"] = invites.text
        result = runner.invoke(args=["worker", "--once"])
    for path, html in pages.items():
        for token in tokens.values():
            assert token not in html, path
    assert "/impressions/[hidden]" in pages[f"/organiser/outbox/{messages[0].id}"]

    assert result.exit_code == 0, result.output
    sent = _sent(smtp_server)
    assert set(sent) == set(tokens)
    for recipient, token in tokens.items():
        text, html = sent[recipient]
        assert f"http://festival.test/impressions/{token}" in text
        assert f'href="http://festival.test/impressions/{token}"' in html


def test_a_personal_feed_link_is_hidden_and_keeps_its_ics(app, client, auth, runner, smtp_server):
    feed_token = "Fd7_" + "k" * 39
    with app.app_context():
        outbox.queue_email(
            key="feed:1",
            recipient="claire@lyon.example",
            subject="Your itinerary in your calendar",
            template="login_link",
            category="other",
            url=f"http://festival.test/feeds/{feed_token}.ics",
            minutes=60,
        )
        db.session.commit()
    (message,) = _stored(app, "other")
    auth.organiser()
    for path, html in _outbox_pages(client, [message]).items():
        assert feed_token not in html, path
    assert (
        "http://festival.test/feeds/[hidden].ics"
        in client.get(f"/organiser/outbox/{message.id}").text
    )
    assert runner.invoke(args=["worker", "--once"]).exit_code == 0
    text, _html = _sent(smtp_server)["claire@lyon.example"]
    assert f"http://festival.test/feeds/{feed_token}.ics" in text


def test_in_debug_the_organiser_sees_the_real_link_to_open_it(app, client, auth, monkeypatch):
    """A local run (`make run`, FLASK_DEBUG=1) sends no e-mail: whoever tries
    the app opens the invitation from the outbox, as a clickable link, with a
    note that says why it is shown."""
    monkeypatch.setitem(app.config, "DEBUG", True)
    message, token = _invite_a_city(app, client, auth)
    shown = client.get(f"/organiser/outbox/{message.id}").text
    link = f"http://festival.test/invitations/{token}"
    assert f'<a href="{link}"' in shown
    assert "shown because the app runs in debug mode" in shown
    assert "[hidden]" not in shown and "only the recipient can use it" not in shown
    auth.logout()
    assert client.get(f"/invitations/{token}").status_code == 200

    # The same app outside debug hides it again.
    monkeypatch.setitem(app.config, "DEBUG", False)
    auth.organiser()
    shown = client.get(f"/organiser/outbox/{message.id}").text
    assert token not in shown and "debug mode" not in shown
