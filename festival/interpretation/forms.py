"""Forms of interpretation: a host interpreter, and assigning one to a session."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from festival.core.forms import Form, SelectChoice
from festival.core.i18n import language_name
from festival.programme.forms import MultiCheckboxField, int_or_none
from festival.programme.labels import COMMON_LANGUAGES


class HostInterpreterForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    languages = MultiCheckboxField(  # type: ignore[call-arg]  # WTForms 3.3 argument
        _l("Languages they interpret"),
        validators=[DataRequired(_l("Tick at least two languages."))],
        invalid_choice_message=_l("Choose the languages from the list."),
    )
    languages_other = StringField(
        _l("Other languages"),
        validators=[Optional(), Length(max=100)],
        description=_l("Language codes, separated by commas, e.g. th, vi."),
    )
    submit = SubmitField(_l("Add the interpreter"))

    def __init__(
        self, *args: object, festival_languages: list[str] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        codes = list(dict.fromkeys([*(festival_languages or []), *COMMON_LANGUAGES]))
        self.languages.choices = [SelectChoice(c, language_name(c)) for c in codes]

    def all_languages(self) -> list[str]:
        """The ticked languages and the others typed, without repeats."""
        others = [p.strip().lower() for p in (self.languages_other.data or "").split(",")]
        return list(dict.fromkeys([*(self.languages.data or []), *(o for o in others if o)]))


class AssignForm(Form):
    interpreter_id = SelectField(
        _l("Host interpreter"), coerce=int_or_none, validators=[InputRequired()]
    )
    submit = SubmitField(_l("Assign to this session"))
