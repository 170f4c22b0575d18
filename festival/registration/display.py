"""How registration data reads on a page: labels and local airport times.

Templates reach these through the ``registration`` global (see views.py),
e.g. ``{{ registration.role(d.role) }}``.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import get_locale

from festival.core.i18n import format_skeleton, language_name
from festival.registration.airports import find_airport
from festival.registration.choices import (
    allergen_label,
    dietary_label,
    role_label,
    status_label,
)


def airport_time(instant: datetime | None, code: str | None) -> str:
    """``instant`` as the wall-clock time at the airport, with the airport code."""
    if instant is None:
        return ""
    airport = find_airport(code)
    local = instant.astimezone(airport.zone) if airport else instant
    locale = str(get_locale() or "en")
    day = format_skeleton("yMMMEd", local, locale=locale)
    time = format_skeleton("Hm", local, locale=locale)
    return f"{day} {time} ({airport.code if airport else 'UTC'})"


def airport_name(code: str | None) -> str:
    airport = find_airport(code)
    return airport.label if airport else (code or "")


def languages(codes: list[str] | None) -> str:
    return ", ".join(language_name(code) for code in codes or [])


HELPERS = SimpleNamespace(
    role=role_label,
    status=status_label,
    dietary=dietary_label,
    allergen=allergen_label,
    airport_time=airport_time,
    airport_name=airport_name,
    languages=languages,
)
