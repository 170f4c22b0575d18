"""The delegate's forms: the head's registration, a member's details, a new member.

Validation that needs nothing but the form (an airport we know, departure
after arrival, nights in order) lives here; rules that need the database
(quota, deadline, an e-mail already in the delegation) live in services.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp

from festival.core.forms import Form, MultiCheckboxField, SelectChoice
from festival.core.i18n import INTERFACE_LANGUAGES, language_name
from festival.festivals.models import Festival
from festival.registration.airports import (
    NonexistentLocalTime,
    find_airport,
    local_to_utc,
    normalise_code,
    utc_to_local,
)
from festival.registration.labels import (
    ALLERGENS,
    DIETARY,
    ROLE_LABELS,
    SPOKEN_LANGUAGES,
    language_choices,
)
from festival.registration.models import Delegate

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
# How far from the festival's dates travel may plausibly be.
TRAVEL_SLACK = timedelta(days=30)
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")
FLIGHT = re.compile(r"^[A-Z0-9]{2,3} ?[0-9]{1,4}[A-Z]?$")


def _choices(pairs: Any) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in pairs]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _none_if_blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


class MemberForm(Form):
    """Who someone is: the first part of every delegate's details form."""

    # The details form speaks to the person filling it in; the head fills in
    # a member's, so the labels then speak of the member (see details_form).
    third_person = False

    full_name = StringField(
        _l("Full name (as in the passport)"),
        validators=[DataRequired(), Length(max=200)],
        filters=[_strip],
    )
    native_name = StringField(
        _l("Name in your own script (optional)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l("For example 山田 花子, Иван Петров or أحمد حداد."),
    )
    position = StringField(
        _l("Position"),
        validators=[DataRequired(), Length(max=200)],
        filters=[_strip],
        description=_l("For example: Director, Creative City Office."),
    )
    role = SelectField(
        _l("Role in the delegation"),
        choices=_choices(ROLE_LABELS.items()),
        validators=[InputRequired()],
    )
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[_lower],
    )
    locale = SelectField(
        _l("Language for e-mails and pages"),
        choices=_choices((code, language_name(code)) for code in INTERFACE_LANGUAGES),
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Save"))

    def person_values(self) -> dict[str, Any]:
        return {
            "full_name": self.full_name.data,
            "native_name": _none_if_blank(self.native_name.data),
            "position": self.position.data,
            "role": self.role.data,
            "email": self.email.data,
            "locale": self.locale.data,
        }


class DetailsForm(MemberForm):
    """Everything about one delegate: contact, languages, needs, travel, room."""

    phone = StringField(
        _l("Phone (with country code)"),
        validators=[Optional(), Regexp(PHONE, message=_l("Digits, spaces and + only."))],
        filters=[_strip],
        description=_l("For example +39 0521 123456. We call it only on the days of travel."),
    )
    languages = MultiCheckboxField(_l("Languages you speak"), choices=[])
    languages_other = StringField(
        _l("Other languages"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l("Separate them with commas."),
    )
    dietary = MultiCheckboxField(_l("Dietary requirements"), choices=_choices(DIETARY.items()))
    dietary_other = StringField(
        _l("Other dietary requirements"), validators=[Optional(), Length(max=400)], filters=[_strip]
    )
    allergens = MultiCheckboxField(_l("Allergies"), choices=_choices(ALLERGENS.items()))
    allergens_other = StringField(
        _l("Other allergies"), validators=[Optional(), Length(max=400)], filters=[_strip]
    )
    accessibility = TextAreaField(
        _l("Accessibility needs"),
        validators=[Optional(), Length(max=2000)],
        filters=[_strip],
        description=_l("Wheelchair, step-free access, sight or hearing: anything that helps us."),
    )
    arrival_at = DateTimeLocalField(
        _l("Arrival: local date and time at the airport"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
    )
    arrival_airport = StringField(
        _l("Arrival airport (IATA code)"),
        validators=[Optional(), Length(max=3)],
        filters=[_upper],
        description=_l("Three letters, for example HND (Tokyo Haneda) or SYO (Shonai)."),
    )
    arrival_flight = StringField(
        _l("Arrival flight"),
        validators=[Optional(), Length(max=20)],
        filters=[_upper],
        description=_l("For example NH 393."),
    )
    departure_at = DateTimeLocalField(
        _l("Departure: local date and time at the airport"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
    )
    departure_airport = StringField(
        _l("Departure airport (IATA code)"),
        validators=[Optional(), Length(max=3)],
        filters=[_upper],
    )
    departure_flight = StringField(
        _l("Departure flight"), validators=[Optional(), Length(max=20)], filters=[_upper]
    )
    needs_room = BooleanField(_l("I need a hotel room"))
    shares_room_with = StringField(
        _l("Sharing the room with (optional)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
    )
    check_in_on = DateField(_l("Check-in night"), validators=[Optional()])
    check_out_on = DateField(_l("Check-out day"), validators=[Optional()])
    consent = BooleanField(_l("I agree to the privacy notice"), validators=[DataRequired()])

    def __init__(
        self, *args: Any, festival: Festival, third_person: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.festival = festival
        self.third_person = third_person
        if third_person:
            for name, label in THIRD_PERSON_LABELS.items():
                self[name].label.text = label
        self.languages.choices = _choices(language_choices())
        self.arrival_utc: datetime | None = None
        self.departure_utc: datetime | None = None

    # -- loading from a delegate ------------------------------------------------

    def load(self, delegate: Delegate) -> None:
        """Fill the fields from ``delegate`` (local airport times, split languages)."""
        self.process(obj=delegate)
        known = set(SPOKEN_LANGUAGES)
        self.languages.data = [code for code in delegate.languages or [] if code in known]
        self.languages_other.data = ", ".join(c for c in delegate.languages or [] if c not in known)
        self.arrival_at.data = utc_to_local(delegate.arrival_at, delegate.arrival_airport)
        self.departure_at.data = utc_to_local(delegate.departure_at, delegate.departure_airport)
        if "consent" in self._fields:
            self.consent.data = delegate.consent_at is not None

    # -- validation ---------------------------------------------------------------

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        ok = self._check_languages() and ok
        ok = self._check_needs() and ok
        ok = self._check_travel() and ok
        ok = self._check_room() and ok
        return ok

    def _fail(self, field: Any, message: str) -> bool:
        field.errors = list(field.errors) + [message]
        return False

    def _check_languages(self) -> bool:
        # The head may not know a member's languages: the member completes them.
        if self.third_person:
            return True
        if not self.languages.data and not self.languages_other.data:
            return self._fail(self.languages, _("Tick at least one language you speak."))
        return True

    def _check_needs(self) -> bool:
        ok = True
        if "other" in (self.dietary.data or []) and not self.dietary_other.data:
            message = (
                _("Please describe their dietary requirement.")
                if self.third_person
                else _("Please describe your dietary requirement.")
            )
            ok = self._fail(self.dietary_other, message)
        return ok

    def _check_travel(self) -> bool:
        ok = True
        window = (
            self.festival.starts_on - TRAVEL_SLACK,
            self.festival.ends_on + TRAVEL_SLACK,
        )
        instants = {}
        for leg in ("arrival", "departure"):
            when = getattr(self, f"{leg}_at")
            code_field = getattr(self, f"{leg}_airport")
            code = normalise_code(code_field.data)
            if when.errors or code_field.errors:
                ok = False
                continue
            airport = find_airport(code) if code else None
            if code and airport is None:
                ok = self._fail(
                    code_field,
                    _(
                        "We do not know the airport %(code)s. Use its three-letter IATA code, "
                        "for example HND.",
                        code=code,
                    ),
                )
                continue
            if when.data and not code:
                ok = self._fail(code_field, _("Which airport? Its code gives the time zone."))
                continue
            if code and when.data is None:
                ok = self._fail(when, _("Please give the local date and time as well."))
                continue
            if when.data is None or airport is None:  # no time, or no code and so no time
                continue
            if not window[0] <= when.data.date() <= window[1]:
                ok = self._fail(
                    when,
                    _(
                        "Please check the date: the festival runs from %(start)s to %(end)s.",
                        start=self.festival.starts_on.isoformat(),
                        end=self.festival.ends_on.isoformat(),
                    ),
                )
                continue
            try:
                instants[leg] = local_to_utc(when.data, airport)
            except NonexistentLocalTime:
                ok = self._fail(
                    when,
                    _("This time does not exist in %(zone)s (the clocks change).", zone=airport.tz),
                )
        for leg in ("arrival", "departure"):
            flight = getattr(self, f"{leg}_flight")
            if flight.data and not FLIGHT.match(flight.data):
                ok = self._fail(flight, _("A flight number looks like NH 393 or AF276."))
        arrival, departure = instants.get("arrival"), instants.get("departure")
        if arrival and departure and departure <= arrival:
            ok = self._fail(self.departure_at, _("The departure must be after the arrival."))
        self.arrival_utc, self.departure_utc = arrival, departure
        return ok

    def _check_room(self) -> bool:
        if not self.needs_room.data:
            return True
        ok = True
        if self.check_in_on.errors or self.check_out_on.errors:
            return False
        if self.check_in_on.data is None:
            ok = self._fail(
                self.check_in_on,
                _("Which night do they arrive at the hotel?")
                if self.third_person
                else _("Which night do you arrive at the hotel?"),
            )
        if self.check_out_on.data is None:
            ok = self._fail(
                self.check_out_on,
                _("Which day do they leave the hotel?")
                if self.third_person
                else _("Which day do you leave the hotel?"),
            )
        check_in, check_out = self.check_in_on.data, self.check_out_on.data
        if check_in is not None and check_out is not None and check_out <= check_in:
            ok = self._fail(self.check_out_on, _("The check-out must be after the check-in."))
        return ok

    # -- cleaned values ---------------------------------------------------------------

    def delegate_values(self) -> dict[str, Any]:
        """The validated values as Delegate attributes (times in UTC)."""
        others = [part.strip() for part in (self.languages_other.data or "").split(",")]
        languages = list(dict.fromkeys(list(self.languages.data or []) + [o for o in others if o]))
        needs_room = bool(self.needs_room.data)
        values = self.person_values()
        values.update(
            phone=_none_if_blank(self.phone.data),
            languages=languages,
            dietary=list(self.dietary.data or []),
            dietary_other=_none_if_blank(self.dietary_other.data),
            allergens=list(self.allergens.data or []),
            allergens_other=_none_if_blank(self.allergens_other.data),
            accessibility=_none_if_blank(self.accessibility.data),
            arrival_at=self.arrival_utc,
            arrival_airport=normalise_code(self.arrival_airport.data) or None,
            arrival_flight=_none_if_blank(self.arrival_flight.data),
            departure_at=self.departure_utc,
            departure_airport=normalise_code(self.departure_airport.data) or None,
            departure_flight=_none_if_blank(self.departure_flight.data),
            needs_room=needs_room,
            shares_room_with=_none_if_blank(self.shares_room_with.data) if needs_room else None,
            check_in_on=self.check_in_on.data if needs_room else None,
            check_out_on=self.check_out_on.data if needs_room else None,
        )
        return values


# The labels that speak to the person, as they read when the head fills in a member's.
THIRD_PERSON_LABELS = {
    "native_name": _l("Name in their own script (optional)"),
    "locale": _l("Language for their e-mails and pages"),
    "languages": _l("Languages they speak"),
    "dietary": _l("Their dietary requirements"),
    "dietary_other": _l("Their other dietary requirements"),
    "allergens": _l("Their allergies"),
    "allergens_other": _l("Their other allergies"),
    "accessibility": _l("Their accessibility needs"),
    "needs_room": _l("Needs a hotel room"),
}


def details_form(
    festival: Festival, *, with_consent: bool = True, third_person: bool = False, **kwargs: Any
) -> DetailsForm:
    """The details form; without the consent box when a head edits a member.

    ``third_person`` is for the head filling in a member's details: the labels
    speak of the member, and the languages may wait for the member.
    """
    form = DetailsForm(festival=festival, third_person=third_person, **kwargs)
    if not with_consent:
        del form.consent
    return form


def default_nights(festival: Festival) -> tuple[date, date]:
    """The usual stay: the night before the festival to the morning after."""
    return festival.starts_on - timedelta(days=1), festival.ends_on + timedelta(days=1)


class DeletionForm(Form):
    reason = TextAreaField(
        _l("Anything we should know (optional)"),
        validators=[Optional(), Length(max=2000)],
        filters=[_strip],
    )
    confirm = BooleanField(
        _l("I understand that the organisers will delete my personal data."),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Ask for deletion"))
