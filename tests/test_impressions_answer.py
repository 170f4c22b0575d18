"""Answering at /impressions/<token>: no sign-in, one person's response only,
validation that keeps what was typed, editable until the form closes."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from flask_babel import force_locale, gettext
from markupsafe import escape

from festival.extensions import db
from festival.impressions import sending
from festival.impressions.models import ImpressionInvite, ImpressionResponse
from festival.registration.models import Delegate
from tests.impressions_support import SESSION_END, build_scene, form

OPEN = SESSION_END + timedelta(hours=2)


def _invite_all(app, scene) -> dict[str, str]:
    """Send the session's form now; {e-mail: token}."""
    with app.app_context():
        sending.send_now(form(scene.form_id))
        db.session.commit()
        invites = db.session.scalars(
            sa.select(ImpressionInvite).where(ImpressionInvite.form_id == scene.form_id)
        ).all()
        return {i.delegate.email: sending.token_for(i) for i in invites}


def _questions(app, scene) -> dict[str, str]:
    """{builtin key: field name} of the session's form."""
    with app.app_context():
        return {q.builtin: q.field_name for q in form(scene.form_id).questions}


def _response(app, scene, email: str) -> ImpressionResponse | None:
    with app.app_context():
        return db.session.scalar(
            sa.select(ImpressionResponse)
            .join(Delegate, Delegate.id == ImpressionResponse.delegate_id)
            .where(ImpressionResponse.form_id == scene.form_id, Delegate.email == email)
        )


@time_machine.travel(OPEN)
def test_the_link_opens_without_signing_in_and_shows_the_session(app, client):
    scene = build_scene_in(app)
    tokens = _invite_all(app, scene)
    page = client.get(f"/impressions/{tokens['maria@parma.example']}")
    assert page.status_code == 200
    assert "Fermented Futures" in page.text
    assert "Maria Rossi" in page.text
    # Tokyo time: the session started at 10:00 there (01:00 UTC).
    assert "10:00" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert 'name="robots" content="noindex' in page.text


@time_machine.travel(OPEN)
def test_a_link_survives_a_key_rotation_while_its_key_is_a_fallback(app, client):
    """SECRET_KEY rotated, the old key kept in SECRET_KEY_FALLBACKS: the link
    of the first e-mail still opens the form, and a reminder carries the same
    link; once the old key is retired, that link fails and new e-mails carry
    one made under the new key."""
    scene = build_scene_in(app)
    sent = _invite_all(app, scene)["maria@parma.example"]
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "rotated-secret-key-" + "n" * 40
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert client.get(f"/impressions/{sent}").status_code == 200
    with app.app_context():
        invite = db.session.scalar(
            sa.select(ImpressionInvite)
            .join(Delegate, Delegate.id == ImpressionInvite.delegate_id)
            .where(Delegate.email == "maria@parma.example")
        )
        assert sending.token_for(invite) == sent  # what a reminder would carry

    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get(f"/impressions/{sent}").status_code == 404
    with app.app_context():
        invite = db.session.get(ImpressionInvite, invite.id)
        sending.link_for(invite)  # a new e-mail now
        renewed = sending.token_for(invite)
        db.session.commit()
    assert renewed != sent
    assert client.get(f"/impressions/{renewed}").status_code == 200
    assert client.get(f"/impressions/{sent}").status_code == 404


def _input(html: str, element_id: str) -> str:
    """The <input> tag with this id."""
    match = re.search(rf'<input[^>]*id="{re.escape(element_id)}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def _in_french(app, message: str, **values: str) -> str:
    with app.test_request_context(), force_locale("fr"):
        return gettext(message, **values)


def build_scene_in(app):
    with app.app_context():
        return build_scene()


@time_machine.travel(OPEN)
def test_a_token_opens_one_persons_response_only(app, client):
    scene = build_scene_in(app)
    tokens = _invite_all(app, scene)
    fields = _questions(app, scene)
    maria, claire = tokens["maria@parma.example"], tokens["claire@lyon.example"]
    sent = client.post(
        f"/impressions/{maria}",
        data={fields["overall"]: "4", fields["valuable"]: "Les fromages affinés de Parme"},
    )
    assert sent.status_code == 303
    assert "Les fromages affinés de Parme" in client.get(f"/impressions/{maria}").text
    other = client.get(f"/impressions/{claire}")
    assert other.status_code == 200
    assert "Claire Dubois" in other.text
    assert "Parme" not in other.text and "Maria Rossi" not in other.text
    # Claire's answer is hers: Maria's stays as it was.
    client.post(f"/impressions/{claire}", data={fields["overall"]: "2"})
    assert _response(app, scene, "maria@parma.example").rating == 4
    assert _response(app, scene, "claire@lyon.example").rating == 2
    # Unknown or altered links: 404.
    assert client.get("/impressions/not-a-real-token").status_code == 404
    assert client.get(f"/impressions/{maria[:-2]}xx").status_code == 404
    assert client.post("/impressions/" + "a" * 300, data={}).status_code == 404


@time_machine.travel(OPEN)
def test_only_the_hash_of_the_link_is_stored(app):
    scene = build_scene_in(app)
    tokens = _invite_all(app, scene)
    with app.app_context():
        rows = db.session.execute(sa.select(ImpressionInvite.__table__)).mappings().all()
    stored = {str(value) for row in rows for value in row.values()}
    for token in tokens.values():
        assert token not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in stored


@time_machine.travel(OPEN)
def test_missing_required_answer_keeps_everything_typed(app, client):
    scene = build_scene_in(app)
    token = _invite_all(app, scene)["maria@parma.example"]
    fields = _questions(app, scene)
    page = client.post(
        f"/impressions/{token}",
        data={
            fields["valuable"]: "The tasting of fermented rice koji",
            fields["again"]: "yes",
            fields["quote"]: "Tsuruoka feeds the soul.",
            "consent_to_quote": "y",
        },
    )
    assert page.status_code == 422
    assert "Please answer this question." in page.text
    assert f'id="{fields["overall"]}-error"' in page.text  # the message sits at the field
    assert "The tasting of fermented rice koji" in page.text
    assert "Tsuruoka feeds the soul." in page.text
    assert "checked" in _input(page.text, f"{fields['again']}-0")  # "yes" still ticked
    assert _response(app, scene, "maria@parma.example") is None


@time_machine.travel(OPEN)
def test_consent_to_quote_needs_a_sentence_and_is_kept(app, client):
    scene = build_scene_in(app)
    token = _invite_all(app, scene)["maria@parma.example"]
    fields = _questions(app, scene)
    page = client.post(
        f"/impressions/{token}",
        data={
            fields["overall"]: "5",
            fields["improve"]: "Longer tastings",
            "consent_to_quote": "y",
        },
    )
    assert page.status_code == 422
    assert "Write the sentence we may quote above, or untick this box." in page.text
    assert 'id="consent_to_quote-error"' in page.text
    assert "Longer tastings" in page.text
    assert "checked" in _input(page.text, "consent_to_quote")

    done = client.post(
        f"/impressions/{token}",
        data={
            fields["overall"]: "5",
            fields["quote"]: "  Tsuruoka feeds the soul.  ",
            "consent_to_quote": "y",
        },
    )
    assert done.status_code == 303
    response = _response(app, scene, "maria@parma.example")
    assert response.quote == "Tsuruoka feeds the soul."
    assert response.consent_to_quote is True


@time_machine.travel(OPEN)
def test_one_response_per_person_editable_until_the_form_closes(app, client):
    scene = build_scene_in(app)
    token = _invite_all(app, scene)["maria@parma.example"]
    fields = _questions(app, scene)
    client.post(f"/impressions/{token}", data={fields["overall"]: "3"})
    again = client.post(
        f"/impressions/{token}", data={fields["overall"]: "5"}, follow_redirects=True
    )
    assert "Your changes are saved." in again.text
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(ImpressionResponse))
    assert count == 1
    assert _response(app, scene, "maria@parma.example").rating == 5


def test_a_closed_form_is_read_only_and_refuses_changes(app, client):
    with time_machine.travel(OPEN):
        scene = build_scene_in(app)
        tokens = _invite_all(app, scene)
        fields = _questions(app, scene)
        client.post(
            f"/impressions/{tokens['maria@parma.example']}",
            data={fields["overall"]: "4", fields["valuable"]: "The koji workshop"},
        )
    # Default: open 14 days after the e-mail went out.
    with time_machine.travel(OPEN + timedelta(days=15)):
        page = client.get(f"/impressions/{tokens['maria@parma.example']}")
        assert page.status_code == 200
        assert "This form closed on" in page.text
        assert "The koji workshop" in page.text
        assert '<form method="post" class="answer-form"' not in page.text
        refused = client.post(
            f"/impressions/{tokens['maria@parma.example']}",
            data={fields["overall"]: "1", fields["valuable"]: "Changed my mind"},
        )
        assert refused.status_code == 409
        assert "This form has closed" in refused.text
        # Claire never answered; her page says so, in French.
        never = client.get(f"/impressions/{tokens['claire@lyon.example']}")
        closed_message = _in_french(
            app,
            "This form closed on %(when)s, so it no longer takes answers. "
            "Thank you all the same — we hope to see you again.",
            when="@",
        )
        assert str(escape(closed_message.split("@")[1])) in never.text
        assert 'class="answer-form"' not in never.text
        assert (
            client.post(
                f"/impressions/{tokens['claire@lyon.example']}", data={fields["overall"]: "5"}
            ).status_code
            == 409
        )
    response = _response(app, scene, "maria@parma.example")
    valuable_id = fields["valuable"].removeprefix("q")
    assert response.rating == 4 and response.answers[valuable_id] == "The koji workshop"
    assert _response(app, scene, "claire@lyon.example") is None


def _translated(app, locale: str, message: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return gettext(message)


@time_machine.travel(OPEN)
def test_the_page_speaks_the_delegates_language(app, client):
    scene = build_scene_in(app)
    tokens = _invite_all(app, scene)
    overall = "Overall, how would you rate this event?"
    in_french, in_japanese = _translated(app, "fr", overall), _translated(app, "ja", overall)
    assert overall not in (in_french, in_japanese)  # the catalogues have it

    claire = client.get(f"/impressions/{tokens['claire@lyon.example']}")
    assert '<html lang="fr">' in claire.text
    assert str(escape(in_french)) in claire.text
    yui = client.get(f"/impressions/{tokens['yui@tsuruoka.example']}")
    assert '<html lang="ja">' in yui.text
    assert str(escape(in_japanese)) in yui.text
    maria = client.get(f"/impressions/{tokens['maria@parma.example']}")
    assert '<html lang="en">' in maria.text and overall in maria.text

    # Reworded by an organiser: shown as written, to everyone.
    with app.app_context():
        question = form(scene.form_id).questions[0]
        question.text = "How was the koji tasting?"
        db.session.commit()
    claire = client.get(f"/impressions/{tokens['claire@lyon.example']}")
    assert "How was the koji tasting?" in claire.text
    assert str(escape(in_french)) not in claire.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_link_is_a_friendly_404(client, method):
    response = getattr(client, method)("/impressions/nothing-here")
    assert response.status_code == 404
