"""The booths' forms: the application, partners' answers, staff, images,
and the organisers' review, halls and placement."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from festival.core.forms import Form, MultiCheckboxField
from festival.programme.forms import choices, int_or_none


def _int(value: Any) -> int:
    return int(value)


class BoothForm(Form):
    """The head of delegation's application: the project and what the booth needs."""

    title = StringField(_l("Project title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=4000)],
        description=_l("What the cities do together, for visitors to read."),
    )
    partners = MultiCheckboxField(_l("Partner cities"), coerce=_int, choices=[])
    needs_power = BooleanField(_l("Power"))
    needs_table = BooleanField(_l("Table"))
    needs_tasting = BooleanField(_l("Tasting (food or drink served)"))
    needs_notes = TextAreaField(_l("Other needs"), validators=[Length(max=1000)])


class AnswerForm(Form):
    """A partner city's answer (the buttons carry it)."""

    answer = RadioField(
        _l("Your answer"),
        choices=choices([("confirm", _l("Confirm")), ("decline", _l("Decline"))]),
        validators=[InputRequired()],
    )


class StaffForm(Form):
    staff = MultiCheckboxField(_l("People at the booth"), coerce=_int, choices=[])


class ImageForm(Form):
    image = FileField(
        _l("Image"),
        validators=[FileRequired(_l("Choose an image to upload."))],
        description=_l("JPEG, PNG or WebP, at most 2 MB; three images per booth."),
    )
    alt = StringField(
        _l("Description of the image"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("For people who cannot see it: what the image shows."),
    )


class ExchangeForm(Form):
    session_id = SelectField(_l("Exchange event"), coerce=int_or_none, validators=[InputRequired()])

    def set_sessions(self, pairs: list[tuple[int, str]]) -> None:
        self.session_id.choices = choices([("", _l("Choose a session…")), *pairs])


class ReviewForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("accept", _l("Accept")), ("decline", _l("Decline"))]),
        validators=[InputRequired()],
    )
    note = TextAreaField(_l("Note to the city"), validators=[Length(max=2000)])


class HallForm(Form):
    name = StringField(_l("Hall name"), validators=[DataRequired(), Length(max=80)])
    rows = IntegerField(_l("Rows"), validators=[InputRequired(), NumberRange(min=1, max=26)])
    columns = IntegerField(
        _l("Stands per row"), validators=[InputRequired(), NumberRange(min=1, max=40)]
    )


class PlaceForm(Form):
    hall_id = SelectField(_l("Hall"), coerce=int_or_none, validators=[Optional()])
    stand = IntegerField(_l("Stand number"), validators=[Optional(), NumberRange(min=1, max=1040)])

    def set_halls(self, pairs: list[tuple[int, str]]) -> None:
        self.hall_id.choices = choices([("", _l("Not placed")), *pairs])
