"""Pagination for long lists: two queries (count and page), whatever the size."""

from __future__ import annotations

from flask import Flask, abort, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.sql import Select

from festival.extensions import db

# No list has this many pages; a larger number would overflow the database's
# integers once turned into an OFFSET (a 500 rather than a 404).
MAX_PAGE = 1_000_000


def refuse_absurd_pages() -> None:
    """A ``page`` argument past any list is a 404, whichever view paginates."""
    page = request.args.get("page", type=int)
    if page is not None and page > MAX_PAGE:
        abort(404)


def init_app(app: Flask) -> None:
    app.before_request(refuse_absurd_pages)


def paginate(query: Select, total: int | None = None) -> Pagination:
    """One page of ``query``, from the ``page`` argument; a bad page is a 404.

    ``total``: the number of rows when the caller knows it already (say,
    from counts it shows anyway), which saves the count query.
    """
    page = db.paginate(
        query,
        per_page=current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=True,
        count=total is None,
    )
    if total is not None:
        page.total = total
    return page


def page_args(**overrides: object) -> dict[str, object]:
    """The current query string, for links to other pages that keep the filters."""
    args: dict[str, object] = {k: v for k, v in request.args.items() if k != "page"}
    args.update(overrides)
    return args
