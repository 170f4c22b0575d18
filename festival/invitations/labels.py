"""How invitations look: status labels, the at-a-glance bar, deadlines in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from festival.core.dates import format_moment
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
    """A deadline in the festival's zone and the reader's language, with the
    zone, since cities read it from everywhere: "Sat, Dec 5, 2026, 23:59
    (Japan Standard Time, UTC+09:00)" (Jinja filter ``deadline``)."""
    return format_moment(value, tz, zone=True)
