"""Small helpers that many views share: a festival's row or a 404, a
private download, going back to ``next``, and ids and days read from the
query string."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Response, abort, redirect, request
from sqlalchemy.orm.interfaces import ORMOption

from festival.core.limits import day_from_text, row_id
from festival.core.urls import safe_next
from festival.extensions import db
from festival.festivals.models import Festival

Row = TypeVar("Row")


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


def private_download(body: str | bytes, filename: str, mimetype: str) -> Response:
    """``body`` as an attachment named ``filename``, kept out of every cache
    (it holds personal data). A ``text/`` mimetype gets ``charset=utf-8``."""
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def current_path() -> str:
    """This request's path and query string, for a ``next`` field."""
    return request.full_path.rstrip("?")


def redirect_next(next_url: str | None, fallback: str, code: int = 302) -> Response:
    """Redirect to ``next_url`` if it is a path on this site, else to ``fallback``."""
    return redirect(safe_next(next_url) or fallback, code=code)


def id_arg(name: str) -> int | None:
    """The row id in the query argument ``name``; None when it is missing or
    could be no row's id (not a number, negative, past the id columns)."""
    return row_id(request.args.get(name, ""))


def id_args(name: str) -> list[int]:
    """Every row id given as the query argument ``name`` (``?city=1&city=2``);
    values that could be no row's id are left out."""
    ids = (row_id(value) for value in request.args.getlist(name))
    return [number for number in ids if number is not None]


def day_arg(name: str = "day") -> date | None:
    """The day in the query argument ``name`` (ISO, ``2027-06-15``); None
    when it is missing, unreadable or too far out to compute with
    (``9999-12-31``, ``0001-01-01``)."""
    return day_from_text(request.args.get(name, ""))
