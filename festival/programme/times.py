"""Wall-clock times in a festival's zone, and back to UTC.

Organisers type "10:00" meaning ten o'clock where the festival is; the
database keeps the instant in UTC. Everything that crosses that line goes
through here, so daylight-saving gaps and folds are handled in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from festival.core.dates import format_times, utc_offset


class NonexistentLocalTime(ValueError):
    """A wall-clock time the zone skips (clocks jump forward over it)."""


def to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of ``day`` ``at`` o'clock in ``tz``.

    In a fold (clocks go back) the first of the two instants is taken; a time
    in a gap (clocks go forward) raises :class:`NonexistentLocalTime`.
    """
    local = datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{day} {at} does not exist in {tz.key}")
    return instant


def local(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware datetime shown in ``tz``."""
    return value.astimezone(tz)


def local_day(value: datetime, tz: ZoneInfo) -> date:
    """The calendar day ``value`` falls on in ``tz``."""
    return value.astimezone(tz).date()


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight at the start of ``day`` in ``tz``, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def days_between(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def utc_offset_label(tz: ZoneInfo, on: date) -> str:
    """ "UTC+09:00" for Tokyo on any day; "UTC+02:00" for Paris in June."""
    return utc_offset(datetime.combine(on, time(12), tzinfo=tz))


def zone_label(tz: ZoneInfo, on: date) -> str:
    """ "Asia/Tokyo (UTC+09:00)": the zone and its offset on a given day."""
    return f"{tz.key} ({utc_offset_label(tz, on)})"


def time_range(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> str:
    """ "10:00–11:30" in ``tz``; an end on a later day gets "(+1)" (or +2...):
    core.dates.format_times, under the name the programme's code knows."""
    return format_times(starts_at, ends_at, tz)
