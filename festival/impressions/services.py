"""Impression forms: creating them from the defaults, editing their
questions, finding who they go to, and saving a delegate's answers.

Sending is in ``sending``, the numbers in ``results``, the printed report in
``report``. Services never commit: the view (or the worker) does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from festival.attendance.services import attendee_ids_by_session, attendees_of
from festival.core.tokens import hash_token
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import (
    BUILTIN_QUESTIONS,
    ImpressionForm,
    ImpressionInvite,
    ImpressionQuestion,
    ImpressionResponse,
    QuestionKind,
    builtin_english,
)
from festival.impressions.tokens import token_opens
from festival.programme.models import ProgrammeSession, SessionStatus
from festival.registration.models import Delegate, Delegation

# The order of the default questions on a new form.
DEFAULT_KEYS = ["overall", "valuable", "improve", "again", "quote"]


class ImpressionError(Exception):
    """A change the current state does not allow; the message is for the organiser."""


# --- forms and questions ---------------------------------------------------


def default_questions() -> list[ImpressionQuestion]:
    """Fresh copies of the default questions, stored in English."""
    questions = []
    for position, key in enumerate(DEFAULT_KEYS):
        kind, _label, required = BUILTIN_QUESTIONS[key]
        questions.append(
            ImpressionQuestion(
                position=position,
                kind=kind,
                text=builtin_english(key),
                required=required,
                builtin=key,
                choices=[],
            )
        )
    return questions


def create_form(festival: Festival, session: ProgrammeSession | None = None) -> ImpressionForm:
    """A form with the default questions, for ``session`` or (None) the whole festival.

    Raises ImpressionError when that form already exists.
    """
    existing = db.session.scalar(
        sa.select(ImpressionForm.id).where(
            ImpressionForm.festival_id == festival.id,
            ImpressionForm.session_id == session.id
            if session
            else ImpressionForm.session_id.is_(None),
        )
    )
    if existing is not None:
        raise ImpressionError(_("This impression form exists already."))
    title = session.title if session else festival.name
    form = ImpressionForm(festival=festival, session=session, title=title[:200])
    form.questions = default_questions()
    db.session.add(form)
    db.session.flush()
    return form


def create_missing_forms(festival: Festival) -> int:
    """Default forms for every scheduled session that has none; returns how many.

    Bulk inserts, so that 600 sessions take one round trip per table.
    """
    sessions = db.session.execute(
        sa.select(ProgrammeSession.id, ProgrammeSession.title).where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ~sa.exists().where(ImpressionForm.session_id == ProgrammeSession.id),
        )
    ).all()
    if not sessions:
        return 0
    now = utcnow()
    rows = [
        {
            "festival_id": festival.id,
            "session_id": session_id,
            "title": title[:200],
            "delay_minutes": 60,
            "created_at": now,
            "updated_at": now,
        }
        for session_id, title in sessions
    ]
    db.session.execute(ImpressionForm.__table__.insert(), rows)
    form_ids = db.session.scalars(
        sa.select(ImpressionForm.id).where(
            ImpressionForm.session_id.in_([session_id for session_id, _title in sessions])
        )
    ).all()
    insert_default_questions(form_ids)
    return len(sessions)


def insert_default_questions(form_ids: Sequence[int]) -> None:
    """Bulk-insert the default questions for forms that have none yet."""
    defaults = [
        {
            "position": position,
            "kind": BUILTIN_QUESTIONS[key][0],
            "text": builtin_english(key),
            "required": BUILTIN_QUESTIONS[key][2],
            "builtin": key,
            "choices": [],
        }
        for position, key in enumerate(DEFAULT_KEYS)
    ]
    rows = [{"form_id": form_id, **row} for form_id in form_ids for row in defaults]
    if rows:
        # The table's own insert: the ORM's bulk path is slower at 600 forms.
        db.session.execute(ImpressionQuestion.__table__.insert(), rows)


def has_responses(form: ImpressionForm) -> bool:
    return (
        db.session.scalar(
            sa.select(ImpressionResponse.id).where(ImpressionResponse.form_id == form.id).limit(1)
        )
        is not None
    )


def add_question(
    form: ImpressionForm,
    *,
    kind: QuestionKind,
    text: str,
    required: bool,
    choices: list[str],
) -> ImpressionQuestion:
    """Append a question at the end of ``form``."""
    position = max((q.position for q in form.questions), default=-1) + 1
    question = ImpressionQuestion(
        kind=kind,
        text=text.strip(),
        required=required,
        choices=choices if kind in CHOICE_KINDS else [],
        position=position,
    )
    form.questions.append(question)
    db.session.flush()
    return question


CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


def update_question(
    question: ImpressionQuestion,
    *,
    kind: QuestionKind,
    text: str,
    required: bool,
    choices: list[str],
) -> None:
    """Change a question. Its kind is fixed once answers exist (they would no
    longer fit), and the quote question stays free text."""
    if kind != question.kind:
        if question.is_quote:
            raise ImpressionError(_("The quote question is always free text."))
        if has_responses(question.form):
            raise ImpressionError(
                _("This form has answers already: its questions can no longer change kind.")
            )
    question.kind = kind
    question.text = text.strip()
    question.required = required
    question.choices = choices if kind in CHOICE_KINDS else []


def move_question(question: ImpressionQuestion, direction: str) -> bool:
    """Swap ``question`` with its neighbour above ("up") or below ("down")."""
    questions = list(question.form.questions)
    index = questions.index(question)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(questions):
        return False
    questions[index], questions[other] = questions[other], questions[index]
    # Renumber all: positions stay dense whatever happened before.
    for position, item in enumerate(questions):
        item.position = position
    return True


def remove_question(question: ImpressionQuestion) -> None:
    """Delete a question; answers already given to it stay in the responses
    but are no longer shown."""
    form = question.form
    form.questions.remove(question)
    for position, item in enumerate(form.questions):
        item.position = position
    db.session.flush()


def restore_quote_question(form: ImpressionForm) -> ImpressionQuestion:
    """Bring back the default quote question (the report needs it)."""
    if any(q.is_quote for q in form.questions):
        raise ImpressionError(_("This form already asks for a quote."))
    kind, _label, required = BUILTIN_QUESTIONS["quote"]
    question = add_question(
        form, kind=kind, text=builtin_english("quote"), required=required, choices=[]
    )
    question.builtin = "quote"
    return question


def festival_form(festival: Festival, form_id: int) -> ImpressionForm | None:
    """The festival's form with this id, questions loaded; None if not theirs."""
    return db.session.scalar(
        sa.select(ImpressionForm)
        .where(ImpressionForm.id == form_id, ImpressionForm.festival_id == festival.id)
        .options(selectinload(ImpressionForm.questions), joinedload(ImpressionForm.session))
    )


# --- who receives a form ---------------------------------------------------


def recipients_of(form: ImpressionForm) -> list[Delegate]:
    """The delegates a form goes to: a session's attendees, or for the closing
    form everyone who attended at least one session of the festival."""
    if form.session is not None:
        if form.session.status == SessionStatus.CANCELLED:
            return []
        return attendees_of(form.session)
    session_ids = db.session.scalars(
        sa.select(ProgrammeSession.id).where(
            ProgrammeSession.festival_id == form.festival_id,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    ).all()
    delegate_ids: set[int] = set()
    for ids in attendee_ids_by_session(session_ids).values():
        delegate_ids |= ids
    if not delegate_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Delegate)
            .where(Delegate.id.in_(delegate_ids))
            .options(joinedload(Delegate.delegation).joinedload(Delegation.city))
            .order_by(*Delegate.name_ordering(), Delegate.id)
        ).unique()
    )


# --- answering ------------------------------------------------------------


def invite_by_token(token: str) -> ImpressionInvite | None:
    """The invite a link's token opens, with its form, questions and delegate."""
    if not token or len(token) > 100:
        return None
    invite = db.session.scalar(
        sa.select(ImpressionInvite)
        .where(ImpressionInvite.token_hash == hash_token(token))
        .options(
            joinedload(ImpressionInvite.form).selectinload(ImpressionForm.questions),
            joinedload(ImpressionInvite.form).joinedload(ImpressionForm.session),
            joinedload(ImpressionInvite.form).joinedload(ImpressionForm.festival),
            joinedload(ImpressionInvite.delegate),
        )
    )
    # The hash finds the link last sent; its key must still be accepted (a key
    # taken out of SECRET_KEY_FALLBACKS closes the links made under it).
    if invite is None or not token_opens(invite.token_salt, token):
        return None
    return invite


def response_of(invite: ImpressionInvite) -> ImpressionResponse | None:
    return db.session.scalar(
        sa.select(ImpressionResponse).where(
            ImpressionResponse.form_id == invite.form_id,
            ImpressionResponse.delegate_id == invite.delegate_id,
        )
    )


def save_response(
    invite: ImpressionInvite,
    answers: dict[str, Any],
    *,
    consent_to_quote: bool,
    now: datetime | None = None,
) -> ImpressionResponse:
    """Create or update the delegate's one response to the invite's form.

    ``answers`` maps question ids (as strings) to values. Raises
    ImpressionError when the form has closed.
    """
    now = now or utcnow()
    form = invite.form
    if form.is_closed(now):
        raise ImpressionError(_("This form has closed: answers can no longer be changed."))
    questions = form.questions
    answers = {str(q.id): answers[str(q.id)] for q in questions if _given(answers.get(str(q.id)))}
    rating_question = next((q for q in questions if q.kind == QuestionKind.RATING), None)
    quote_question = next((q for q in questions if q.is_quote), None)
    rating = answers.get(str(rating_question.id)) if rating_question else None
    quote = (answers.get(str(quote_question.id)) or "") if quote_question else ""
    consent = consent_to_quote and bool(quote.strip())
    values = {
        "answers": answers,
        "rating": rating,
        "quote": quote.strip(),
        "consent_to_quote": consent,
        "updated_at": now,
    }
    if not consent:
        # A withdrawn consent takes the quote out of the report, too.
        values.update(in_report=False, report_position=None)
    response = response_of(invite)
    if response is None:
        response = ImpressionResponse(
            form_id=form.id, delegate_id=invite.delegate_id, submitted_at=now, in_report=False
        )
        for name, value in values.items():
            setattr(response, name, value)
        try:
            with db.session.begin_nested():
                db.session.add(response)
            return response
        except sa.exc.IntegrityError:
            # The same person sent the form twice at once: update the first.
            response = response_of(invite)
            assert response is not None
    for name, value in values.items():
        setattr(response, name, value)
    db.session.flush()
    return response


def _given(value: Any) -> bool:
    return value not in (None, "", [])


def format_answer(question: ImpressionQuestion, value: Any) -> str:
    """An answer as a person reads it, in the current language."""
    from festival.impressions.models import RATING_LABELS

    if value in (None, "", []):
        return "—"
    if question.kind == QuestionKind.RATING:
        return f"{value} · {RATING_LABELS.get(int(value), '')}"
    if question.kind == QuestionKind.YES_NO:
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
