"""Small helpers that many views share: a private download, going back to
``next``, and ids and days read from the query string. (A festival's row or
a 404: festival.festivals.access.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import Response, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from festival.core.limits import day_from_text, row_id
from festival.core.urls import safe_next


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


def redirect_next(next_url: str | None, fallback: str, code: int = 302) -> BaseResponse:
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


def form_ids(name: str) -> list[int]:
    """Every row id posted in the form field ``name`` (ticked checkboxes);
    values that could be no row's id ("²", a huge number) are left out."""
    ids = (row_id(value) for value in request.form.getlist(name))
    return [number for number in ids if number is not None]


# Ticks carried in a list's query string from filter to filter and page to
# page (no JavaScript needed): at most this many ids, so the address stays
# short. More than that is what "every row matching the filter" is for.
MAX_CARRIED_IDS = 300


def carried_ids(ids: Iterable[int]) -> list[int]:
    """``ids`` without repeats, in their order, at most MAX_CARRIED_IDS."""
    return list(dict.fromkeys(ids))[:MAX_CARRIED_IDS]


def day_arg(name: str = "day") -> date | None:
    """The day in the query argument ``name`` (ISO, ``2027-06-15``); None
    when it is missing, unreadable or too far out to compute with
    (``9999-12-31``, ``0001-01-01``)."""
    return day_from_text(request.args.get(name, ""))
