"""The numbers and days the app can hold, for input that may hold anything.

A query string or a form can carry ``?venue=99999999999999999999`` (past
SQLite's 64-bit integers: an OverflowError when bound), ``3000000000``
(past PostgreSQL's ``integer``: a database error) or ``?day=9999-12-31``
(a day whose next day, or whose midnight in UTC, is past ``date.max``).
Each is read here into a value that is safe to query and to compute with,
or refused, so that bad input is a "not found" or a field error, never a 500.
"""

from __future__ import annotations

from datetime import date, datetime

# Row ids are PostgreSQL ``integer`` columns (signed 32-bit): a larger
# number is no row's id.
MAX_ROW_ID = 2**31 - 1

# No festival, deadline or flight lies outside these days; the margin to
# date.min and date.max leaves room for a zone's offset and a few days'
# arithmetic (the day after, the week around).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def row_id(value: object) -> int | None:
    """``value`` (text of ASCII digits, or an int) as a row id from 1 to
    MAX_ROW_ID; None for anything else (a sign, a space, "²", a huge number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ROW_ID else None


def coerce_row_id(value: object) -> int:
    """``row_id`` for a WTForms ``coerce``: a ValueError (a field error)
    for anything that is not a row id."""
    number = row_id(value)
    if number is None:
        raise ValueError(f"not a row id: {value!r}")
    return number


def day_in_range(value: date | datetime | None) -> bool:
    """Whether ``value`` lies between FIRST_DAY and LAST_DAY (None: no)."""
    if value is None:
        return False
    day = value.date() if isinstance(value, datetime) else value
    return FIRST_DAY <= day <= LAST_DAY


def day_from_text(text: str | None) -> date | None:
    """An ISO day (``2027-06-15``) between FIRST_DAY and LAST_DAY; None for
    anything else, "9999-12-31" and "0001-01-01" included."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if day_in_range(day) else None
