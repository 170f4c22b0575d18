"""What the answers say: one form's results, the festival's sessions side
by side, and the CSV export. A fixed number of queries whatever the size."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import joinedload, load_only

from festival.attendance.services import (
    attendance_stamp,
    attendee_counts_by_session,
    distinct_attendee_count,
    kept_attendee_counts,
)
from festival.cities.models import City
from festival.core import memo
from festival.core.dates import sheet_text
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.charts import Bar, bar_chart
from festival.impressions.models import (
    RATING_LABELS,
    ImpressionForm,
    ImpressionInvite,
    ImpressionQuestion,
    ImpressionResponse,
    QuestionKind,
)
from festival.programme.models import ProgrammeSession, SessionStatus
from festival.protocol import precedence
from festival.registration.models import Delegate, Delegation


@dataclass
class Stats:
    """How many were invited and answered, and the average overall rating."""

    invited: int = 0
    answered: int = 0
    average: float | None = None
    attendance: int | None = None

    @property
    def rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def form_stats(form_ids: Iterable[int]) -> dict[int, Stats]:
    """{form id: Stats} for many forms, in one query."""
    ids = sorted(set(form_ids))
    stats = {form_id: Stats() for form_id in ids}
    if not ids:
        return stats

    # Probes of the two indexes on form_id per form: a join to aggregates
    # of the whole tables is what PostgreSQL's generic plan for a prepared
    # statement chose (3.4 ms a view rather than 1.3 at ten times the scale).
    def of_form(model: Any, value: sa.ColumnElement[Any]) -> sa.ScalarSelect[Any]:
        return sa.select(value).where(model.form_id == ImpressionForm.id).scalar_subquery()

    rows = db.session.execute(
        sa.select(
            ImpressionForm.id,
            of_form(ImpressionInvite, sa.func.count()),
            of_form(ImpressionResponse, sa.func.count()),
            of_form(ImpressionResponse, sa.func.avg(ImpressionResponse.rating)),
        ).where(ImpressionForm.id.in_(ids))
    )
    for form_id, invited_count, answered_count, average in rows:
        stats[form_id] = Stats(
            invited=invited_count or 0,
            answered=answered_count or 0,
            average=float(average) if average is not None else None,
        )
    return stats


def festival_attendance(festival: Festival) -> int:
    """How many delegates attended at least one session of the festival."""
    session_ids = db.session.scalars(
        sa.select(ProgrammeSession.id).where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.status == SessionStatus.SCHEDULED,
        )
    ).all()
    return distinct_attendee_count(session_ids)


# --- one form ---------------------------------------------------------------


@dataclass
class Tally:
    """One question's answers, counted."""

    question: ImpressionQuestion
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)
    average: float | None = None
    texts: list[tuple[str, ImpressionResponse]] = field(default_factory=list)

    def share(self, count: int) -> float:
        """``count`` as a share of the answers (0.67), for percentformat."""
        return count / self.answered if self.answered else 0.0

    def chart(self) -> Markup:
        bars = [
            Bar(label, count, f"{format_decimal(count)} ({format_percent(self.share(count))})")
            for label, count in self.counts
        ]
        # A list in the reader's language ("a, b and c", "a、b、c").
        description = format_list(
            [
                _("%(label)s: %(count)s", label=label, count=format_decimal(count))
                for label, count in self.counts
            ],
            locale=get_locale(),
        )
        if self.average is not None:
            description = _(
                "Average %(average)s of 5. %(counts)s",
                average=format_decimal(self.average, format="0.0"),
                counts=description,
            )
        return bar_chart(
            bars,
            chart_id=f"chart-q{self.question.id}",
            title=self.question.display_text,
            description=description,
            max_value=max((c for _label, c in self.counts), default=0),
        )


@dataclass
class FormResults:
    form: ImpressionForm
    stats: Stats
    responses: list[ImpressionResponse]
    tallies: list[Tally]


def _tally(question: ImpressionQuestion, responses: list[ImpressionResponse]) -> Tally:
    tally = Tally(question)
    key = str(question.id)
    given = [(r.answers[key], r) for r in responses if r.answers.get(key) not in (None, "", [])]
    tally.answered = len(given)
    if question.kind == QuestionKind.RATING:
        values = [int(v) for v, _r in given]
        tally.counts = [(f"{n} · {RATING_LABELS[n]}", values.count(n)) for n in range(5, 0, -1)]
        tally.average = sum(values) / len(values) if values else None
    elif question.kind == QuestionKind.YES_NO:
        values = [bool(v) for v, _r in given]
        tally.counts = [(_("Yes"), values.count(True)), (_("No"), values.count(False))]
    elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        chosen: list[str] = []
        for value, _r in given:
            chosen.extend(value if isinstance(value, list) else [value])
        options = list(question.choices) + sorted(set(chosen) - set(question.choices))
        tally.counts = [(option, chosen.count(option)) for option in options]
    else:
        tally.texts = [(str(v), r) for v, r in given]
    return tally


# What the results page and the CSV export read of an answer's author.
AUTHOR_COLUMNS = (
    Delegate.delegation_id,
    Delegate.full_name,
    Delegate.family_name,
    Delegate.given_names,
    Delegate.position,
    Delegate.locale,
)


def form_results(form: ImpressionForm) -> FormResults:
    """Everything the results page shows, in a handful of queries; the
    answers in their authors' order of precedence (issue 11, item 8)."""
    # Before loading anything: refreshing stale ranks commits.
    rank = precedence.rank_of(form.festival, ImpressionResponse.delegate_id)
    delegate = joinedload(ImpressionResponse.delegate)
    delegation = delegate.joinedload(Delegate.delegation)
    responses = list(
        db.session.scalars(
            sa.select(ImpressionResponse)
            .where(ImpressionResponse.form_id == form.id)
            .options(
                # Of the authors only what the page and the export show (a
                # delegate's row is wide: passport, travel); raiseload guards the rest.
                delegate.load_only(*AUTHOR_COLUMNS, raiseload=True),
                delegation.load_only(Delegation.city_id, raiseload=True),
                delegation.joinedload(Delegation.city).load_only(
                    City.name, City.country_code, raiseload=True
                ),
            )
            .order_by(rank, ImpressionResponse.submitted_at, ImpressionResponse.id)
        ).unique()
    )
    stats = form_stats([form.id])[form.id]
    if form.session_id is not None:
        # Kept per version of the session's attendance: its stamp reads
        # indexes only, where counting applies the attendance rule.
        stats.attendance = kept_attendee_counts([form.session_id]).get(form.session_id, 0)
    else:
        stats.attendance = festival_attendance(form.festival)
    tallies = [_tally(q, responses) for q in form.questions]
    return FormResults(form, stats, responses, tallies)


# --- the export -----------------------------------------------------------


def _cell(value: Any) -> str:
    """A spreadsheet-safe cell: text that looks like a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = _("yes") if value else _("no")
    elif isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    else:
        text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def results_csv(results: FormResults) -> str:
    """One row per response, one column per question; UTF-8 with a BOM so
    that spreadsheet programs read accents and Japanese correctly."""
    form = results.form
    tz = form.festival.tz
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    questions = form.questions
    writer.writerow(
        [_("Name"), _("Position"), _("City"), _("Country"), _("Language"), _("Submitted")]
        + [q.display_text for q in questions]
        + [_("Quote"), _("Consent to quote"), _("In the report")]
    )
    for response in results.responses:
        delegate = response.delegate
        city = delegate.delegation.city
        writer.writerow(
            [
                _cell(delegate.list_name),
                _cell(delegate.position),
                _cell(city.name),
                city.country_code,
                delegate.locale,
                sheet_text(response.updated_at, tz),
            ]
            + [_cell(response.answers.get(str(q.id))) for q in questions]
            + [
                _cell(response.quote),
                _cell(response.consent_to_quote),
                _cell(response.in_report),
            ]
        )
    return out.getvalue()


# --- the festival's sessions side by side -----------------------------------

SORTS = ("start", "title", "rate", "rating", "responses")

# Pages of the overview kept (sorts, searches and languages of a festival's
# few organisers).
COMPARISON_PAGES = 64


def comparison_query(
    festival: Festival, sort: str = "start", descending: bool = False, q: str = ""
) -> sa.Select:
    """The festival's sessions, sortable by time, title, response rate,
    average rating or number of answers (for ``paginate``)."""
    invited = (
        sa.select(ImpressionInvite.form_id, sa.func.count().label("n"))
        .group_by(ImpressionInvite.form_id)
        .subquery()
    )
    answered = (
        sa.select(
            ImpressionResponse.form_id,
            sa.func.count().label("n"),
            sa.func.avg(ImpressionResponse.rating).label("average"),
        )
        .group_by(ImpressionResponse.form_id)
        .subquery()
    )
    keys = {
        "start": ProgrammeSession.starts_at,
        "title": sa.func.lower(ProgrammeSession.title),
        "rate": answered.c.n * 1.0 / sa.func.nullif(invited.c.n, 0),
        "rating": answered.c.average,
        "responses": answered.c.n,
    }
    key = keys.get(sort, ProgrammeSession.starts_at)
    ordered = key.desc() if descending else key.asc()
    query = (
        sa.select(ProgrammeSession)
        .outerjoin(ImpressionForm, ImpressionForm.session_id == ProgrammeSession.id)
        .outerjoin(invited, invited.c.form_id == ImpressionForm.id)
        .outerjoin(answered, answered.c.form_id == ImpressionForm.id)
        .where(ProgrammeSession.festival_id == festival.id)
        .options(
            joinedload(ProgrammeSession.venue),
            # What the overview shows: not the texts in every content
            # language (JSON decoded per row); raiseload guards the rest.
            load_only(
                ProgrammeSession.festival_id,
                ProgrammeSession.title,
                ProgrammeSession.starts_at,
                ProgrammeSession.ends_at,
                ProgrammeSession.status,
                ProgrammeSession.venue_id,
                raiseload=True,
            ),
        )
        .order_by(sa.nulls_last(ordered), ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    if q:
        query = query.where(ProgrammeSession.title.ilike(f"%{q.strip()}%"))
    return query


def forms_of_sessions(session_ids: list[int]) -> dict[int, ImpressionForm]:
    """{session id: its form} for the sessions that have one."""
    if not session_ids:
        return {}
    forms = db.session.scalars(
        sa.select(ImpressionForm).where(ImpressionForm.session_id.in_(session_ids))
    )
    return {form.session_id: form for form in forms if form.session_id is not None}


def _with_attendance(
    ids: list[int],
    forms: dict[int, ImpressionForm],
    by_form: dict[int, Stats],
    attendance: dict[int, int],
) -> dict[int, Stats]:
    """{session id: Stats}: its form's, with how many attended."""
    stats: dict[int, Stats] = {}
    for session_id in ids:
        form = forms.get(session_id)
        item = by_form[form.id] if form else Stats()
        item.attendance = attendance.get(session_id, 0)
        stats[session_id] = item
    return stats


@dataclass
class Comparison:
    """The overview's sessions side by side: the chart and the table's rows."""

    chart: Markup | None
    rows: Markup


def comparison(
    festival: Festival,
    shown: Sequence[int],
    filtered: bool,
    sessions: Callable[[], list[ProgrammeSession]],
    render_rows: Callable[..., str],
) -> Comparison:
    """The chart and rows of the overview page showing the sessions ``shown``
    (ids, in order), kept per version of what they show.

    Rendering a page of 50 sessions was half of the overview's time at ten
    times the scale. The key holds what the rows read: the sessions and
    their attendance (the attendance stamp, which follows the sessions'
    changes too), each form (its change), the counts and averages shown
    (one small query of index probes the page makes anyway), the festival (its
    zone), the language, and the next instant a form on the page closes,
    the one change time makes by itself. ``sessions()`` loads the rows and
    ``render_rows(sessions=, forms=, stats=)`` makes their HTML, only when
    the key is new."""
    ids = list(shown)
    forms = forms_of_sessions(ids)
    by_form = form_stats(f.id for f in forms.values())
    stamp = attendance_stamp(ids) if ids else ()
    now = utcnow()
    closings = [c for f in forms.values() if (c := f.effective_closes_at) and c > now]
    key = (
        festival.id,
        festival.updated_at,
        str(get_locale()),
        tuple(ids),
        filtered,  # an empty page says "no match" rather than "no sessions yet"
        stamp,
        tuple(sorted((f.id, f.session_id, f.updated_at) for f in forms.values())),
        tuple(sorted((i, s.invited, s.answered, s.average) for i, s in by_form.items())),
        min(closings, default=None),
    )

    def make() -> tuple[str, str]:
        shown_sessions = sessions()
        # Counted in SQL: the page shows how many attended, not who.
        stats = _with_attendance(ids, forms, by_form, attendee_counts_by_session(ids))
        chart = comparison_chart(shown_sessions, stats)
        rows = render_rows(sessions=shown_sessions, forms=forms, stats=stats)
        return (str(chart) if chart else "", rows)

    chart, rows = memo.cached("impression-comparison", key, make, max_entries=COMPARISON_PAGES)
    # Both are the app's own autoescaped output.
    return Comparison(Markup(chart) if chart else None, Markup(rows))  # noqa: S704


def comparison_chart(sessions: list[ProgrammeSession], stats: dict[int, Stats]) -> Markup | None:
    """Average rating of each session on the page that has one."""
    bars = [
        Bar(s.title, stats[s.id].average or 0, f"{stats[s.id].average:.1f}")
        for s in sessions
        if stats[s.id].average is not None
    ]
    if not bars:
        return None
    return bar_chart(
        bars,
        chart_id="chart-sessions",
        title=_("Average rating per session"),
        description=_("Average overall rating (1 to 5) of each session listed in the table."),
        max_value=5,
        compact=True,
    )
