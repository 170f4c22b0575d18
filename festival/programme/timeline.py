"""A picture of one day: the sessions by venue along the hours (pure layout).

The template turns a :class:`DayTimeline` into SVG with presentation
attributes only (x, y, width...), colours coming from CSS classes, because
the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from festival.programme.times import day_start

LABEL_WIDTH = 190  # the venue names' column, in SVG units
HOUR_WIDTH = 90
RIGHT_MARGIN = 40  # room for the last hour's label
AXIS_HEIGHT = 24
LANE_HEIGHT = 30
CHAR_WIDTH = 6.6  # a rough average at 12px; wide (CJK) characters count twice


class TimedSession(Protocol):
    """A ProgrammeSession, or a row of its columns (read only)."""

    @property
    def id(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...

    @property
    def venue_id(self) -> int | None: ...

    @property
    def type(self) -> object: ...

    @property
    def status(self) -> object: ...


@dataclass(frozen=True)
class Block:
    session_id: int
    x: float
    y: float
    width: float
    height: float
    label: str
    title: str
    css_class: str


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    y: float
    height: float


@dataclass
class DayTimeline:
    day: date
    width: float
    height: float
    hours: list[tuple[float, str]] = field(default_factory=list)  # (x, "09:00")
    rows: list[Row] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def assign_lanes(intervals: Sequence[tuple[datetime, datetime]]) -> list[int]:
    """The lane (0, 1, ...) of each interval so that none overlaps in a lane.

    Greedy by start time: an interval takes the first lane free at its start.
    Touching intervals (one ends as the next starts) share a lane.
    """
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i][0], intervals[i][1]))
    lane_ends: list[datetime] = []
    lanes = [0] * len(intervals)
    for i in order:
        start, end = intervals[i]
        for lane, busy_until in enumerate(lane_ends):
            if busy_until <= start:
                lanes[i] = lane
                lane_ends[lane] = end
                break
        else:
            lanes[i] = len(lane_ends)
            lane_ends.append(end)
    return lanes


def _text_width(text: str) -> float:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text) * CHAR_WIDTH


def fit_label(text: str, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width`` SVG units, roughly."""
    if _text_width(text) <= width:
        return text
    out = ""
    for char in text:
        if _text_width(out + char + "…") > width:
            break
        out += char
    return out + "…" if out else ""


def day_timeline(
    sessions: Sequence[TimedSession],
    venue_names: dict[int, str],
    day: date,
    tz: ZoneInfo,
    no_venue_label: str = "—",
    titles: dict[int, str] | None = None,
) -> DayTimeline:
    """Lay out ``sessions`` (those of ``day`` in ``tz``) in one row per venue.

    Rows follow ``venue_names``' order and show only venues in use that day;
    sessions without a venue get a last row. Overlapping sessions in one
    venue are stacked in lanes, so a double booking is visible at a glance.
    """
    midnight = day_start(day, tz)
    next_midnight = day_start(day + timedelta(days=1), tz)

    def hours_from_midnight(value: datetime) -> float:
        value = min(max(value, midnight), next_midnight)
        return (value - midnight).total_seconds() / 3600

    if sessions:
        first = math.floor(min(hours_from_midnight(s.starts_at) for s in sessions))
        last = math.ceil(max(hours_from_midnight(s.ends_at) for s in sessions))
        first, last = min(first, 9), max(last, first + 1, 18)
    else:
        first, last = 9, 18

    by_venue: dict[int | None, list[TimedSession]] = {}
    for session in sessions:
        by_venue.setdefault(session.venue_id, []).append(session)
    order: list[int | None] = [v for v in venue_names if v in by_venue]
    if None in by_venue:
        order.append(None)

    def x_of(value: datetime) -> float:
        return LABEL_WIDTH + (hours_from_midnight(value) - first) * HOUR_WIDTH

    timeline = DayTimeline(
        day=day, width=LABEL_WIDTH + (last - first) * HOUR_WIDTH + RIGHT_MARGIN, height=0
    )
    timeline.hours = [
        (LABEL_WIDTH + (h - first) * HOUR_WIDTH, f"{h % 24:02d}:00") for h in range(first, last + 1)
    ]
    y = AXIS_HEIGHT
    for venue_id in order:
        group = sorted(by_venue[venue_id], key=lambda s: (s.starts_at, s.id))
        lanes = assign_lanes([(s.starts_at, s.ends_at) for s in group])
        height = (max(lanes) + 1) * LANE_HEIGHT
        name = venue_names.get(venue_id, no_venue_label) if venue_id else no_venue_label
        label = fit_label(name, LABEL_WIDTH - 12)
        timeline.rows.append(Row(name=name, label=label, y=y, height=height))
        for session, lane in zip(group, lanes, strict=True):
            x = x_of(session.starts_at)
            width = max(x_of(session.ends_at) - x, 4)
            status = getattr(session.status, "value", session.status)
            kind = getattr(session.type, "value", session.type)
            timeline.blocks.append(
                Block(
                    session_id=session.id,
                    x=round(x, 1),
                    y=y + lane * LANE_HEIGHT + 2,
                    width=round(width, 1),
                    height=LANE_HEIGHT - 4,
                    # The title in the reader's language, when the caller has it.
                    label=fit_label((titles or {}).get(session.id, session.title), width - 8),
                    title=(titles or {}).get(session.id, session.title),
                    css_class=f"tl-block tl-{kind} tl-{status}",
                )
            )
        y += height
    timeline.height = y + 4
    return timeline
