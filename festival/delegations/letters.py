"""Visa invitation letters: each in its delegate's language, from the data on file.

The letterhead is the festival's; the letter names the signatory the
organisers set on the festival, and the passport data the person entered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from festival.festivals.models import Festival
from festival.registration.models import Delegate, DelegateStatus

LETTER_LANGUAGES = ("en", "ja", "fr")


def letter_context(festival: Festival) -> dict[str, Any]:
    return {"festival": festival, "today": datetime.now(festival.tz).date()}


def render_letters(festival: Festival, people: list[Delegate]) -> list[Markup]:
    """Each person's letter, in their language (English, Japanese or French)."""
    letters = []
    for person in people:
        lang = person.locale if person.locale in LETTER_LANGUAGES else "en"
        with force_locale(lang):
            html = render_template(
                "delegations/_visa_letter.html", d=person, lang=lang, **letter_context(festival)
            )
        letters.append(Markup(html))  # noqa: S704  (a rendered, autoescaped template)
    return letters


def problem(person: Delegate) -> str | None:
    """Why no letter can be issued for ``person``, or None."""
    if person.anonymised_at is not None:
        return _("This delegate's personal data was removed.")
    if person.status != DelegateStatus.CONFIRMED:
        return _("Letters are issued for confirmed registrations only: confirm it first.")
    return None
