"""What organisers read for roles, statuses, diets, allergens and countries.

The lists themselves belong to registration (festival.registration.choices,
the options delegates pick from); this adds the few display tweaks the
organiser pages need and country names.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from festival.registration import choices


def _humanise(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def role_label(role: object) -> str:
    try:
        return choices.role_label(role)  # type: ignore[arg-type]
    except ValueError:
        return str(role)


def status_label(status: object) -> str:
    try:
        return choices.status_label(status)  # type: ignore[arg-type]
    except ValueError:
        return str(status)


# In a count, "Other (please describe)" reads oddly: the notes follow it.
_OTHER = _l("Other")


def dietary_label(code: str) -> str:
    """A dietary requirement's label; an unknown code shows as words."""
    if code == "other":
        return str(_OTHER)
    return str(choices.DIETARY[code]) if code in choices.DIETARY else _humanise(code)


def allergen_label(code: str) -> str:
    if code == "other":
        return str(_OTHER)
    return str(choices.ALLERGENS[code]) if code in choices.ALLERGENS else _humanise(code)


def country_name(code: str | None) -> str:
    """The country's name in the reader's language ("JP" -> "Japan", "日本")."""
    if not code:
        return ""
    try:
        locale = Locale.parse(str(get_locale() or "en"))
    except (ValueError, TypeError):
        locale = Locale("en")
    return locale.territories.get(code.upper(), code.upper())
