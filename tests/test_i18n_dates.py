"""Dates in the reader's language: our cached skeleton lookup writes exactly
what babel's own format_skeleton writes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import babel.dates
import pytest

from festival.core.i18n import format_skeleton

VALUES = [
    datetime(2027, 6, 14, 8, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
    datetime(2027, 1, 2, 23, 5, tzinfo=UTC),
    datetime(2027, 3, 4, 12, 0),  # naive: read as UTC, as babel does
    date(2027, 3, 4),
]


@pytest.mark.parametrize("locale", ["en", "ja", "fr", "ar"])
@pytest.mark.parametrize("skeleton", ["MMMEd", "Hm", "yMMMd", "yMMMEd", "MMMMd", "yMd", "EEEE"])
def test_format_skeleton_writes_what_babel_writes(locale, skeleton):
    for value in VALUES:
        expected = babel.dates.format_skeleton(skeleton, value, locale=locale)
        assert format_skeleton(skeleton, value, locale) == expected


def test_the_same_day_reads_differently_in_each_language():
    day = date(2027, 6, 14)
    assert format_skeleton("MMMEd", day, "en") == "Mon, Jun 14"
    assert format_skeleton("MMMEd", day, "fr") == "lun. 14 juin"
    assert format_skeleton("MMMEd", day, "ja") == "6月14日(月)"
