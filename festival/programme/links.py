""" "Add to calendar" links, and links to the calendar domain's pages.

The Google and Outlook links are built by a pure function, so they are easy
to test; the .ics links point at the calendar blueprint when it is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import current_app, url_for

GOOGLE_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_URL = "https://outlook.live.com/calendar/0/deeplink/compose"
# Long descriptions make URLs some browsers and proxies refuse; the link to
# the session page carries the rest.
MAX_DETAILS = 1200


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str


def _shorten(text: str, limit: int = MAX_DETAILS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def add_to_calendar_links(
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    *,
    details: str = "",
    location: str = "",
    url: str = "",
    all_day_dates: tuple[date, date] | None = None,
) -> CalendarLinks:
    """Google Calendar and Outlook.com "new event" links for one event.

    ``starts_at`` and ``ends_at`` are aware; the links carry them in UTC
    (the ``Z`` form) so no client guesses a zone. ``url`` is appended to the
    details. For an all-day event pass ``all_day_dates`` (first day, and the
    day after the last: the exclusive end calendars use).
    """
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("add_to_calendar_links needs aware datetimes")
    body = _shorten(details.strip())
    if url:
        body = f"{body}\n\n{url}" if body else url
    start_utc, end_utc = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if all_day_dates:
        first, after_last = all_day_dates
        google_dates = f"{first:%Y%m%d}/{after_last:%Y%m%d}"
        outlook_times = {
            "startdt": first.isoformat(),
            "enddt": after_last.isoformat(),
            "allday": "true",
        }
    else:
        google_dates = f"{start_utc:%Y%m%dT%H%M%SZ}/{end_utc:%Y%m%dT%H%M%SZ}"
        outlook_times = {
            "startdt": f"{start_utc:%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{end_utc:%Y-%m-%dT%H:%M:%SZ}",
        }
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": google_dates,
        "details": body,
        "location": location,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        **outlook_times,
        "body": body,
        "location": location,
    }
    # quote (not quote_plus): Outlook shows a "+" where a space was.
    return CalendarLinks(
        google=f"{GOOGLE_URL}?{urlencode(google, quote_via=quote)}",
        outlook=f"{OUTLOOK_URL}?{urlencode(outlook, quote_via=quote)}",
    )


def optional_url(endpoint: str, **values: Any) -> str | None:
    """``url_for(endpoint)`` if another domain has registered it, else None.

    The calendar feeds and exports live in festival.calendar; the programme
    pages link to them without depending on them.
    """
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)
