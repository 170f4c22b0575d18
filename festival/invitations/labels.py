"""How invitations look: status labels, the at-a-glance bar, deadlines in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from babel import Locale
from babel.dates import get_timezone_name
from flask_babel import format_date, format_time, get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l

from festival.invitations.models import InvitationStatus

S = InvitationStatus

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SENT: _l("Sent"),
    S.OPENED: _l("Opened"),
    S.ACCEPTED: _l("Accepted"),
    S.DECLINED: lazy_pgettext("invitation", "Declined"),
    S.EXPIRED: _l("Expired"),
    S.REVOKED: _l("Revoked"),
}

# The bar reads left to right from "yes" to "no", the undecided in the middle.
BAR_ORDER = [S.ACCEPTED, S.OPENED, S.SENT, S.DRAFT, S.DECLINED, S.EXPIRED, S.REVOKED]


@dataclass(frozen=True)
class Segment:
    status: InvitationStatus
    count: int
    x: float  # where it starts, in percent of the bar
    width: float  # in percent of the bar
    percent: int  # rounded share, for the legend


def status_bar(counts: Mapping[InvitationStatus, int]) -> list[Segment]:
    """The stacked bar's segments, one per status with invitations, in BAR_ORDER."""
    total = sum(counts.values())
    segments: list[Segment] = []
    if not total:
        return segments
    x = 0.0
    for status in BAR_ORDER:
        count = counts.get(status, 0)
        if not count:
            continue
        width = 100.0 * count / total
        segments.append(Segment(status, count, round(x, 3), round(width, 3), round(width)))
        x += width
    return segments


def deadline_text(value: datetime | None, tz: tzinfo) -> str:
    """A deadline as people write it, in the festival's zone and the reader's
    language, without seconds: "Saturday, December 5, 2026, 11:59 PM Japan
    Standard Time" (Jinja filter ``deadline``)."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    locale = get_locale() or Locale("en")
    date_part = format_date(local, "full")
    time_part = format_time(local, "short", rebase=False)
    zone = get_timezone_name(local, locale=locale)
    pattern = str(locale.datetime_formats.get("full", "{1}, {0}"))
    return pattern.format(f"{time_part} {zone}", date_part)
