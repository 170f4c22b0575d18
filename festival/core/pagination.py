"""Pagination for long lists: two queries (count and page), whatever the size;
and links that keep the current query string."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from flask import Flask, abort, current_app, request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import Select
from werkzeug.routing import Map

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


class _ListPagination(Pagination):
    """A page cut from a list already in order (no query)."""

    def _query_items(self) -> list[Any]:
        items: Sequence[Any] = self._query_args["items"]
        return list(items[self._query_offset : self._query_offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: Sequence[Any]) -> Pagination:
    """One page of ``items`` (a list already made and in order: say, one
    kept per version of its data), from the ``page`` argument, like
    :func:`paginate`; a page past the end is a 404."""
    return _ListPagination(
        per_page=current_app.config["PER_PAGE"], max_per_page=200, error_out=True, items=items
    )


def paginate_by_key(
    query: Select,
    key: InstrumentedAttribute[Any],
    total: int | None = None,
    keys: Sequence[Any] | None = None,
) -> Pagination:
    """:func:`paginate` for a query of wide rows sorted over many: the page
    is chosen on ``key`` alone, then its rows are loaded by key.

    The database sorts every candidate row to pick one page; sorting the
    whole rows (every column of delegates, delegations and cities) cost the
    organiser's delegate list ~25 ms at ten times the scale, sorting their
    ids ~6 ms. One more query, for the page's 50 rows by primary key.

    ``keys``: every key of ``query`` in its order, when the caller keeps
    them (see delegations.services.delegate_order): the page is cut from
    them, with no query for the keys or their count.
    """
    page = paginate_keys(query, key, total, keys)
    load_rows(page, query, key)
    return page


def paginate_keys(
    query: Select,
    key: InstrumentedAttribute[Any],
    total: int | None = None,
    keys: Sequence[Any] | None = None,
) -> Pagination:
    """The first half of :func:`paginate_by_key`: the page, its items the
    keys of its rows (for a caller that may not need the rows: one that
    keeps the page's HTML per version of them, say)."""
    return paginate(query.with_only_columns(key), total) if keys is None else paginate_list(keys)


def load_rows(page: Pagination, query: Select, key: InstrumentedAttribute[Any]) -> None:
    """The second half: ``page``'s keys replaced by their rows of ``query``, in order."""
    shown = page.items
    if shown:
        position = {value: index for index, value in enumerate(shown)}
        rows = db.session.scalars(query.where(key.in_(shown))).unique().all()
        page.items = sorted(rows, key=lambda row: position[getattr(row, key.key)])


# The keywords url_for keeps for itself. A query key by one of these names
# (or by a route's own parameter) passed on to url_for as a keyword is a
# TypeError ("got multiple values") or a different URL: never passed on.
URL_FOR_NAMES = frozenset({"endpoint", "_anchor", "_method", "_scheme", "_external"})


@cache
def _route_parameters(url_map: Map) -> frozenset[str]:
    """Every parameter of every route (slug, form_id, page, fmt ...)."""
    return frozenset(name for rule in url_map.iter_rules() for name in rule.arguments)


def _query_args(reserved: frozenset[str] | set[str]) -> dict[str, Any]:
    return {k: v for k, v in request.args.items() if k not in reserved}


def page_args(**overrides: Any) -> dict[str, Any]:
    """The current query string, for links to other pages that keep the filters.

    The link's endpoint is not known here, so a key named like any route's
    parameter is left out, with ``page`` and url_for's own names; the
    ``overrides`` are the caller's and kept.
    """
    reserved = URL_FOR_NAMES | _route_parameters(current_app.url_map) | {"page"}
    args = _query_args(reserved)
    args.update(overrides)
    return args


def url_with_args(endpoint: str, **values: Any) -> str:
    """``url_for(endpoint, **values)`` keeping the current query string
    (``page`` included), without the keys it cannot take: url_for's own
    names, the endpoint's route parameters and the keys of ``values``."""
    if endpoint.startswith(".") and request.blueprint:
        endpoint = request.blueprint + endpoint
    rules = current_app.url_map.iter_rules(endpoint)
    parameters = {name for rule in rules for name in rule.arguments}
    args = _query_args(URL_FOR_NAMES | parameters | set(values))
    return url_for(endpoint, **args, **values)
