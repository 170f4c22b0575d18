"""Pagination for long lists: two queries (count and page), whatever the size."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.sql import Select

from festival.extensions import db


def paginate(query: Select) -> Pagination:
    """One page of ``query``, from the ``page`` argument; a bad page is a 404."""
    return db.paginate(
        query, per_page=current_app.config["PER_PAGE"], max_per_page=200, error_out=True
    )


def page_args(**overrides: object) -> dict[str, object]:
    """The current query string, for links to other pages that keep the filters."""
    args: dict[str, object] = {k: v for k, v in request.args.items() if k != "page"}
    args.update(overrides)
    return args
