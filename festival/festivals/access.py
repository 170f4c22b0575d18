"""Festival lookups for views: the festival a URL names, and a row of it.

Core knows no domain; every view that reads a festival by its slug, or a
row that must belong to that festival, comes through here.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm.interfaces import ORMOption

from festival.extensions import db
from festival.festivals.models import Festival

Row = TypeVar("Row")


def festival_or_404(slug: str) -> Festival:
    """The festival with this slug, or a 404."""
    festival = db.session.scalar(sa.select(Festival).where(Festival.slug == slug))
    if festival is None:
        abort(404)
    return festival


def festival_row_or_404(
    model: type[Row], festival: Festival, row_id: int, *options: ORMOption
) -> Row:
    """The ``model`` row with id ``row_id`` if it belongs to ``festival``
    (its ``festival_id``), else a 404: another festival's row does not exist
    here. ``options`` are loader options (``joinedload(...)``)."""
    table: Any = model
    row = db.session.scalar(
        sa.select(table)
        .where(table.id == row_id, table.festival_id == festival.id)
        .options(*options)
    )
    if row is None:
        abort(404)
    return row
