"""My programme's session rows, rendered once per version of the programme.

A delegate sees the sessions they may attend, one day at a time (a hundred
at ten times the expected scale), each with their own state: enrolled or
not, places taken, a button to enrol or leave. What a row shows of the
session itself (time, title, audience, type, venue, speakers, languages, the
buttons' labels) is the same for every delegate, so it is rendered once per
version of the festival's sessions (:func:`programme_stamp`), language
and day, for every session of that day; a request keeps the
rows its delegate may attend and adds the delegate's part. Nothing of one
delegate (their enrolments, the CSRF token of their session) is kept here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import get_template_attribute
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from festival.core import memo
from festival.core.types import UTCDateTime
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.programme.eligibility import ACTIVE_STATUSES, visible_to_bound
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus
from festival.programme.times import day_start, local_day
from festival.registration.models import Delegate

ROWS_TEMPLATE = "programme/_my_rows.html"
# Where the number of places taken goes in a row's "3 of 50 places taken":
# that number changes with every enrolment, so a request fills it in.
TAKEN_SLOT = "\x00"
# Days kept rendered per process: one per version, language and day (~250 KB
# each at ten times the expected scale).
MEMO_DAYS = 64
ACTIONS = ("enrol", "leave", "full", "")


@dataclass(frozen=True)
class SessionRow:
    """One session's row in pieces, the same for every delegate, with what
    decides a delegate's piece (whether it is on, over, started, full)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    cancelled: bool
    start: dict[bool, Markup]  # enrolled or not -> the row up to the places taken
    places: Markup  # "<TAKEN_SLOT> of 50 places taken"; empty without a capacity
    end: dict[str, Markup]  # action (ACTIONS) -> the rest of the row

    def action(self, mine: bool, taken: int, now: datetime) -> str:
        """What the delegate can do: "enrol", "leave", "full" (nothing) or ""."""
        if self.cancelled or self.ends_at <= now:
            return ""
        if mine:
            return "leave" if self.starts_at > now else ""
        if self.capacity and taken >= self.capacity:
            return "full"
        return "enrol"

    def html(self, mine: bool, taken: int, now: datetime, clash: Markup = Markup("")) -> Markup:
        """The row for a delegate enrolled (``mine``) or not, ``taken`` places
        taken, with the delegate's ``clash`` note (if any)."""
        # Joined as plain strings: every part is markup already (the count is
        # digits), and Markup's own + and replace escape each operand anew
        # (a fifth of the page's time, ~120 rows).
        return Markup(  # noqa: S704
            "".join(
                (
                    self.start[mine],
                    str.replace(self.places, TAKEN_SLOT, str(taken)),
                    clash,
                    self.end[self.action(mine, taken, now)],
                )
            )
        )


def clash_note(titles: list[str]) -> Markup:
    """ "· clashes with …" for a session that overlaps the delegate's others."""
    if not titles:
        return Markup("")
    return Markup('<span class="meta clash"> · {}</span>').format(
        _("clashes with %(titles)s", titles=", ".join(titles))
    )


def rows_html(
    rows: Iterable[SessionRow],
    mine: set[int],
    taken: dict[int, int],
    now: datetime,
    clashes: dict[int, list[str]] | None = None,
) -> Markup:
    """A day's rows for a delegate enrolled in ``mine``, places ``taken`` per
    session; the enrolled sessions in ``clashes`` say what they overlap."""
    clashes = clashes or {}
    # Each row is markup already (SessionRow.html): joined without escaping anew.
    return Markup(  # noqa: S704
        "".join(
            r.html(r.id in mine, taken.get(r.id, 0), now, clash_note(clashes.get(r.id, [])))
            for r in rows
        )
    )


def programme_stamp(festival: Festival) -> tuple[object, ...]:
    """The version of what the rows show, in one query: every session of
    ``festival`` (count, latest change, sums of ids and of sequences: an
    added, edited, moved or deleted session changes it) and its venues'
    names; with the festival's own last change (its zone)."""
    row = db.session.execute(_stamp_statement(), {"festival_id": festival.id}).one()
    return (festival.id, festival.updated_at, *row)


# The page's statements are built once (bound parameters): building them for
# each request cost more than running them.
@functools.cache
def _stamp_statement() -> sa.Select[Any]:
    festival_id = sa.bindparam("festival_id", type_=sa.Integer)
    venues = (
        sa.select(Venue.name).where(Venue.festival_id == festival_id).order_by(Venue.id).subquery()
    )
    return sa.select(
        sa.func.count(ProgrammeSession.id),
        sa.func.max(ProgrammeSession.updated_at),
        sa.func.coalesce(sa.func.sum(ProgrammeSession.id), 0),
        sa.func.coalesce(sa.func.sum(ProgrammeSession.sequence), 0),
        sa.select(sa.func.aggregate_strings(venues.c.name, "\n")).scalar_subquery(),
    ).where(ProgrammeSession.festival_id == festival_id)


def session_days(festival: Festival, stamp: tuple[object, ...]) -> dict[int, date]:
    """Every session of ``festival`` and its day (festival zone), once per version."""

    def load() -> dict[int, date]:
        tz = festival.tz
        rows = db.session.execute(
            sa.select(ProgrammeSession.id, ProgrammeSession.starts_at).where(
                ProgrammeSession.festival_id == festival.id
            )
        )
        return {session_id: local_day(starts_at, tz) for session_id, starts_at in rows}

    return memo.cached("my-programme-days", (festival.id, stamp), load)


def day_rows(festival: Festival, stamp: tuple[object, ...], day: date) -> list[SessionRow]:
    """Every session of ``festival`` starting on ``day``, in time order, as
    rows in the current language; rendered once per version and language."""

    def render() -> list[SessionRow]:
        tz = festival.tz
        sessions = db.session.scalars(
            sa.select(ProgrammeSession)
            .options(joinedload(ProgrammeSession.venue))
            .where(
                ProgrammeSession.festival_id == festival.id,
                ProgrammeSession.starts_at >= day_start(day, tz),
                ProgrammeSession.starts_at < day_start(day + timedelta(days=1), tz),
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
        row_start = get_template_attribute(ROWS_TEMPLATE, "row_start")
        row_places = get_template_attribute(ROWS_TEMPLATE, "row_places")
        row_end = get_template_attribute(ROWS_TEMPLATE, "row_end")
        # Autoescaped template output: safe to insert as it is.
        return [
            SessionRow(
                id=s.id,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                capacity=s.capacity,
                cancelled=s.status == SessionStatus.CANCELLED,
                start={mine: Markup(row_start(s, festival, mine)) for mine in (False, True)},  # noqa: S704
                places=Markup(row_places(s, TAKEN_SLOT)),  # noqa: S704
                end={action: Markup(row_end(s, action)) for action in ACTIONS},  # noqa: S704
            )
            for s in sessions.unique()
        ]

    key = (festival.id, stamp, str(get_locale()), day)
    return memo.cached("my-programme-rows", key, render, MEMO_DAYS)


def visible_and_enrolled(delegate: Delegate) -> tuple[set[int], set[int]]:
    """The sessions of the delegate's festival they may attend, and those
    they are enrolled in: ids only, in one query."""
    ids: tuple[set[int], set[int]] = (set(), set())
    rows = db.session.execute(
        _visible_and_enrolled_statement(delegate.is_confirmed_mayor, delegate.is_accompanying),
        {
            "festival_id": delegate.delegation.festival_id,
            "delegation_id": delegate.delegation_id,
            "delegate_id": delegate.id,
        },
    )
    for session_id, is_enrolment in rows:
        ids[is_enrolment].add(session_id)
    if delegate.status not in ACTIVE_STATUSES:
        ids[0].clear()  # a cancelled delegate may attend nothing
    return ids


@functools.cache
def _visible_and_enrolled_statement(
    mayor: bool, accompanying: bool = False
) -> sa.CompoundSelect[Any]:
    visible = sa.select(ProgrammeSession.id, sa.literal(0, sa.Integer)).where(
        ProgrammeSession.festival_id == sa.bindparam("festival_id", type_=sa.Integer),
        visible_to_bound(mayor, accompanying),
    )
    enrolled = sa.select(Attendance.session_id, sa.literal(1, sa.Integer)).where(
        Attendance.delegate_id == sa.bindparam("delegate_id", type_=sa.Integer)
    )
    return sa.union_all(visible, enrolled)


def places_taken(festival: Festival, day: date) -> dict[int, int]:
    """How many delegates are enrolled in each session of ``day`` (one query,
    the same whatever the sessions: no list of ids to bind)."""
    tz = festival.tz
    rows = db.session.execute(
        _places_taken_statement(),
        {
            "festival_id": festival.id,
            "starts": day_start(day, tz),
            "ends": day_start(day + timedelta(days=1), tz),
        },
    )
    return {session_id: count for session_id, count in rows}


@functools.cache
def _places_taken_statement() -> sa.Select[int, int]:
    return (
        sa.select(Attendance.session_id, sa.func.count())
        .join(ProgrammeSession, ProgrammeSession.id == Attendance.session_id)
        .where(
            ProgrammeSession.festival_id == sa.bindparam("festival_id", type_=sa.Integer),
            ProgrammeSession.starts_at >= sa.bindparam("starts", type_=UTCDateTime()),
            ProgrammeSession.starts_at < sa.bindparam("ends", type_=UTCDateTime()),
        )
        .group_by(Attendance.session_id)
    )


def days_of(session_ids: Iterable[int], days: dict[int, date]) -> list[date]:
    """The days of these sessions, in order (a session newer than ``days`` is left out)."""
    return sorted({days[i] for i in session_ids if i in days})
