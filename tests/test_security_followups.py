"""Follow-ups of the security review: organisers cannot read delegates'
sign-in links in the outbox, a new sign-in link retires the older ones and
an account gets only so many an hour, session languages come from the list,
and the outbox and results pages speak the reader's language."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox import services as outbox
from festival.outbox.models import OutboxMessage, OutboxStatus
from festival.programme.models import ProgrammeSession
from tests.factories import make_delegate, make_delegation, make_festival
from tests.programme_support import SLUG as PROGRAMME_SLUG
from tests.programme_support import build_world as programme_world
from tests.test_impressions_results import _answered_scene as answered_scene
from tests.test_programme_admin import form as session_form

DELEGATE = "giulia@parma.example"
TOKEN = re.compile(r"/login/link/([A-Za-z0-9_\-]+)")


@pytest.fixture
def delegate(app) -> str:
    """A delegate with a login; sign-in requests are not rate-limited here."""
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    with app.app_context():
        make_delegate(make_delegation(make_festival()), email=DELEGATE)
        db.session.commit()
    return DELEGATE


def _login_messages(app, recipient: str = DELEGATE) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(OutboxMessage)
                .where(OutboxMessage.recipient == recipient, OutboxMessage.category == "login")
                .order_by(OutboxMessage.id)
            )
        )
        db.session.expunge_all()
        return rows


def _token_of(message: OutboxMessage) -> str:
    tokens = set(TOKEN.findall(message.text_body)) | set(TOKEN.findall(message.html_body))
    assert len(tokens) == 1, tokens
    return tokens.pop()


# --- 1. the outbox hides sign-in links from organisers --------------------------


def test_organisers_never_see_a_sign_in_token_but_the_e_mail_sent_has_it(
    app, client, auth, runner, delegate, smtp_server
):
    client.post("/login/link", data={"email": DELEGATE})
    (login,) = _login_messages(app)
    token = _token_of(login)
    # A sign-in link in a message of another kind (a member's welcome, say).
    other_token = "Zx9-" + "q" * 39
    with app.app_context():
        other = outbox.queue_email(
            key="welcome:1",
            recipient="member@parma.example",
            subject="Welcome",
            template="login_link",
            category="registration",
            url=f"http://festival.test/login/link/{other_token}",
            minutes=60,
        )
        db.session.commit()
        other_id = other.id

    auth.organiser()
    pages = [
        "/organiser/outbox/",
        "/organiser/outbox/?category=login",
        f"/organiser/outbox/?q={DELEGATE}",
        f"/organiser/outbox/{login.id}",
        f"/organiser/outbox/{other_id}",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert token not in response.text, path
        assert other_token not in response.text, path
    shown = client.get(f"/organiser/outbox/{login.id}").text
    assert "/login/link/[hidden]" in shown
    assert "only the recipient can use it" in shown
    assert "/login/link/[hidden]" in client.get(f"/organiser/outbox/{other_id}").text

    # The stored message and the one that leaves by SMTP keep the real link.
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    sent = {m["To"]: m for m in smtp_server.messages}
    for recipient, secret in [(DELEGATE, token), ("member@parma.example", other_token)]:
        message = sent[recipient]
        assert f"http://festival.test/login/link/{secret}" in (
            message.get_body(("plain",)).get_content()
        )
        assert f"/login/link/{secret}" in message.get_body(("html",)).get_content()
    # And the link works for its owner.
    assert client.post("/logout").status_code == 302
    assert client.post(f"/login/link/{token}").status_code == 302


def test_other_messages_are_shown_whole(app, client, auth):
    with app.app_context():
        message = outbox.queue_email(
            key="other:1",
            recipient="someone@city.example",
            subject="Hello",
            template="login_link",
            category="invitation",
            url="http://festival.test/festivals/gastro/programme",
            minutes=15,
        )
        db.session.commit()
        message_id = message.id
    auth.organiser()
    shown = client.get(f"/organiser/outbox/{message_id}").text
    assert "http://festival.test/festivals/gastro/programme" in shown
    assert "[hidden]" not in shown
    assert "only the recipient can use it" not in shown


# --- 2. a new sign-in link retires the old ones; so many an hour --------------


def _ask_for_a_link(client, email: str = DELEGATE):
    response = client.post("/login/link", data={"email": email})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/link"
    return client.get("/login/link")


def test_a_new_sign_in_link_retires_the_unused_earlier_ones(app, client, delegate):
    _ask_for_a_link(client)
    _ask_for_a_link(client)
    first, second = (_token_of(m) for m in _login_messages(app))

    visitor = app.test_client()
    assert visitor.get(f"/login/link/{first}").status_code == 410
    retired = visitor.post(f"/login/link/{first}")
    assert retired.status_code == 410
    assert "This sign-in link is no longer valid" in retired.text

    assert visitor.post(f"/login/link/{second}").status_code == 302  # the newest works
    used = app.test_client().post(f"/login/link/{second}")
    assert used.status_code == 410
    # A retired link and a used one get the same answer.
    assert _main(retired.text) == _main(used.text)


def _main(page: str) -> str:
    """The page's own content, without its CSRF token (signed with the time)."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r'name="csrf_token"[^>]*', "", main)


def test_an_account_gets_five_sign_in_links_an_hour_and_no_one_can_tell(app, client, delegate):
    answers = [_main(_ask_for_a_link(client).text) for _ in range(7)]
    assert len(_login_messages(app)) == 5
    # Past the limit the answer does not change, and is the one a stranger gets.
    assert len(set(answers)) == 1
    assert f"If {DELEGATE} belongs to a delegate, a sign-in link is on its way." in answers[0]
    stranger = _main(_ask_for_a_link(client, "nobody@parma.example").text)
    assert stranger == answers[0].replace(DELEGATE, "nobody@parma.example")
    assert _login_messages(app, "nobody@parma.example") == []

    # The last link sent still works: refused requests retired nothing.
    newest = _token_of(_login_messages(app)[-1])
    assert app.test_client().post(f"/login/link/{newest}").status_code == 302

    # An hour on, the account gets links again.
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        _ask_for_a_link(client)
    assert len(_login_messages(app)) == 6


# --- 3. a session's languages come from its list ----------------------------------


@pytest.mark.parametrize("bad", ["x" * 10_000, "tlh", "<b>en</b>"])
def test_the_session_form_takes_only_the_languages_it_offers(app, client, auth, bad):
    world = programme_world(app)
    edit = f"/organiser/festivals/{PROGRAMME_SLUG}/programme/{world['talk_id']}/edit"
    auth.organiser()
    page = client.get(edit)
    assert page.status_code == 200
    data = session_form(
        world,
        title="Rice, typed again",
        speakers="",
        languages=["ja", bad],
        interpretation="",
        capacity="",
    )
    response = client.post(edit, data=data)
    assert response.status_code == 422
    error = re.search(r'<small id="languages-error"[^>]*>([^<]*)</small>', response.text)
    assert error and error.group(1) == "Choose the languages from the list."
    assert bad not in response.text and "tlh" not in response.text
    assert 'value="Rice, typed again"' in response.text  # what was typed is kept
    assert re.search(r'<input[^>]*checked[^>]*value="ja"|value="ja"[^>]*checked', response.text)
    with app.app_context():
        session = db.session.get(ProgrammeSession, world["talk_id"])
        assert session.title != "Rice, typed again"
        assert bad not in (session.languages or [])

    # Without the stray code the same form saves.
    data["languages"] = ["ja"]
    assert client.post(edit, data=data).status_code == 302
    with app.app_context():
        assert db.session.get(ProgrammeSession, world["talk_id"]).languages == ["ja"]


# --- 4. the outbox and the results in the reader's language -----------------------


def _queue_outbox(app, statuses: dict[str, list[OutboxStatus]]) -> None:
    """Messages of each category, in the given statuses."""
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
        for category, wanted in statuses.items():
            for status in wanted:
                n += 1
                message = outbox.queue_email(
                    key=f"i18n:{n}",
                    recipient=f"person{n}@city.example",
                    subject=f"Message {n}",
                    template="login_link",
                    category=category,
                    url="http://festival.test/",
                    minutes=30,
                )
                message.status = status
        db.session.commit()


@pytest.mark.parametrize(
    ("language", "kinds", "counted"),
    [
        (
            "fr",
            ["Lien de connexion", "Invitation", "Données personnelles"],
            [
                '3</strong><span class="badge badge-sent">envoyés',
                '1</strong><span class="badge badge-failed">échec<',
                '0</strong><span class="badge badge-pending">en attente<',
            ],
        ),
        (
            "ja",
            ["ログイン用リンク", "招待状", "個人情報"],
            ['3</strong><span class="badge badge-sent">送信済み'],
        ),
        (
            "en",
            ["Sign-in link", "Invitation", "Personal data"],
            ['3</strong><span class="badge badge-sent">sent<'],
        ),
    ],
)
def test_the_outbox_names_kinds_and_counts_in_the_reader_s_language(
    app, client, auth, language, kinds, counted
):
    _queue_outbox(
        app,
        {
            "login": [OutboxStatus.SENT, OutboxStatus.SENT],
            "invitation": [OutboxStatus.SENT, OutboxStatus.FAILED],
            "privacy": [],
        },
    )
    auth.organiser()
    headers = {"Accept-Language": language}
    page = client.get("/organiser/outbox/", headers=headers).text
    for text in counted:
        assert text in page
    for kind in kinds[:2]:
        assert f">{kind}</option>" in page and f"<td>{kind}</td>" in page
    assert "<td>login</td>" not in page and ">login</option>" not in page
    with app.app_context():
        first = db.session.scalar(sa.select(OutboxMessage.id).order_by(OutboxMessage.id))
    shown = client.get(f"/organiser/outbox/{first}", headers=headers).text
    assert f"<dd>{kinds[0]}</dd>" in shown
    # One more kind, filtered on: its label, not its code.
    _queue_outbox(app, {"privacy": [OutboxStatus.PENDING]})
    filtered = client.get("/organiser/outbox/?category=privacy", headers=headers).text
    assert f'<option value="privacy" selected>{kinds[2]}</option>' in filtered


def _chart_descriptions(page: str) -> list[str]:
    return [html.unescape(d) for d in re.findall(r"<desc[^>]*>(.*?)</desc>", page, re.S)]


@pytest.mark.parametrize(
    ("language", "rating", "yes_no"),
    [
        ("en", "Average 4.3 of 5. 5 · Excellent: 1, 4 · Very good: 2,", "Yes: 2 and No: 1"),
        (
            "fr",
            "Moyenne\u00a0: 4,3 sur 5. 5 · ",
            "Oui\u00a0: 2 et Non\u00a0: 1",
        ),
        ("ja", "平均 4.3（5点満点）。5 · ", "はい：2、いいえ：1"),
    ],
)
def test_the_results_charts_are_described_in_the_reader_s_language(
    app, client, auth, language, rating, yes_no
):
    scene = answered_scene(app)
    auth.organiser()
    page = client.get(
        f"/organiser/festivals/{scene.slug}/impressions/forms/{scene.form_id}/results",
        headers={"Accept-Language": language},
    )
    assert page.status_code == 200
    descriptions = _chart_descriptions(page.text)
    assert any(d.startswith(rating) for d in descriptions), descriptions
    assert yes_no in descriptions, descriptions
    assert not any("; " in d for d in descriptions)
