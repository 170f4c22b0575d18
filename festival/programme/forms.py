"""Forms of the programme: a session, and enrolling a delegation in it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from festival.core.forms import (
    Form,
    LongSelect,
    MultiCheckboxField,
    SelectChoice,
    add_error,
    required,
)
from festival.core.i18n import language_name
from festival.programme.labels import AUDIENCE_LABELS, COMMON_LANGUAGES, SESSION_TYPE_LABELS
from festival.programme.models import Audience, ProgrammeSession
from festival.programme.times import NonexistentLocalTime, local, to_utc

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def choices(pairs: Any) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def int_or_none(value: Any) -> int | None:
    """Coerce a select's value: "" means none."""
    if value in (None, "", "None"):
        return None
    return int(value)


class SessionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    type = SelectField(
        _l("Type"), choices=choices((t.value, label) for t, label in SESSION_TYPE_LABELS.items())
    )
    start_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()], format=TIME_FORMATS)
    end_date = DateField(
        _l("Ends on"),
        validators=[Optional()],
        description=_l("Leave empty when it ends on the day it starts."),
    )
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()], format=TIME_FORMATS)
    venue_id = SelectField(_l("Venue"), coerce=int_or_none, validate_choice=True)
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    speakers = TextAreaField(
        _l("Speakers"), validators=[Length(max=4000)], description=_l("One per line.")
    )
    languages = MultiCheckboxField(  # type: ignore[call-arg]  # WTForms 3.3 argument, not in types-wtforms 3.2
        _l("Languages spoken"),
        # Only codes offered as boxes (the default message would repeat
        # whatever was sent, however long).
        invalid_choice_message=_l("Choose the languages from the list."),
    )
    interpretation = StringField(
        _l("Interpretation"),
        validators=[Length(max=200)],
        description=_l("For example: simultaneous, Japanese ↔ English."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("Places for enrolment; leave empty for no limit."),
    )
    audience = SelectField(
        _l("Audience"), choices=choices((a.value, label) for a, label in AUDIENCE_LABELS.items())
    )
    open_to_accompanying = BooleanField(
        _l("Partner programme: open to accompanying persons"),
        description=_l("Spouses and assistants may enrol. Never for a mayors' session."),
    )
    interpretation_languages = MultiCheckboxField(  # type: ignore[call-arg]  # as languages
        _l("Interpretation offered into"),
        description=_l("The languages the host's interpreters provide at this session."),
        invalid_choice_message=_l("Choose the languages from the list."),
    )
    invited_delegations = SelectMultipleField(
        _l("Invited delegations"),
        coerce=int,
        widget=LongSelect(multiple=True),  # every accepted delegation of the festival
        description=_l("Only for an invited-list session. Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    save_anyway = BooleanField(_l("Save anyway, despite the warnings above"))
    submit = SubmitField(_l("Save session"))
    # Set by set_choices: the stored session's languages, in its order.
    stored_languages: list[str]

    def set_choices(
        self,
        venues: list[tuple[int, str]],
        delegations: list[tuple[int, str]],
        festival_languages: list[str],
        stored_languages: list[str] | None = None,
        offered: list[str] | None = None,
    ) -> None:
        """Fill the selects from the festival's venues, delegations and languages.

        A language the session already has (``stored_languages``) stays
        offered even if unusual; submitted values are never trusted for this.
        """
        # The session's own order (the first is its main language): kept on save.
        self.stored_languages = list(stored_languages or [])
        self.venue_id.choices = choices([("", _("No venue")), *venues])
        self.invited_delegations.choices = choices(delegations)
        codes = list(dict.fromkeys([*festival_languages, *COMMON_LANGUAGES]))
        stored = stored_languages or []
        if not self.is_submitted():
            # Shown from the stored session (fill_from), not from a request.
            stored = [*stored, *(self.languages.data or [])]
        stored = [*stored, *(offered or [])]
        if not self.is_submitted():
            stored = [*stored, *(self.interpretation_languages.data or [])]
        codes += [c for c in dict.fromkeys(stored) if c not in codes]
        self.languages.choices = choices((c, language_name(c)) for c in codes)
        self.interpretation_languages.choices = self.languages.choices

    def fill_from(self, session: ProgrammeSession, tz: ZoneInfo) -> None:
        """Show a stored session's values, its times in the festival's zone."""
        starts, ends = local(session.starts_at, tz), local(session.ends_at, tz)
        self.title.data = session.title
        self.type.data = session.type.value
        self.start_date.data, self.start_time.data = starts.date(), starts.time()
        self.end_date.data = ends.date() if ends.date() != starts.date() else None
        self.end_time.data = ends.time()
        self.venue_id.data = session.venue_id
        self.description.data = session.description
        self.speakers.data = session.speakers
        self.languages.data = list(session.languages or [])
        self.interpretation.data = session.interpretation
        self.interpretation_languages.data = list(session.interpretation_languages or [])
        self.open_to_accompanying.data = session.open_to_accompanying
        self.capacity.data = session.capacity
        self.audience.data = session.audience.value
        self.invited_delegations.data = [d.id for d in session.invited_delegations]

    def schedule(self, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """Start and end as UTC instants, or None with the errors on the fields."""
        start_day: date = required(self.start_date.data)
        end_day: date = self.end_date.data or start_day
        start_at: time = required(self.start_time.data)
        end_at: time = required(self.end_time.data)
        starts = ends = None
        try:
            starts = to_utc(start_day, start_at, tz)
        except NonexistentLocalTime:
            add_error(
                self.start_time,
                _("This time does not exist in %(zone)s (the clocks change).", zone=tz.key),
            )
        try:
            ends = to_utc(end_day, end_at, tz)
        except NonexistentLocalTime:
            add_error(
                self.end_time,
                _("This time does not exist in %(zone)s (the clocks change).", zone=tz.key),
            )
        if starts is None or ends is None:
            return None
        if ends <= starts:
            add_error(self.end_time, _("The session must end after it starts."))
            return None
        return starts, ends

    def validate_invited_delegations(self, field: SelectMultipleField) -> None:
        if self.audience.data == Audience.INVITED.value and not field.data:
            raise ValidationError(_("Choose at least one delegation for an invited-list session."))

    def validate_open_to_accompanying(self, field: BooleanField) -> None:
        if field.data and self.audience.data == Audience.MAYORS.value:
            raise ValidationError(
                _("A session for mayors only is never open to accompanying persons.")
            )

    def languages_in_order(self) -> list[str]:
        """The ticked languages: those the session had, in its order, then
        the new ones as ticked (boxes come in the page's order, not the session's)."""
        ticked = list(dict.fromkeys(self.languages.data or []))
        stored = getattr(self, "stored_languages", [])
        return [c for c in stored if c in ticked] + [c for c in ticked if c not in stored]

    def values(self, starts: datetime, ends: datetime) -> dict[str, Any]:
        """The session's fields, ready for the services."""
        speakers = "\n".join(
            line.strip() for line in (self.speakers.data or "").splitlines() if line.strip()
        )
        audience = Audience(self.audience.data)
        return {
            "title": required(self.title.data).strip(),
            "type": self.type.data,
            "starts_at": starts,
            "ends_at": ends,
            "venue_id": self.venue_id.data,
            "description": (self.description.data or "").strip(),
            "speakers": speakers,
            "languages": self.languages_in_order(),
            "interpretation": (self.interpretation.data or "").strip(),
            "interpretation_languages": list(
                dict.fromkeys(self.interpretation_languages.data or [])
            ),
            "open_to_accompanying": bool(self.open_to_accompanying.data),
            "capacity": self.capacity.data,
            "audience": audience,
            "invited_delegation_ids": (
                list(self.invited_delegations.data or []) if audience == Audience.INVITED else []
            ),
        }


class EnrolDelegationForm(Form):
    delegation_id = SelectField(
        _l("Delegation"),
        coerce=int_or_none,
        validators=[InputRequired()],
        widget=LongSelect(),  # every accepted delegation of the festival
    )
    submit = SubmitField(_l("Enrol the delegation"))


class ConfirmForm(Form):
    """A button and its CSRF token."""

    submit = SubmitField(_l("Confirm"))
