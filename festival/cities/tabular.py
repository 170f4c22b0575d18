"""Read a spreadsheet file the way spreadsheets really save it.

A pure function of the uploaded bytes: CSV in UTF-8 (with or without BOM),
UTF-16 (Excel's "Unicode text", tab-separated), CP932 (Japanese Excel) or
Windows-1252 (French and English Excel), with comma, semicolon or tab
delimiters; or XLSX. Out comes a header and the data rows, each with the line
(or sheet row) it started on, so that errors can point at it.

Both readers stream and stop at the first cap exceeded (rows, columns,
characters in a cell, text in all): a small upload can unpack into gigabytes
("spreadsheet bombs"), so nothing is read whole before it is counted. The
XLSX reader is our own, on expat, because openpyxl loads every shared string
into memory and trusts the sheet's declared dimension.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO
from xml.parsers import expat

from flask_babel import format_number, lazy_ngettext
from flask_babel import lazy_gettext as _l

# What one upload may hold. A city list is a few hundred rows (the benchmark's
# ten times the expected scale is 2,000 cities of about ten columns), so these
# leave plenty of room while bounding the time and memory a file can cost.
MAX_ROWS = 5000  # data rows, the header apart
MAX_EMPTY_ROWS = 50_000  # empty rows passed over (a sheet formatted far down)
MAX_COLUMNS = 60  # columns that hold a value
MAX_CELL_CHARS = 1000  # characters in one cell
MAX_TEXT_CHARS = 5_000_000  # characters in all the cells: about the largest CSV accepted
MAX_XLSX_PART_BYTES = 20 * 1024 * 1024  # one part of a workbook (sheet, strings) unzipped
# Excel's last column is XFD: a row with more cells is not from a spreadsheet.
MAX_ROW_CELLS = 16_384
# A CSV line longer than this breaks the column or the cell cap, whatever it holds.
MAX_LINE_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)
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
    # Things the person should check before importing (lines in another encoding).
    warnings: list[object] = field(default_factory=list)


def cell_text(value: object) -> str:
    """The text of one cell, whatever the file gave: the one place cells become text.

    Every cell of a CSV or a workbook passes here, so a filter on cell text
    (control characters, say) belongs here and nowhere else.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _count(number: int) -> str:
    """A cap as people read it (5,000 in English, 5 000 in French)."""
    return format_number(number)


def _too_many_rows(line: int) -> TableError:
    return TableError(
        _l(
            "The file has more than %(max)s rows (line %(line)s is one too many): "
            "split it into smaller files.",
            max=_count(MAX_ROWS),
            line=line,
        ),
        line=line,
    )


def _too_many_columns(line: int) -> TableError:
    return TableError(
        _l(
            "The file has more than %(max)s columns (line %(line)s): keep only the "
            "columns of the city list.",
            max=_count(MAX_COLUMNS),
            line=line,
        ),
        line=line,
    )


def _cell_too_long(line: int) -> TableError:
    return TableError(
        _l(
            "Line %(line)s has a cell longer than %(max)s characters: is the file "
            "really a list of cities?",
            max=_count(MAX_CELL_CHARS),
            line=line,
        ),
        line=line,
    )


class _Rows:
    """The non-blank rows as they stream in, refused at the first cap exceeded."""

    def __init__(self) -> None:
        self.records: list[tuple[int, list[str]]] = []
        self.empty = 0
        self.chars = 0

    def add(self, line: int, cells: list[str]) -> None:
        if not any(cell.strip() for cell in cells):
            self.empty += 1
            if self.empty > MAX_EMPTY_ROWS:
                raise TableError(
                    _l(
                        "The file has more than %(max)s empty rows: delete the empty rows "
                        "below the list and upload it again.",
                        max=_count(MAX_EMPTY_ROWS),
                    ),
                    line=line,
                )
            return
        # The header and MAX_ROWS data rows are allowed.
        if len(self.records) > MAX_ROWS:
            raise _too_many_rows(line)
        self.chars += sum(len(cell) for cell in cells)
        if self.chars > MAX_TEXT_CHARS:
            raise TableError(
                _l(
                    "The file holds more than %(max)s characters of text (reached at line "
                    "%(line)s): keep only the list of cities in it.",
                    max=_count(MAX_TEXT_CHARS),
                    line=line,
                ),
                line=line,
            )
        while cells and not cells[-1]:
            cells.pop()
        self.records.append((line, cells))


def _checked_cells(line: int, values: Iterable[object]) -> list[str]:
    """The cells of a CSV row as text, checked against the column and cell caps."""
    cells = []
    for column, value in enumerate(values, start=1):
        text = cell_text(value)
        if len(text) > MAX_CELL_CHARS:
            raise _cell_too_long(line)
        if column > MAX_COLUMNS:
            if text.strip():
                raise _too_many_columns(line)
            continue
        cells.append(text)
    return cells


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
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    text, encoding, warnings = _decode(data)
    if "\x00" in text:
        raise TableError(_l("The file contains binary data: is it really a CSV file?"))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(
        _capped_lines(text, delimiter), delimiter=delimiter, strict=True, skipinitialspace=True
    )
    rows = _Rows()
    previous = 0
    try:
        for values in reader:
            line = previous + 1
            rows.add(line, _checked_cells(line, values))
            previous = reader.line_num
    except csv.Error as error:
        line = previous + 1
        if "field larger than field limit" in str(error):
            # A quoted cell running over many lines: the cell cap, not the quotes.
            raise _cell_too_long(line) from error
        raise TableError(
            _l(
                "Line %(line)s: the quotes do not match (a field opens a quote it never "
                "closes, or text follows a closing quote).",
                line=line,
            ),
            line=line,
        ) from error
    table = _table(rows.records, encoding=encoding, delimiter=delimiter)
    table.warnings = warnings
    return table


def _capped_lines(text: str, delimiter: str) -> Iterator[str]:
    """The physical lines of ``text``, stopping at one too long for any city list.

    The csv module builds a whole row before we see it: a line of a million
    commas would be a list of a million cells, so it is refused here first.
    """
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARS:
            if line.count(delimiter) >= MAX_COLUMNS:
                raise _too_many_columns(number)
            raise _cell_too_long(number)
        yield line


# The encodings a file may come in, as people know them.
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "cp932": "Shift-JIS (Japanese Excel)",
    "cp1252": "Windows-1252 (Western Excel)",
}
# How many of the lines in another encoding a warning names.
_LINES_NAMED = 10


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in."""
    text, encoding, _warnings = _decode(data)
    return text, encoding


def _decode(data: bytes) -> tuple[str, str, list[object]]:
    """The text, its (main) encoding, and warnings about lines in another one."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, []
            except UnicodeDecodeError as error:
                if encoding == "utf-8-sig":
                    return _decode_by_line(data[len(bom) :], has_bom=True)
                raise TableError(
                    _l("The file is not valid %(encoding)s text.", encoding=encoding)
                ) from error
    if b"\x00" in data[:200]:
        # UTF-16 without a byte-order mark: the zero bytes of ASCII give it away.
        sample = data[:200]
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding), encoding, []
        except UnicodeDecodeError as error:
            raise TableError(
                _l("The file contains binary data: is it really a CSV file?")
            ) from error
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        return _decode_by_line(data)


def _legacy_decode(data: bytes) -> tuple[str, str] | None:
    """``data`` read in the legacy Excel encoding it looks like, or None if neither reads it.

    Japanese Excel writes CP932, French and English Excel Windows-1252; keep
    the one whose text looks like words.
    """
    candidates = []
    for encoding, score in (("cp932", _japanese_score), ("cp1252", _western_score)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # A sample is enough to tell, and keeps a large file fast.
        candidates.append((score(text[:100_000]), encoding, text))
    if not candidates:
        return None
    _score, encoding, text = max(candidates)
    return text, encoding


def _decode_by_line(data: bytes, has_bom: bool = False) -> tuple[str, str, list[object]]:
    """Text that is not UTF-8 throughout: a legacy encoding, or a mix, line by line.

    A file pieced together from several sources can be UTF-8 with a few lines
    pasted from a Windows-1252 or Shift-JIS file (or the other way round).
    Each line is read in the encoding it is in, and the lines that differ from
    the rest are named in a warning instead of turning silently into mojibake.
    """
    utf8_lines: list[int] = []
    utf8_count = 0
    legacy_lines: list[int] = []
    legacy_count = 0
    # Enough of the non-UTF-8 lines to tell which legacy encoding they are in.
    legacy_sample = bytearray()
    for number, line in enumerate(io.BytesIO(data), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            legacy_count += 1
            if len(legacy_lines) < _LINES_NAMED + 1:
                legacy_lines.append(number)
            if len(legacy_sample) < 100_000:
                legacy_sample += line
        else:
            utf8_count += 1
            if len(utf8_lines) < _LINES_NAMED + 1:
                utf8_lines.append(number)
    if not utf8_count:
        # One legacy encoding throughout (the file as Excel saved it).
        legacy = None if has_bom else _legacy_decode(data)
        if legacy is None:
            raise TableError(
                _l(
                    "The file's text encoding was not recognised. Save it as "
                    '"CSV UTF-8" and upload it again.'
                )
            )
        return legacy[0], legacy[1], []
    guess = _legacy_decode(bytes(legacy_sample))
    other = guess[1] if guess else "cp1252"
    text = io.StringIO()
    for line in io.BytesIO(data):
        try:
            text.write(line.decode("utf-8"))
        except UnicodeDecodeError:
            # Windows-1252 leaves five bytes undefined: show them, and the warning says why.
            text.write(line.decode(other, errors="replace"))
    if utf8_count >= legacy_count:
        main, odd, odd_lines, odd_count = "utf-8", other, legacy_lines, legacy_count
    else:
        main, odd, odd_lines, odd_count = other, "utf-8", utf8_lines, utf8_count
    named = ", ".join(str(number) for number in odd_lines[:_LINES_NAMED])
    if odd_count > _LINES_NAMED:
        named += ", …"
    warning = lazy_ngettext(
        "Line %(lines)s was saved in a different text encoding from the rest of the "
        "file: it was read as %(other)s, the rest as %(main)s. Check its names and "
        'accents before you import, or save the whole file as "CSV UTF-8" and upload '
        "it again.",
        "%(num)s lines (%(lines)s) were saved in a different text encoding from the "
        "rest of the file: they were read as %(other)s, the rest as %(main)s. Check "
        'their names and accents before you import, or save the whole file as "CSV '
        'UTF-8" and upload it again.',
        odd_count,
        lines=named,
        main=ENCODING_NAMES[main],
        other=ENCODING_NAMES[odd],
    )
    return text.getvalue(), ("utf-8-sig" if has_bom and main == "utf-8" else main), [warning]


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
    good: float = 0
    total = 0
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
    # Line by line: splitting a whole file of short lines would cost far more than it.
    line = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    line = line[:MAX_LINE_CHARS]
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the earlier one (comma)
    return best if counts[best] else ","


# --- XLSX ---------------------------------------------------------------------

_REL_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_LAST_ROW = 1_048_576  # Excel's
_COLUMN_REF = re.compile(r"([A-Z]{1,3})(\d*)$")


class _SheetEnd(Exception):
    """The sheet's data is read: what follows it in the XML does not matter."""


def _unreadable() -> TableError:
    return TableError(_l("The file is not a readable XLSX workbook."))


def _local(name: str) -> str:
    # expat with namespaces gives "uri local"; spreadsheets may prefix (x:row) or not.
    return name.rpartition(" ")[2]


def _open_part(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    """A part of the workbook, once its unpacked size is known to be within the cap."""
    info = archive.getinfo(name)
    # Spreadsheets deflate their parts; bzip2 and LZMA could unpack a few
    # bytes into gigabytes in a single read.
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _unreadable()
    # The size the zip declares bounds what zipfile will unpack (beyond it,
    # the checksum fails), so checking it refuses a bomb before any work.
    if info.file_size > MAX_XLSX_PART_BYTES:
        raise TableError(
            _l(
                "The workbook is too large once unpacked: %(part)s holds %(size)s MB "
                "(%(max)s MB at most). Keep only the list of cities in it.",
                part=posixpath.basename(name),
                size=_count(info.file_size // (1024 * 1024)),
                max=_count(MAX_XLSX_PART_BYTES // (1024 * 1024)),
            )
        )
    return archive.open(info)


def _refuse_doctype(*_args: object) -> None:
    # Workbooks never declare a DTD; one could only be there to expand entities.
    raise _unreadable()


def _parse_part(
    archive: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream one XML part through expat, 64 KB at a time; handlers get local names."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = lambda tag, attrs: start(
        _local(tag), {_local(key): value for key, value in attrs.items()}
    )
    if end is not None:
        parser.EndElementHandler = lambda tag: end(_local(tag))
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        with _open_part(archive, name) as stream:
            while chunk := stream.read(65536):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _SheetEnd:
        pass


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, part name) of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            kind = attrs.get("Type", "").rpartition("/")[2]
            found[attrs.get("Id", "")] = (kind, posixpath.normpath(path))

    if rels_name in archive.NameToInfo:
        _parse_part(archive, rels_name, start)
    return found


def _workbook(archive: zipfile.ZipFile) -> tuple[str, str | None, str | None, bool]:
    """The active worksheet's part, the shared strings' and styles' parts, date1904."""
    documents = [
        path for kind, path in _relationships(archive, "").values() if kind == "officeDocument"
    ]
    workbook = documents[0] if documents else "xl/workbook.xml"
    rels = _relationships(archive, workbook)
    sheets: list[str] = []
    state = {"active": 0, "date1904": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            sheets.append(attrs.get("id", ""))
        elif tag == "workbookView" and attrs.get("activeTab", "0").isdigit():
            state["active"] = int(attrs.get("activeTab", "0"))
        elif tag == "workbookPr":
            state["date1904"] = attrs.get("date1904", "") in ("1", "true")

    _parse_part(archive, workbook, start)
    worksheets = [rels[rid][1] for rid in sheets if rels.get(rid, ("",))[0] == "worksheet"]
    if not worksheets:
        raise TableError(_l("The workbook has no sheet."))
    active = int(state["active"])
    # openpyxl's rule: the active tab, if it is a worksheet (not a chart).
    active_rel = rels.get(sheets[active], ("", "")) if active < len(sheets) else ("", "")
    sheet = active_rel[1] if active_rel[0] == "worksheet" else worksheets[0]
    strings = next((path for kind, path in rels.values() if kind == "sharedStrings"), None)
    styles = next((path for kind, path in rels.values() if kind == "styles"), None)
    return sheet, strings, styles, bool(state["date1904"])


class _TooLong:
    """A shared string over the cell cap: kept as this marker, not as text."""


_TOO_LONG = _TooLong()


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str | _TooLong]:
    """The shared strings, streamed; one over the cell cap becomes a marker."""
    strings: list[str | _TooLong] = []
    if part is None or part not in archive.NameToInfo:
        return strings
    pieces: list[str] = []
    state = {"in_text": False, "phonetic": 0, "length": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            pieces.clear()
            state["length"] = 0
        elif tag == "rPh":  # furigana above Japanese text: not part of it
            state["phonetic"] += 1
        elif tag == "t" and not state["phonetic"]:
            state["in_text"] = True

    def end(tag: str) -> None:
        if tag == "si":
            strings.append(_TOO_LONG if state["length"] > MAX_CELL_CHARS else "".join(pieces))
            pieces.clear()
        elif tag == "rPh":
            state["phonetic"] -= 1
        elif tag == "t":
            state["in_text"] = False

    def text(chunk: str) -> None:
        if state["in_text"]:
            state["length"] += len(chunk)
            if state["length"] <= MAX_CELL_CHARS:
                pieces.append(chunk)
            else:
                pieces.clear()

    _parse_part(archive, part, start, end, text)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> set[int]:
    """The cell styles (indexes of cellXfs) that show a number as a date."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    if part is None or part not in archive.NameToInfo:
        return set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    state = {"in_cell_xfs": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt" and attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            state["in_cell_xfs"] = True
        elif tag == "xf" and state["in_cell_xfs"]:
            number = attrs.get("numFmtId", "0")
            formats.append(int(number) if number.isdigit() else 0)

    def end(tag: str) -> None:
        if tag == "cellXfs":
            state["in_cell_xfs"] = False

    _parse_part(archive, part, start, end)
    return {
        index
        for index, number in enumerate(formats)
        if is_date_format(custom.get(number) or BUILTIN_FORMATS.get(number) or "")
    }


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


class _SheetReader:
    """The rows of one worksheet, streamed: each cap is checked as the XML goes by."""

    def __init__(
        self, strings: list[str | _TooLong], date_styles: set[int], date1904: bool
    ) -> None:
        self.strings = strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.rows = _Rows()
        self.line = 0
        self.cells: list[str] = []
        self.cell_count = 0
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.pieces: list[str] = []
        self.length = 0
        self.collecting = False
        self.phonetic = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "row":
            reference = attrs.get("r")
            self.line = int(reference) if reference else self.line + 1
            if not 0 < self.line <= _LAST_ROW:
                raise _unreadable()
            self.cells = []
            self.cell_count = 0
            self.column = 0
        elif tag == "c":
            self.cell_count += 1
            if self.cell_count > MAX_ROW_CELLS:
                raise _too_many_columns(self.line)
            match = _COLUMN_REF.match(attrs.get("r", ""))
            self.column = _column_number(match.group(1)) if match else self.column + 1
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() else 0
            self.pieces = []
            self.length = 0
        elif tag == "rPh":
            self.phonetic += 1
        elif tag in ("v", "t") and not self.phonetic:
            self.collecting = True
        elif tag == "sheetData":
            self.line = 0

    def text(self, chunk: str) -> None:
        if self.collecting:
            self.length += len(chunk)
            if self.length > MAX_CELL_CHARS:
                raise _cell_too_long(self.line)
            self.pieces.append(chunk)

    def end(self, tag: str) -> None:
        if tag in ("v", "t"):
            self.collecting = False
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "c":
            self._end_cell()
        elif tag == "row":
            self.rows.add(self.line, self.cells)
        elif tag == "sheetData":
            raise _SheetEnd

    def _end_cell(self) -> None:
        text = cell_text(self._value("".join(self.pieces)))
        if len(text) > MAX_CELL_CHARS:
            raise _cell_too_long(self.line)
        if self.column > MAX_COLUMNS:
            if text.strip():
                raise _too_many_columns(self.line)
            return  # an empty cell formatted far to the right
        if self.column > len(self.cells):
            self.cells.extend([""] * (self.column - len(self.cells)))
        self.cells[self.column - 1] = text

    def _value(self, raw: str) -> object:
        """The cell's value from its XML text, typed as openpyxl would type it."""
        if self.kind == "s":
            if not raw.strip().isdigit() or int(raw) >= len(self.strings):
                raise _unreadable()
            value = self.strings[int(raw)]
            if isinstance(value, _TooLong):
                raise _cell_too_long(self.line)
            return value
        if self.kind in ("inlineStr", "str", "e", "d"):
            return raw
        if self.kind == "b":
            return raw.strip() in ("1", "true")
        raw = raw.strip()
        if not raw:
            return None
        number: float = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
        if self.style in self.date_styles:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel

            return from_excel(number, CALENDAR_MAC_1904) if self.date1904 else from_excel(number)
        return number


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheet, strings_part, styles_part, date1904 = _workbook(archive)
            reader = _SheetReader(
                _shared_strings(archive, strings_part),
                _date_styles(archive, styles_part),
                date1904,
            )
            _parse_part(archive, sheet, reader.start, reader.end, reader.text)
    except TableError:
        raise
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OverflowError,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
        expat.ExpatError,
    ) as error:
        raise _unreadable() from error
    return _table(reader.rows.records, encoding=None, delimiter=None)


def _table(
    records: list[tuple[int, list[str]]], encoding: str | None, delimiter: str | None
) -> Table:
    """Header = the first non-blank row (rows come without blank ones); trailing blank
    header columns dropped."""
    if not records:
        raise TableError(_l("The file is empty."))
    header_line, header = records[0]
    while header and not header[-1].strip():
        header.pop()
    return Table(
        header=[cell.strip() for cell in header],
        header_line=header_line,
        rows=records[1:],
        encoding=encoding,
        delimiter=delimiter,
    )
