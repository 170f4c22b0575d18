"""Filters and globals every template may use."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from festival.core import dates
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
    app.jinja_env.globals.update(
        get_locale=get_locale,
        language_name=language_name,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        page_args=page_args,
        url_with_args=url_with_args,
    )
