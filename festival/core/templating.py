"""Filters and globals every template may use."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from festival.core import content, dates
from festival.core.i18n import LANGUAGE_NAMES, in_zone, language_name
from festival.core.pagination import page_args, url_with_args


def init_app(app: Flask) -> None:
    app.jinja_env.filters["in_zone"] = in_zone
    # Dates written one way (core.dates): one filter per kind.
    app.jinja_env.filters.update(
        day=dates.format_day,
        clock=dates.format_clock,
        moment=dates.format_moment,
        days=dates.format_days,
    )
    app.jinja_env.globals["time_span"] = dates.format_times
    app.jinja_env.filters["loc"] = loc
    app.jinja_env.filters["loc_text"] = loc_text
    app.jinja_env.filters["loc_lines"] = loc_lines
    app.jinja_env.globals.update(
        get_locale=get_locale,
        language_name=language_name,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        page_args=page_args,
        url_with_args=url_with_args,
    )


def loc(obj: object, field: str, lang: str | None = None, marker: bool = True) -> Markup:
    """``{{ session|loc("title") }}``: a content field in the reader's
    language; a fallback in its own ``lang``, marked for organisers (not in
    HTML cached for every visitor: ``marker=False``)."""
    value = content.localized(obj, field, lang or str(get_locale()))
    organiser = (
        marker
        and bool(getattr(current_user, "is_authenticated", False))
        and bool(getattr(current_user, "is_organiser", False))
    )
    return content.render(value, organiser)


def loc_text(obj: object, field: str, lang: str | None = None) -> str:
    """A content field in the reader's language as plain text (page titles,
    attributes, e-mail text parts)."""
    return content.localized(obj, field, lang or str(get_locale())).text


def loc_lines(obj: object, field: str, sep: str = ", ") -> Markup:
    """A one-per-line field (speakers) on one line, in the reader's language."""
    value = content.localized(obj, field, str(get_locale()))
    lines = [line.strip() for line in value.text.splitlines() if line.strip()]
    return content.render(content.Localized(sep.join(lines), value.lang, value.is_fallback))
