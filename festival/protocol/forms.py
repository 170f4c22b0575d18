"""Protocol forms: the precedence rule, an override, a city's reading and
place, slot lengths, a seating plan's tables and the hand adjustments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from festival.core.forms import Form, LongSelect
from festival.core.i18n import language_name
from festival.programme.forms import choices, int_or_none
from festival.protocol.labels import CLASS_LABELS, RULE_LABELS, SHAPE_LABELS
from festival.protocol.models import LayoutKind, TableShape
from festival.protocol.seating import MAX_SEATS, MAX_TABLES


class SettingsForm(Form):
    rule = SelectField(
        _l("Cities of equal rank are ordered by"),
        choices=choices((r.value, label) for r, label in RULE_LABELS.items()),
    )
    language = SelectField(
        _l("Host's language (for alphabetical order)"),
        description=_l("Japanese orders cities in gojūon order of their kana reading."),
    )
    host_delegate_id = SelectField(
        _l("Host"),
        coerce=int_or_none,
        widget=LongSelect(),  # every confirmed mayor of the festival
        description=_l("Left empty: the confirmed mayor of the host city's delegation."),
    )

    def set_choices(self, languages: list[str], mayors: list[tuple[int, str]]) -> None:
        self.language.choices = choices((code, language_name(code)) for code in languages)
        self.host_delegate_id.choices = choices([("", _l("Automatic")), *mayors])


class OverrideForm(Form):
    rank_class = SelectField(
        _l("Rank as"),
        coerce=int_or_none,
        choices=choices(
            [("", _l("As the confirmed role says"))]
            + [(int(k), v) for k, v in CLASS_LABELS.items()]
        ),
    )
    position = IntegerField(
        _l("Place within the rank"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("1 comes first; people without a place follow the festival's rule."),
    )
    note = StringField(_l("Why (shown on the printed list)"), validators=[Length(max=200)])


class CityForm(Form):
    local_name = StringField(_l("Name in the host's script"), validators=[Length(max=120)])
    reading = StringField(
        _l("Reading (kana)"),
        validators=[Length(max=120)],
        description=_l("Hiragana or katakana, e.g. つるおか: orders the city in gojūon order."),
    )
    manual_position = IntegerField(
        _l("Place in the organisers' order"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
    )


class SlotForm(Form):
    slot_minutes = IntegerField(
        _l("Minutes per speaker"), validators=[InputRequired(), NumberRange(min=1, max=120)]
    )
    offset_minutes = IntegerField(
        _l("Minutes before the first speaker"),
        validators=[InputRequired(), NumberRange(min=0, max=600)],
        description=_l("Opening words, before the running order starts."),
    )


class PlanForm(Form):
    layout = SelectField(
        _l("Layout"),
        choices=choices(
            [(LayoutKind.TABLES.value, _l("Tables")), (LayoutKind.ROWS.value, _l("Rows"))]
        ),
    )
    head_shape = SelectField(
        _l("Head table"),
        choices=choices(
            (s.value, label) for s, label in SHAPE_LABELS.items() if s != TableShape.ROW
        ),
    )
    head_seats = IntegerField(
        _l("Seats at the head table (or in the first row)"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_SEATS)],
    )
    count = IntegerField(
        _l("Other tables (or rows)"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_TABLES)],
    )
    shape = SelectField(
        _l("Their shape"),
        choices=choices(
            (s.value, label) for s, label in SHAPE_LABELS.items() if s != TableShape.ROW
        ),
    )
    seats = IntegerField(
        _l("Seats at each"), validators=[InputRequired(), NumberRange(min=1, max=MAX_SEATS)]
    )
    mix = BooleanField(_l("Mix delegations across tables (an exchange dinner)"))


class MoveForm(Form):
    delegate_id = SelectField(
        _l("Guest"), coerce=int_or_none, validators=[InputRequired()], validate_choice=False
    )
    table = IntegerField(
        _l("Table or row"), validators=[InputRequired(), NumberRange(min=1, max=MAX_TABLES + 1)]
    )
    seat = IntegerField(_l("Seat"), validators=[InputRequired(), NumberRange(min=1, max=MAX_SEATS)])


class SwapForm(Form):
    first_id = SelectField(
        _l("Guest"), coerce=int_or_none, validators=[InputRequired()], validate_choice=False
    )
    second_id = SelectField(
        _l("swaps seats with"),
        coerce=int_or_none,
        validators=[InputRequired()],
        validate_choice=False,
    )
