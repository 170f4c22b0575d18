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
- icalendar folds lines at 75 octets between characters, never inside a
  UTF-8 sequence, and ends lines with CRLF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//festival//Programme and itinerary feeds//EN"


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
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if meta.name:
        calendar.add("name", meta.name)
        calendar.add("x-wr-calname", meta.name)
    if meta.description:
        calendar.add("description", meta.description)
        calendar.add("x-wr-caldesc", meta.description)
    calendar.add("x-wr-timezone", meta.timezone)
    if meta.url:
        calendar.add("url", meta.url, parameters={"VALUE": "URI"})
    if meta.source:
        calendar.add("source", meta.source, parameters={"VALUE": "URI"})
    if meta.name and meta.refresh:
        calendar.add("refresh-interval", meta.refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(meta.refresh))

    for tzid in sorted(_tzids_used(events) | {meta.timezone}):
        first, last = _year_span(events, meta.years)
        calendar.add_component(vtimezone(tzid, first, last))
    for event in events:
        calendar.add_component(_vevent(event))
    return calendar.to_ical()


def _vevent(event: FeedEvent) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.uid)
    # DTSTAMP and LAST-MODIFIED from the stored update time, never "now":
    # the bytes stay the same between two polls with no change.
    component.add("dtstamp", event.stamp.astimezone(UTC))
    if event.created is not None:
        component.add("created", event.created.astimezone(UTC))
    component.add("last-modified", event.stamp.astimezone(UTC))
    component.add("sequence", event.sequence)
    component.add("summary", event.summary)
    component.add("dtstart", event.start)
    if event.end is not None:
        component.add("dtend", event.end)
    component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if event.transparent else "OPAQUE")
    if event.private:
        component.add("class", "PRIVATE")
    if event.location:
        component.add("location", event.location)
    if event.geo is not None:
        component.add("geo", event.geo)
    if event.url:
        component.add("url", event.url, parameters={"VALUE": "URI"})
    if event.categories:
        component.add("categories", list(event.categories))
    if event.description:
        component.add("description", event.description)
    return component


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
def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """A VTIMEZONE for the IANA zone, valid from ``first_year`` to ``last_year``.

    Cached: icalendar computes the transitions from zoneinfo, which is slow
    the first time (tens of milliseconds). The component is never mutated.
    """
    return icalendar.Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 12, 31)
    )
