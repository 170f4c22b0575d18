"""IANA time zones: the list organisers choose from, their UTC offsets, and the
zone a city name means ("Tokyo", "São Paulo", "東京")."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale

# Old aliases and POSIX oddities stay valid but are not offered in the list.
_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")


@cache
def _all_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def _lookup() -> dict[str, str]:
    """Spelling-insensitive key -> canonical name ("asia/tokyo" -> "Asia/Tokyo")."""
    return {_fold(name): name for name in sorted(_all_zones())}


def _fold(text: str) -> str:
    return text.strip().replace(" ", "_").casefold()


def canonical_timezone(text: str | None) -> str | None:
    """The IANA name ``text`` means, whatever its case or spaces; None if unknown."""
    if not text or not text.strip():
        return None
    if text in _all_zones():
        return text
    return _lookup().get(_fold(text))


# The languages whose CLDR city names are recognised besides the IANA names
# (the interface's languages).
_CITY_NAME_LANGUAGES = ("en", "fr", "ja")
# How many suggestions a refused entry lists.
_SUGGESTIONS = 5


@dataclass(frozen=True)
class ZoneMatch:
    """What a typed time zone or city means: ``zone``, or else ``suggestions``.

    ``ambiguous`` says the text starts several places' names (so the
    suggestions are those places), as opposed to matching none of them.
    """

    zone: str | None
    suggestions: tuple[str, ...] = ()
    ambiguous: bool = False


def _city_key(text: str) -> str:
    """ "São Paulo", "sao_paulo", "Sao-Paulo" -> "sao paulo"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\s_\-'’.]+", " ", text).strip()


def _same_clock(a: str, b: str) -> bool:
    """Whether two zones keep the same time (an alias and its zone, in practice)."""
    za, zb = ZoneInfo(a), ZoneInfo(b)
    for year in range(2000, 2041, 4):
        for month in (1, 4, 7, 10):
            moment = datetime(year, month, 15, 12, tzinfo=UTC_ZONE)
            if moment.astimezone(za).utcoffset() != moment.astimezone(zb).utcoffset():
                return False
    return True


UTC_ZONE = ZoneInfo("UTC")


@cache
def _cities() -> dict[str, tuple[str, ...]]:
    """City key -> the zones of that name: the IANA city ("Asia/Tokyo" ->
    "tokyo") and CLDR's city names in the interface's languages ("東京")."""
    from_cldr: dict[str, set[str]] = {}
    for language in _CITY_NAME_LANGUAGES:
        for zone, names in Locale.parse(language).time_zones.items():
            city = names.get("city")
            if city and zone in _all_zones():
                from_cldr.setdefault(_city_key(city), set()).add(zone)
    cldr_zones = {zone for zones in from_cldr.values() for zone in zones}
    found: dict[str, set[str]] = {key: set(zones) for key, zones in from_cldr.items()}
    for zone in offered_timezones():
        if "/" in zone:
            found.setdefault(_city_key(zone.rsplit("/", 1)[1]), set()).add(zone)

    def preference(zone: str) -> tuple[int, int, str]:
        # Among aliases of one zone: the fuller name (America/Argentina/
        # Buenos_Aires), then the one CLDR uses (Europe/Istanbul).
        return (-zone.count("/"), zone not in cldr_zones, zone)

    cities: dict[str, tuple[str, ...]] = {}
    for key, zones in found.items():
        distinct: list[str] = []
        for zone in sorted(zones, key=preference):
            if not any(_same_clock(zone, kept) for kept in distinct):
                distinct.append(zone)
        cities[key] = tuple(distinct)
    return cities


def find_timezone(text: str | None) -> ZoneMatch:
    """The IANA zone ``text`` names: a zone ("Asia/Tokyo", any case) or a city
    ("Tokyo", "new york", "São Paulo", "東京", "Paris, France").

    A city with two clocks of that name, or text that is neither, gives no
    zone and up to five suggestions to choose from.
    """
    if not text or not text.strip():
        return ZoneMatch(None)
    zone = canonical_timezone(text)
    if zone is not None:
        return ZoneMatch(zone)
    cities = _cities()
    # "Paris, France" and "Tokyo (Japan)": the city is what comes first; in a
    # misspelt zone ("Asia/Tokio"), what comes last.
    key = _city_key(re.split(r"[,(]", text, maxsplit=1)[0].rsplit("/", 1)[-1])
    zones = cities.get(key, ())
    if len(zones) == 1:
        return ZoneMatch(zones[0])
    if len(zones) > 1:
        return ZoneMatch(None, zones[:_SUGGESTIONS], ambiguous=True)
    starting = sorted(name for name in cities if key and name.startswith(key))
    if len(starting) > 1:
        return ZoneMatch(None, _zones_of(starting), ambiguous=True)
    close = starting + difflib.get_close_matches(key, list(cities), n=_SUGGESTIONS, cutoff=0.75)
    return ZoneMatch(None, _zones_of(close))


def _zones_of(keys: list[str]) -> tuple[str, ...]:
    zones = dict.fromkeys(zone for key in keys for zone in _cities()[key])
    return tuple(zones)[:_SUGGESTIONS]


@cache
def offered_timezones() -> list[str]:
    """Canonical region/city zones, sorted: what the list offers."""
    names = [
        name
        for name in _all_zones()
        if "/" in name and not name.startswith(_LEGACY_PREFIXES) and name[0].isupper()
    ]
    return sorted(names) + ["UTC"]


def utc_offset(zone: str, on: date | None = None) -> str:
    """ "UTC+09:00": the zone's offset at noon on ``on`` (today if not given)."""
    tz = ZoneInfo(zone)
    when = datetime.combine(on or date.today(), time(12), tzinfo=tz)
    offset = when.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def timezone_options(on: date | None = None) -> list[tuple[str, str]]:
    """(zone, "UTC+09:00") for every offered zone, for a datalist."""
    return list(_timezone_options(on or date.today()))


@lru_cache(maxsize=16)
def _timezone_options(on: date) -> tuple[tuple[str, str], ...]:
    # ~500 offsets cost ~25 ms; a day's list is the same for every page that shows it.
    return tuple((zone, utc_offset(zone, on)) for zone in offered_timezones())


def festival_offsets(zone: str, starts_on: date, ends_on: date) -> list[str]:
    """The offsets a festival meets: one, or two when clocks change during it."""
    offsets = [utc_offset(zone, starts_on)]
    last = utc_offset(zone, ends_on)
    if last != offsets[0]:
        offsets.append(last)
    return offsets
