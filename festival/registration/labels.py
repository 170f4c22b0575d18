"""The fixed lists a delegate picks from, with their translated labels, and
how registration data reads on a page (labels and local airport times).

Stored values are the stable keys on the left; labels are translated where
shown. Other domains (catering counts, rooming lists) read these lists too.
Templates reach the helpers through the ``registration`` global (see
public.py), e.g. ``{{ registration.role(d.role) }}``.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.cities.reference import country_name
from festival.core.dates import format_moment
from festival.core.i18n import language_name
from festival.registration import history, names
from festival.registration.airports import find_airport
from festival.registration.models import DelegateChange, DelegateRole, DelegateStatus
from festival.registration.names import AddressForm, NameOrder

ROLE_LABELS = {
    DelegateRole.MAYOR: _l("Mayor"),
    DelegateRole.DEPUTY_MAYOR: _l("Deputy mayor"),
    DelegateRole.OFFICIAL: _l("Official"),
    DelegateRole.INTERPRETER: _l("Interpreter"),
    DelegateRole.CHEF: _l("Chef"),
    DelegateRole.PRESS: _l("Press"),
    DelegateRole.OTHER: _l("Other"),
}

STATUS_LABELS = {
    DelegateStatus.PENDING: _l("Awaiting confirmation"),
    DelegateStatus.CONFIRMED: _l("Confirmed"),
    DelegateStatus.DECLINED: _l("Declined"),
    DelegateStatus.CANCELLED: _l("Cancelled"),
}

# Languages offered as checkboxes; anything else goes in "other languages".
SPOKEN_LANGUAGES = [
    "en",
    "ja",
    "fr",
    "es",
    "pt",
    "it",
    "de",
    "zh",
    "ko",
    "ar",
    "ru",
    "hi",
    "th",
    "tr",
    "fa",
    "pl",
    "id",
    "vi",
    "nl",
    "sv",
]

DIETARY = {
    "vegetarian": _l("Vegetarian"),
    "vegan": _l("Vegan"),
    "pescatarian": _l("Pescatarian"),
    "halal": _l("Halal"),
    "kosher": _l("Kosher"),
    "no_pork": _l("No pork"),
    "no_alcohol": _l("No alcohol"),
    "other": _l("Other (please describe)"),
}

# The EU's 14 allergens (Regulation 1169/2011, Annex II), then the ones
# Japanese labels name (mandatory and recommended) that the EU list does not
# already cover word for word. Groups stay general ("crustaceans") next to the
# specific items a Japanese kitchen labels ("shrimp", "crab"): someone
# allergic to all crustaceans ticks one box, someone allergic to crab only
# ticks that one.
EU_ALLERGENS = {
    "gluten": _l("Cereals containing gluten (wheat, rye, barley, oats)"),
    "crustaceans": _l("Crustaceans (all: shrimp, crab, lobster…)"),
    "eggs": _l("Eggs"),
    "fish": _l("Fish (all)"),
    "peanuts": _l("Peanuts"),
    "soybeans": _l("Soybeans"),
    "milk": _l("Milk"),
    "tree_nuts": _l("Tree nuts (all: almond, hazelnut, walnut, cashew…)"),
    "celery": _l("Celery"),
    "mustard": _l("Mustard"),
    "sesame": _l("Sesame"),
    "sulphites": _l("Sulphites"),
    "lupin": _l("Lupin"),
    "molluscs": _l("Molluscs (all: squid, octopus, clams, abalone…)"),
}

JAPAN_ALLERGENS = {
    "wheat": _l("Wheat"),
    "buckwheat": _l("Buckwheat (soba)"),
    "shrimp": _l("Shrimp / prawn"),
    "crab": _l("Crab"),
    "walnut": _l("Walnut"),
    "almond": _l("Almond"),
    "cashew": _l("Cashew nut"),
    "macadamia": _l("Macadamia nut"),
    "abalone": _l("Abalone"),
    "squid": _l("Squid"),
    "salmon_roe": _l("Salmon roe (ikura)"),
    "salmon": _l("Salmon"),
    "mackerel": _l("Mackerel"),
    "beef": _l("Beef"),
    "pork": _l("Pork"),
    "chicken": _l("Chicken"),
    "gelatin": _l("Gelatin"),
    "orange": _l("Orange"),
    "kiwi": _l("Kiwi fruit"),
    "banana": _l("Banana"),
    "peach": _l("Peach"),
    "apple": _l("Apple"),
    "yam": _l("Yam (yamaimo)"),
    "matsutake": _l("Matsutake mushroom"),
}

ALLERGENS = {**EU_ALLERGENS, **JAPAN_ALLERGENS}


NAME_ORDER_LABELS = {
    NameOrder.GIVEN_FIRST: _l("Given names first (Marco Guerra)"),
    NameOrder.FAMILY_FIRST: _l("Family name first (Yamamoto Tatsuji)"),
}

ADDRESS_FORM_LABELS = {
    "": _l("Neither (Madame, Monsieur)"),
    AddressForm.MADAM: _l("Madame"),
    AddressForm.SIR: _l("Monsieur"),
}


def greeting(person: names.NamedPerson) -> str:
    """The first line of a letter to ``person`` in the current language
    (e-mails are rendered in the recipient's)."""
    return names.greeting(person, str(get_locale() or "en"))


def change_text(change: DelegateChange) -> str:
    """One history row as a sentence; passport data never with its values."""
    field = history.field_label(change.field)
    if history.is_secret(change.field):
        return _("%(field)s changed", field=field)
    return _(
        "%(field)s: %(old)s → %(new)s",
        field=field,
        old=change.old_value or "—",
        new=change.new_value or "—",
    )


# Not a role: what lists show instead of one for an accompanying person.
ACCOMPANYING = "accompanying"


def role_label(role: DelegateRole | str) -> str:
    if role == ACCOMPANYING:
        return str(_l("Accompanying person"))
    return str(ROLE_LABELS.get(DelegateRole(role), role))


def status_label(status: DelegateStatus | str) -> str:
    return str(STATUS_LABELS.get(DelegateStatus(status), status))


def dietary_label(key: str) -> str:
    return str(DIETARY.get(key, key))


def allergen_label(key: str) -> str:
    return str(ALLERGENS.get(key, key))


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name) for the spoken-languages checkboxes."""
    return [(code, language_name(code)) for code in SPOKEN_LANGUAGES]


# --- how registration data reads on a page ---------------------------------------


def airport_time(instant: datetime | None, code: str | None) -> str:
    """``instant`` as the wall-clock time at the airport, with the airport code."""
    if instant is None:
        return ""
    airport = find_airport(code)
    local = instant.astimezone(airport.zone) if airport else instant
    return f"{format_moment(local)} ({airport.code if airport else 'UTC'})"


def airport_name(code: str | None) -> str:
    airport = find_airport(code)
    return airport.label if airport else (code or "")


def languages(codes: list[str] | None) -> str:
    return ", ".join(language_name(code) for code in codes or [])


def accompanying_label(delegate: object) -> str:
    """ "accompanying Guido Guerra": how lists mark an accompanying person
    (a spouse, an assistant) beside their name (the principal's name as in
    running text: the phrase is a sentence, not a list entry)."""
    principal = getattr(delegate, "accompanies", None)
    if principal is None:
        return str(_l("accompanying person"))
    return str(_l("accompanying %(name)s", name=principal.display_name))


HELPERS = SimpleNamespace(
    role=role_label,
    accompanying=accompanying_label,
    status=status_label,
    dietary=dietary_label,
    allergen=allergen_label,
    airport_time=airport_time,
    airport_name=airport_name,
    languages=languages,
    greeting=greeting,
    salutation=names.salutation,
    title=names.title_text,
    change_text=change_text,
    country=country_name,
    badge_lines=names.badge_lines,
)
