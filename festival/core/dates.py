"""Dates and times, written one way everywhere (issue #17 item 8).

One formatter per kind, in the reader's language (Flask-Babel's locale: the
page's, or the e-mail recipient's under ``force_locale``), all from CLDR
skeletons so each language writes them its own way:

- ``format_day``     a date: "Tue, Aug 31, 2027", "2027年8月31日(火)", "mar. 31 août 2027";
                     in words for headings and sentences: "Tuesday, August 31, 2027"
- ``format_clock``   a time of day, 24-hour: "18:00"
- ``format_moment``  an instant, date and time: "Tue, Aug 31, 2027, 18:00"; with
                     ``zone=True`` its zone follows: "(Japan Standard Time, UTC+09:00)"
- ``format_times``   a span of time in one day: "10:00–11:30", "(+1)" past midnight
- ``format_days``    a span of days: "Jun 14 – 18, 2027"
- ``sheet_text``     an instant or date as text in a CSV cell: "2027-08-31 18:00"

Show the zone wherever the reader may be elsewhere: e-mails, invitation and
registration pages, delegates' pages. Organisers' pages say the festival's
zone once in their heading. Each is a Jinja filter (``core.templating``):
``|day``, ``|clock(tz)``, ``|moment(tz)``, ``|moment(tz, zone=True)``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval, get_timezone_name
from flask_babel import get_locale
from flask_babel import gettext as _

from festival.core.i18n import format_skeleton

# The skeletons: the one list of how each kind reads (CLDR picks the order
# and the words per language).
DAY = "yMMMEd"  # with the weekday and the year
SHORT_DAY = "MMMEd"  # lists within one festival: the year goes without saying
CLOCK = "Hm"  # 24-hour: a festival's timetable reads that way in every language


def _locale() -> str:
    return str(get_locale() or "en")


def _local(value: datetime, tz: tzinfo | None) -> datetime:
    return value.astimezone(tz) if tz is not None else value


def format_day(
    value: date | datetime | None,
    tz: tzinfo | None = None,
    short: bool = False,
    full: bool = False,
) -> str:
    """A date (or an instant's date in ``tz``) with its weekday; ``short``
    leaves the year out, for lists of the festival's own days; ``full``
    writes the words out, for a day's heading or a date in a sentence
    ("Tuesday, August 31, 2027")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value, tz)
    if full:
        # CLDR's full date: no skeleton gives the weekday in words everywhere.
        return str(babel_format_date(value, "full", locale=_locale()))
    return format_skeleton(SHORT_DAY if short else DAY, value, _locale())


def format_clock(value: datetime | None, tz: tzinfo | None = None) -> str:
    """The wall-clock time of an instant in ``tz``: "18:00"."""
    if value is None:
        return ""
    return format_skeleton(CLOCK, _local(value, tz), _locale())


def utc_offset(value: datetime) -> str:
    """ "UTC+09:00": an aware instant's offset from UTC."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def zone_name(value: datetime) -> str:
    """The zone of an aware instant as the reader's language names it that
    day ("Japan Standard Time", "heure d’été d’Europe centrale")."""
    try:
        return str(get_timezone_name(value, locale=Locale.parse(_locale())))
    except (LookupError, ValueError):
        return str(getattr(value.tzinfo, "key", "") or "UTC")


@lru_cache(maxsize=64)
def _moment_pattern(locale: str) -> str:
    # Parsing the locale costs more than the formatting: once per language
    # (a transfers board writes hundreds of flight times).
    return str(Locale.parse(locale).datetime_formats.get("medium", "{1}, {0}"))


def format_moment(
    value: datetime | None, tz: tzinfo | None = None, zone: bool = False, short: bool = False
) -> str:
    """An instant as the date and time in ``tz``; ``zone`` adds the zone's name
    and UTC offset, for readers who may be in another zone; ``short`` leaves
    the year out."""
    if value is None:
        return ""
    local = _local(value, tz)
    text = _moment_pattern(_locale()).format(format_clock(local), format_day(local, short=short))
    if not zone:
        return text
    return _(
        "%(when)s (%(zone)s, %(offset)s)",
        when=text,
        zone=zone_name(local),
        offset=utc_offset(local),
    )


def format_times(starts_at: datetime, ends_at: datetime, tz: tzinfo | None = None) -> str:
    """ "10:00–11:30" in ``tz``; an end on a later day gets "(+1)" (or +2...),
    an end at the next midnight none."""
    start, end = _local(starts_at, tz), _local(ends_at, tz)
    label = f"{format_clock(start)}–{format_clock(end)}"
    days_later = (end.date() - start.date()).days
    if days_later and not (days_later == 1 and end.time() == time(0)):
        label += f" (+{days_later})"
    return label


def format_days(first: date, last: date) -> str:
    """A span of days, each language's way: "Jun 14 – 18, 2027",
    "2027年6月14日～18日", "14–18 juin 2027"; one day is that day."""
    if first == last:
        return format_day(first, full=True)
    return str(format_interval(first, last, "yMMMd", locale=_locale()))


def sheet_text(value: date | datetime | None, tz: tzinfo | None = None) -> str:
    """A date or instant (in ``tz``) as text in a CSV cell, the same in every
    language so spreadsheets sort and read it: "2027-08-31 18:00"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, tz).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def sheet_clock(value: datetime | None, tz: tzinfo | None = None) -> str:
    """The time of an instant (in ``tz``) as text in a CSV cell: "08:30"."""
    return "" if value is None else _local(value, tz).strftime("%H:%M")
