"""Forms for vehicles, escorts, the transfer settings and a transfer."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from festival.core.forms import Form, SelectChoice, add_error
from festival.programme.forms import choices, int_or_none
from festival.registration.labels import SPOKEN_LANGUAGES, language_choices
from festival.transfers.labels import STATUSES, VEHICLE_KINDS


class VehicleForm(Form):
    label = StringField(
        _l("Name"),
        validators=[InputRequired(), Length(max=80)],
        description=_l("For example Car 3."),
    )
    kind = SelectField(_l("Kind"), choices=choices((k.value, v) for k, v in VEHICLE_KINDS.items()))
    seats = IntegerField(
        _l("Seats for passengers"),
        validators=[InputRequired(), NumberRange(min=1, max=80)],
        description=_l("Not counting the driver."),
    )
    luggage = IntegerField(
        _l("Suitcases it takes"), default=0, validators=[Optional(), NumberRange(min=0, max=200)]
    )
    plate = StringField(_l("Number plate"), validators=[Length(max=20)])
    driver_name = StringField(_l("Driver's name"), validators=[Length(max=120)])
    driver_phone = StringField(_l("Driver's phone"), validators=[Length(max=40)])
    driver_email = EmailField(
        _l("Driver's e-mail (optional)"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("When given, the driver is told of changed flights."),
    )
    driver_language = SelectField(_l("Driver's language"))
    submit = SubmitField(_l("Save the vehicle"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.driver_language.choices = choices(language_choices())


class EscortForm(Form):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    languages = StringField(
        _l("Languages"),
        validators=[Length(max=100)],
        description=_l("Codes, separated by commas: for example ja, en."),
    )
    submit = SubmitField(_l("Save the escort"))

    def language_codes(self) -> list[str]:
        parts = [p.strip().lower() for p in (self.languages.data or "").split(",")]
        return list(dict.fromkeys(p for p in parts if p))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        unknown = [code for code in self.language_codes() if code not in SPOKEN_LANGUAGES]
        if unknown:
            add_error(
                self.languages,
                _("Unknown language codes: %(codes)s.", codes=", ".join(unknown)),
            )
            ok = False
        return ok


class SettingsForm(Form):
    window_minutes = IntegerField(
        _l("Group arrivals landing within (minutes)"),
        validators=[InputRequired(), NumberRange(min=0, max=360)],
    )
    international_buffer_minutes = IntegerField(
        _l("From landing to the arrivals hall at an international airport (minutes)"),
        validators=[InputRequired(), NumberRange(min=0, max=240)],
    )
    domestic_buffer_minutes = IntegerField(
        _l("From landing to the arrivals hall at a domestic airport (minutes)"),
        validators=[InputRequired(), NumberRange(min=0, max=240)],
    )
    departure_buffer_minutes = IntegerField(
        _l("Leave the hotel before a flight (minutes)"),
        validators=[InputRequired(), NumberRange(min=30, max=600)],
    )
    trip_minutes = IntegerField(
        _l("A car is busy for (minutes)"),
        validators=[InputRequired(), NumberRange(min=15, max=600)],
        description=_l("Out and back: the proposal gives a car no second trip before then."),
    )
    mayors_own_car = BooleanField(_l("Each mayor has a car of their own"))
    arrival_meeting_point = StringField(
        _l("Meeting point at the airport"), validators=[Length(max=200)]
    )
    departure_meeting_point = StringField(
        _l("Meeting point at the hotel"), validators=[Length(max=200)]
    )
    submit = SubmitField(_l("Save the settings"))


class TransferForm(Form):
    pickup_at = DateTimeLocalField(
        _l("Pickup (festival time)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[InputRequired()],
    )
    meeting_point = StringField(_l("Meeting point"), validators=[Length(max=200)])
    vehicle_id = SelectField(_l("Vehicle"), coerce=int_or_none)
    escort_id = SelectField(_l("Escort"), coerce=int_or_none)
    # One select, two groups: delegates who interpret ("12") and the host's
    # interpreters ("host-3"), who are staff rather than delegates.
    interpreter_id = SelectField(_l("Interpreter"))
    submit = SubmitField(_l("Save the transfer"))

    def set_choices(
        self, vehicles: Any, escorts: Any, interpreters: Any, host_interpreters: Any = ()
    ) -> None:
        none = ("", "—")
        self.vehicle_id.choices = choices(
            [none, *((v.id, f"{v.label} ({v.seats})") for v in vehicles)]
        )
        self.escort_id.choices = choices([none, *((e.id, e.name) for e in escorts)])
        delegates, hosts = str(_l("Delegates")), str(_l("Host interpreters"))
        self.interpreter_id.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(str(d.id), d.list_name, optgroup=delegates) for d in interpreters),
            *(SelectChoice(f"host-{h.id}", h.name, optgroup=hosts) for h in host_interpreters),
        ]

    def interpreter(self) -> tuple[int | None, int | None]:
        """The chosen (delegate id, host interpreter id): at most one set."""
        value = self.interpreter_id.data or ""
        if value.startswith("host-"):
            return None, int(value.removeprefix("host-"))
        return int_or_none(value), None

    def show_interpreter(self, delegate_id: int | None, host_id: int | None) -> None:
        self.interpreter_id.data = f"host-{host_id}" if host_id else str(delegate_id or "")


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=choices((k.value, v) for k, v in STATUSES.items()))


class MoveForm(Form):
    """Moves a passenger: ``target`` is another transfer's id, empty for none."""

    target = StringField(_l("Move to"))


class ProposalForm(Form):
    fingerprint = HiddenField()
