"""iCalendar (RFC 5545, RFC 7986) built from plain values: no database, no request.

The services turn sessions and itinerary items into :class:`FeedEvent` and
:class:`FeedMeta`; :func:`build_calendar` turns those into bytes. The same
input always gives the same bytes (no "now", no random UID), so calendar
clients polling a feed see no change unless something changed.

Client habits this follows on purpose:

- METHOD:PUBLISH and no ATTENDEE, ORGANIZER or VALARM: clients would turn
  the first two into meeting invitations and fire the publisher's alarms.
- NAME and X-WR-CALNAME, DESCRIPTION and X-WR-CALDESC, X-WR-TIMEZONE,
  REFRESH-INTERVAL and X-PUBLISHED-TTL: the RFC 7986 property and the older
  one that Apple, Google and Outlook read.
- Times carry a TZID whose VTIMEZONE is in the calendar (built from the IANA
  zone); all-day items are VALUE=DATE with an exclusive DTEND.
- Lines end with CRLF and are folded at 75 octets between characters, never
  inside a UTF-8 sequence nor right after a backslash escape.

The content lines are written here rather than through icalendar's object
model, which costs about 4 ms per event (two seconds for a 450-session
programme); icalendar still builds the VTIMEZONE from the IANA data, once
per zone and span, and the tests read every feed back with icalendar and
with vobject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//festival//Programme and itinerary feeds//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class FeedMeta:
    """Calendar-level properties.

    ``name`` None makes a one-off download rather than a subscription: no
    NAME/X-WR-CALNAME (Outlook opens a named file as a separate calendar
    instead of adding the event) and no refresh interval.
    """

    timezone: str
    name: str | None = None
    description: str | None = None
    url: str | None = None
    source: str | None = None
    refresh: timedelta | None = timedelta(hours=1)
    # Years the VTIMEZONE must cover even with no event (the festival's).
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class FeedEvent:
    """One VEVENT. ``start``/``end`` are aware datetimes, or dates when all-day
    (``end`` then exclusive, as RFC 5545 wants)."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None
    stamp: datetime
    sequence: int = 0
    cancelled: bool = False
    created: datetime | None = None
    description: str = ""
    location: str = ""
    geo: tuple[float, float] | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    # All-day entries (a hotel stay) should not make the person look busy.
    transparent: bool = False
    # A delegation's own entries: hidden in a calendar its owner shares.
    private: bool = False


def build_calendar(meta: FeedMeta, events: Iterable[FeedEvent]) -> bytes:
    """The whole VCALENDAR as UTF-8 bytes with CRLF line ends."""
    events = list(events)
    ZoneInfo(meta.timezone)  # an unknown zone fails here, not half-way
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:" + escape_text(PRODID),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if meta.name:
        lines.append("NAME:" + escape_text(meta.name))
        lines.append("X-WR-CALNAME:" + escape_text(meta.name))
    if meta.description:
        lines.append("DESCRIPTION:" + escape_text(meta.description))
        lines.append("X-WR-CALDESC:" + escape_text(meta.description))
    lines.append("X-WR-TIMEZONE:" + escape_text(meta.timezone))
    if meta.url:
        lines.append("URL;VALUE=URI:" + _uri(meta.url))
    if meta.source:
        lines.append("SOURCE;VALUE=URI:" + _uri(meta.source))
    if meta.name and meta.refresh:
        lines.append("REFRESH-INTERVAL;VALUE=DURATION:" + format_duration(meta.refresh))
        lines.append("X-PUBLISHED-TTL:" + format_duration(meta.refresh))
    out = [fold(line.encode("utf-8")) for line in lines]
    first, last = _year_span(events, meta.years)
    for tzid in sorted(_tzids_used(events) | {meta.timezone}):
        out.append(vtimezone(tzid, first, last))
    for event in events:
        out.extend(fold(line.encode("utf-8")) for line in _vevent_lines(event))
    out.append(b"END:VCALENDAR")
    return b"\r\n".join(out) + b"\r\n"


def _vevent_lines(event: FeedEvent) -> list[str]:
    # DTSTAMP and LAST-MODIFIED from the stored update time, never "now":
    # the bytes stay the same between two polls with no change.
    stamp = format_utc(event.stamp)
    lines = [
        "BEGIN:VEVENT",
        "UID:" + escape_text(event.uid),
        "DTSTAMP:" + stamp,
    ]
    if event.created is not None:
        lines.append("CREATED:" + format_utc(event.created))
    lines += [
        "LAST-MODIFIED:" + stamp,
        f"SEQUENCE:{int(event.sequence)}",
        "SUMMARY:" + escape_text(event.summary),
        "DTSTART" + format_when(event.start),
    ]
    if event.end is not None:
        lines.append("DTEND" + format_when(event.end))
    lines.append("STATUS:" + ("CANCELLED" if event.cancelled else "CONFIRMED"))
    lines.append("TRANSP:" + ("TRANSPARENT" if event.transparent else "OPAQUE"))
    if event.private:
        lines.append("CLASS:PRIVATE")
    if event.location:
        lines.append("LOCATION:" + escape_text(event.location))
    if event.geo is not None:
        lines.append(f"GEO:{_float(event.geo[0])};{_float(event.geo[1])}")
    if event.url:
        lines.append("URL;VALUE=URI:" + _uri(event.url))
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    if event.description:
        lines.append("DESCRIPTION:" + escape_text(event.description))
    lines.append("END:VEVENT")
    return lines


# --- values -------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Other control characters are not allowed in a content line.
    return _CONTROL.sub("", value)


def _uri(value: str) -> str:
    return _BLANK.sub("", value)


def _float(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def format_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def format_when(value: date | datetime) -> str:
    """ ";TZID=Asia/Tokyo:20270615T100000", ":20270615T010000Z" or ";VALUE=DATE:20270615"."""
    if not isinstance(value, datetime):
        return f";VALUE=DATE:{value:%Y%m%d}"
    if value.tzinfo is None:
        raise ValueError("floating time: give an aware datetime")
    key = getattr(value.tzinfo, "key", None)
    if key is None or key == "UTC" or value.utcoffset() is None:
        return ":" + format_utc(value)
    return f";TZID={key}:{value:%Y%m%dT%H%M%S}"


def format_duration(value: timedelta) -> str:
    """ "PT1H", "P1D", "PT1H30M" (RFC 5545 3.3.6)."""
    seconds = int(value.total_seconds())
    if seconds <= 0:
        raise ValueError("a refresh interval must be positive")
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    time_part = "".join(
        f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if n
    )
    return "P" + (f"{days}D" if days else "") + ("T" + time_part if time_part else "")


def fold(line: bytes, limit: int = 75) -> bytes:
    """Fold a content line at ``limit`` octets (RFC 5545 3.1), between characters.

    Never inside a UTF-8 sequence, and never between a backslash and the
    character it escapes, for clients that unfold carelessly.
    """
    if len(line) <= limit:
        return line
    parts: list[bytes] = []
    start, budget = 0, limit
    while len(line) - start > budget:
        cut = start + budget
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to its lead
            cut -= 1
        backslashes = 0
        while cut - backslashes - 1 > start and line[cut - backslashes - 1] == 0x5C:
            backslashes += 1
        if backslashes % 2:  # the last one opens an escape: keep it with its character
            cut -= 1
        parts.append(line[start:cut])
        start, budget = cut, limit - 1  # continuation lines begin with a space
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def _tzids_used(events: list[FeedEvent]) -> set[str]:
    tzids = set()
    for event in events:
        for value in (event.start, event.end):
            if isinstance(value, datetime):
                if value.tzinfo is None:
                    raise ValueError(f"floating time in event {event.uid}")
                key = getattr(value.tzinfo, "key", None)
                if key and key != "UTC":
                    tzids.add(key)
    return tzids


def _year_span(events: list[FeedEvent], years: tuple[int, ...]) -> tuple[int, int]:
    """The years the VTIMEZONE must cover: the events' and the festival's.

    Taken from the data, never from the clock, so the bytes do not change
    from one year to the next.
    """
    span = [value.year for event in events for value in (event.start, event.end) if value]
    span.extend(years)
    if not span:
        span = [1970]
    return min(span), max(span)


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of an IANA zone for those years, as folded content lines.

    Built by icalendar from zoneinfo, which takes tens of milliseconds the
    first time: cached for the life of the process.
    """
    component = icalendar.Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 12, 31)
    )
    return component.to_ical().rstrip(b"\r\n")
