"""Logistics pages: arrivals, departures, rooming, catering, interpreters.

Each page is printable (static/css/print.css) and downloadable as CSV or
XLSX at the same URL with ``.csv`` or ``.xlsx`` appended (one endpoint,
``logistics.download_page``, serves them all); the filters in the query
string apply to the download too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from festival.core.access import festival_or_404, organiser_blueprint
from festival.core.i18n import language_name
from festival.festivals.models import Festival
from festival.logistics import counting, queries, tables
from festival.logistics.airports import airport_name
from festival.logistics.exports import Table, download
from festival.logistics.labels import (
    template_helpers,
)

bp = organiser_blueprint("logistics", __name__, "/festivals/<slug>/logistics")

FORMATS = ("csv", "xlsx")

PAGES = [
    ("logistics.arrivals", "arrivals"),
    ("logistics.departures", "departures"),
    ("logistics.rooming", "rooming"),
    ("logistics.catering", "catering"),
    ("logistics.interpreters", "interpreters"),
]


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        **template_helpers(),
        "airport_name": airport_name,
        "bar_chart": counting.bar_chart,
    }


def _include_pending() -> bool:
    return request.args.get("pending") == "1"


def _respond(
    fmt: str,
    festival: Festival,
    name: str,
    export: Callable[[], list[Table]],
    template: str,
    status: int = 200,
    **context: Any,
) -> Response | tuple[str, int]:
    """The HTML page, or the same data as a download (built only then)."""
    if fmt in FORMATS:
        return download(export(), fmt, f"{festival.slug}-{name}")
    return (
        render_template(
            template,
            festival=festival,
            include_pending=_include_pending(),
            pending=queries.count_pending(festival),
            page=request.endpoint.partition(".")[2],
            # One url_for instead of one per row: a person's page is this plus
            # "/<id>" (delegations.delegate; likewise delegations.delegation),
            # which matters on 5,000-row lists.
            delegate_base=url_for("delegations.delegates", slug=festival.slug),
            delegation_base=url_for("delegations.index", slug=festival.slug),
            **context,
        ),
        status,
    )


def _travel(slug: str, fmt: str, direction: str) -> Response | tuple[str, int]:
    festival = festival_or_404(slug)
    day_text = request.args.get("day", "").strip()
    day: date | None = None
    day_error = None
    if day_text:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            day_error = _("Enter a date as YYYY-MM-DD, or leave it empty for every day.")
    if day_error and fmt != "html":
        return Response(day_error, status=400, content_type="text/plain; charset=utf-8")
    rows = (
        []
        if day_error
        else queries.travellers(festival, direction, queries.statuses(_include_pending()), day)
    )
    board = counting.travel_board(rows, festival.tz)
    name = "arrivals" if direction == "arrival" else "departures"
    if day:
        name += f"-{day.isoformat()}"
    return _respond(
        fmt,
        festival,
        name,
        lambda: [tables.travel_table(board, direction, festival.timezone)],
        "logistics/travel.html",
        status=422 if day_error else 200,
        board=board,
        direction=direction,
        day=day_text,
        day_error=day_error,
        people=len(rows),
    )


@bp.get("/arrivals")
def arrivals(slug: str, fmt: str = "html") -> Response | tuple[str, int]:
    """Who lands when and where, by day and airport: the pickup plan."""
    return _travel(slug, fmt, "arrival")


@bp.get("/departures")
def departures(slug: str, fmt: str = "html") -> Response | tuple[str, int]:
    """Who leaves when and from where, by day and airport: the drop-off plan."""
    return _travel(slug, fmt, "departure")


@bp.get("/rooming")
def rooming(slug: str, fmt: str = "html") -> Response | tuple[str, int]:
    """Guests by hotel, and rooms per hotel and night."""
    festival = festival_or_404(slug)
    result = counting.rooming_list(queries.guests(festival, queries.statuses(_include_pending())))
    return _respond(
        fmt,
        festival,
        "rooming",
        lambda: tables.rooming_tables(result),
        "logistics/rooming.html",
        rooming=result,
    )


@bp.get("/catering")
def catering(slug: str, fmt: str = "html") -> Response | tuple[str, int]:
    """Dietary requirements and allergens: for the festival and per meal."""
    festival = festival_or_404(slug)
    wanted = queries.statuses(_include_pending())
    totals = counting.catering_counts(queries.diners(festival, wanted))
    sessions = queries.meal_sessions(festival)
    by_session = counting.catering_by_session(queries.session_diners(festival, wanted))
    return _respond(
        fmt,
        festival,
        "catering",
        lambda: tables.catering_tables(totals, sessions, by_session, festival.tz),
        "logistics/catering.html",
        totals=totals,
        sessions=sessions,
        by_session=by_session,
        empty=counting.CateringCounts(),
    )


@bp.get("/interpreters")
def interpreters(slug: str, fmt: str = "html") -> Response | tuple[str, int]:
    """Which languages each delegation speaks and brings, and what the host covers."""
    festival = festival_or_404(slug)
    groups = queries.delegation_members(festival, queries.statuses(_include_pending()))
    rows = [(g, counting.language_needs(g.members, festival.languages)) for g in groups]
    only_gaps = request.args.get("gaps") == "1"
    shown = [r for r in rows if r[1].needs_host_interpreter] if only_gaps else rows
    return _respond(
        fmt,
        festival,
        "interpreters",
        lambda: [
            tables.interpreter_table([(g.city, g.country, n) for g, n in shown], language_name)
        ],
        "logistics/interpreters.html",
        rows=shown,
        only_gaps=only_gaps,
        gaps=sum(1 for _g, n in rows if n.needs_host_interpreter),
        host_languages=counting.host_interpretation(n for _g, n in rows),
        language_name=language_name,
    )


DOWNLOADS = {
    "arrivals": arrivals,
    "departures": departures,
    "rooming": rooming,
    "catering": catering,
    "interpreters": interpreters,
}


@bp.get("/<page>.<fmt>")
def download_page(slug: str, page: str, fmt: str) -> Response | tuple[str, int]:
    """A logistics page as CSV or XLSX: /logistics/arrivals.csv, /rooming.xlsx..."""
    view = DOWNLOADS.get(page)
    if view is None or fmt not in FORMATS:
        abort(404)
    return view(slug, fmt)
