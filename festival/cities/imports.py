"""The city import against the database: preview, confirm, template.

Between the preview and the confirmation the checked rows travel in the
confirm form as a payload signed with the app's SECRET_KEY (itsdangerous,
zlib-compressed, valid one hour, bound to the organiser who uploaded it).
The client cannot alter a row without breaking the signature, nothing is
stored on one server's disk, so any app server behind the proxy can take the
confirmation, and an abandoned preview leaves nothing to clean up.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from festival.cities.importer import TEMPLATE_HEADER, ImportRow
from festival.cities.models import City, CreativeField
from festival.cities.reference import city_identity, default_language, name_key
from festival.core.cells import safe_cell
from festival.core.tokens import secret_key
from festival.extensions import db

PAYLOAD_MAX_AGE = 3600
Status = Literal["new", "update", "unchanged", "error"]

# Fields a row may change on an existing city. A blank cell leaves the
# stored value alone: an import never erases what someone typed.
_UPDATABLE = (
    "name",
    "creative_field",
    "contact_name",
    "contact_email",
    "preferred_language",
    "year_designated",
)

# How the preview names the fields a row changes.
FIELD_LABELS: dict[str, LazyString] = {
    "name": _l("Name"),
    "creative_field": _l("Creative field"),
    "contact_name": _l("Contact name"),
    "contact_email": _l("Contact e-mail"),
    "preferred_language": _l("Preferred language"),
    "year_designated": _l("Year designated"),
}


@dataclass
class PlannedRow:
    row: ImportRow
    status: Status
    city: City | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def change_labels(self) -> list[str]:
        """The fields the row changes, as the interface names them."""
        return [str(FIELD_LABELS[name]) for name in self.changes]

    @property
    def other_name(self) -> bool:
        """Whether the row names its city otherwise ("臼杵市" for Usuki):
        the stored name stays."""
        return self.city is not None and name_key(self.row.name) != name_key(self.city.name)

    @property
    def language(self) -> str | None:
        """The language the city will have: the file's, the city's, or its country's."""
        if self.row.preferred_language:
            return self.row.preferred_language
        if self.city is not None:
            return self.city.preferred_language
        return default_language(self.row.country_code) if self.row.country_code else None


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _existing(rows: list[ImportRow]) -> dict[tuple[str, str], City]:
    """The stored cities the rows may match, by identity (any name in any
    script, see reference.city_identity) and country: one query."""
    countries = {row.country_code for row in rows if row.country_code}
    if not countries:
        return {}
    cities = db.session.scalars(
        sa.select(City).where(City.country_code.in_(countries)).order_by(City.id)
    )
    existing: dict[tuple[str, str], City] = {}
    for city in cities:
        existing.setdefault(city_identity(city.name, city.country_code), city)
    return existing


def _changes(row: ImportRow, city: City) -> list[str]:
    # A name changes only in case or spacing: "臼杵市" or "Bistrita" for a
    # stored "Usuki" or "Bistrița" finds the city and leaves its name alone.
    renames = name_key(row.name) == name_key(city.name)
    return [
        name
        for name in _UPDATABLE
        if getattr(row, name) is not None
        and getattr(row, name) != getattr(city, name)
        and (name != "name" or renames)
    ]


def plan(rows: list[ImportRow]) -> list[PlannedRow]:
    """What importing ``rows`` would do to each: create, update, nothing."""
    existing = _existing([row for row in rows if row.ok])
    planned = []
    for row in rows:
        if not row.ok:
            planned.append(PlannedRow(row, "error"))
            continue
        city = existing.get(row.key)
        if city is None:
            planned.append(PlannedRow(row, "new"))
        else:
            changes = _changes(row, city)
            planned.append(PlannedRow(row, "update" if changes else "unchanged", city, changes))
    return planned


def apply(rows: list[ImportRow]) -> ImportCounts:
    """Create or update a city for each (clean) row; matching is by name and country."""
    counts = ImportCounts()
    for item in plan(rows):
        row = item.row
        if item.status == "new":
            db.session.add(
                City(
                    name=row.name,
                    country_code=row.country_code,
                    creative_field=row.creative_field,
                    contact_name=row.contact_name,
                    contact_email=row.contact_email,
                    preferred_language=row.preferred_language
                    or default_language(row.country_code or ""),
                    year_designated=row.year_designated,
                )
            )
            counts.created += 1
        elif item.status == "update" and item.city is not None:
            for name in item.changes:
                setattr(item.city, name, getattr(row, name))
            counts.updated += 1
        elif item.status == "unchanged":
            counts.unchanged += 1
    db.session.flush()
    return counts


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt="festival.cities.import")


def sign_rows(rows: list[ImportRow], user_id: int) -> str:
    """The checked rows as a compact signed string for the confirm form."""
    compact = [
        [
            row.line,
            row.name,
            row.country_code,
            row.creative_field.value if row.creative_field else None,
            row.contact_name,
            row.contact_email,
            row.preferred_language,
            row.year_designated,
        ]
        for row in rows
    ]
    return _serializer().dumps({"user": user_id, "rows": compact})


def load_rows(payload: str, user_id: int) -> list[ImportRow] | None:
    """The rows signed by :func:`sign_rows`, or None if altered, expired or not theirs."""
    try:
        data = _serializer().loads(payload, max_age=PAYLOAD_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user_id or "rows" not in data:
        return None
    rows = []
    for line, name, country, field_, contact_name, email, language, year in data["rows"]:
        rows.append(
            ImportRow(
                line=line,
                name=name,
                country_code=country,
                creative_field=CreativeField(field_),
                contact_name=contact_name,
                contact_email=email,
                preferred_language=language,
                year_designated=year,
            )
        )
    return rows


def sign_rejected(rows: list[ImportRow], user_id: int) -> str:
    """The rows left out, as the file gave them with their reasons, signed
    for the "download the rows to fix" form (nothing is stored)."""
    compact = [[row.line, row.given, row.errors] for row in rows]
    return _serializer().dumps({"user": user_id, "rejected": compact})


REJECTED_HEADER = [*TEMPLATE_HEADER, "year_designated", "line", "reason"]


def rejected_csv(payload: str, user_id: int) -> bytes | None:
    """The rows left out as a CSV to fix and upload again: the template's
    columns as the file gave them, its line and the reason in the last
    columns (ignored on the next upload); None if altered, expired or not
    theirs. UTF-8 with a BOM, as the template."""
    try:
        data = _serializer().loads(payload, max_age=PAYLOAD_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user_id or "rejected" not in data:
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REJECTED_HEADER)
    for line, given, errors in data["rejected"]:
        country = given.get("country_code") or given.get("country") or ""
        cells = [given.get(column, "") for column in REJECTED_HEADER[:-2]]
        cells[REJECTED_HEADER.index("country")] = country
        writer.writerow([safe_cell(cell) for cell in [*cells, line, " ".join(errors)]])
    return buffer.getvalue().encode("utf-8-sig")


TEMPLATE_EXAMPLES = [
    ["Tsuruoka", "JP", "gastronomy", "Sato Hanako", "creative-city@tsuruoka.example", "ja"],
    ["Parma", "Italy", "Gastronomy", "Giulia Rossi", "creative.city@parma.example", "en"],
    ["Saint-Étienne", "France", "Design", "Élodie Martin", "design@saint-etienne.example", "fr"],
]


def template_csv() -> bytes:
    """A CSV to fill in: UTF-8 with a BOM (so Excel shows accents), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(TEMPLATE_EXAMPLES)
    return buffer.getvalue().encode("utf-8-sig")
