"""Identities that calendar clients and conference apps keep: UIDs and guids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

# Fixed for ever: every UID and frab guid is derived from it.
UID_NAMESPACE = uuid.UUID("6f1d3b0e-4c55-5a8e-9f21-7c1a2f0e9b47")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def stable_uuid(kind: str, row_id: int, created_at: datetime) -> uuid.UUID:
    """A UUID5 of (kind, id, creation instant): same row, same UUID, for ever.

    Used as the iCalendar UID (RFC 7986 recommends a UUID) and the frab guid.
    Not the server's host name (SERVER_URL may change when the site moves),
    and not the id alone: SQLite may give a deleted row's id to the next row,
    and a reused UID would make calendars overwrite the old event.
    """
    micros = (created_at.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)
    return uuid.uuid5(UID_NAMESPACE, f"{kind}:{row_id}:{micros}")


def named_uuid(*parts: object) -> str:
    """A UUID5 for things with no row of their own (a room, a speaker)."""
    return str(uuid.uuid5(UID_NAMESPACE, ":".join(str(part) for part in parts)))
