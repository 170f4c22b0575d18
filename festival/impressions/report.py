"""The impressions report: for each event a short summary and the quotes
their authors agreed to publish, in the order the organisers chose; quotes
not numbered yet follow the order of precedence (issue 11, item 8)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import QueryableAttribute, joinedload
from sqlalchemy.orm.interfaces import LoaderOption

from festival.attendance.services import kept_attendee_counts
from festival.cities.models import City
from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionForm, ImpressionInvite, ImpressionResponse
from festival.impressions.results import Stats, festival_attendance, form_stats
from festival.programme.models import Attendance, ProgrammeSession, session_invited_delegations
from festival.protocol import precedence
from festival.registration.models import Delegate, Delegation

# A few festivals, locales and versions of each (some 160 KB apiece).
MEMO_ENTRIES = 16


@dataclass
class ReportEntry:
    form: ImpressionForm
    stats: Stats
    quotes: list[ImpressionResponse]


def signature(delegate: Delegate) -> str:
    """ "ROSSI Maria, Mayor of Parma": name (list form), position and city (the city once)."""
    city = delegate.delegation.city.name
    name = delegate.list_name
    if delegate.native_name and delegate.native_name not in (name, delegate.full_name):
        name = f"{name} ({delegate.native_name})"
    position = (delegate.position or "").strip()
    if not position:
        return _("%(name)s, %(city)s", name=name, city=city)
    if city.casefold() in position.casefold():
        return _("%(name)s, %(position)s", name=name, position=position)
    return _("%(name)s, %(position)s, %(city)s", name=name, position=position, city=city)


def _author_rank(festival: Festival) -> sa.ColumnElement[int]:
    """The author's rank in the order of precedence. Call it before loading
    anything: refreshing stale ranks commits, which expires loaded rows."""
    return precedence.rank_of(festival, ImpressionResponse.delegate_id)


def _quote_order(
    rank: sa.ColumnElement[int],
) -> tuple[sa.ColumnElement[Any] | QueryableAttribute[Any], ...]:
    """The organisers' numbers first, then the authors' precedence."""
    return (
        sa.nulls_last(ImpressionResponse.report_position.asc()),
        rank,
        ImpressionResponse.submitted_at,
        ImpressionResponse.id,
    )


def _with_author() -> LoaderOption:
    return (
        joinedload(ImpressionResponse.delegate)
        .joinedload(Delegate.delegation)
        .joinedload(Delegation.city)
    )


def quotable() -> sa.ColumnElement[bool]:
    """A sentence its author agreed to publish, by a delegate whose personal
    data has not been erased (an anonymised name cannot sign a quote)."""
    return sa.and_(
        ImpressionResponse.consent_to_quote.is_(True),
        ImpressionResponse.quote != "",
        sa.exists().where(
            Delegate.id == ImpressionResponse.delegate_id, Delegate.anonymised_at.is_(None)
        ),
    )


def published_quotes() -> sa.ColumnElement[bool]:
    """What may be printed: quotable, and picked by an organiser."""
    return sa.and_(ImpressionResponse.in_report.is_(True), quotable())


def build_report(festival: Festival) -> list[ReportEntry]:
    """The report's sections: every form that was sent, sessions in programme
    order and the closing form last; a fixed number of queries."""
    rank = _author_rank(festival)
    sent = sa.exists().where(ImpressionInvite.form_id == ImpressionForm.id)
    forms = list(
        db.session.scalars(
            sa.select(ImpressionForm)
            .outerjoin(ProgrammeSession, ProgrammeSession.id == ImpressionForm.session_id)
            .where(ImpressionForm.festival_id == festival.id, sent)
            .options(joinedload(ImpressionForm.session))
            .order_by(
                ImpressionForm.session_id.is_(None),
                ProgrammeSession.starts_at,
                ImpressionForm.id,
            )
        )
    )
    if not forms:
        return []
    stats = form_stats(f.id for f in forms)
    session_ids = [f.session_id for f in forms if f.session_id is not None]
    # Counted once per version of the attendance (the count applies the
    # attendance rule to every enrolment: 35 ms at ten times the scale).
    attendance = kept_attendee_counts(session_ids)
    for form in forms:
        if form.session_id is not None:
            stats[form.id].attendance = attendance[form.session_id]
        else:
            stats[form.id].attendance = festival_attendance(festival)
    quotes: dict[int, list[ImpressionResponse]] = {f.id: [] for f in forms}
    rows = db.session.scalars(
        sa.select(ImpressionResponse)
        .where(ImpressionResponse.form_id.in_(quotes), published_quotes())
        .options(_with_author())
        .order_by(*_quote_order(rank))
    ).unique()
    for response in rows:
        quotes[response.form_id].append(response)
    return [ReportEntry(form, stats[form.id], quotes[form.id]) for form in forms]


def report_stamp(festival: Festival) -> tuple[object, ...]:
    """The version of everything the report shows, as it is now, in one
    query (and the ranks' own): the festival's forms and sessions, the
    invites and responses (their quotes, picks and order move
    ``updated_at``), the attendance rows and invited delegations (the
    attendance rule), and the latest change of any delegate, delegation or
    city (the signatures). Counts and sums of ids: a row deleted and another
    added still move them. Invites, responses and attendance are counted
    over every festival's rows: a change elsewhere only costs a new render,
    and a whole table is cheaper to read than its join to this festival's
    (4 ms against 10 for the attendance at ten times the scale)."""
    checked_in = Attendance.checked_in_at.is_not(None)
    invited = session_invited_delegations.c

    def one(*columns: Any) -> sa.ScalarSelect[Any]:
        return sa.select(*columns).scalar_subquery()

    forms = (
        sa.select(
            *memo.version_columns(ImpressionForm),
        )
        .where(ImpressionForm.festival_id == festival.id)
        .subquery()
    )
    sessions = (
        sa.select(
            *memo.version_columns(ProgrammeSession),
        )
        .where(ProgrammeSession.festival_id == festival.id)
        .subquery()
    )
    invites = sa.select(sa.func.count(ImpressionInvite.id), sa.func.sum(ImpressionInvite.id))
    responses = sa.select(
        *memo.version_columns(ImpressionResponse),
    )
    attendance = sa.select(
        sa.func.count(Attendance.id),
        sa.func.sum(Attendance.id),
        sa.func.sum(sa.case((checked_in, Attendance.id), else_=0)),
        sa.func.max(Attendance.checked_in_at),
    )
    invitations = sa.select(
        sa.func.count(), sa.func.sum(invited.session_id * 100_000 + invited.delegation_id)
    )
    parts = [
        forms,
        sessions,
        *(q.subquery() for q in (invites, responses, attendance, invitations)),
    ]
    joined: Any = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, sa.true())
    # One row from each, each table read once.
    row = db.session.execute(
        sa.select(
            *(column for part in parts for column in part.c),
            one(sa.func.max(Delegate.updated_at)),
            one(sa.func.max(Delegation.updated_at)),
            one(sa.func.max(City.updated_at)),
        ).select_from(joined)
    ).one()
    return (*row, precedence.ranks_stamp(festival), festival.updated_at)


def report_html(festival: Festival) -> Markup:
    """The report's body, rendered once per version of its data and locale:
    it reads every sent form, its counts and quotes (some 100 ms at ten
    times the scale), and is printed far more often than it changes."""

    def render() -> str:
        return render_template(
            "impressions/_report_body.html",
            festival=festival,
            entries=build_report(festival),
            signature=signature,
        )

    key = (festival.id, str(get_locale()), report_stamp(festival))
    return Markup(memo.cached("impressions-report", key, render, MEMO_ENTRIES))  # noqa: S704  (rendered by Jinja)


def quote_candidates(form: ImpressionForm, by_precedence: bool = False) -> list[ImpressionResponse]:
    """The form's quotes whose authors agreed to publication: the ones picked
    first, in report order, then the others by precedence (all of them by
    precedence when ``by_precedence``)."""
    rank = _author_rank(form.festival)
    order = (
        (rank, ImpressionResponse.id)
        if by_precedence
        else (ImpressionResponse.in_report.desc(), *_quote_order(rank))
    )
    return list(
        db.session.scalars(
            sa.select(ImpressionResponse)
            .where(ImpressionResponse.form_id == form.id, quotable())
            .options(_with_author())
            .order_by(*order)
        ).unique()
    )


def save_selection(
    candidates: list[ImpressionResponse], picked: set[int], positions: dict[int, int]
) -> int:
    """Set which quotes go in (``picked`` response ids) and their order.

    Positions are renumbered 1, 2, 3 ... in the order given (ties and
    blanks keep the current order), so the report has no gaps. Returns the
    number picked.
    """
    chosen = [r for r in candidates if r.id in picked and r.quotable]
    current = {r.id: index for index, r in enumerate(candidates)}
    chosen.sort(key=lambda r: (positions.get(r.id, 10**6), current[r.id]))
    for response in candidates:
        response.in_report = False
        response.report_position = None
    for position, response in enumerate(chosen, start=1):
        response.in_report = True
        response.report_position = position
    return len(chosen)


def move_quote(candidates: list[ImpressionResponse], response_id: int, direction: str) -> bool:
    """Move a picked quote up or down among the picked ones."""
    picked = [r for r in candidates if r.in_report]
    index = next((i for i, r in enumerate(picked) if r.id == response_id), None)
    if index is None or direction not in ("up", "down"):
        return False
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(picked):
        return False
    picked[index], picked[other] = picked[other], picked[index]
    for position, response in enumerate(picked, start=1):
        response.report_position = position
    return True
