"""Organisers set up impression forms: defaults, questions, order, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from festival.extensions import db
from festival.impressions import sending
from festival.impressions.models import ImpressionForm, ImpressionInvite, QuestionKind
from festival.registration.models import DelegateRole
from tests.factories import make_delegate, make_delegation, make_session, make_user
from tests.impressions_support import SESSION_END, SESSION_START, answer, build_scene, form


def _base(scene) -> str:
    return f"/organiser/festivals/{scene.slug}/impressions"


def _kinds_and_texts(app, form_id):
    with app.app_context():
        return [(q.kind, q.text, q.required, q.builtin) for q in form(form_id).questions]


def test_a_new_form_starts_from_the_default_questions(app, client, auth):
    with app.app_context():
        scene = build_scene()
        extra = make_session(db.session.get(ImpressionForm, scene.form_id).festival, title="Dinner")
        db.session.commit()
        extra_id = extra.id
    auth.organiser()
    response = client.post(f"{_base(scene)}/forms", data={"session_id": extra_id})
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(
            sa.select(ImpressionForm).where(ImpressionForm.session_id == extra_id)
        )
        assert created.title == "Dinner" and created.delay_minutes == 60
        questions = [(q.kind, q.builtin, q.required) for q in created.questions]
    assert questions == [
        (QuestionKind.RATING, "overall", True),
        (QuestionKind.TEXT, "valuable", False),
        (QuestionKind.TEXT, "improve", False),
        (QuestionKind.YES_NO, "again", False),
        (QuestionKind.TEXT, "quote", False),
    ]
    # A second form for the same session is refused with a message.
    again = client.post(
        f"{_base(scene)}/forms", data={"session_id": extra_id}, follow_redirects=True
    )
    assert "exists already" in again.text


def test_default_forms_for_every_session_and_one_closing_form(app, client, auth):
    with app.app_context():
        scene = build_scene()
        festival = form(scene.form_id).festival
        for n in range(3):
            make_session(festival, title=f"Workshop {n}")
        db.session.commit()
    auth.organiser()
    page = client.post(f"{_base(scene)}/forms/defaults", follow_redirects=True)
    assert "3 impression forms created." in page.text
    assert client.post(f"{_base(scene)}/forms").status_code == 302  # the closing form
    with app.app_context():
        forms = db.session.scalars(
            sa.select(ImpressionForm).where(ImpressionForm.festival_id == scene.festival_id)
        ).all()
        assert len(forms) == 6
        closing = next(f for f in forms if f.session_id is None)
        assert len(closing.questions) == 5
        # It opens an hour after the festival's last session ends.
        festival = closing.festival
        last_end = max(s.ends_at for s in festival.sessions)
        assert closing.opens_at == last_end + timedelta(hours=1)
        # Its recipients: everyone who attended a session, once each.
        from festival.impressions.services import recipients_of

        emails = sorted(d.email for d in recipients_of(closing))
        assert emails == scene.attendees
    again = client.post(f"{_base(scene)}/forms", follow_redirects=True)
    assert "exists already" in again.text


def test_organisers_add_reorder_edit_and_remove_questions(app, client, auth):
    with app.app_context():
        scene = build_scene()
    auth.organiser()
    base = f"{_base(scene)}/forms/{scene.form_id}"
    assert client.get(base).status_code == 200

    # A choice question needs options: the form says so and keeps the input.
    bad = client.post(
        f"{base}/questions",
        data={"kind": "single_choice", "text": "Which dish did you prefer?", "choices": "Only one"},
    )
    assert bad.status_code == 422
    assert "at least two options" in bad.text
    assert "Which dish did you prefer?" in bad.text and "Only one" in bad.text

    for data in (
        {
            "kind": "single_choice",
            "text": "Which dish?",
            "choices": "Ramen\nSoba\n\nSoba",
            "required": "y",
        },
        {"kind": "multiple_choice", "text": "Which workshops?", "choices": "Koji\nMiso\nSake"},
        {"kind": "rating", "text": "The interpretation?"},
        {"kind": "yes_no", "text": "Was the venue easy to reach?"},
        {"kind": "text", "text": "Anything else?"},
    ):
        assert client.post(f"{base}/questions", data=data).status_code == 302
    questions = _kinds_and_texts(app, scene.form_id)
    assert len(questions) == 10
    assert questions[5] == (QuestionKind.SINGLE_CHOICE, "Which dish?", True, None)
    with app.app_context():
        dish = form(scene.form_id).questions[5]
        assert dish.choices == ["Ramen", "Soba"]
        dish_id, last_id = dish.id, form(scene.form_id).questions[-1].id
        first_id = form(scene.form_id).questions[0].id

    # Move "Which dish?" up twice, the last question down (no-op), the first up (no-op).
    for _ in range(2):
        client.post(f"{base}/questions/{dish_id}/move", data={"direction": "up"})
    client.post(f"{base}/questions/{last_id}/move", data={"direction": "down"})
    client.post(f"{base}/questions/{first_id}/move", data={"direction": "up"})
    texts = [t for _k, t, _r, _b in _kinds_and_texts(app, scene.form_id)]
    assert texts.index("Which dish?") == 3
    assert texts[-1] == "Anything else?" and texts[0].startswith("Overall")

    # Edit: reword and make optional; remove the yes/no one.
    page = client.get(f"{base}/questions/{dish_id}")
    assert "Ramen\nSoba" in page.text
    client.post(
        f"{base}/questions/{dish_id}",
        data={"kind": "single_choice", "text": "Your favourite dish?", "choices": "Ramen\nSoba"},
    )
    with app.app_context():
        venue_id = next(q.id for q in form(scene.form_id).questions if q.text.startswith("Was"))
    client.post(f"{base}/questions/{venue_id}/delete")
    questions = _kinds_and_texts(app, scene.form_id)
    assert (QuestionKind.SINGLE_CHOICE, "Your favourite dish?", False, None) in questions
    assert all(not t.startswith("Was the venue") for _k, t, _r, _b in questions)
    with app.app_context():
        positions = [q.position for q in form(scene.form_id).questions]
    assert positions == list(range(len(positions)))


def test_the_quote_question_stays_text_and_can_be_restored(app, client, auth):
    with app.app_context():
        scene = build_scene()
        quote_id = next(q.id for q in form(scene.form_id).questions if q.builtin == "quote")
    auth.organiser()
    base = f"{_base(scene)}/forms/{scene.form_id}"
    refused = client.post(
        f"{base}/questions/{quote_id}", data={"kind": "rating", "text": "A quote?"}
    )
    assert refused.status_code == 409
    assert "always free text" in refused.text
    client.post(f"{base}/questions/{quote_id}/delete")
    page = client.get(base)
    assert "does not ask for a quote" in page.text
    client.post(f"{base}/questions/quote")
    with app.app_context():
        assert [q.builtin for q in form(scene.form_id).questions][-1] == "quote"


def test_a_question_keeps_its_kind_once_answered(app, client, auth):
    with app.app_context():
        scene = build_scene()
        sending.send_now(form(scene.form_id))
        invite = db.session.scalars(sa.select(ImpressionInvite)).first()
        answer(invite, overall=4)
        db.session.commit()
        overall_id = form(scene.form_id).questions[0].id
    auth.organiser()
    base = f"{_base(scene)}/forms/{scene.form_id}"
    refused = client.post(
        f"{base}/questions/{overall_id}", data={"kind": "text", "text": "Overall?"}
    )
    assert refused.status_code == 409
    assert "can no longer change kind" in refused.text
    assert "Overall?" in refused.text  # what was typed is still there
    # Rewording is fine.
    client.post(
        f"{base}/questions/{overall_id}",
        data={"kind": "rating", "text": "How was it?", "required": "y"},
    )
    assert _kinds_and_texts(app, scene.form_id)[0][1] == "How was it?"
    assert "Delegates have answered already" in client.get(base).text


def test_settings_are_typed_in_the_festivals_zone(app, client, auth):
    with app.app_context():
        scene = build_scene()
    auth.organiser()
    base = f"{_base(scene)}/forms/{scene.form_id}"
    saved = client.post(
        base,
        data={"title": "Fermented Futures", "delay_minutes": "90", "closes_at": "2027-06-20T18:00"},
    )
    assert saved.status_code == 302
    with app.app_context():
        saved_form = form(scene.form_id)
        assert saved_form.delay_minutes == 90
        # 18:00 in Tokyo is 09:00 UTC.
        assert saved_form.closes_at == datetime(2027, 6, 20, 9, 0, tzinfo=UTC)
        assert saved_form.opens_at == SESSION_END + timedelta(minutes=90)
    page = client.get(base)
    assert 'value="2027-06-20T18:00"' in page.text

    bad = client.post(
        base, data={"title": "", "delay_minutes": "-5", "closes_at": "2027-06-15T09:00"}
    )
    assert bad.status_code == 422
    assert "The form must close after it opens." in bad.text
    assert 'value="-5"' in bad.text
    with app.app_context():
        assert form(scene.form_id).delay_minutes == 90


def test_a_form_is_deleted_only_before_it_was_sent(app, client, auth):
    with app.app_context():
        scene = build_scene()
    auth.organiser()
    with time_machine.travel(SESSION_START):
        auth.organiser()
        assert client.post(f"{_base(scene)}/forms/{scene.forum_form_id}/delete").status_code == 302
        client.post(f"{_base(scene)}/forms/{scene.form_id}/send")
        kept = client.post(f"{_base(scene)}/forms/{scene.form_id}/delete", follow_redirects=True)
    assert "can no longer be deleted" in kept.text
    with app.app_context():
        assert form(scene.forum_form_id) is None
        assert form(scene.form_id) is not None


def test_delegates_and_strangers_cannot_reach_the_organiser_pages(app, client, auth):
    with app.app_context():
        scene = build_scene()
        delegate = make_delegate(
            make_delegation(form(scene.form_id).festival), role=DelegateRole.MAYOR
        )
        db.session.commit()
        user_id = delegate.user_id
        outsider = make_user()
        db.session.commit()
    base = _base(scene)
    pages = [
        "",
        f"/forms/{scene.form_id}",
        f"/forms/{scene.form_id}/results",
        f"/forms/{scene.form_id}/results.csv",
        f"/forms/{scene.form_id}/invites",
        "/report",
    ]
    for page in pages:
        assert client.get(base + page).status_code == 302  # sign in first
    auth.user(user_id)
    for page in pages:
        assert client.get(base + page).status_code == 404
    assert client.post(f"{base}/forms/{scene.form_id}/send").status_code == 404
    assert outsider is not None
    # Another festival's form is not reachable through this festival's URL.
    auth.logout()
    auth.organiser()
    from tests.factories import make_festival

    with app.app_context():
        other = make_festival()
        db.session.commit()
        other_slug = other.slug
    assert (
        client.get(
            f"/organiser/festivals/{other_slug}/impressions/forms/{scene.form_id}"
        ).status_code
        == 404
    )
