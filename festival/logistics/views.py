"""Logistics pages: arrivals, departures, rooming, catering, interpreters.

Each page is printable (static/css/print.css) and downloadable as CSV or
XLSX at the same URL with ``.csv`` or ``.xlsx`` appended (one endpoint,
``logistics.download_page``, serves them all). A download keeps the
"include pending" choice but always holds every day, night and airport: the
screen shows one at a time, ``?day=all`` every one for printing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from festival.core import memo
from festival.core.access import organiser_blueprint
from festival.core.i18n import language_name
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival
from festival.interpretation import services as interpretation
from festival.interpretation import summary
from festival.logistics import counting, kitchen, queries, stamps, tables
from festival.logistics.airports import airport_name
from festival.logistics.exports import Table, download
from festival.logistics.forms import RoomForm
from festival.logistics.labels import (
    template_helpers,
)
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate, DelegateStatus, Delegation, RoomType

bp = organiser_blueprint("logistics", __name__, "/festivals/<slug>/logistics")
load_festival_from_url(bp)

FORMATS = ("csv", "xlsx")
T = TypeVar("T")

# A language's name in its own language does not change: named once per process
# (Babel parses a locale each time), for the thousands of names a page lists.
_language_name = lru_cache(maxsize=1024)(language_name)


@lru_cache(maxsize=1024)
def _language_span(code: str) -> Markup:
    # The same in every reader's language: made once per process and code,
    # for the hundreds a page of the interpreters' list shows.
    return Markup('<span class="lang" lang="{}">{}</span>').format(code, _language_name(code))


def language_spans(codes: Iterable[str]) -> Markup:
    """Languages as the interpreters page lists them: each name in its own
    language, marked with its code (a Jinja macro per delegation costs more)."""
    return Markup(", ").join(_language_span(c) for c in codes)


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
    pending: int | None = None,
    **context: Any,
) -> Response | tuple[str, int]:
    """The HTML page, or the same data as a download (built only then).
    ``pending``: the count of pending registrations, when the view has it."""
    if fmt in FORMATS:
        return download(export(), fmt, f"{festival.slug}-{name}")
    return (
        render_template(
            template,
            festival=festival,
            include_pending=_include_pending(),
            pending=queries.count_pending(festival) if pending is None else pending,
            page=(request.endpoint or "").partition(".")[2],
            # One url_for instead of one per row: a person's page is this plus
            # "/<id>" (delegations.delegate; likewise delegations.delegation),
            # which matters on 5,000-row lists.
            delegate_base=url_for("delegations.delegates", slug=festival.slug),
            delegation_base=url_for("delegations.index", slug=festival.slug),
            **context,
        ),
        status,
    )


class _ListPage(Pagination):
    """A page of a list (the page's items and how many in all), for the
    shared pagination links."""

    def __init__(self, items: list[Any], total: int, page: int, per_page: int) -> None:
        self._items, self._total = items, total
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False)

    def _query_items(self) -> list[Any]:
        return self._items

    def _query_count(self) -> int:
        return self._total

    @property
    def last(self) -> int:
        """The number of the page's last row (its items may be groups of rows)."""
        return min(self.page * self.per_page, self.total or 0)

    @property
    def first(self) -> int:
        """The number of the page's first row, 0 for none (its items may be
        kept out: the interpreters page keeps its rows rendered)."""
        return (self.page - 1) * self.per_page + 1 if self.last else 0


# Rows of a day's (or night's) lists per page: a busy day has thousands.
ROWS_PER_PAGE = 100


def _page_number(total: int, per_page: int) -> tuple[int, int]:
    """The ``page`` asked for (the first for one past the end or unreadable:
    counts change as people register) and the offset of its first row."""
    number = request.args.get("page", type=int) or 1
    pages = max(1, -(-total // per_page))
    number = number if 1 <= number <= pages else 1
    return number, (number - 1) * per_page


def _default_day(days: Iterable[date], festival: Festival) -> date | None:
    """Today in the festival's zone if it is one of ``days``, else the first."""
    days = list(days)
    today = datetime.now(festival.tz).date()
    if today in days:
        return today
    return days[0] if days else None


def _kept_unless_printing(
    printing: bool,
    namespace: str,
    key: Hashable,
    make: Callable[[], T],
    max_entries: int,
) -> T:
    """``make()``, kept per ``key`` (festival.core.memo) unless the view is the
    one for printing: every day or delegation is a megabyte at ten times the
    scale, asked for now and then; the screen's pages are a tenth of that."""
    if printing:
        return make()
    return memo.cached(namespace, key, make, max_entries)


def _travel(fmt: str, direction: str) -> Response | tuple[str, int]:
    """One day's board on screen; "all" (for printing) and the downloads hold every day."""
    festival = g.festival
    wanted = queries.statuses(_include_pending())
    name = "arrivals" if direction == "arrival" else "departures"

    def export() -> list[Table]:
        board = counting.travel_board(queries.travellers(festival, direction, wanted), festival.tz)
        return [tables.travel_table(board, direction, festival.timezone)]

    if fmt in FORMATS:  # every day and airport: the day and airport views are for the screen
        return _respond(fmt, festival, name, export, "logistics/travel.html")
    # What the board shows is kept per version of the data behind it (one
    # query for the stamp): a repeat view only renders it.
    stamp = stamps.travel_stamp(festival)
    key = (festival.id, stamp, direction, wanted)

    def kept(part: str, make: Callable[[], Any], *more: object) -> Any:
        return memo.cached(f"travel-{part}", (*key, *more), make, stamps.MEMO_ENTRIES)

    def kept_page(part: str, make: Callable[[], Any], *more: object) -> Any:
        return _kept_unless_printing(
            day is None, f"travel-{part}", (*key, *more), make, stamps.MEMO_ENTRIES
        )

    # One airport (?airport=NRT, any case) or, for a code we do not know, all of them.
    airport = counting.choose_airport(request.args.get("airport", ""))
    days = kept("days", lambda: queries.travel_days(festival, direction, wanted, airport), airport)
    day = counting.choose_day(request.args.get("day", ""), list(days), _default_day(days, festival))
    airports = kept(
        "airports", lambda: queries.travel_airports(festival, direction, wanted, day), day
    )
    everyone = sum(days.values())
    listing = None
    if day is None:  # every day, for printing
        start = None
        rows = kept_page(
            "rows",
            lambda: queries.travellers(festival, direction, wanted, day, airport),
            day,
            airport,
        )
        people = len(rows)
    else:
        # One page of the day (a busy one has thousands); the counts are the day's.
        people = days.get(day, 0)
        number, start = _page_number(people, ROWS_PER_PAGE)
        rows = kept(
            "rows",
            lambda: queries.travellers(
                festival, direction, wanted, day, airport, offset=start, limit=ROWS_PER_PAGE
            ),
            day,
            airport,
            start,
        )
        listing = _ListPage(rows, people, number, ROWS_PER_PAGE)
    board = kept_page(
        "board", lambda: counting.travel_board(rows, festival.tz), day, airport, start
    )
    # Each airport's people that day (or every day); those of no airport are the rest.
    airport_people = {airport: people} if airport else {"": people - sum(airports.values())}
    if airport is None:
        airport_people.update(airports)
    if airport is not None and airport not in airports:
        airports = dict(sorted({**airports, airport: 0}.items()))  # chosen, so shown
    return _respond(
        fmt,
        festival,
        name,
        export,
        "logistics/travel.html",
        pending=memo.cached(
            "logistics-pending",
            (festival.id, stamp),
            lambda: queries.count_pending(festival),
            stamps.MEMO_ENTRIES,
        ),
        board=board,
        direction=direction,
        day=day,
        days=days,
        airport=airport,
        airports=airports,
        airport_people=airport_people,
        people=people,
        everyone=everyone,
        listing=listing,
    )


@bp.get("/arrivals")
def arrivals(fmt: str = "html") -> ResponseReturnValue:
    """Who lands when and where, by day and airport: the pickup plan."""
    return _travel(fmt, "arrival")


@bp.get("/departures")
def departures(fmt: str = "html") -> ResponseReturnValue:
    """Who leaves when and from where, by day and airport: the drop-off plan."""
    return _travel(fmt, "departure")


@bp.get("/rooming")
def rooming(fmt: str = "html") -> ResponseReturnValue:
    """Guests by hotel, and rooms per hotel and night: one night on screen
    (check-ins and check-outs), every night for printing and downloads.

    The counts come from SQL (queries.stays); a night loads only the guests
    who check in or out, the whole list is loaded for "all" and downloads.
    """
    festival = g.festival
    wanted = queries.statuses(_include_pending())
    # Kept per version of the data behind them (one query for the stamp).
    key = (festival.id, stamps.stays_stamp(festival), wanted)

    def kept(name: str, make: Callable[[], Any], *more: object) -> Any:
        return memo.cached(f"rooming-{name}", (*key, *more), make, stamps.MEMO_ENTRIES)

    # Who shares a room, matched by name within each delegation (one query).
    sharing = kept("sharing", lambda: counting.match_sharing(queries.sharers(festival, wanted)))
    occupied = kept(
        "stays", lambda: counting.occupancy(queries.stays(festival, wanted, sharing.paired))
    )
    night = None
    if fmt not in FORMATS:
        night = counting.choose_day(
            request.args.get("day", ""),
            occupied.nights,
            occupied.nights[0] if occupied.nights else None,
        )
    rooming = None
    if night is None:
        rooming = counting.rooming_list(queries.guests(festival, wanted), sharing.paired)
    hotels: list[counting.HotelNight] = []
    listing = None
    if night is not None:
        # Every hotel's counts, and one page of the night's check-ins and
        # check-outs (a busy night has thousands), loaded in SQL.
        hotels = counting.night_hotels(occupied, night)
        total = counting.night_movements(occupied, night)
        number, start = _page_number(total, ROWS_PER_PAGE)
        names = [h.name for h in hotels]
        movements = kept(
            "night",
            lambda: queries.night_guests(festival, wanted, night, names, start, ROWS_PER_PAGE),
            night,
            tuple(names),
            start,
        )
        listing = _ListPage(counting.night_page(hotels, movements), total, number, ROWS_PER_PAGE)

    def export() -> list[Table]:
        assert rooming is not None  # a download has no night: the whole list is loaded
        return [tables.rooming_table(rooming, sharing.paired)]

    return _respond(
        fmt,
        festival,
        "rooming",
        export,
        "logistics/rooming.html",
        pending=kept("pending", lambda: queries.count_pending(festival)),
        rooming=rooming,
        occupancy=occupied,
        day=night,
        days=occupied.guests_per_night(),
        night_hotels=hotels,
        listing=listing,
        sharing_flags=sharing.flags,
        room_base=url_for(".rooming", slug=festival.slug),
    )


def _guest_or_404(festival: Festival, delegate_id: int) -> Delegate:
    """A delegate of ``festival``'s delegations, else a 404."""
    delegate = db.session.scalar(
        sa.select(Delegate)
        .join(Delegation, Delegate.delegation_id == Delegation.id)
        .where(Delegate.id == delegate_id, Delegation.festival_id == festival.id)
    )
    if delegate is None:
        abort(404)
    return delegate


@bp.route("/rooming/<int:delegate_id>", methods=["GET", "POST"])
def room(delegate_id: int) -> ResponseReturnValue:
    """An organiser sets a guest's hotel, room type, room number and roommate."""
    festival = g.festival
    delegate = _guest_or_404(festival, delegate_id)
    form = RoomForm(
        obj=delegate,
        room_type=delegate.room_type.value if delegate.room_type else "",
    )
    page = {"festival": festival, "delegate": delegate, "form": form}
    if request.method == "POST":
        if not form.validate():
            return render_template("logistics/room.html", **page), 422
        delegate.hotel = form.hotel.data or None
        delegate.room_type = RoomType(form.room_type.data) if form.room_type.data else None
        delegate.room_number = form.room_number.data or None
        delegate.shares_room_with = form.shares_room_with.data or None
        db.session.commit()
        flash(_("The room of %(name)s is saved.", name=delegate.list_name), "success")
        return redirect(url_for(".rooming", slug=festival.slug, day="all"))
    return render_template("logistics/room.html", **page)


# Meals whose charts one page of a day shows (a festival day has dozens).
MEALS_PER_PAGE = 10


@dataclass(frozen=True)
class _CateringParts:
    """The catering page's counts and charts for one day and page, rendered
    (autoescaped templates' output)."""

    festival_counts: Markup
    meal_table: Markup
    meal_charts: Markup


def _catering_parts(
    festival: Festival,
    wanted: tuple[DelegateStatus, ...],
    day: date | None,
    ids: list[int],
    page: slice,
) -> _CateringParts:
    """What the catering page counts and draws: the festival's counts, the
    meals of ``day`` (``ids``; every meal when None) in one table, the
    ``page`` of them charted."""
    totals = counting.tally_diners(queries.diners(festival, wanted))
    # Only the day's meals loaded (the others only counted); every meal for "all" days.
    shown = queries.meal_sessions(festival, None if day is None else ids)
    by_session = counting.tally_by_session(
        queries.session_diners(festival, wanted, None if day is None else [s.id for s in shown])
    )
    empty = counting.CateringCounts()

    def render(template: str, **context: Any) -> Markup:
        return Markup(render_template(template, festival=festival, **context))  # noqa: S704

    return _CateringParts(
        render("logistics/_catering_festival.html", totals=totals),
        render(
            "logistics/_catering_table.html",
            sessions=shown,
            columns=counting.requirement_columns(by_session.values()),
            by_session=by_session,
            empty=empty,
        ),
        render(
            "logistics/_catering_charts.html",
            charted=shown[page],
            by_session=by_session,
            empty=empty,
        ),
    )


# Days, pages, languages and "include pending" of one festival's catering page.
CATERING_ENTRIES = 64


@bp.get("/catering")
def catering(fmt: str = "html") -> ResponseReturnValue:
    """Dietary requirements and allergens: for the festival, and per meal one
    day at a time (every day for printing and downloads).

    On screen, what is counted and drawn is kept per version of the data
    behind it (stamps.catering_stamp, one query): a repeat view only renders
    the frame around it.
    """
    festival = g.festival
    wanted = queries.statuses(_include_pending())
    tz = festival.tz
    if fmt in FORMATS:

        def export() -> list[Table]:
            totals = counting.tally_diners(queries.diners(festival, wanted))
            sessions = queries.meal_sessions(festival)
            by_session = counting.tally_by_session(queries.session_diners(festival, wanted))
            return tables.catering_tables(totals, sessions, by_session, tz)

        return _respond(fmt, festival, "catering", export, "logistics/catering.html")
    stamp = stamps.catering_stamp(festival)
    key = (festival.id, stamp, wanted)
    # Each meal's local day: the days are counted, one day's meals shown.
    meal_days = memo.cached(
        "catering-days",
        key,
        lambda: [
            (i, starts_at.astimezone(tz).date()) for i, starts_at in queries.meal_times(festival)
        ],
        stamps.MEMO_ENTRIES,
    )
    days: dict[date, int] = {}
    for _i, local in meal_days:
        days[local] = days.get(local, 0) + 1
    day = counting.choose_day(request.args.get("day", ""), list(days), _default_day(days, festival))
    ids = [i for i, local in meal_days if day is None or local == day]
    # Every meal's counts in one table first (the kitchen's numbers); then
    # each meal's charts, a page of them at a time for one day.
    listing = None
    page = slice(None)
    if day is not None:
        number, start = _page_number(len(ids), MEALS_PER_PAGE)
        page = slice(start, start + MEALS_PER_PAGE)
        listing = _ListPage(ids[page], len(ids), number, MEALS_PER_PAGE)
    parts = _kept_unless_printing(
        day is None,
        "catering-parts",
        (*key, day, page.start, str(get_locale())),
        lambda: _catering_parts(festival, wanted, day, ids, page),
        CATERING_ENTRIES,
    )
    return _respond(
        fmt,
        festival,
        "catering",
        lambda: [],
        "logistics/catering.html",
        pending=memo.cached(
            "logistics-pending",
            (festival.id, stamp),
            lambda: queries.count_pending(festival),
            stamps.MEMO_ENTRIES,
        ),
        festival_counts=parts.festival_counts,
        meal_table=parts.meal_table,
        meal_charts=parts.meal_charts,
        listing=listing,
        day=day,
        days=days,
    )


@bp.get("/kitchen")
def kitchen_list(fmt: str = "html") -> ResponseReturnValue:
    """The catering page's names: per meal, who has which requirement (and
    their table once seated), one day's meals a page at a time; the whole
    festival's names on pages of their own (``?day=festival``: 1,700 rows at
    ten times the scale were 216 KB on every page). Printing (``?day=all``)
    and downloads hold every meal and the whole festival."""
    festival = g.festival
    wanted = queries.statuses(_include_pending())
    sessions = queries.meal_sessions(festival)
    tz = festival.tz
    days: dict[date, int] = {}
    for s in sessions:
        local = s.starts_at.astimezone(tz).date()
        days[local] = days.get(local, 0) + 1
    asked = request.args.get("day", "").strip()
    on_screen = fmt not in FORMATS
    whole_festival_page = on_screen and asked == KITCHEN_FESTIVAL
    day = None
    if on_screen and not whole_festival_page:
        day = counting.choose_day(asked, list(days), _default_day(days, festival))
    listing = None
    if whole_festival_page:
        meals: list[ProgrammeSession] = []
    else:
        shown = [s for s in sessions if day is None or s.starts_at.astimezone(tz).date() == day]
        meals = shown
        if day is not None:
            number, start = _page_number(len(shown), MEALS_PER_PAGE)
            listing = _ListPage(
                shown[start : start + MEALS_PER_PAGE], len(shown), number, MEALS_PER_PAGE
            )
            meals = listing.items
    by_meal = kitchen.plates(festival, wanted, [s.id for s in meals]) if meals else {}
    # A day's page links to the whole festival's names instead of holding them.
    whole: list[kitchen.Requirement] = []
    if day is None and not whole_festival_page:
        whole = kitchen.plates(festival, wanted, None).get(kitchen.FESTIVAL, [])
    festival_listing = None
    if whole_festival_page:
        # Kept per version of what it reads: the delegates (needs, names,
        # status), their delegations and cities, as the travel boards do.
        whole = memo.cached(
            "kitchen-festival",
            (festival.id, stamps.travel_stamp(festival), wanted),
            lambda: kitchen.plates(festival, wanted, None).get(kitchen.FESTIVAL, []),
            stamps.MEMO_ENTRIES,
        )
        rows = kitchen.plate_count(whole)
        number, start = _page_number(rows, ROWS_PER_PAGE)
        whole = kitchen.page_of(whole, start, start + ROWS_PER_PAGE)
        festival_listing = _ListPage(whole, rows, number, ROWS_PER_PAGE)
    return _respond(
        fmt,
        festival,
        "kitchen",
        lambda: [kitchen.kitchen_table(whole, meals, by_meal, tz)],
        "logistics/kitchen.html",
        whole=whole,
        meals=meals,
        by_meal=by_meal,
        with_tables=kitchen.has_tables([whole, *by_meal.values()]),
        listing=listing,
        festival_listing=festival_listing,
        festival_day=KITCHEN_FESTIVAL,
        day=day,
        days=days,
    )


# The kitchen list's ``?day=`` for the whole festival's names.
KITCHEN_FESTIVAL = "festival"


# Delegations per page of the interpreters page, which also shows a day's
# sessions (a hundred of each were 155 KB of HTML at ten times the scale).
INTERPRETERS_PER_PAGE = 50
# Pages, languages and filters of one festival's table of delegations.
INTERPRETERS_ENTRIES = 64


@bp.get("/interpreters")
def interpreters(fmt: str = "html") -> ResponseReturnValue:
    """Which languages each delegation speaks and brings, and what the host
    covers: the summary on every page, delegations fifty at a time
    (all of them for printing and downloads).

    The summary needs only the delegations where someone may speak none of
    the festival's languages (filtered in SQL); a page loads its fifty. On
    screen, both and the page's table are kept per version of the data
    (summary.coverage_stamp): a repeat view renders only the frame.
    """
    festival = g.festival
    wanted = queries.statuses(_include_pending())

    def with_needs(groups: list[queries.DelegationMembers]) -> list[tuple[Any, Any]]:
        return [(g, counting.language_needs(g.members, festival.languages)) for g in groups]

    # The whole page reads the whole festival: its parts are kept per version
    # of its data (one query for the stamp) rather than computed per view.
    stamp = summary.coverage_stamp(festival)
    key = (festival.id, stamp, tuple(wanted))
    in_need = memo.cached(
        "interpreters-in-need",
        key,
        lambda: with_needs(queries.delegation_members(festival, wanted, only_in_need=True)),
        summary.MEMO_ENTRIES,
    )
    gap_rows = [r for r in in_need if r[1].needs_host_interpreter]
    only_gaps = request.args.get("gaps") == "1"
    if fmt in FORMATS:  # every delegation (or every one with a gap)

        def export() -> list[Table]:
            shown = (
                gap_rows if only_gaps else with_needs(queries.delegation_members(festival, wanted))
            )
            return [
                tables.interpreter_table([(g.city, g.country, n) for g, n in shown], _language_name)
            ]

        return _respond(fmt, festival, "interpreters", export, "logistics/interpreters.html")
    listing = None
    start = None
    if request.args.get("page") != "all":
        total = (
            len(gap_rows)
            if only_gaps
            else memo.cached(
                "interpreters-count",
                key,
                lambda: queries.count_delegations(festival, wanted),
                summary.MEMO_ENTRIES,
            )
        )
        number, start = _page_number(total, INTERPRETERS_PER_PAGE)
        # The page's rows are in the kept table: the links need only the count.
        listing = _ListPage([], total, number, INTERPRETERS_PER_PAGE)

    def rows() -> list[tuple[Any, Any]]:
        if only_gaps:
            return gap_rows if start is None else gap_rows[start : start + INTERPRETERS_PER_PAGE]
        if start is None:
            return with_needs(queries.delegation_members(festival, wanted))
        return with_needs(
            queries.delegation_members(festival, wanted, offset=start, limit=INTERPRETERS_PER_PAGE)
        )

    table = _kept_unless_printing(
        listing is None,
        "interpreters-table",
        (*key, only_gaps, start, str(get_locale())),
        lambda: render_template(
            "logistics/_interpreters_table.html",
            rows=rows(),
            langs=language_spans,
            delegation_base=url_for("delegations.index", slug=festival.slug),
        ),
        INTERPRETERS_ENTRIES,
    )
    return _respond(
        fmt,
        festival,
        "interpreters",
        lambda: [],
        "logistics/interpreters.html",
        pending=memo.cached(
            "logistics-pending",
            (festival.id, stamp),
            lambda: queries.count_pending(festival),
            stamps.MEMO_ENTRIES,
        ),
        # Autoescaped template output: safe to insert as it is.
        delegations_table=Markup(table),  # noqa: S704
        listing=listing,
        only_gaps=only_gaps,
        gaps=len(gap_rows),
        host_languages=counting.host_interpretation(n for _g, n in in_need),
        sessions=_sessions_day(festival, stamp, listing is None),
        language_name=_language_name,
        langs=language_spans,
    )


def _sessions_day(
    festival: Festival, stamp: tuple[object, ...], every_day: bool
) -> summary.SessionsDay:
    """The sessions' coverage for the ``?day=`` asked (today or the first day
    by default; every day for printing), kept per version of its data."""

    def choose(days: list[date]) -> date | None:
        if every_day:
            return None
        return counting.choose_day(request.args.get("day", ""), days, _default_day(days, festival))

    return summary.sessions_by_day(
        festival,
        stamp,
        choose,
        lambda sessions: _sessions_coverage(festival, sessions),
        lambda rows: render_template(
            "interpretation/_sessions_table.html", sessions=rows, festival=festival
        ),
    )


def _sessions_coverage(
    festival: Festival, sessions: Sequence[ProgrammeSession]
) -> list[tuple[ProgrammeSession, Any]]:
    """Of ``sessions``, those where languages matter (someone needs
    interpretation, or the host offers or staffs some), each with its
    coverage: a fixed number of queries whatever the number of sessions."""
    coverage = interpretation.coverage_of(festival, sessions)
    return [
        (s, coverage[s.id])
        for s in sessions
        if coverage[s.id].needed or coverage[s.id].offered or coverage[s.id].interpreters
    ]


DOWNLOADS = {
    "arrivals": arrivals,
    "departures": departures,
    "rooming": rooming,
    "catering": catering,
    "kitchen": kitchen_list,
    "interpreters": interpreters,
}


@bp.get("/<page>.<fmt>")
def download_page(page: str, fmt: str) -> ResponseReturnValue:
    """A logistics page as CSV or XLSX: /logistics/arrivals.csv, /rooming.xlsx..."""
    view = DOWNLOADS.get(page)
    if view is None or fmt not in FORMATS:
        abort(404)
    return view(fmt)
