"""The history of a delegate's record: who changed which field, when, from what.

Every save of a delegate's details (their own, their head's, an
organiser's) records one row per field that changed. Passport data is
recorded as changed, never with its values: the history is shown on pages
that must not repeat a passport number.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from festival.auth.models import User
from festival.extensions import db
from festival.registration.models import Delegate, DelegateChange

# The fields whose values the history never holds.
PASSPORT_FIELDS = frozenset(
    {"nationality", "passport_number", "date_of_birth", "passport_expires_on"}
)

# The fields the history follows, with the label it shows for each.
FIELD_LABELS = {
    "title": _l("Title"),
    "family_name": _l("Family name"),
    "given_names": _l("Given names"),
    "name_order": _l("Order of the names"),
    "native_name": _l("Name in own script"),
    "romanisation": _l("Romanisation"),
    "address_form": _l("Form of address"),
    "position": _l("Position"),
    "role": _l("Role"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "locale": _l("Language"),
    "languages": _l("Languages"),
    "dietary": _l("Dietary requirements"),
    "dietary_other": _l("Other dietary requirements"),
    "allergens": _l("Allergies"),
    "allergens_other": _l("Other allergies"),
    "accessibility": _l("Accessibility needs"),
    "arrival_at": _l("Arrival"),
    "arrival_airport": _l("Arrival airport"),
    "arrival_flight": _l("Arrival flight"),
    "departure_at": _l("Departure"),
    "departure_airport": _l("Departure airport"),
    "departure_flight": _l("Departure flight"),
    "needs_room": _l("Needs a hotel room"),
    "shares_room_with": _l("Sharing the room with"),
    "check_in_on": _l("Check-in night"),
    "check_out_on": _l("Check-out day"),
    "nationality": _l("Nationality"),
    "passport_number": _l("Passport number"),
    "date_of_birth": _l("Date of birth"),
    "passport_expires_on": _l("Passport expiry date"),
}


def _text(value: Any) -> str | None:
    """A value as the history stores it: plain text, None for nothing."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def snapshot(delegate: Delegate) -> dict[str, str | None]:
    """The followed fields of ``delegate`` as text, to compare after a save."""
    return {name: _text(getattr(delegate, name)) for name in FIELD_LABELS}


def record_changes(
    delegate: Delegate,
    before: dict[str, str | None],
    *,
    by: User | None,
    by_organiser: bool,
) -> list[DelegateChange]:
    """Add a history row for each field that differs from ``before``."""
    rows = []
    for name, old in before.items():
        new = _text(getattr(delegate, name))
        if new == old:
            continue
        secret = name in PASSPORT_FIELDS
        row = DelegateChange(
            delegate_id=delegate.id,
            changed_by_id=by.id if by is not None else None,
            by_organiser=by_organiser,
            field=name,
            old_value=None if secret else old,
            new_value=None if secret else new,
        )
        db.session.add(row)
        rows.append(row)
    return rows


def changes_of(delegate: Delegate, *, organisers_only: bool = False) -> list[DelegateChange]:
    """The history of ``delegate``, newest first (with who changed it, loaded)."""
    query = (
        sa.select(DelegateChange)
        .where(DelegateChange.delegate_id == delegate.id)
        .options(selectinload(DelegateChange.changed_by))
        .order_by(DelegateChange.changed_at.desc(), DelegateChange.id.desc())
        .limit(500)
    )
    if organisers_only:
        query = query.where(DelegateChange.by_organiser)
    return list(db.session.scalars(query))


def field_label(name: str) -> str:
    """What the history calls a field."""
    return str(FIELD_LABELS.get(name, name))


def is_secret(name: str) -> bool:
    """Whether the field's values are never shown (passport data)."""
    return name in PASSPORT_FIELDS
