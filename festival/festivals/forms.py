"""Forms for festival editions and their venues."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from flask import flash
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    Field,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from festival.core.content import content_languages
from festival.core.dates import format_day, format_times
from festival.core.forms import Form, MultiCheckboxField, SelectChoice, add_error, required
from festival.core.i18n import language_name
from festival.festivals import services
from festival.festivals.slugs import SLUG_MAX_LENGTH, free_slug, slug_from_dates, slug_from_name
from festival.festivals.zones import find_timezone

# Languages a festival may work in (ISO 639-1), most likely first.
FESTIVAL_LANGUAGES = [
    "en", "ja", "fr", "es", "zh", "ko", "ar", "pt", "it", "de", "ru", "tr", "nl", "pl",
    "el", "sv", "th", "vi", "id", "hi", "fa", "he", "uk", "ro",
]  # fmt: skip

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class LenientFloatField(FloatField):
    """A number that also accepts a decimal comma ("38,7275"), as French users type it."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].strip().replace(",", ".")]
        super().process_formdata(valuelist)


def language_choices(extra: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, "Japanese (日本語)") in the reader's language, plus any ``extra`` codes."""
    reader = get_locale() or Locale("en")
    codes = FESTIVAL_LANGUAGES + [c for c in (extra or []) if c not in FESTIVAL_LANGUAGES]
    choices = []
    for code in codes:
        own = language_name(code)
        try:
            local = Locale.parse(code).get_display_name(reader) or own
        except (ValueError, TypeError):
            local = own
        label = local if local.casefold() == own.casefold() else f"{local} ({own})"
        choices.append((code, label[:1].upper() + label[1:]))
    return choices


# A festival's dates: any edition a city may plan, and none that overflows
# the date arithmetic of zones (year 9999 plus a day).
FIRST_YEAR, LAST_YEAR = 2000, 2200


def _plausible_year(field: Field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class FestivalForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for web addresses"),
        # Left empty, it is made from the name (see FestivalForm.validate).
        validators=[
            Optional(),
            Length(max=SLUG_MAX_LENGTH),
            Regexp(
                SLUG_PATTERN,
                message=_l(
                    "Use lower-case letters, digits and single hyphens only, "
                    "such as gastronomy-2027."
                ),
            ),
        ],
        description=_l(
            "Appears in the public links, e.g. /festivals/gastronomy-2027/programme. "
            "Left empty, it is made from the name."
        ),
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Enter the first day."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Enter the last day."))])
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired()],
        description=_l("The festival's local time: type a city, such as Tokyo, and pick it."),
    )
    host_city = StringField(_l("Host city"), validators=[DataRequired(), Length(max=120)])
    languages = MultiCheckboxField(_l("Languages"))
    # What organisers write in (festival.core.content); unsent, unchanged.
    content_language = SelectField(
        _l("Default content language"),
        validate_choice=False,
        description=_l("Titles and texts are typed in it first; translations fall back to it."),
    )
    content_languages = MultiCheckboxField(
        _l("Content languages"),
        validate_choice=False,
        description=_l("The languages the programme, venues and e-mails are translated into."),
    )
    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Shown to delegates for their questions."),
    )
    visa_signatory_name = StringField(
        _l("Visa letters: signed by (name)"),
        validators=[Optional(), Length(max=200)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description=_l("For example: Taro Suzuki."),
    )
    visa_signatory_title = StringField(
        _l("Visa letters: signatory's title"),
        validators=[Optional(), Length(max=200)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        description=_l("For example: Mayor of Tsuruoka."),
    )
    accompanying_limit = IntegerField(
        _l("Accompanying persons per delegate"),
        default=1,
        validators=[Optional(), NumberRange(min=0, max=9)],
        description=_l(
            "A spouse or an assistant, outside the delegation's quota; 0 for none. "
            "Left empty, it stays as it is (1 for a new festival)."
        ),
    )
    digest_at = TimeField(
        _l("Evening e-mail of the next day's plans"),
        validators=[Optional()],
        format=["%H:%M", "%H:%M:%S"],
        default=time(18, 0),
        description=_l(
            "The evening before each festival day, every delegate with plans that day gets "
            "them by e-mail at this local time (18:00 if left empty)."
        ),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, festival_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._festival_id = festival_id
        # A language the festival already has stays offered even if the list
        # above does not name it; submitted values are never trusted for this.
        stored = getattr(kwargs.get("obj"), "languages", None) or []
        self.languages.choices = language_choices(list(stored))
        offered = list(content_languages())
        self.content_language.choices = [SelectChoice(c, language_name(c)) for c in offered]
        self.content_languages.choices = [SelectChoice(c, language_name(c)) for c in offered]
        if not self.is_submitted():
            # None chosen means every configured one: show them ticked.
            obj = kwargs.get("obj")
            self.content_languages.data = obj.all_content_languages if obj else offered
            self.content_language.data = obj.content_language if obj else offered[0]

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate, with an empty short name made from the name first (or
        from the dates when the name has no Latin letters); the organiser is
        told which, once the festival is saved."""
        note = self._suggest_slug()
        valid = super().validate(extra_validators) and self._sessions_within_dates()
        if valid and note:
            flash(note, "info")
        return valid

    def _sessions_within_dates(self) -> bool:
        """New dates (or zone) of a festival must not leave any of its sessions
        outside them: refused, with those sessions listed at the date field."""
        if self._festival_id is None:
            return True
        tz = ZoneInfo(required(self.timezone.data))
        starts_on = required(self.starts_on.data)
        outside = services.sessions_outside(
            self._festival_id, starts_on, required(self.ends_on.data), tz
        )
        if not outside:
            return True
        listed = "; ".join(
            f"{s.title} ({format_day(s.starts_at, tz)}, {format_times(s.starts_at, s.ends_at, tz)})"
            for s in outside
        )
        message = ngettext(
            "This session would fall outside the festival's dates; move it first: %(sessions)s",
            "These %(num)d sessions would fall outside the festival's dates; "
            "move them first: %(sessions)s",
            len(outside),
            sessions=listed,
        )
        first = datetime.combine(starts_on, time(0), tzinfo=tz)
        early = any(s.starts_at < first for s in outside)
        add_error(self.starts_on if early else self.ends_on, message)
        return False

    def _suggest_slug(self) -> str | None:
        name = (self.name.data or "").strip()
        if (self.slug.data or "").strip() or not name:
            return None
        base = slug_from_name(self.name.data or "")
        from_dates = not base
        if from_dates:
            base = slug_from_dates(self.starts_on.data)
        self.slug.data = free_slug(base, lambda slug: services.slug_taken(slug, self._festival_id))
        if from_dates:
            return _(
                "The name has no letters a web address can use, so its short name was "
                "made from the dates: /festivals/%(slug)s/. Change it under Edit if you like.",
                slug=self.slug.data,
            )
        return _(
            "The short name for web addresses was made from the name: /festivals/%(slug)s/. "
            "Change it under Edit if you like.",
            slug=self.slug.data,
        )

    def validate_slug(self, field: Field) -> None:
        if field.data and services.slug_taken(field.data, self._festival_id):
            raise ValidationError(_l("Another festival already uses %(slug)s.", slug=field.data))

    def validate_starts_on(self, field: Field) -> None:
        _plausible_year(field)

    def validate_ends_on(self, field: Field) -> None:
        _plausible_year(field)
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_timezone(self, field: Field) -> None:
        """A zone ("Asia/Tokyo") or a city ("Tokyo", "São Paulo"), stored as the zone."""
        match = find_timezone(field.data)
        if match.zone is not None:
            field.data = match.zone
            return
        zones = ", ".join(match.suggestions)
        if match.ambiguous:
            raise ValidationError(
                _l(
                    '"%(zone)s" could be several places: %(zones)s. Type the one you mean.',
                    zone=field.data,
                    zones=zones,
                )
            )
        if match.suggestions:
            raise ValidationError(
                _l(
                    'Unknown time zone "%(zone)s". Did you mean %(zones)s?',
                    zone=field.data,
                    zones=zones,
                )
            )
        raise ValidationError(
            _l(
                'Unknown time zone "%(zone)s": type a large city in the same time zone, '
                "such as Tokyo or Paris, or a zone from the list, such as Asia/Tokyo.",
                zone=field.data,
            )
        )

    def validate_languages(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))


class VenueForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=400)])
    latitude = LenientFloatField(
        _l("Latitude"),
        validators=[
            Optional(),
            NumberRange(-90, 90, message=_l("A latitude is between -90 and 90.")),
        ],
        description=_l("Decimal degrees, such as 38.7275 (optional)."),
    )
    longitude = LenientFloatField(
        _l("Longitude"),
        validators=[
            Optional(),
            NumberRange(-180, 180, message=_l("A longitude is between -180 and 180.")),
        ],
        description=_l("Decimal degrees, such as 139.8267 (optional)."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        validators=[
            Optional(),
            NumberRange(1, 1_000_000, message=_l("The capacity is a number of people, 1 or more.")),
        ],
        description=_l("Seats or people the room holds (optional)."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(
        self, *args: Any, festival_id: int, venue_id: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._festival_id = festival_id
        self._venue_id = venue_id

    def validate_name(self, field: Field) -> None:
        if field.data and services.venue_name_taken(self._festival_id, field.data, self._venue_id):
            raise ValidationError(_l("This festival already has a venue with this name."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        latitude, longitude = self.latitude, self.longitude
        if latitude.errors or longitude.errors:
            return valid
        if (latitude.data is None) != (longitude.data is None):
            blank = longitude if longitude.data is None else latitude
            blank.errors = [
                *blank.errors,
                _l("Give both the latitude and the longitude, or neither."),
            ]
            return False
        return valid
