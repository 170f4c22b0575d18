"""Spreadsheet bombs and mixed encodings, through the organiser's import page.

Each bomb is a small upload that unpacks into something huge: millions of
rows, one row of millions of cells, a gigabyte-long string. The import must
refuse it at the first cap exceeded, with a message saying which, a 4xx and
well under 200 MB of memory; the cells it reads are counted (through
``tabular.cell_text``, where every cell becomes text) to show it stopped early.
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterable
from unittest import mock

import pytest

from festival.cities import tabular
from festival.cities.tabular import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from tests.test_cities_import import payload_of, upload
from tests.test_festivals_admin import field_error

MEMORY_CAP = 200 * 1024 * 1024

OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OOXML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OOXML}.sharedStrings+xml"/>'
    "</Types>"
).encode()
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
).encode()
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{REL}"><sheets><sheet name="Cities" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
).encode()
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    # The dimension a bomb claims: openpyxl believed it.
    b'<dimension ref="A1:XFD1048576"/><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>country</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>creative_field</t></is></c></row>'
)


# A part of a workbook as pieces, each (bytes, how many times in a row).
Part = list[tuple[bytes, int]]


def deflated(part: Part) -> tuple[bytes, int, int]:
    """The part deflated, its CRC-32 and its size, without ever holding it unpacked.

    After a full flush deflate starts afresh, so a repeated piece compresses
    to the same bytes every time: compressed once, repeated as it is.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    blocks, crc, size = [], 0, 0
    for piece, count in part:
        blocks.append((compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)) * count)
        for _ in range(count):
            crc = zlib.crc32(piece, crc)
        size += len(piece) * count
    blocks.append(compressor.flush())
    return b"".join(blocks), crc, size


def xlsx(sheet: Iterable[bytes | tuple[bytes, int]], strings: Iterable[bytes] = ()) -> bytes:
    """A workbook zipped by hand, its parts as honest about their sizes as Excel's."""
    parts: dict[str, Part] = {
        "[Content_Types].xml": [(CONTENT_TYPES, 1)],
        "_rels/.rels": [(ROOT_RELS, 1)],
        "xl/workbook.xml": [(WORKBOOK, 1)],
        "xl/_rels/workbook.xml.rels": [(WORKBOOK_RELS, 1)],
        "xl/worksheets/sheet1.xml": [(SHEET_START, 1), *map(piece, sheet), (SHEET_END, 1)],
        "xl/sharedStrings.xml": [
            (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
             b'openxmlformats.org/spreadsheetml/2006/main">', 1),
            *map(piece, strings),
            (b"</sst>", 1),
        ],
    }  # fmt: skip
    out, directory = io.BytesIO(), io.BytesIO()
    for name, part in parts.items():
        data, crc, size = deflated(part)
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0)
        directory.write(
            struct.pack("<IH", 0x02014B50, 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, out.tell())
            + name.encode()
        )
        out.write(struct.pack("<I", 0x04034B50) + fields + name.encode() + data)
    start, count = out.tell(), len(parts)
    out.write(directory.getvalue())
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, directory.tell(), start, 0)
    out.write(end)
    return out.getvalue()


def piece(value: bytes | tuple[bytes, int]) -> tuple[bytes, int]:
    return value if isinstance(value, tuple) else (value, 1)


def many(piece: bytes, count: int, per_chunk: int = 10_000) -> tuple[bytes, int]:
    """``piece`` ``count`` times (``count`` a multiple of ``per_chunk``)."""
    return piece * per_chunk, count // per_chunk


def twenty_million_rows() -> bytes:
    return xlsx([HEADER_ROW, many(b"<row><c><v>1</v></c></row>", 20_000_000)])


def rows_under_the_size_cap() -> bytes:
    # 600,000 rows in 15 MB: the row cap has to stop it while streaming.
    return xlsx([HEADER_ROW, many(b"<row><c><v>1</v></c></row>", 600_000)])


def five_million_cells() -> bytes:
    return xlsx([b"<row>", many(b"<c><v>1</v></c>", 5_000_000), b"</row>"])


def wide_row_under_the_size_cap() -> bytes:
    return xlsx([b"<row>", many(b"<c><v>1</v></c>", 1_000_000), b"</row>"])


def gigabyte_shared_string() -> bytes:
    return xlsx(
        [b'<row><c t="s"><v>0</v></c></row>'],
        [b"<si><t>", (b"a" * 1_000_000, 1024), b"</t></si>"],
    )


def long_shared_string_under_the_size_cap() -> bytes:
    return xlsx(
        [HEADER_ROW, b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
        [b"<si><t>", (b"a" * 1_000_000, 10), b"</t></si>"],
    )


def long_inline_cell() -> bytes:
    return xlsx(
        [
            HEADER_ROW,
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
            (b"a" * 1_000_000, 10),
            b"</t></is></c></row>",
        ]
    )


def empty_rows() -> bytes:
    return xlsx([HEADER_ROW, many(b"<row/>", 1_000_000)])


def csv_rows() -> bytes:
    return b"name,country,creative_field\n" + b"Parma,IT,gastronomy\n" * 200_000


def csv_wide_line() -> bytes:
    return b"name,country,creative_field" + b"," * 3_000_000 + b"\n"


def csv_long_cell() -> bytes:
    return b"name,country,creative_field\n" + b"a" * 4_000_000 + b",IT,gastronomy\n"


def csv_long_quoted_cell() -> bytes:
    # Short lines, one cell: a quoted field running over 400,000 lines.
    return b'name,country,creative_field\n"' + b"a\n" * 400_000 + b'",IT,gastronomy\n'


def csv_empty_lines() -> bytes:
    return b"name,country,creative_field\n" + b",,\n" * 1_000_000


BOMBS = {
    # The files of the report, refused from the size the zip declares.
    "20 M rows": (twenty_million_rows, "xlsx", "too large once unpacked", 0),
    "one row of 5 M cells": (five_million_cells, "xlsx", "too large once unpacked", 0),
    "1 GB shared string": (gigabyte_shared_string, "xlsx", "too large once unpacked", 0),
    # Smaller ones, stopped while streaming at the first cap exceeded.
    "600,000 rows": (rows_under_the_size_cap, "xlsx", "more than 5,000 rows", (MAX_ROWS + 2) * 3),
    "1 M cells in a row": (
        wide_row_under_the_size_cap,
        "xlsx",
        f"more than {MAX_COLUMNS} columns",
        MAX_COLUMNS + 1,
    ),
    "10 MB shared string": (
        long_shared_string_under_the_size_cap,
        "xlsx",
        "longer than 1,000 characters",
        3,
    ),
    "10 MB inline cell": (long_inline_cell, "xlsx", "longer than 1,000 characters", 3),
    "1 M empty rows": (empty_rows, "xlsx", "more than 50,000 empty rows", 3),
    "CSV of 200,000 rows": (csv_rows, "csv", "more than 5,000 rows", (MAX_ROWS + 2) * 3),
    "CSV line of 3 M commas": (csv_wide_line, "csv", f"more than {MAX_COLUMNS} columns", 0),
    "CSV cell of 4 MB": (csv_long_cell, "csv", "longer than 1,000 characters", 3),
    "CSV quoted cell over 400,000 lines": (
        csv_long_quoted_cell,
        "csv",
        "longer than 1,000 characters",
        3,
    ),
    "CSV of 1 M empty lines": (csv_empty_lines, "csv", "more than 50,000 empty rows", 3 * 50_002),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_spreadsheet_bomb_is_refused_early_with_a_message_in_little_memory(
    app, client, auth, name
):
    build, extension, message, max_cells = BOMBS[name]
    data = build()
    assert len(data) < app.config["MAX_CONTENT_LENGTH"]  # it does get through the upload
    auth.organiser()
    cells_read = 0
    real_cell_text = tabular.cell_text

    def counting_cell_text(value: object) -> str:
        nonlocal cells_read
        cells_read += 1
        return real_cell_text(value)

    with mock.patch.object(tabular, "cell_text", counting_cell_text):
        tracemalloc.start()
        try:
            response = upload(client, data, f"bomb.{extension}")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    del data
    assert response.status_code == 422
    assert message in field_error(response.text, "file")
    assert peak < MEMORY_CAP, f"{peak / 1048576:.0f} MB"
    assert cells_read <= max_cells


def test_the_caps_leave_room_for_a_real_city_list(client, auth):
    # A file right at the caps (5,000 cities, a long note, a column far right) is fine.
    header = "name,country,creative_field,notes" + "," * (MAX_COLUMNS - 5) + ",last\n"
    rows = "".join(
        f"City {number},FR,design,{'x' * MAX_CELL_CHARS if number == 7 else 'note'}"
        + "," * (MAX_COLUMNS - 4)
        + "\n"
        for number in range(MAX_ROWS)
    )
    auth.organiser()
    response = upload(client, (header + rows).encode())
    assert response.status_code == 200, field_error(response.text, "file")
    assert f"Import {MAX_ROWS:,} cities" in response.text or "Import 5000 cities" in response.text


def test_a_workbook_declaring_entities_is_refused(client, auth):
    # The "billion laughs": entities expanding into gigabytes of text.
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
            for i in range(8)
        )
        + b"]>"
    )
    data = xlsx([HEADER_ROW, b'<row r="2"><c r="A2" t="inlineStr"><is><t>&i;</t></is></c></row>'])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = laughs + content.split(b"?>", 1)[1]
            target.writestr(info.filename, content)
    auth.organiser()
    response = upload(client, buffer.getvalue(), "laughs.xlsx")
    assert response.status_code == 422
    assert "not a readable XLSX workbook" in field_error(response.text, "file")


def test_a_hand_made_workbook_reads_like_one_from_excel(client, auth):
    # The bombs' workbook, holding cities: shared strings with furigana, inline strings.
    data = xlsx(
        [
            HEADER_ROW,
            b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c>'
            b'<c r="C2" t="inlineStr"><is><t>gastronomy</t></is></c></row>',
            b'<row r="4"><c r="A4" t="inlineStr"><is><r><t>Par</t></r><r><t>ma</t></r></is></c>'
            b'<c r="B4" t="inlineStr"><is><t>IT</t></is></c>'
            b'<c r="C4" t="inlineStr"><is><t>gastronomy</t></is></c></row>',
        ],
        [
            '<si><t>鶴岡市</t><rPh sb="0" eb="3"><t>ツルオカシ</t></rPh></si>'.encode(),
            "<si><t>日本</t></si>".encode(),
        ],
    )
    auth.organiser()
    response = upload(client, data, "cities.xlsx")
    assert response.status_code == 200, field_error(response.text, "file")
    assert "鶴岡市" in response.text and "ツルオカシ" not in response.text
    assert 'id="line-4"' in response.text and "Parma" in response.text


def test_a_csv_mixing_encodings_is_read_line_by_line_with_a_warning(client, auth):
    # UTF-8, with two lines pasted from a French Excel file (Windows-1252).
    data = (
        b"name,country,creative_field,contact_name\n"
        + "Tsuruoka,日本,gastronomy,佐藤花子\n".encode()
        + "Saint-Étienne,France,design,Élodie Martin\n".encode("cp1252")
        + "Bistrița,RO,film,Ioana Pop\n".encode()
        + "Sévérac,FR,music,Hélène\n".encode("cp1252")
    )
    auth.organiser()
    response = upload(client, data)
    assert response.status_code == 200
    assert "Saint-Étienne" in response.text and "Sévérac" in response.text
    assert "Bistrița" in response.text and "佐藤花子" in response.text
    assert "Ã" not in response.text and "\ufffd" not in response.text
    warning = " ".join(response.text.split())
    assert (
        "2 lines (3, 5) were saved in a different text encoding from the rest of the file: "
        "they were read as Windows-1252 (Western Excel), the rest as UTF-8."
    ) in warning
    # A warning, not an error: the person checks the lines and may import.
    assert payload_of(response.text)


def test_a_western_file_with_one_utf8_line_names_that_line(client, auth):
    data = (
        "nom;pays;domaine\n".encode("cp1252")
        + "Orléans;France;gastronomie\n".encode("cp1252")
        + "Sévérac;France;musique\n".encode("cp1252")
        + "Dunkerque;France;musique\n".encode("cp1252")
        + "Bistrița;Roumanie;film\n".encode()
        + "Angoulême;France;littérature\n".encode("cp1252")
    )
    auth.organiser()
    response = upload(client, data)
    assert response.status_code == 200
    assert "Orléans" in response.text and "Bistrița" in response.text
    warning = " ".join(response.text.split())
    assert (
        "Line 5 was saved in a different text encoding from the rest of the file: it was "
        "read as UTF-8, the rest as Windows-1252 (Western Excel)."
    ) in warning


def test_a_file_in_one_encoding_gets_no_warning(client, auth):
    data = "nom;pays;domaine\nOrléans;France;gastronomie\n".encode("cp1252")
    auth.organiser()
    response = upload(client, data)
    assert response.status_code == 200
    assert "text encoding" not in response.text
