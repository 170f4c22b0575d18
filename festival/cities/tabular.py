"""Read a spreadsheet file the way spreadsheets really save it.

A pure function of the uploaded bytes: CSV in UTF-8 (with or without BOM),
UTF-16 (Excel's "Unicode text", tab-separated), CP932 (Japanese Excel) or
Windows-1252 (French and English Excel), with comma, semicolon or tab
delimiters; or XLSX. Out comes a header and the data rows, each with the line
(or sheet row) it started on, so that errors can point at it.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

MAX_ROWS = 5000
MAX_COLUMNS = 60
DELIMITERS = (",", ";", "\t", "|")


class TableError(ValueError):
    """The file cannot be read as a table; ``message`` says why, for a person."""

    def __init__(self, message: object, line: int | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.line = line


@dataclass
class Table:
    header: list[str]
    header_line: int
    # (line number in the file, cells), blank rows left out.
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None


def read_table(data: bytes, filename: str = "") -> Table:
    """Parse ``data`` (a CSV/TSV text or an XLSX workbook) into a :class:`Table`."""
    if not data.strip():
        raise TableError(_l("The file is empty."))
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(
            _l("This is an old Excel (.xls) file. Save it as .xlsx or as CSV and upload it again.")
        )
    text, encoding = decode(data)
    if "\x00" in text:
        raise TableError(_l("The file contains binary data: is it really a CSV file?"))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True
    )
    records: list[tuple[int, list[str]]] = []
    previous = 0
    try:
        for cells in reader:
            records.append((previous + 1, cells))
            previous = reader.line_num
            if len(records) > MAX_ROWS + 50:
                break
    except csv.Error as error:
        raise TableError(
            _l(
                "Line %(line)s: the quotes do not match (a field opens a quote it never "
                "closes, or text follows a closing quote).",
                line=previous + 1,
            ),
            line=previous + 1,
        ) from error
    return _table(records, encoding=encoding, delimiter=delimiter)


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as error:
                raise TableError(
                    _l("The file is not valid %(encoding)s text.", encoding=encoding)
                ) from error
    if b"\x00" in data[:200]:
        # UTF-16 without a byte-order mark: the zero bytes of ASCII give it away.
        sample = data[:200]
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as error:
            raise TableError(
                _l("The file contains binary data: is it really a CSV file?")
            ) from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: a legacy Excel encoding. Japanese Excel writes CP932, French
    # and English Excel Windows-1252; keep the one whose text looks like words.
    candidates = []
    for encoding, score in (("cp932", _japanese_score), ("cp1252", _western_score)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # A sample is enough to tell, and keeps a large file fast.
        candidates.append((score(text[:100_000]), encoding, text))
    if not candidates:
        raise TableError(
            _l(
                "The file's text encoding was not recognised. Save it as "
                '"CSV UTF-8" and upload it again.'
            )
        )
    _score, encoding, text = max(candidates)
    return text, encoding


def _is_japanese(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3000 <= code <= 0x30FF  # punctuation, hiragana, katakana
        or 0x4E00 <= code <= 0x9FFF  # kanji
        or 0xFF01 <= code <= 0xFF60  # full-width forms
    )


def _japanese_score(text: str) -> float:
    """Share of non-ASCII characters that look like Japanese words.

    Western text mis-read as CP932 gives kanji glued to Latin letters
    ("S鬚rine"), so such kanji do not count.
    """
    good = total = 0
    for index, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        total += 1
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if _is_japanese(ch) and not (before.isascii() and before.isalpha()):
            good += 1 if not (after.isascii() and after.isalpha()) else 0.5
    return good / total if total else 0.0


_WESTERN_PUNCTUATION = set("’‘“”«»–—…€°·")


def _western_score(text: str) -> float:
    """Share of non-ASCII characters that are Latin letters or common punctuation."""
    good = total = 0
    for ch in text:
        if ord(ch) < 128:
            continue
        total += 1
        latin = ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")
        if latin or ch in _WESTERN_PUNCTUATION:
            good += 1
    return good / total if total else 0.0


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the candidate found most often outside quotes."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier one (comma)
    return best if counts[best] else ","


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError(_l("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = workbook.active
        if sheet is None:
            raise TableError(_l("The workbook has no sheet."))
        records = []
        for number, values in enumerate(
            sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), start=1
        ):
            records.append((number, [_cell_text(value) for value in values]))
            if len(records) > MAX_ROWS + 50:
                break
    finally:
        workbook.close()
    return _table(records, encoding=None, delimiter=None)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return str(value)


def _table(
    records: list[tuple[int, list[str]]], encoding: str | None, delimiter: str | None
) -> Table:
    """Header = the first non-blank row; blank rows and trailing blank columns dropped."""
    rows = [(line, cells) for line, cells in records if any(cell.strip() for cell in cells)]
    if not rows:
        raise TableError(_l("The file is empty."))
    header_line, header = rows[0]
    while header and not header[-1].strip():
        header.pop()
    data_rows = rows[1:]
    if len(data_rows) > MAX_ROWS:
        raise TableError(
            _l("The file has more than %(max)s rows: split it into smaller files.", max=MAX_ROWS)
        )
    return Table(
        header=[cell.strip() for cell in header],
        header_line=header_line,
        rows=data_rows,
        encoding=encoding,
        delimiter=delimiter,
    )
