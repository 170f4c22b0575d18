"""Language choice: the user's preference, then the browser's, then English."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from typing import Any

import flask_babel
from babel import Locale, UnknownLocaleError
from babel.dates import DateTimePattern, match_skeleton, parse_pattern
from flask import current_app, g, has_app_context, has_request_context, request, session
from flask_babel import refresh
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# The app's own languages, for pages and e-mails, the first the default: the
# one list (config's LANGUAGES, the switcher, a delegate's or city's choice).
INTERFACE_LANGUAGES = ("en", "ja", "fr")

# Each interface language in its own words, for the language switcher.
_NATIVE_NAMES = {"en": "English", "ja": "日本語", "fr": "Français"}
LANGUAGE_NAMES = {code: _NATIVE_NAMES[code] for code in INTERFACE_LANGUAGES}


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # The worker and CLI commands: callers pick the reader's language
        # with force_locale; otherwise, the default.
        return languages[0]
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    # A page that belongs to someone with a language (an invitation opens in
    # the city's) rather than the browser's choice.
    hinted = g.get("page_language")
    if hinted in languages:
        return str(hinted)
    return browser_language(request.headers.get("Accept-Language"), tuple(languages))


def open_in_language(code: str | None) -> None:
    """Show this page in ``code`` unless the visitor chose a language with the
    switcher (the invitation page opens in the invitation's language)."""
    g.page_language = code
    refresh()  # a locale read earlier in the request is read again


@functools.lru_cache(maxsize=512)
def browser_language(accept_language: str | None, languages: tuple[str, ...]) -> str:
    """The language a visitor's browser asks for (its Accept-Language header),
    among ``languages``, else the first: what a visitor who chose none reads.

    The one rule, for the locale selector and for pages answered before the
    app runs (the public programme's fast path). Browsers send few distinct
    headers, so each is parsed once.
    """
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(languages) or languages[0]


def escape_lazy_strings() -> None:
    """Make Jinja escape lazy translations like any other text.

    Flask-Babel's lazy strings have an ``__html__`` that returns the text as
    it is, so Jinja takes them for safe markup; a lazy message quoting a
    user's value (a validation error: 'Unknown time zone "%(zone)s"')
    reached the page unescaped (python-babel/flask-babel#121 and #224).
    """
    LazyString.__html__ = _escaped_html


def _escaped_html(self: LazyString) -> Markup:
    return escape(str(self))


def look_up_translations_quickly() -> None:
    """Find Flask-Babel's per-request state in one step instead of three.

    Flask-Babel keeps the request's locale and translations in a namespace
    on ``g``, and every ``gettext``, lazy string and ``get_locale`` reaches
    it through ``_get_current_context``, which asks the ``g`` proxy three
    times (``not g``, ``hasattr``, the attribute): 2.8 us a lookup, three
    lookups per translated string. Reading the app context's ``g`` once does
    the same (None outside an app context, the namespace made on first use)
    in a tenth of the time: ``gettext`` takes 2.8 us instead of 10.9. The
    bench's pages look it up 80 to 460 times a request; measured in turn on
    the same requests, they answer 3 to 10% sooner (rooming 18.5 -> 17.2 ms,
    the seating plan 22.7 -> 21.3 ms). Checked against Flask-Babel 4.0 (the
    lock's); tests/test_i18n.py holds its behaviour.
    """
    flask_babel._get_current_context = _babel_state


def _babel_state() -> SimpleNamespace | None:
    if not has_app_context():
        return None  # as Flask-Babel: no context, no translations
    state = g._get_current_object().__dict__
    namespace = state.get("_flask_babel")
    if namespace is None:
        namespace = state["_flask_babel"] = SimpleNamespace()
    return namespace


def language_name(code: str) -> str:
    """A language's name in that language ("fr" -> "français")."""
    if code in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[code]
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code


def in_zone(value: Any, tz: Any, fmt: str = "medium") -> str:
    """An instant in a festival's zone: core.dates' date and time (or, for a
    clock-only ``fmt`` such as "HH:mm", the time). Kept for templates written
    before core.dates; new code uses its filters (``|moment``, ``|clock``)."""
    from festival.core import dates  # dates builds on this module

    if fmt in ("HH:mm", "short_time"):
        return dates.format_clock(value, tz)
    return dates.format_moment(value, tz)


@functools.lru_cache(maxsize=256)
def _skeleton_pattern(skeleton: str, locale: str) -> tuple[DateTimePattern, Locale]:
    parsed = Locale.parse(locale)
    patterns = parsed.datetime_skeletons
    if skeleton not in patterns:
        skeleton = match_skeleton(skeleton, patterns) or skeleton
    return parse_pattern(patterns[skeleton]), parsed


def format_skeleton(skeleton: str, value: date | datetime, locale: str) -> str:
    """babel.dates.format_skeleton, with the pattern looked up once per
    skeleton and language: a list of fifty arrivals asked babel to match the
    same skeleton fifty times, a third of the page's time."""
    pattern, parsed = _skeleton_pattern(skeleton, str(locale))
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tzinfo=UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return pattern.apply(value, parsed)
