"""CSV and XLSX downloads of a table: what organisers take into Excel.

CSV starts with a byte-order mark so Excel reads it as UTF-8 (Japanese,
Arabic and accented names stay intact). Cells that a spreadsheet would take
for a formula are prefixed with an apostrophe: a delegate's name must never
run as one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from festival.core.cells import safe_cell
from festival.core.dates import sheet_text
from festival.core.view_helpers import private_download

BOM = "\ufeff"


@dataclass
class Table:
    """A sheet: a title, column headers and rows of plain values."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return sheet_text(value)
    if isinstance(value, (list, tuple)):
        return safe_cell(", ".join(str(v) for v in value))
    return safe_cell(str(value))


def to_csv(tables: Sequence[Table]) -> str:
    """The tables one after another (a blank line between), with a BOM."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        if len(tables) > 1:
            writer.writerow([table.title])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_text(v) for v in row])
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # Excel has no time zones: the caller already converted to local time.
        return value.replace(tzinfo=None)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    # In a workbook only "=" makes a formula (openpyxl's rule); other text stays text.
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table (write-only mode: flat memory for long lists)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        sheet.freeze_panes = "A2"
        header = []
        for title in table.headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(title))
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(tables: Sequence[Table], fmt: str, filename: str) -> Response:
    """The tables as an attachment: ``fmt`` is "csv" or "xlsx"."""
    if fmt == "xlsx":
        return private_download(to_xlsx(tables), f"{filename}.{fmt}", XLSX_TYPE)
    return private_download(to_csv(tables).encode("utf-8"), f"{filename}.{fmt}", "text/csv")
