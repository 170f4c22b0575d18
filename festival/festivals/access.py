"""Festival lookups for views: the festival a URL names, and a row of it.

Core knows no domain; every view that reads a festival by its slug, or a
row that must belong to that festival, comes through here. A blueprint
whose URLs carry ``<slug>`` calls :func:`load_festival_from_url` once and
its views read ``g.festival`` (Indico's ``RHEventBase``, in Flask terms).
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, g
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


def load_festival_from_url(bp: Blueprint) -> Blueprint:
    """Give ``bp``'s views the festival their URL names, as ``g.festival``.

    The ``slug`` is taken off the view's arguments (views take no ``slug``)
    and the festival is loaded after the blueprint's own ``before_request``
    guards registered so far (an organiser blueprint's sign-in check comes
    first, so a stranger is sent to sign in whatever the slug); an unknown
    slug is a 404. ``url_for`` to this blueprint's endpoints fills ``slug``
    in from ``g.festival`` when it is not given. URLs without ``<slug>`` are
    left alone, so a blueprint may hold both kinds. Returns ``bp``.
    """

    @bp.url_value_preprocessor
    def _take_slug(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values and "slug" in values:
            g.festival_slug = values.pop("slug")

    @bp.before_request
    def _load_festival() -> None:
        slug = g.pop("festival_slug", None)
        if slug is not None:
            g.festival = festival_or_404(slug)

    @bp.url_defaults
    def _add_slug(endpoint: str, values: dict[str, Any]) -> None:
        festival = g.get("festival")
        if (
            festival is not None
            and "slug" not in values
            and current_app.url_map.is_endpoint_expecting(endpoint, "slug")
        ):
            values["slug"] = festival.slug

    return bp
