"""What organisers read for roles, statuses, diets, allergens and countries.

The lists themselves belong to registration (festival.registration.labels,
the options delegates pick from); this adds the few display tweaks the
organiser pages need and country names.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from babel import Locale
from flask import g, has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from festival.core.dates import format_day, format_moment
from festival.registration import labels as choices

F = TypeVar("F", bound=Callable[..., str])


def memoised(function: F) -> F:
    """Remember a label for the rest of the request.

    A list of 5,000 delegates asks for the same few labels thousands of
    times; translating each time costs more than the page's queries.
    """

    @wraps(function)
    def wrapper(*args: Any) -> str:
        if not has_app_context():
            return function(*args)
        cache = g.setdefault("_logistics_labels", {})
        # The Locale itself is the key (hashed from its parts): naming it
        # with str() cost more than the lookup it guards.
        key = (function, get_locale(), *args)
        try:
            return cache[key]
        except KeyError:
            cache[key] = label = function(*args)
            return label

    return cast(F, wrapper)  # same arguments, same result


def _humanise(code: str) -> str:
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@memoised
def role_label(role: object) -> str:
    if not isinstance(role, str):  # None, or not a role at all
        return str(role)
    try:
        return choices.role_label(role)
    except ValueError:
        return str(role)


# The rooms organisers book (registration.models.RoomType), as they read.
ROOM_TYPE_LABELS = {
    "single": _l("Single"),
    "twin": _l("Twin"),
    "double": _l("Double"),
    "suite": _l("Suite"),
}


@memoised
def room_type_label(room_type: object) -> str:
    """A room type's name ("" for none booked yet)."""
    if not room_type:
        return ""
    label = ROOM_TYPE_LABELS.get(str(room_type))
    return str(label) if label is not None else str(room_type)


@memoised
def status_label(status: object) -> str:
    if not isinstance(status, str):
        return str(status)
    try:
        return choices.status_label(status)
    except ValueError:
        return str(status)


# In a count, "Other (please describe)" reads oddly: the notes follow it.
_OTHER = _l("Other")


@memoised
def dietary_label(code: str) -> str:
    """A dietary requirement's label; an unknown code shows as words."""
    if code == "other":
        return str(_OTHER)
    return str(choices.DIETARY[code]) if code in choices.DIETARY else _humanise(code)


@memoised
def allergen_label(code: str) -> str:
    if code == "other":
        return str(_OTHER)
    return str(choices.ALLERGENS[code]) if code in choices.ALLERGENS else _humanise(code)


@lru_cache(maxsize=16)
def _territories(locale_name: str) -> dict[str, str]:
    """{country code: name} in one language: the same for the whole process
    (parsing the locale cost 70 µs, for each of the sixty countries of a page)."""
    try:
        locale = Locale.parse(locale_name)
    except (ValueError, TypeError):
        locale = Locale("en")
    return dict(locale.territories)


@memoised
def country_name(code: str | None) -> str:
    """The country's name in the reader's language ("JP" -> "Japan", "日本")."""
    if not code:
        return ""
    return _territories(str(get_locale() or "en")).get(code.upper(), code.upper())


@memoised
def date_label(value: date | None, skeleton: str = "yMMMd") -> str:
    """A date as core.dates writes it; a skeleton without a year ("MMMEd")
    leaves the year out. Memoised: a list repeats the same few dates."""
    return format_day(value, short="y" not in skeleton)


def moment_label(
    value: datetime | None, tz: tzinfo, date_skeleton: str = "MMMEd", with_time: bool = True
) -> str:
    """An instant as the wall-clock date (and time) in ``tz``, as core.dates
    writes it: "Mon, Jun 14, 08:30"; a skeleton with a year shows the year."""
    short = "y" not in date_skeleton
    if with_time:
        return format_moment(value, tz, short=short)
    return format_day(value, tz, short=short)


def _for_this_render(function: F, cache: dict[tuple[Any, ...], str]) -> F:
    """``function`` remembered in ``cache``, which lives for one render."""

    def label(*args: Any) -> str:
        key = (function, *args)
        try:
            return cache[key]
        except KeyError:
            cache[key] = value = function(*args)
            return value

    return cast(F, label)  # same arguments, same result


def template_helpers() -> dict[str, Callable[..., str]]:
    """The labels organiser templates call, for a blueprint's context processor
    (delegations and logistics show the same people the same way).

    A context processor runs once per render, and a render is in one
    language: each label is looked up there once, and the rows that repeat it
    (a hundred per page) read it from a plain dict, without asking Flask and
    Babel for the request's locale each time.
    """
    cache: dict[tuple[Any, ...], str] = {}
    return {
        "role_label": _for_this_render(role_label, cache),
        "room_type_label": _for_this_render(room_type_label, cache),
        "status_label": _for_this_render(status_label, cache),
        "dietary_label": _for_this_render(dietary_label, cache),
        "allergen_label": _for_this_render(allergen_label, cache),
        "country_name": _for_this_render(country_name, cache),
        "moment_label": moment_label,
        "date_label": _for_this_render(date_label, cache),
    }
