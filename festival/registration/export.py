"""A delegate's own data, as JSON: everything we hold about them.

Besides the delegate record and their login, every table with a
``delegate_id`` column (attendance, itinerary items, impression answers, and
whatever later domains add) contributes its rows, so nothing new is
forgotten. Secrets (token hashes, feed secrets, session nonces, passwords)
are left out: they are keys, not information about the person.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from festival.core.types import utcnow
from festival.extensions import db
from festival.registration.models import Delegate

SECRET_WORDS = ("secret", "token", "hash", "nonce", "password")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(mapping: Any, columns: list[str]) -> dict[str, Any]:
    return {name: _plain(mapping[name]) for name in columns}


def _public_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if not any(w in c.name for w in SECRET_WORDS)]


def _table_rows(table: sa.Table, column: str, value: int) -> list[dict[str, Any]]:
    columns = _public_columns(table)
    result = db.session.execute(sa.select(table).where(table.c[column] == value)).mappings()
    return [_row(mapping, columns) for mapping in result]


def personal_data(delegate: Delegate) -> dict[str, Any]:
    """A JSON-ready dict of everything held about ``delegate``."""
    delegation = delegate.delegation
    delegates_table = Delegate.__table__
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "festival": {
            "name": delegation.festival.name,
            "starts_on": delegation.festival.starts_on.isoformat(),
            "ends_on": delegation.festival.ends_on.isoformat(),
            "organisers_contact": delegation.festival.contact_email,
        },
        "city": {"name": delegation.city.name, "country": delegation.city.country_code},
        "delegate": _table_rows(delegates_table, "id", delegate.id)[0],
    }
    if delegate.user_id is not None:
        users = db.metadata.tables["users"]
        data["login"] = _table_rows(users, "id", delegate.user_id)[0]
        links = db.metadata.tables.get("login_links")
        if links is not None:
            data["sign_in_links"] = _table_rows(links, "user_id", delegate.user_id)
    related: dict[str, list[dict[str, Any]]] = {}
    for table in db.metadata.sorted_tables:
        if table is delegates_table or "delegate_id" not in table.columns:
            continue
        rows = _table_rows(table, "delegate_id", delegate.id)
        if rows:
            related[table.name] = rows
    data["related"] = related
    return data
