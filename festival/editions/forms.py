"""The form of a new edition from the last one: its name, short name and dates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Field, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp, ValidationError

from festival.core.forms import Form
from festival.festivals import services
from festival.festivals.forms import FIRST_YEAR, LAST_YEAR, SLUG_PATTERN
from festival.festivals.slugs import SLUG_MAX_LENGTH


def _plausible_year(field: Field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class EditionForm(Form):
    """Sent twice: "Preview the copy" shows what will be copied, "Create the
    new edition" makes it (both carry every field, so nothing typed is lost)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for web addresses"),
        validators=[
            DataRequired(),
            Length(max=SLUG_MAX_LENGTH),
            Regexp(
                SLUG_PATTERN,
                message=_l(
                    "Use lower-case letters, digits and single hyphens only, "
                    "such as gastronomy-2027."
                ),
            ),
        ],
        description=_l("Appears in the public links, e.g. /festivals/gastronomy-2027/programme."),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    preview = SubmitField(_l("Preview the copy"))
    confirm = SubmitField(_l("Create the new edition"))

    def validate_slug(self, field: Field) -> None:
        if field.data and services.slug_taken(field.data):
            raise ValidationError(_l("Another festival already uses %(slug)s.", slug=field.data))

    def validate_starts_on(self, field: Field) -> None:
        _plausible_year(field)

    def validate_ends_on(self, field: Field) -> None:
        _plausible_year(field)
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
