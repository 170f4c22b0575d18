"""Impression forms after each event: questions, personal invitations, answers."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from festival.core import content
from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.festivals.models import Festival
from festival.programme.models import ProgrammeSession, SessionStatus
from festival.registration.models import Delegate

# A form without a closing time stays open this long after it opens.
DEFAULT_OPEN_DAYS = 14


class QuestionKind(enum.StrEnum):
    RATING = "rating"  # 1 to 5
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    TEXT = "text"


# The default questions, by builtin key: (kind, English text, required). The
# text is stored in English; while an organiser leaves it unchanged, the
# delegate reads the translation of these lazy strings instead.
BUILTIN_QUESTIONS: dict[str, tuple[QuestionKind, Any, bool]] = {
    "overall": (QuestionKind.RATING, _l("Overall, how would you rate this event?"), True),
    "valuable": (QuestionKind.TEXT, _l("What was most valuable to you?"), False),
    "improve": (QuestionKind.TEXT, _l("What could we improve?"), False),
    "again": (QuestionKind.YES_NO, _l("Would you come again?"), False),
    "quote": (
        QuestionKind.TEXT,
        _l("In one sentence, what will you remember? We may quote it in the festival report."),
        False,
    ),
}
RATING_LABELS: dict[int, Any] = {
    1: _l("Poor"),
    2: _l("Fair"),
    3: _l("Good"),
    4: _l("Very good"),
    5: _l("Excellent"),
}

# The builtin question whose answer is the quote offered for the report.
QUOTE_KEY = "quote"


def builtin_english(key: str) -> str:
    """The stored (English) wording of a default question: its lazy string's msgid."""
    return BUILTIN_QUESTIONS[key][1]._args[0]


class ImpressionForm(Model):
    """The questions asked after one session, or after the whole festival.

    A form with no session is the festival's closing form: it opens when the
    festival's last session ends.
    """

    __tablename__ = "impression_forms"
    __table_args__ = (
        sa.CheckConstraint("delay_minutes >= 0", name="delay_not_negative"),
        # At most one closing (festival-wide) form per festival.
        sa.Index(
            "uq_impression_forms_closing",
            "festival_id",
            unique=True,
            sqlite_where=sa.text("session_id IS NULL"),
            postgresql_where=sa.text("session_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    # Minutes between the end of the event and the e-mail.
    delay_minutes: Mapped[int] = mapped_column(default=60)
    # None: DEFAULT_OPEN_DAYS after the form opens.
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the worker (or an organiser) first e-mailed the attendees: the
    # worker sends a form once and then leaves it alone.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    title_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # Shown after the questions and on the thank-you page.
    closing_text: Mapped[str] = mapped_column(sa.Text, default="")
    closing_text_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    festival: Mapped[Festival] = relationship()
    session: Mapped[ProgrammeSession | None] = relationship()
    questions: Mapped[list[ImpressionQuestion]] = relationship(
        back_populates="form",
        order_by="(ImpressionQuestion.position, ImpressionQuestion.id)",
        cascade="all, delete-orphan",
    )
    if TYPE_CHECKING:
        # A column_property set below the class (see there).
        event_ends_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ImpressionForm {self.id} {self.title!r}>"

    @property
    def opens_at(self) -> datetime | None:
        """When the e-mails go out: the event's end plus the delay (None: no event yet)."""
        if self.event_ends_at is None:
            return None
        return self.event_ends_at + timedelta(minutes=self.delay_minutes)

    @property
    def effective_closes_at(self) -> datetime | None:
        """When answers stop being accepted."""
        if self.closes_at is not None:
            return self.closes_at
        opens = self.opens_at
        return opens + timedelta(days=DEFAULT_OPEN_DAYS) if opens else None

    def is_closed(self, now: datetime | None = None) -> bool:
        closes = self.effective_closes_at
        return closes is not None and (now or utcnow()) >= closes


class ImpressionQuestion(Model):
    __tablename__ = "impression_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(
        sa.ForeignKey("impression_forms.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(sa.String(500))
    # The options of a single or multiple choice question.
    choices: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    # One of the default questions ("overall", "quote", ...): shown in the
    # delegate's language rather than as the stored English text. Cleared
    # when an organiser rewrites the question.
    builtin: Mapped[str | None] = mapped_column(sa.String(40))
    text_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # {"ja": ["...", ...]}: the choices in another language, in the same
    # order; answers keep storing the default language's choice.
    choices_i18n: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)

    form: Mapped[ImpressionForm] = relationship(back_populates="questions")

    def __repr__(self) -> str:
        return f"<ImpressionQuestion {self.id} {self.kind}>"

    @property
    def field_name(self) -> str:
        return f"q{self.id}"

    @property
    def is_quote(self) -> bool:
        return self.builtin == QUOTE_KEY

    @property
    def has_default_wording(self) -> bool:
        return self.builtin in BUILTIN_QUESTIONS and self.text == builtin_english(self.builtin)

    @property
    def display_text(self) -> str:
        """The question in the reader's language: the app's wording while it
        keeps the default one, else the organisers' translation (or their text)."""
        if self.has_default_wording:
            return str(BUILTIN_QUESTIONS[self.builtin or ""][1])
        return content.localized(self, "text", str(get_locale())).text

    @property
    def display_label(self) -> Markup:
        """:attr:`display_text` as HTML: an untranslated question in its own ``lang``."""
        if self.has_default_wording:
            return escape(self.display_text)
        return content.render(content.localized(self, "text", str(get_locale())))

    def display_choices(self) -> list[tuple[str, str]]:
        """(stored value, label in the reader's language) for each choice:
        answers keep the default language's wording, whatever the reader's."""
        labels, _fallback = content.pick_list(
            self.choices or [],
            self.choices_i18n,
            str(get_locale()),
            content.current_default_language(),
        )
        return list(zip(self.choices or [], labels, strict=True))


class ImpressionInvite(Model):
    """One delegate's personal link to one form (the token itself is never stored)."""

    __tablename__ = "impression_invites"
    __table_args__ = (sa.UniqueConstraint("form_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(
        sa.ForeignKey("impression_forms.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Random per invite; the link is derived from it and the app's secret
    # key, so the reminder carries the same link as the first e-mail.
    token_salt: Mapped[str] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Organisers may send a link again by hand: how often, and when last.
    resent_count: Mapped[int] = mapped_column(default=0)
    resent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    form: Mapped[ImpressionForm] = relationship()
    delegate: Mapped[Delegate] = relationship()

    def __repr__(self) -> str:
        return f"<ImpressionInvite {self.form_id}:{self.delegate_id}>"


class ImpressionResponse(Model):
    """One delegate's answers to one form: at most one, editable until the form closes."""

    __tablename__ = "impression_responses"
    __table_args__ = (
        sa.UniqueConstraint("form_id", "delegate_id"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(
        sa.ForeignKey("impression_forms.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    # {"<question id>": value}: an int for a rating, a string for a single
    # choice or text, a list of strings for a multiple choice, a bool for yes/no.
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The answer to the form's first rating question (the overall rating),
    # kept in a column so that festival-wide averages are one SQL query.
    rating: Mapped[int | None]
    # The sentence the delegate offers for the report, and whether they
    # agree to its publication under their name, position and city.
    quote: Mapped[str] = mapped_column(sa.Text, default="")
    consent_to_quote: Mapped[bool] = mapped_column(default=False)
    # The organisers' selection for the printed report.
    in_report: Mapped[bool] = mapped_column(default=False)
    report_position: Mapped[int | None]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    form: Mapped[ImpressionForm] = relationship()
    delegate: Mapped[Delegate] = relationship()

    def __repr__(self) -> str:
        return f"<ImpressionResponse {self.form_id}:{self.delegate_id}>"

    @property
    def quotable(self) -> bool:
        return self.consent_to_quote and bool(self.quote.strip())


# The end of the event a form follows, loaded with the form: the session's
# end, or for the closing form the end of the festival's last session. It
# follows the programme when a session moves, which a stored copy would not.
_other = sa.orm.aliased(ProgrammeSession)
ImpressionForm.event_ends_at = column_property(
    sa.func.coalesce(
        sa.select(ProgrammeSession.ends_at)
        .where(ProgrammeSession.id == ImpressionForm.session_id)
        .correlate_except(ProgrammeSession)
        .scalar_subquery(),
        sa.select(sa.func.max(_other.ends_at))
        .where(
            ImpressionForm.session_id.is_(None),
            _other.festival_id == ImpressionForm.festival_id,
            _other.status == SessionStatus.SCHEDULED,
        )
        .correlate_except(_other)
        .scalar_subquery(),
    ),
    deferred=False,
)
