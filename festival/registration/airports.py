"""Airports and their time zones: a flight's local time becomes an instant.

The airports come from the ``airportsdata`` package (about 7,900 with an IATA
code, name, city, country and IANA zone), kept up to date upstream. People
type what they know: a code ("HND"), an airport's name ("Haneda", "Charles de
Gaulle") or a city ("Parma"). ``resolve_airport`` finds the one they mean or
says why it cannot (unknown, or several candidates); it never guesses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

import airportsdata


@dataclass(frozen=True)
class Airport:
    code: str
    name: str
    city: str
    country: str
    tz: str
    latitude: float | None = None
    longitude: float | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name} ({self.city}, {self.country})"


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks went forward."""


class UnknownAirport(LookupError):
    """Nothing we know answers to what was typed."""


class AmbiguousAirport(LookupError):
    """Several airports answer to what was typed; the person must choose."""

    def __init__(self, candidates: list[Airport]) -> None:
        super().__init__(", ".join(a.code for a in candidates))
        self.candidates = candidates


# Names people use that the data set's official names lack (Haneda is
# "Tokyo International Airport" there). Keys are normalised (see _fold).
ALIASES: dict[str, str] = {
    "haneda": "HND",
    "tokyo haneda": "HND",
    "tokyo narita": "NRT",
    "itami": "ITM",
    "osaka itami": "ITM",
    "centrair": "NGO",
    "nagoya": "NGO",
    "chitose": "CTS",
    "sapporo": "CTS",
    "roissy": "CDG",
    "paris cdg": "CDG",
    "orly": "ORY",
    "fiumicino": "FCO",
    "rome fiumicino": "FCO",
    "gimpo": "GMP",
    "hongqiao": "SHA",
    "kennedy": "JFK",
    "o hare": "ORD",
    "ohare": "ORD",
    "schiphol": "AMS",
    "barajas": "MAD",
    "el prat": "BCN",
    "羽田": "HND",
    "羽田空港": "HND",
    "成田": "NRT",
    "成田空港": "NRT",
    "関西空港": "KIX",
    "関西国際空港": "KIX",
    "伊丹空港": "ITM",
    "中部国際空港": "NGO",
    "庄内空港": "SYO",
    "新千歳空港": "CTS",
    "仙台空港": "SDJ",
}

# At most this many candidates are named in an "which one?" message.
MAX_NAMED_CANDIDATES = 8

_CODE = re.compile(r"^\s*([A-Za-z]{3})\s*(?:[—–-].*)?$")
_NOT_WORD = re.compile(r"[^\w]+")
_AIRPORT_WORDS = re.compile(r"(?: international)? airport$|空港$")


def _fold(text: str) -> str:
    """Lower case, accents and punctuation gone, single spaces: "Paris-Orly" -> "paris orly"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare).strip()


@cache
def airports() -> dict[str, Airport]:
    """Every known airport by IATA code (read once per process, ~0.1 s)."""
    return {
        code: Airport(
            code, row["name"], row["city"], row["country"], row["tz"], row["lat"], row["lon"]
        )
        for code, row in airportsdata.load("IATA").items()
        if row["tz"]
    }


@cache
def _search_index() -> list[tuple[Airport, str, str]]:
    """Each airport with its folded name and city, for name searches."""
    return [(a, _fold(a.name), _fold(a.city)) for a in airports().values()]


def _alias(query: str) -> str | None:
    """The code an alias stands for, with or without "airport" after it."""
    return ALIASES.get(query) or ALIASES.get(_AIRPORT_WORDS.sub("", query).strip())


def normalise_code(code: str | None) -> str:
    return (code or "").strip().upper()


def find_airport(code: str | None) -> Airport | None:
    """The airport with this IATA code (any case), or None."""
    return airports().get(normalise_code(code))


def search_airports(text: str, limit: int = 10) -> list[Airport]:
    """Airports that answer to ``text``, best first: the code, an alias, an
    exact name or city, then names and cities whose words start with it."""
    typed = (text or "").strip()
    if not typed:
        return []
    found: list[Airport] = []
    code = _CODE.match(typed)
    if code and (by_code := find_airport(code.group(1))):
        found.append(by_code)
    query = _fold(typed)
    if not query:
        return found
    if (alias := _alias(query)) and (by_alias := find_airport(alias)):
        found.append(by_alias)
    exact, starts = [], []
    prefix = re.compile(rf"(?:^| ){re.escape(query)}")
    for airport, name, city in _search_index():
        if query in (name, city) or name == f"{query} airport":
            exact.append(airport)
        elif prefix.search(name) or prefix.search(city):
            starts.append(airport)
    # Stop at the limit, and compare codes: a one-letter query matches most
    # of the 7,900 airports, and comparing each with every one kept (whole
    # dataclasses, in a list) cost seconds of CPU per keystroke.
    kept = {a.code for a in found}
    for airport in sorted(exact, key=lambda a: a.code) + sorted(starts, key=lambda a: a.code):
        if len(found) >= limit:
            break
        if airport.code not in kept:
            kept.add(airport.code)
            found.append(airport)
    return found[:limit]


def resolve_airport(text: str | None) -> Airport | None:
    """The one airport ``text`` means, or None when nothing was typed.

    A known three-letter code wins (people who type "HAN" mean Hanoi); then
    an alias; then a unique exact name or city; then a unique word match.
    Raises UnknownAirport or AmbiguousAirport rather than guess.
    """
    typed = (text or "").strip()
    if not typed:
        return None
    code = _CODE.match(typed)
    if code and (by_code := find_airport(code.group(1))):
        return by_code
    query = _fold(typed)
    if alias := _alias(query):
        return airports()[alias]
    exact = [a for a, name, city in _search_index() if query in (name, city)]
    exact += [a for a, name, _city in _search_index() if name == f"{query} airport"]
    exact = sorted(set(exact), key=lambda a: a.code)
    if len(exact) == 1:
        return exact[0]
    if exact:
        raise AmbiguousAirport(exact)
    candidates = search_airports(typed, limit=MAX_NAMED_CANDIDATES + 1)
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise AmbiguousAirport(candidates)
    raise UnknownAirport(typed)


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
