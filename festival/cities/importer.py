"""The city import, as a pure function: (bytes, filename) -> rows and errors.

Nothing here touches the database: :func:`parse_city_file` reads the file
(see :mod:`festival.cities.tabular`), maps its columns whatever they are
called, and checks every row. Comparing with the cities already stored is
the job of :mod:`festival.cities.imports`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from festival.cities.models import CreativeField
from festival.cities.reference import (
    city_identity,
    default_language,
    fold_key,
    normalise_name,
    other_language_name,
    resolve_country,
    resolve_field,
    resolve_language,
)
from festival.cities.tabular import TableError, read_table
from festival.core.i18n import language_name
from festival.core.incoming import single_line

# Our column -> the headers that mean it (compared after ``fold_key``). The
# country may come as a code column, a name column, or both: codes win.
HEADERS: dict[str, list[str]] = {
    "name": [
        "name", "city", "city name", "nom", "ville", "nom de la ville", "都市", "都市名", "市",
    ],
    "country_code": [
        "country code", "country iso", "iso", "iso code", "iso 3166", "code pays", "code",
        "国コード",
    ],
    "country": ["country", "country name", "pays", "国", "国名"],
    "creative_field": [
        "creative field", "field", "creative", "domain", "category", "domaine",
        "domaine créatif", "champ créatif", "分野", "創造分野",
    ],
    "contact_name": ["contact name", "contact", "nom du contact", "担当者", "担当者名"],
    "contact_email": [
        "contact email", "contact e mail", "email", "e mail", "mail", "courriel",
        "adresse email", "adresse e mail", "メール", "メールアドレス", "連絡先メール",
    ],
    "preferred_language": [
        "preferred language", "language", "lang", "langue", "langue préférée", "言語",
        "希望言語", "使用言語",
    ],
    "year_designated": ["year designated", "year", "designated", "année", "認定年"],
}  # fmt: skip

REQUIRED = ("name", "creative_field")

TEMPLATE_HEADER = [
    "name",
    "country",
    "creative_field",
    "contact_name",
    "contact_email",
    "preferred_language",
]


@dataclass
class ImportRow:
    """One data row of the file, checked."""

    line: int
    name: str = ""
    country_code: str | None = None
    creative_field: CreativeField | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    preferred_language: str | None = None
    year_designated: int | None = None
    # What the file said, for the preview ("Japon", "Crafts & Folk Art").
    given: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    # What the row will do differently from what it says (not errors).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def key(self) -> tuple[str, str]:
        """The city the row means, whatever the script ("臼杵市" is Usuki)."""
        return city_identity(self.name, self.country_code)


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    # Problems with the file as a whole (unreadable, a column missing).
    errors: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    error_line: int | None = None
    # Things to check before importing, such as lines in another text encoding.
    warnings: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    @property
    def good_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ok]

    @property
    def clean(self) -> bool:
        """Nothing wrong anywhere, and something to import."""
        return bool(self.rows) and not self.errors and not self.bad_rows


def _header_key(text: str) -> str:
    # "Country (ISO code) *" -> "country iso code"
    return fold_key(re.sub(r"[()*:]", " ", text))


_HEADER_INDEX = {_header_key(h): column for column, hs in HEADERS.items() for h in hs}


def map_columns(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Our column -> its index in ``header``, and the headers left unused."""
    found: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        column = _HEADER_INDEX.get(_header_key(title))
        if column is None or column in found:
            if title.strip():
                ignored.append(title.strip())
            continue
        found[column] = index
    return found, ignored


def parse_city_file(data: bytes, filename: str = "") -> ParsedFile:
    """Read and check a city list; see the module docstring."""
    result = ParsedFile()
    try:
        table = read_table(data, filename)
    except TableError as error:
        result.errors.append(str(error.message))
        result.error_line = error.line
        return result
    result.encoding, result.delimiter = table.encoding, table.delimiter
    result.warnings = [str(warning) for warning in table.warnings]
    columns, result.ignored_columns = map_columns(table.header)
    result.columns = {column: table.header[index] for column, index in columns.items()}
    missing = [c for c in REQUIRED if c not in columns]
    if "country" not in columns and "country_code" not in columns:
        missing.insert(1, "country")
    for column in missing:
        result.errors.append(
            str(
                _l(
                    'No column for "%(column)s" in the header (line %(line)s). '
                    "Expected a header such as: %(expected)s.",
                    column=column,
                    line=table.header_line,
                    expected=", ".join(TEMPLATE_HEADER),
                )
            )
        )
    if result.errors:
        return result
    if not table.rows:
        result.errors.append(str(_l("The file has a header but no cities.")))
        return result

    seen: dict[tuple[str, str], int] = {}
    for line, cells in table.rows:
        row = _check_row(line, cells, columns, len(table.header))
        if row.ok:
            first = seen.setdefault(row.key, line)
            if first != line:
                row.errors.append(
                    str(_l("Duplicate of line %(line)s (same city and country).", line=first))
                )
        result.rows.append(row)
    return result


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    if index is None or index >= len(cells):
        return ""
    # Every column we read is one line of text: the forms' filter, for files.
    return single_line(cells[index]).strip()


def _check_row(line: int, cells: list[str], columns: dict[str, int], width: int) -> ImportRow:
    row = ImportRow(line=line)
    get = lambda column: _cell(cells, columns, column)  # noqa: E731
    row.given = {column: get(column) for column in HEADERS}
    errors = row.errors

    if any(cell.strip() for cell in cells[width:]):
        errors.append(
            str(
                _l(
                    "This row has more values than the header has columns "
                    "(a value with a comma or semicolon that is not in quotes?)."
                )
            )
        )

    row.name = normalise_name(get("name"))
    if not row.name:
        errors.append(str(_l("The city's name is missing.")))
    elif len(row.name) > 120:
        errors.append(str(_l("The city's name is longer than 120 characters.")))

    code_text, name_text = get("country_code"), get("country")
    if not code_text and not name_text:
        errors.append(str(_l("The country is missing.")))
    else:
        row.country_code = resolve_country(code_text) or resolve_country(name_text)
        if row.country_code is None:
            errors.append(
                str(
                    _l(
                        'Unknown country "%(value)s": give its ISO code (such as FR or JP) '
                        "or its name in English, French or Japanese.",
                        value=code_text or name_text,
                    )
                )
            )

    field_text = get("creative_field")
    if not field_text:
        errors.append(str(_l("The creative field is missing.")))
    else:
        row.creative_field = resolve_field(field_text)
        if row.creative_field is None:
            errors.append(
                str(
                    _l(
                        'Unknown creative field "%(value)s": use one of %(fields)s.',
                        value=field_text,
                        fields=", ".join(f.value for f in CreativeField),
                    )
                )
            )

    email = get("contact_email")
    if email:
        try:
            row.contact_email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors.append(str(_l('Bad e-mail address "%(value)s".', value=email)))

    contact_name = normalise_name(get("contact_name"))
    if len(contact_name) > 200:
        errors.append(str(_l("The contact's name is longer than 200 characters.")))
    row.contact_name = contact_name or None

    language = get("preferred_language")
    if language:
        row.preferred_language = resolve_language(language)
        other = None if row.preferred_language else other_language_name(language)
        if other and row.country_code:
            # A real language the e-mails do not come in ("es"): not the row's fault.
            row.notes.append(
                str(
                    _l(
                        "%(language)s is not offered: e-mails will be in %(fallback)s.",
                        language=other,
                        fallback=language_name(default_language(row.country_code)),
                    )
                )
            )
        elif row.preferred_language is None and not other:
            errors.append(
                str(_l('Unknown language "%(value)s": use en, ja or fr.', value=language))
            )

    year = get("year_designated")
    if year:
        if re.fullmatch(r"(19|20)\d\d", year):
            row.year_designated = int(year)
        else:
            errors.append(str(_l('"%(value)s" is not a year.', value=year)))
    return row
