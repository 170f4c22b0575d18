"""IANA time zones: the list organisers choose from, and their UTC offsets."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

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
