"""Cells of the spreadsheets and CSV files the app writes."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

# What a spreadsheet takes for the start of a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def local_cell(value: datetime | None, tz: tzinfo) -> datetime | None:
    """An instant as the wall-clock time in ``tz``, naive: what a spreadsheet
    cell can hold (the column's heading names the zone)."""
    return value.astimezone(tz).replace(tzinfo=None) if value else None
