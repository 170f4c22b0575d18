"""Forms for invited cities and their import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, StopValidation

from festival.cities.labels import kind_choices
from festival.cities.models import CityKind
from festival.cities.reference import country_choices, field_choices
from festival.core.forms import Form, LongSelect, SelectChoice
from festival.core.i18n import LANGUAGE_NAMES


def _field_for_a_city(form: Form, field: Field) -> None:
    """A city needs its creative field; any other guest may have none."""
    if form.kind.data == CityKind.CITY.value and not field.data:
        raise StopValidation(_l("Choose the city's creative field."))


class CityForm(Form):
    kind = SelectField(
        _l("Kind of guest"),
        default=CityKind.CITY.value,
        description=_l(
            "An organisation (UNESCO, a ministry), the press or a keynote speaker "
            "is invited and registers like a city's delegation."
        ),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    country_code = SelectField(_l("Country"), validators=[DataRequired()], widget=LongSelect())
    creative_field = SelectField(
        _l("Creative field"),
        validators=[_field_for_a_city, Optional()],
        description=_l("For a city; leave empty for any other guest."),
    )
    contact_name = StringField(_l("Contact name"), validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Invitations go to this address."),
    )
    preferred_language = SelectField(
        _l("Preferred language"),
        choices=list(LANGUAGE_NAMES.items()),
        default="en",
        description=_l("The language of the e-mails the city receives."),
    )
    year_designated = IntegerField(
        _l("Year designated"),
        validators=[Optional(), NumberRange(min=1900, max=2100)],
        description=_l("When the city joined the network, if it is a member."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Built per request: the names are in the reader's language.
        self.country_code.choices = [("", _l("Choose a country…")), *country_choices()]
        self.creative_field.choices = [("", _l("Choose a field…")), *field_choices()]
        self.kind.choices = [SelectChoice(value, label) for value, label in kind_choices()]


class ImportForm(Form):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[FileRequired(_l("Choose a file to upload."))],
        description=_l(
            "Columns: name, country, creative field, contact e-mail, preferred language. "
            "Headers may be in English, French or Japanese; countries as ISO codes or names."
        ),
    )
    submit = SubmitField(_l("Preview the import"))


class ConfirmImportForm(Form):
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))
