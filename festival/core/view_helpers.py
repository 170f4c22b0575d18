"""Small helpers that many views share: a festival's row or a 404, a
private download, and going back to ``next``."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Response, abort, redirect, request
from sqlalchemy.orm.interfaces import ORMOption

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
