"""Forms: the organiser's form settings and questions, and the delegate's answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from festival.core.forms import Form, MultiCheckboxField, SelectChoice
from festival.core.limits import FIRST_DAY, LAST_DAY, day_in_range
from festival.impressions.models import (
    RATING_LABELS,
    ImpressionQuestion,
    QuestionKind,
)
from festival.impressions.sending import MAX_DELAY_MINUTES

MAX_ANSWER = 4000
MAX_CHOICES = 20

KIND_LABELS = {
    QuestionKind.RATING: _l("Rating (1 to 5)"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.TEXT: _l("Free text"),
}


def local_to_utc(value: datetime, tz: ZoneInfo) -> datetime | None:
    """A wall-clock time typed in the festival's zone, as UTC; None when the
    zone skips that time (clocks jump forward over it)."""
    local = value.replace(tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != value.replace(tzinfo=None):
        return None
    return instant


class FormSettingsForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    delay_minutes = IntegerField(
        _l("Send after the end (minutes)"),
        default=60,
        validators=[
            InputRequired(_l("Give a number of minutes (0 sends right at the end).")),
            NumberRange(min=0, max=MAX_DELAY_MINUTES),
        ],
        description=_l("How long after the event ends the e-mails go out (default: 60)."),
    )
    closes_at = DateTimeLocalField(
        _l("Closes at"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l(
            "In the festival's time zone. Empty: the form stays open 14 days after it is sent."
        ),
    )

    def __init__(
        self, *args: Any, tz: ZoneInfo, event_ends_at: datetime | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.event_ends_at = event_ends_at
        self.closes_at_utc: datetime | None = None

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if field.data is None:
            return
        # Year 1 or 9999 would overflow when turned into UTC (and means nothing here).
        if not day_in_range(field.data):
            raise ValidationError(
                _l(
                    "Give a date between %(first)s and %(last)s.",
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                )
            )
        instant = local_to_utc(field.data, self.tz)
        if instant is None:
            raise ValidationError(_l("That time does not exist in the festival's zone."))
        delay = self.delay_minutes.data if isinstance(self.delay_minutes.data, int) else 0
        if self.event_ends_at is not None and instant <= self.event_ends_at + timedelta(
            minutes=delay
        ):
            raise ValidationError(_l("The form must close after it opens."))
        self.closes_at_utc = instant


class QuestionForm(Form):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, label) for k, label in KIND_LABELS.items()]
    )
    text = StringField(_l("Question"), validators=[DataRequired(), Length(max=500)])
    choices = TextAreaField(
        _l("Options"),
        validators=[Optional()],
        description=_l("For a choice question: one option per line."),
    )
    required = BooleanField(_l("An answer is required"))

    def option_list(self) -> list[str]:
        seen: list[str] = []
        for line in (self.choices.data or "").splitlines():
            option = line.strip()[:200]
            if option and option not in seen:
                seen.append(option)
        return seen

    def validate_choices(self, field: TextAreaField) -> None:
        if self.kind.data in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            options = self.option_list()
            if len(options) < 2:
                raise ValidationError(_l("A choice question needs at least two options."))
            if len(options) > MAX_CHOICES:
                raise ValidationError(_l("At most 20 options."))


# --- the delegate's answers -------------------------------------------------


class RatingField(RadioField):
    """1 to 5, shown as a row of large buttons."""


class YesNoField(RadioField):
    pass


def _required(question: ImpressionQuestion) -> list[Any]:
    if question.required:
        return [InputRequired(_l("Please answer this question."))]
    return [Optional()]


def _field_for(question: ImpressionQuestion) -> Field:
    label = question.display_label
    validators = _required(question)
    if question.kind == QuestionKind.RATING:
        return RatingField(
            label,
            choices=[SelectChoice(str(n), RATING_LABELS[n]) for n in range(1, 6)],
            validators=validators,
        )
    if question.kind == QuestionKind.YES_NO:
        return YesNoField(
            label,
            choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
            validators=validators,
        )
    if question.kind == QuestionKind.SINGLE_CHOICE:
        return RadioField(
            label,
            choices=[SelectChoice(c, text) for c, text in question.display_choices()],
            validators=validators,
        )
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        if question.required:
            validators = [DataRequired(_l("Please choose at least one option."))]
        return MultiCheckboxField(
            label,
            choices=[SelectChoice(c, text) for c, text in question.display_choices()],
            validators=validators,
        )
    return TextAreaField(label, validators=[*validators, Length(max=MAX_ANSWER)])


class AnswerFormBase(Form):
    questions: list[ImpressionQuestion]
    has_quote: bool

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.has_quote and self.consent_to_quote.data:
            quote = next(q for q in self.questions if q.is_quote)
            if not (self[quote.field_name].data or "").strip():
                self.consent_to_quote.errors.append(
                    _l("Write the sentence we may quote above, or untick this box.")
                )
                valid = False
        return valid

    def answers(self) -> dict[str, Any]:
        """{question id: value} from the submitted fields."""
        result: dict[str, Any] = {}
        for question in self.questions:
            value = self[question.field_name].data
            if question.kind == QuestionKind.RATING:
                value = int(value) if value else None
            elif question.kind == QuestionKind.YES_NO:
                value = {"yes": True, "no": False}.get(value or "")
            elif question.kind == QuestionKind.TEXT:
                value = (value or "").strip()
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                value = [v for v in question.choices if v in (value or [])]
            result[str(question.id)] = value
        return result

    def fields_in_order(self) -> list[tuple[ImpressionQuestion, Field]]:
        return [(q, self[q.field_name]) for q in self.questions]


def answer_form(
    questions: list[ImpressionQuestion],
    answers: dict[str, Any] | None = None,
    consent: bool = False,
    **kwargs: Any,
) -> AnswerFormBase:
    """A form with one field per question, filled with earlier ``answers`` on GET."""

    class AnswerForm(AnswerFormBase):
        pass

    has_quote = any(q.is_quote for q in questions)
    for question in questions:
        setattr(AnswerForm, question.field_name, _field_for(question))
    if has_quote:
        AnswerForm.consent_to_quote = BooleanField(
            _l(
                "I agree that this sentence may be published in the festival's public "
                "report with my name, position and city. I can withdraw this at any time "
                "from this page. When the festival's personal data is erased after the festival, "
                "the published sentence stays in the report with my name, position and city; "
                "my other written answers are removed."
            )
        )
    data: dict[str, Any] = {}
    for question in questions:
        value = (answers or {}).get(str(question.id))
        if value is None:
            continue
        if question.kind == QuestionKind.RATING:
            value = str(value)
        elif question.kind == QuestionKind.YES_NO:
            value = "yes" if value else "no"
        data[question.field_name] = value
    if has_quote:
        data["consent_to_quote"] = consent
    form = AnswerForm(data=data, **kwargs)
    form.questions = questions
    form.has_quote = has_quote
    return form
