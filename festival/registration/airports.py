"""Airports and their time zones: a flight's local time becomes an instant.

``festival/data/airports.csv`` lists about 520 airports (the world's busiest
and every Japanese airport with an IATA code): code, name, city, country and
IANA zone. It was taken from the ``airportsdata`` package (MIT licence); add
a row there when a delegate flies from an airport it lacks.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Airport:
    code: str
    name: str
    city: str
    country: str
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name} ({self.city}, {self.country})"


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks went forward."""


@cache
def airports() -> dict[str, Airport]:
    """Every known airport by IATA code (read once per process)."""
    text = resources.files("festival.data").joinpath("airports.csv").read_text("utf-8")
    return {
        row["iata"]: Airport(row["iata"], row["name"], row["city"], row["country"], row["tz"])
        for row in csv.DictReader(text.splitlines())
    }


def normalise_code(code: str | None) -> str:
    return (code or "").strip().upper()


def find_airport(code: str | None) -> Airport | None:
    """The airport with this IATA code (any case), or None."""
    return airports().get(normalise_code(code))


def local_to_utc(local: datetime, airport: Airport) -> datetime:
    """The instant a naive wall-clock time at ``airport`` stands for.

    A time the clocks skipped (spring forward) raises NonexistentLocalTime;
    a time that happens twice (fall back) is taken the first time.
    """
    aware = local.replace(tzinfo=airport.zone, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(airport.zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(local.isoformat())
    return instant


def utc_to_local(instant: datetime | None, code: str | None) -> datetime | None:
    """The naive wall-clock time at the airport ``code`` (for forms and pages)."""
    if instant is None:
        return None
    airport = find_airport(code)
    if airport is None:
        return instant.astimezone(UTC).replace(tzinfo=None)
    return instant.astimezone(airport.zone).replace(tzinfo=None)
