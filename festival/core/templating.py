"""Filters and globals every template may use."""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale

from festival.core.i18n import LANGUAGE_NAMES, in_zone, language_name
from festival.core.pagination import page_args, url_with_args


def init_app(app: Flask) -> None:
    app.jinja_env.filters["in_zone"] = in_zone
    app.jinja_env.globals.update(
        get_locale=get_locale,
        language_name=language_name,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        page_args=page_args,
        url_with_args=url_with_args,
    )
