"""The interpreters page's table of sessions, kept per version of its data.

Its coverage reads every enrolment of the festival (tens of thousands of
rows at ten times the scale) and renders every session: half a second per
view. The table is the same for every organiser, so it is rendered once per
version of the data behind it (sessions, delegates, cities, enrolments, the
host's interpreters and their assignments, the festival) and language, in
the app's stamp-keyed memo: any change makes a new stamp, nothing stale is
shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from markupsafe import Markup

from festival.cities.models import City
from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.interpretation.coverage import Coverage
from festival.interpretation.services import scheduled_sessions
from festival.programme.models import (
    Attendance,
    HostInterpreter,
    ProgrammeSession,
    session_interpreters,
)
from festival.registration.models import Delegate, Delegation

# A few languages of one festival's table: each its own entry.
MEMO_ENTRIES = 16


def _scalar(statement: sa.Select) -> sa.ScalarSelect:
    return statement.scalar_subquery()


def coverage_stamp(festival: Festival) -> tuple[object, ...]:
    """The version of everything the sessions' coverage is computed from,
    in one query: counts, sums or maxima of ids (a row deleted and another
    added still moves them) and latest changes."""
    sessions = sa.select(ProgrammeSession.id).where(ProgrammeSession.festival_id == festival.id)
    # The delegates' count, latest change and sum of ids in one pass over the
    # table (three scalar subqueries scanned it three times: ~5 ms at 10x).
    delegates = (
        sa.select(
            sa.func.count().label("count"),
            sa.func.max(Delegate.updated_at).label("changed"),
            sa.func.sum(Delegate.id).label("ids"),
        )
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegation.festival_id == festival.id)
        .subquery()
    )
    # Enrolments counted session by session through the index on session_id:
    # one count over "session in the festival's" hashed and scanned every
    # enrolment of every festival (9 ms at 10x, 4.5 ms so).
    enrolled_in_session = (
        sa.select(sa.func.count())
        .where(Attendance.session_id == ProgrammeSession.id)
        .correlate(ProgrammeSession)
        .scalar_subquery()
    )
    interpreters = (
        sa.select(HostInterpreter).where(HostInterpreter.festival_id == festival.id).subquery()
    )
    interpreter_text = (
        sa.cast(interpreters.c.id, sa.Text)
        + ":"
        + interpreters.c.name
        + ":"
        + sa.cast(interpreters.c.languages, sa.Text)
    )
    assignment_text = (
        sa.cast(session_interpreters.c.session_id, sa.Text)
        + ":"
        + sa.cast(session_interpreters.c.interpreter_id, sa.Text)
    )
    in_festival = ProgrammeSession.festival_id == festival.id
    row = db.session.execute(
        sa.select(
            _scalar(sa.select(sa.func.count()).where(in_festival)),
            _scalar(sa.select(sa.func.max(ProgrammeSession.updated_at)).where(in_festival)),
            _scalar(sa.select(sa.func.sum(ProgrammeSession.id)).where(in_festival)),
            delegates.c.count,
            delegates.c.changed,
            delegates.c.ids,
            _scalar(
                sa.select(sa.func.max(Delegation.updated_at)).where(
                    Delegation.festival_id == festival.id
                )
            ),
            _scalar(sa.select(sa.func.max(City.updated_at))),
            # Enrolments: their number here and the highest id anywhere (ids only
            # grow: a row added moves it, a row deleted moves the count).
            _scalar(
                sa.select(
                    sa.cast(sa.func.coalesce(sa.func.sum(enrolled_in_session), 0), sa.Integer)
                ).where(in_festival)
            ),
            _scalar(sa.select(sa.func.max(Attendance.id))),
            _scalar(sa.select(sa.func.aggregate_strings(interpreter_text, "\n"))),
            _scalar(
                sa.select(sa.func.aggregate_strings(assignment_text, "\n")).where(
                    session_interpreters.c.session_id.in_(sessions)
                )
            ),
        )
    ).one()
    return (*row, festival.updated_at, tuple(festival.languages or ()), festival.slug)


@dataclass(frozen=True)
class SessionsDay:
    """One day of the sessions' coverage, as the interpreters page shows it."""

    table: Markup  # the day's table (every day's, for printing)
    days: dict[date, tuple[int, int]]  # each day: sessions listed, those with gaps
    day: date | None  # the day shown; None for every day


def sessions_by_day(
    festival: Festival,
    stamp: tuple[object, ...],
    choose: Callable[[list[date]], date | None],
    coverage: Callable[[Sequence[ProgrammeSession]], list[tuple[ProgrammeSession, Coverage]]],
    render: Callable[[list[tuple[ProgrammeSession, Coverage]]], str],
) -> SessionsDay:
    """The sessions where languages matter, one day at a time: 600 sessions
    with their coverage were 570 KB of HTML on one page.

    Per version of the data (``stamp``, from :func:`coverage_stamp`): each
    day's counts, then the chosen day's table (``choose(days)``; None for
    every day) rendered once per language. ``coverage`` gives the sessions
    that matter with their coverage; ``render`` makes their table.
    """

    def local_day(session: ProgrammeSession) -> date:
        return session.starts_at.astimezone(festival.tz).date()

    # Every session's coverage, when this request counts the days: the day's
    # table then takes its rows from it rather than asking again (a third of
    # the 0.65 s a worker's first view took at ten times the scale).
    counted: list[list[tuple[ProgrammeSession, Coverage]]] = []

    def count_days() -> dict[date, tuple[int, int]]:
        days: dict[date, tuple[int, int]] = {}
        counted.append(coverage(scheduled_sessions(festival)))
        for session, covered in counted[0]:
            day = local_day(session)
            listed, gaps = days.get(day, (0, 0))
            days[day] = (listed + 1, gaps + covered.has_gaps)
        return days

    # Shared by the app servers' workers (memo.shared): counting the days
    # makes every session's coverage, ~0.4 s for each worker's first view.
    days = memo.shared(
        "interpretation-days",
        (festival.id, stamp),
        count_days,
        encode=_days_text,
        decode=_days_from_text,
        max_entries=MEMO_ENTRIES,
    )
    day = choose(sorted(days))

    def render_day() -> str:
        if counted:
            return render([row for row in counted[0] if day is None or local_day(row[0]) == day])
        # The sessions are loaded only when the day's table is made: a kept
        # table costs no query for them.
        sessions = scheduled_sessions(festival)
        return render(coverage([s for s in sessions if day is None or local_day(s) == day]))

    key = (festival.id, stamp, day, str(get_locale()))
    # Autoescaped template output: safe to insert as it is.
    kept = memo.shared(
        "interpretation-sessions",
        key,
        render_day,
        encode=str,
        decode=str,
        max_entries=MEMO_ENTRIES,
    )
    return SessionsDay(Markup(kept), days, day)  # noqa: S704


def _days_text(days: dict[date, tuple[int, int]]) -> str:
    return json.dumps([[day.isoformat(), listed, gaps] for day, (listed, gaps) in days.items()])


def _days_from_text(text: str) -> dict[date, tuple[int, int]]:
    return {date.fromisoformat(day): (listed, gaps) for day, listed, gaps in json.loads(text)}
