"""Airports for the logistics views: a name and a local time for a code.

The airport list itself belongs to registration (festival.registration.airports,
the same codes delegates pick from); this wraps it for display.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from festival.registration.airports import find_airport


def airport_name(code: str | None) -> str:
    """The airport's name ("Narita International Airport"), or the code itself."""
    airport = find_airport(code)
    if airport is None:
        return (code or "").upper()
    return airport.name


def airport_zone(code: str | None) -> ZoneInfo | None:
    """The airport's time zone, or None for an unknown code."""
    airport = find_airport(code)
    return airport.zone if airport else None


def at_airport(value: datetime | None, code: str | None) -> datetime | None:
    """``value`` in the airport's local time, or None when the zone is unknown."""
    zone = airport_zone(code)
    if value is None or zone is None:
        return None
    return value.astimezone(zone)
