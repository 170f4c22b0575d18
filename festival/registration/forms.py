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

from festival.cities.reference import country_choices
from festival.core.forms import Form, LongSelect, MultiCheckboxField, SelectChoice
from festival.core.i18n import INTERFACE_LANGUAGES, language_name
from festival.festivals.models import Festival
from festival.registration import names
from festival.registration.airports import (
    MAX_NAMED_CANDIDATES,
    Airport,
    AmbiguousAirport,
    NonexistentLocalTime,
    UnknownAirport,
    find_airport,
    local_to_utc,
    normalise_code,
    resolve_airport,
    utc_to_local,
)
from festival.registration.labels import (
    ADDRESS_FORM_LABELS,
    ALLERGENS,
    DIETARY,
    NAME_ORDER_LABELS,
    ROLE_LABELS,
    SPOKEN_LANGUAGES,
    language_choices,
)
from festival.registration.models import Delegate
from festival.registration.names import TITLES, AddressForm, NameOrder

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
# How far from the festival's dates travel may plausibly be.
TRAVEL_SLACK = timedelta(days=30)
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")
PASSPORT = re.compile(r"^[A-Z0-9 ]{4,40}$")
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

    title = SelectField(
        _l("Title"),
        choices=[
            SelectChoice("", _l("None")),
            *_choices(TITLES.items()),
            SelectChoice("other", _l("Other (type it below)")),
        ],
        validators=[Optional()],
    )
    title_other = StringField(
        _l("Other title"),
        validators=[Optional(), Length(max=60)],
        filters=[_strip],
        description=_l("For example: Governor, Professor, Deputy Mayor."),
    )
    family_name = StringField(
        _l("Family name (as in the passport)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
    )
    given_names = StringField(
        _l("Given names (as in the passport)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l("Leave empty if the passport shows only one name."),
    )
    name_order = SelectField(
        _l("Order in which the names are said"),
        choices=_choices(NAME_ORDER_LABELS.items()),
        validators=[InputRequired()],
        description=_l("Family name first for most Japanese, Chinese and Korean names."),
    )
    native_name = StringField(
        _l("Name in your own script (optional)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l("For example 山田 花子, Иван Петров or أحمد حداد."),
    )
    romanisation = StringField(
        _l("How the name is romanised (optional)"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l("For example Hepburn, pinyin, or as in the passport."),
    )
    address_form = SelectField(
        _l("In French, address as"),
        choices=_choices(ADDRESS_FORM_LABELS.items()),
        validators=[Optional()],
        description=_l("French letters begin with Madame or Monsieur."),
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

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if not self.family_name.data and not self.given_names.data:
            self.family_name.errors = list(self.family_name.errors) + [
                _("Please give the family name, the given names, or both.")
            ]
            ok = False
        if self.title.data == "other" and not self.title_other.data:
            self.title_other.errors = list(self.title_other.errors) + [_("Please type the title.")]
            ok = False
        return ok

    def load_name(self, delegate: Delegate) -> None:
        """Fill the name fields; a name typed before the parts existed is
        split as a first guess for the person to check."""
        if delegate.title and delegate.title not in TITLES:
            self.title.data, self.title_other.data = "other", delegate.title
        else:
            self.title.data = delegate.title or ""
        self.name_order.data = str(delegate.name_order or NameOrder.GIVEN_FIRST)
        self.address_form.data = str(delegate.address_form or "")
        if not names.has_parts(delegate):
            # The order is a guess too, from the city's country and the language.
            country = delegate.delegation.city.country_code if delegate.delegation else None
            order = names.default_name_order(country, delegate.locale)
            family, given = names.split_full_name(delegate.full_name, order)
            self.family_name.data, self.given_names.data = family, given
            self.name_order.data = order.value

    def person_values(self) -> dict[str, Any]:
        family = _none_if_blank(self.family_name.data)
        given = _none_if_blank(self.given_names.data)
        order = NameOrder(self.name_order.data or NameOrder.GIVEN_FIRST)
        title = self.title_other.data if self.title.data == "other" else self.title.data
        return {
            "full_name": names.joined_name(family, given, order)[:200],
            "title": _none_if_blank(title),
            "family_name": family,
            "given_names": given,
            "name_order": order,
            "romanisation": _none_if_blank(self.romanisation.data),
            "address_form": AddressForm(self.address_form.data) if self.address_form.data else None,
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
        _l("Arrival airport"),
        validators=[Optional(), Length(max=100)],
        filters=[_strip],
        description=_l("Its code or its name, for example HND, Haneda or Shonai."),
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
        _l("Departure airport"),
        validators=[Optional(), Length(max=100)],
        filters=[_strip],
        description=_l("Its code or its name, for example HND, Haneda or Shonai."),
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
    # Visa data: only on the person's own form (see details_form).
    nationality = SelectField(
        _l("Nationality (as in the passport)"),
        choices=[],
        validators=[Optional()],
        widget=LongSelect(),
    )
    passport_number = StringField(
        _l("Passport number"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(PASSPORT, message=_l("Letters and digits only.")),
        ],
        filters=[_upper],
    )
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    passport_expires_on = DateField(_l("Passport expiry date"), validators=[Optional()])
    consent = BooleanField(_l("I agree to the privacy notice"), validators=[DataRequired()])

    # True on the organisers' edit page: the words speak of the person.
    organiser_view = False

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
        if "nationality" in self._fields:
            self.nationality.choices = [SelectChoice("", "—"), *_choices(country_choices())]
        self.arrival_utc: datetime | None = None
        self.departure_utc: datetime | None = None

    # -- loading from a delegate ------------------------------------------------

    def load(self, delegate: Delegate) -> None:
        """Fill the fields from ``delegate`` (local airport times, split languages)."""
        self.process(obj=delegate)
        self.load_name(delegate)
        known = set(SPOKEN_LANGUAGES)
        self.languages.data = [code for code in delegate.languages or [] if code in known]
        self.languages_other.data = ", ".join(c for c in delegate.languages or [] if c not in known)
        self.arrival_at.data = utc_to_local(delegate.arrival_at, delegate.arrival_airport)
        self.departure_at.data = utc_to_local(delegate.departure_at, delegate.departure_airport)
        for leg in ("arrival", "departure"):
            if airport := find_airport(getattr(delegate, f"{leg}_airport")):
                _confirm_airport(getattr(self, f"{leg}_airport"), airport)
        if "consent" in self._fields:
            self.consent.data = delegate.consent_at is not None

    # -- validation ---------------------------------------------------------------

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        ok = self._check_visa() and ok
        ok = self._check_languages() and ok
        ok = self._check_needs() and ok
        ok = self._check_travel() and ok
        ok = self._check_room() and ok
        return ok

    def _fail(self, field: Any, message: str) -> bool:
        field.errors = list(field.errors) + [message]
        return False

    def _check_visa(self) -> bool:
        if "passport_number" not in self._fields:
            return True
        ok = True
        born, expires = self.date_of_birth.data, self.passport_expires_on.data
        if born is not None and born >= self.festival.starts_on:
            ok = self._fail(self.date_of_birth, _("Please check the date of birth."))
        if expires is not None and expires < self.festival.ends_on:
            ok = self._fail(
                self.passport_expires_on,
                _("This passport expires before the festival ends: a visa needs a valid one."),
            )
        return ok

    def visa_values(self) -> dict[str, Any]:
        """The passport fields as Delegate attributes (none on a form without them)."""
        if "passport_number" not in self._fields:
            return {}
        return {
            "nationality": _none_if_blank(self.nationality.data),
            "passport_number": _none_if_blank(self.passport_number.data),
            "date_of_birth": self.date_of_birth.data,
            "passport_expires_on": self.passport_expires_on.data,
        }

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
            if when.errors or code_field.errors:
                ok = False
                continue
            try:
                airport = resolve_airport(code_field.data)
            except UnknownAirport:
                ok = self._fail(
                    code_field,
                    _(
                        'We do not know the airport "%(typed)s". Type its three-letter code '
                        "(on the ticket) or its name, for example HND or Haneda.",
                        typed=code_field.data,
                    ),
                )
                continue
            except AmbiguousAirport as several:
                ok = self._fail(code_field, _ambiguous_message(code_field.data, several))
                continue
            code = airport.code if airport else ""
            if airport:
                # What is saved is the code; the person sees which airport it is.
                code_field.data = airport.code
                _confirm_airport(code_field, airport)
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
        values.update(self.visa_values())
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


def _confirm_airport(field: Any, airport: Airport) -> None:
    """Show under ``field`` the airport understood, with its time zone."""
    field.description = _(
        "%(name)s (%(city)s, %(country)s): times in %(zone)s.",
        name=airport.name,
        city=airport.city,
        country=airport.country,
        zone=airport.tz,
    )


def _ambiguous_message(typed: str, several: AmbiguousAirport) -> str:
    shown = several.candidates[:MAX_NAMED_CANDIDATES]
    choices = "; ".join(f"{a.code} ({a.name}, {a.city}, {a.country})" for a in shown)
    return _(
        'Several airports answer to "%(typed)s": %(choices)s. Type the code of yours.',
        typed=typed,
        choices=choices,
    )


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
    festival: Festival,
    *,
    with_consent: bool = True,
    third_person: bool = False,
    with_visa: bool = False,
    **kwargs: Any,
) -> DetailsForm:
    """The details form; without the consent box when a head edits a member.

    ``third_person`` is for the head filling in a member's details: the labels
    speak of the member, and the languages may wait for the member. The
    passport fields (``with_visa``) are only for the person and organisers.
    """
    form = DetailsForm(festival=festival, third_person=third_person, **kwargs)
    if not with_consent:
        del form.consent
    if not with_visa:
        for name in VISA_FIELDS:
            del form[name]
    return form


VISA_FIELDS = ("nationality", "passport_number", "date_of_birth", "passport_expires_on")


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
