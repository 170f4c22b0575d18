"""The city file parser, a pure function, fed files as spreadsheets really save them."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from festival.cities.importer import parse_city_file
from festival.cities.models import CreativeField
from festival.cities.tabular import decode, read_table

UCCN = Path(__file__).resolve().parent.parent / "festival" / "data" / "uccn_cities.csv"

# The same three cities, as an English, a French and a Japanese office would type them.
ENGLISH = [
    ["name", "country", "creative field", "contact e-mail", "preferred language"],
    ["Parma", "Italy", "Gastronomy", "creative.city@parma.example", "English"],
    ["Saint-Étienne", "France", "Design", "design@saint-etienne.example", "French"],
    ["Tsuruoka", "Japan", "gastronomy", "office@tsuruoka.example", "ja"],
]
FRENCH = [
    ["Nom", "Pays", "Domaine créatif", "Courriel", "Langue"],
    ["Parme", "Italie", "gastronomie", "creative.city@parma.example", "anglais"],
    ["Saint-Étienne", "France", "Design", "design@saint-etienne.example", "français"],
    ["Tsuruoka", "Japon", "Gastronomie", "office@tsuruoka.example", "japonais"],
]
JAPANESE = [
    ["都市名", "国", "分野", "メールアドレス", "言語"],
    ["パルマ", "イタリア", "食文化", "creative.city@parma.example", "英語"],
    ["サンテティエンヌ", "フランス", "デザイン", "design@saint-etienne.example", "フランス語"],
    ["鶴岡市", "日本", "食文化", "office@tsuruoka.example", "日本語"],
]
EXPECTED = [("IT", "gastronomy", "en"), ("FR", "design", "fr"), ("JP", "gastronomy", "ja")]


def to_csv(rows: list[list[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    out = io.StringIO()
    import csv

    csv.writer(out, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return out.getvalue()


def summary(parsed) -> list[tuple[str, str, str]]:
    return [
        (row.country_code, row.creative_field.value, row.preferred_language) for row in parsed.rows
    ]


def assert_clean(parsed, names: list[str]) -> None:
    assert parsed.errors == []
    assert [row.errors for row in parsed.rows] == [[]] * len(names)
    assert [row.name for row in parsed.rows] == names
    assert summary(parsed) == EXPECTED
    assert parsed.clean


@pytest.mark.parametrize(
    ("rows", "encoding", "delimiter", "expected_encoding"),
    [
        # LibreOffice and most tools: UTF-8, no BOM.
        (ENGLISH, "utf-8", ",", "utf-8"),
        # Excel's "CSV UTF-8": with a BOM.
        (JAPANESE, "utf-8-sig", ",", "utf-8-sig"),
        # Japanese Excel's plain "CSV": Shift_JIS (CP932).
        (JAPANESE, "cp932", ",", "cp932"),
        # French Excel: Windows-1252 and semicolons (the comma is the decimal mark).
        (FRENCH, "cp1252", ";", "cp1252"),
        (ENGLISH, "cp1252", ",", "cp1252"),
        # Excel's "Unicode text": UTF-16 with BOM, tab-separated.
        (JAPANESE, "utf-16", "\t", "utf-16"),
        (FRENCH, "utf-16", "\t", "utf-16"),
        (FRENCH, "utf-8", "\t", "utf-8"),
    ],
)
def test_every_way_a_spreadsheet_saves_a_csv(rows, encoding, delimiter, expected_encoding):
    data = to_csv(rows, delimiter).encode(encoding)
    parsed = parse_city_file(data, "cities.csv")
    assert (parsed.encoding, parsed.delimiter) == (expected_encoding, delimiter)
    assert_clean(parsed, [row[0] for row in rows[1:]])


def test_western_text_that_also_decodes_as_cp932_is_read_as_windows_1252():
    # Every accented letter here is followed by a letter, so the bytes are
    # valid CP932 too; the reader must still see French, not kanji.
    rows = [
        ["nom", "pays", "domaine", "courriel", "langue"],
        ["Orléans", "France", "gastronomie", "contact@orleans.example", "français"],
        ["Sévérac", "France", "musique", "", "français"],
    ]
    data = to_csv(rows, ";").encode("cp1252")
    data.decode("cp932")  # the trap is real
    parsed = parse_city_file(data, "villes.csv")
    assert parsed.encoding == "cp1252"
    assert [row.name for row in parsed.rows] == ["Orléans", "Sévérac"]


def test_utf16_without_bom_and_big_endian():
    text = to_csv(ENGLISH, "\t")
    for encoding in ("utf-16-le", "utf-16-be"):
        parsed = parse_city_file(text.encode(encoding), "cities.txt")
        assert_clean(parsed, ["Parma", "Saint-Étienne", "Tsuruoka"])
    big = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    assert_clean(parse_city_file(big, "cities.txt"), ["Parma", "Saint-Étienne", "Tsuruoka"])


def test_quoted_fields_with_embedded_newlines_keep_line_numbers_right():
    data = (
        "name,country,creative_field,contact_name,contact_email\r\n"
        'Parma,IT,gastronomy,"Giulia Rossi\r\nCreative City Office",giulia@parma.example\r\n'
        '"Saint-Étienne",FR,design,"Élodie ""Lo"" Martin",not-an-email\r\n'
    ).encode()
    parsed = parse_city_file(data, "cities.csv")
    assert [row.line for row in parsed.rows] == [2, 4]
    assert parsed.rows[0].contact_name == "Giulia Rossi Creative City Office"
    assert parsed.rows[1].contact_name == 'Élodie "Lo" Martin'
    assert [row.line for row in parsed.bad_rows] == [4]
    assert "not-an-email" in parsed.rows[1].errors[0]


def test_trailing_empty_rows_and_columns_are_ignored():
    data = (
        b"city;country_code;creative_field;;\n"
        b"Parma;IT;gastronomy;;\n"
        b"\n"
        b"Tsuruoka;JP;gastronomy;;\n"
        b";;;;\n"
        b";;;;\n"
    )
    parsed = parse_city_file(data, "cities.csv")
    assert parsed.clean
    assert [row.name for row in parsed.rows] == ["Parma", "Tsuruoka"]
    assert [row.line for row in parsed.rows] == [2, 4]
    assert parsed.ignored_columns == []


def test_header_synonyms_and_case():
    data = (
        b"City,Country_Code,Creative Field,E-mail,Language,Notes\n"
        b"Parma,it,Gastronomy,a@b.example,EN,x\n"
    )
    parsed = parse_city_file(data, "x.csv")
    assert parsed.clean
    assert parsed.columns["name"] == "City"
    assert parsed.ignored_columns == ["Notes"]
    row = parsed.rows[0]
    assert (row.country_code, row.contact_email, row.preferred_language) == (
        "IT",
        "a@b.example",
        "en",
    )


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("JP", "JP"),
        ("jp", "JP"),
        ("Japan", "JP"),
        ("Japon", "JP"),
        ("日本", "JP"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d’Ivoire", "CI"),
        ("Republic of Korea", "KR"),
        ("Corée du Sud", "KR"),
        ("韓国", "KR"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Bosnia and Herzegovina", "BA"),
        ("États-Unis", "US"),
    ],
)
def test_countries_by_code_or_name_in_three_languages(country, code):
    data = f'name,country,creative_field\nSomewhere,"{country}",music\n'.encode()
    parsed = parse_city_file(data, "x.csv")
    assert parsed.rows[0].errors == []
    assert parsed.rows[0].country_code == code


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("crafts_and_folk_art", CreativeField.CRAFTS_AND_FOLK_ART),
        ("Crafts and Folk Art", CreativeField.CRAFTS_AND_FOLK_ART),
        ("Crafts & Folk Art", CreativeField.CRAFTS_AND_FOLK_ART),
        ("MEDIA ARTS", CreativeField.MEDIA_ARTS),
        ("media-arts", CreativeField.MEDIA_ARTS),
        ("Literature", CreativeField.LITERATURE),
    ],
)
def test_creative_field_by_code_or_english_label(value, field):
    data = f"name,country,creative_field\nSomewhere,FR,{value}\n".encode()
    assert parse_city_file(data, "x.csv").rows[0].creative_field is field


def test_every_bad_row_says_where_and_why():
    data = (
        b"name,country,creative_field,contact_email,preferred_language\n"
        b"Parma,IT,gastronomy,office@parma.example,en\n"  # 2 fine
        b"Atlantis,Atlantis,music,,\n"  # 3 unknown country
        b"Lyon,FR,cooking,,\n"  # 4 unknown field
        b"Nantes,FR,music,nantes@,\n"  # 5 bad e-mail
        b",FR,design,,\n"  # 6 missing name
        b"parma,Italy,gastronomy,,\n"  # 7 duplicate of line 2
        b"Bergen,NO,gastronomy,,elvish\n"  # 8 unknown language ("de" is a note: see below)
        b"Dakar,SN,media_arts,,,extra\n"  # 9 too many values
        b"Ghent,BE,,,\n"  # 10 missing field
    )
    parsed = parse_city_file(data, "x.csv")
    assert not parsed.clean
    errors = {row.line: " ".join(row.errors) for row in parsed.bad_rows}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert 'Unknown country "Atlantis"' in errors[3]
    assert 'Unknown creative field "cooking"' in errors[4]
    assert 'Bad e-mail address "nantes@"' in errors[5]
    assert "name is missing" in errors[6]
    assert "Duplicate of line 2" in errors[7]
    assert 'Unknown language "elvish"' in errors[8]
    assert "more values than the header has columns" in errors[9]
    assert "creative field is missing" in errors[10]
    assert parsed.rows[0].ok


def test_a_language_the_emails_do_not_come_in_is_a_note_not_an_error():
    data = b"name,country,creative_field,preferred_language\nBergen,NO,gastronomy,de\n"
    parsed = parse_city_file(data, "x.csv")
    assert parsed.clean
    [row] = parsed.rows
    assert row.preferred_language is None  # the country's language for e-mails
    assert row.notes == ["German is not offered: e-mails will be in English."]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\r\n\r\n", "The file is empty"),
        (b'name,country,creative_field\nParma,IT,"gastronomy\n', "Line 2: the quotes do not match"),
        (
            b'name,country,creative_field\nParma,IT,"gastro"nomy\n',
            "Line 2: the quotes do not match",
        ),
        (b"name,creative_field\nParma,gastronomy\n", 'No column for "country"'),
        (b"city;country\nParma;IT\n", 'No column for "creative_field"'),
        (b"name,country,creative_field\n", "no cities"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel (.xls)"),
        (b"PK\x03\x04 not really a zip", "not a readable XLSX"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
    ],
)
def test_malformed_files_are_refused_with_a_reason(data, message):
    parsed = parse_city_file(data, "x.csv")
    assert not parsed.clean
    assert message in " ".join(parsed.errors)
    assert parsed.rows == []


def test_an_xlsx_workbook(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["City", "Country", "Creative field", "Contact e-mail", "Language", "Year"])
    sheet.append(["Parma", "Italy", "Gastronomy", "creative.city@parma.example", "en", 2015])
    sheet.append(["Saint-Étienne", "FR", "design", None, None, 2010.0])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["鶴岡市", "日本", "食文化", "office@tsuruoka.example", "日本語", None])
    path = tmp_path / "cities.xlsx"
    workbook.save(path)
    parsed = parse_city_file(path.read_bytes(), "cities.xlsx")
    assert parsed.clean, (parsed.errors, [r.errors for r in parsed.rows])
    assert [row.line for row in parsed.rows] == [2, 3, 5]
    assert [row.year_designated for row in parsed.rows] == [2015, 2010, None]
    assert [row.country_code for row in parsed.rows] == ["IT", "FR", "JP"]
    assert parsed.encoding is None


def test_the_network_member_list_imports_cleanly():
    parsed = parse_city_file(UCCN.read_bytes(), "uccn_cities.csv")
    assert parsed.errors == []
    assert parsed.bad_rows == []
    assert len(parsed.rows) == 390
    assert parsed.clean
    bistrita = parsed.rows[0]
    assert (bistrita.name, bistrita.country_code, bistrita.year_designated) == (
        "Bistrița",
        "RO",
        2025,
    )
    # The code column wins, but the name column agrees everywhere.
    assert {row.creative_field for row in parsed.rows} == set(CreativeField)


def test_decode_prefers_utf8_and_refuses_undecodable_bytes():
    assert decode("Bistrița".encode()) == ("Bistrița", "utf-8")
    table = read_table("a;b\n1;2\n".encode("utf-8-sig"))
    assert table.header == ["a", "b"] and table.delimiter == ";"
