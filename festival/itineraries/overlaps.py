"""Which intervals overlap: a pure function, used to flag clashes."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
INSTANT = timedelta(microseconds=1)


def overlapping_pairs(intervals: Sequence[tuple[K, datetime, datetime]]) -> list[tuple[K, K]]:
    """Every pair of keys whose [start, end) intervals overlap.

    Intervals that merely touch (one ends when the next starts) do not
    overlap. An instant (start == end, a pickup at 14:00) stands for that
    moment: it overlaps what is going on then. Sorted sweep: O(n log n +
    pairs); pairs come in start order.
    """
    ordered = sorted(
        ((key, start, max(end, start + INSTANT)) for key, start, end in intervals),
        key=lambda item: (item[1], item[2]),
    )
    pairs: list[tuple[K, K]] = []
    active: list[tuple[K, datetime, datetime]] = []
    for key, start, end in ordered:
        active = [a for a in active if a[2] > start]
        pairs.extend((a[0], key) for a in active)
        active.append((key, start, end))
    return pairs
