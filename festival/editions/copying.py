"""A new edition from the last one: its venues, the shape of its programme,
its impression forms and its invited cities, never its people.

What is copied: the festival's settings and standing texts (zone, host city,
languages, notes of the e-mails and letters, with their translations); the
venues with their ``*_i18n`` translations; every scheduled session (type,
audience, capacity, languages, interpretation, venue, texts and their
translations; the speakers are people of that year and stay behind); the
impression forms with their questions; one *draft* invitation per city the
last edition invited (not revoked), sent by nobody until an organiser does.

What is not: delegations, delegates, sign-in accounts, answers, invites,
attendances, waiting lists, itinerary items, transfers, seating plans and
their seats, the organisers' per-person protocol decisions, host staff.

How times move (:func:`day_shift`): every date moves by one same whole
number of days, so each session keeps its time of day on the wall clock of
the festival's zone (a daylight-saving change in between does not move a
10:00 opening to 09:00) and its order. Among the shifts that keep the whole
programme within the new dates, a whole number of weeks is taken when there
is one (Thursday's dinner stays on a Thursday), the one nearest to the new
first day; otherwise the shift that keeps the programme's first day as near
as it can to where it was (day 1 stays day 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.impressions.models import ImpressionForm, ImpressionQuestion
from festival.invitations.models import Invitation, InvitationStatus
from festival.programme.models import ProgrammeSession, SessionStatus

# The festival's own columns a new edition takes over (name, slug and dates
# are the organiser's; the report's introduction belongs to its year).
FESTIVAL_COLUMNS = (
    "timezone",
    "host_city",
    "languages",
    "contact_email",
    "visa_signatory_name",
    "visa_signatory_title",
    "accompanying_limit",
    "digest_at",
    "content_language",
    "content_languages",
    "tagline",
    "tagline_i18n",
    "description",
    "description_i18n",
    "invitation_message",
    "invitation_message_i18n",
    "confirmation_note",
    "confirmation_note_i18n",
    "decline_note",
    "decline_note_i18n",
    "visa_letter_body",
    "visa_letter_body_i18n",
)
VENUE_SKIP = {"id", "festival_id"}
SESSION_SKIP = {
    "id",
    "festival_id",
    "venue_id",
    "starts_at",
    "ends_at",
    "sequence",
    "status",
    "created_at",
    "updated_at",
    "speakers",
    "speakers_i18n",
}
FORM_SKIP = {"id", "festival_id", "session_id", "closes_at", "sent_at", "created_at", "updated_at"}
QUESTION_SKIP = {"id", "form_id"}


class ProgrammeTooLong(ValueError):
    """The programme does not fit in the new dates, whatever the shift."""

    def __init__(self, days: int) -> None:
        super().__init__(days)
        self.days = days


@dataclass(frozen=True)
class CopyPlan:
    """What a copy will make, for the preview."""

    days: int  # the shift, in days
    keeps_weekdays: bool
    venues: int
    sessions: int
    forms: int
    questions: int
    invitations: int


def _columns(row: Any, skip: set[str]) -> dict[str, Any]:
    """The row's column values but ``skip`` (JSON values copied, not shared)."""
    values = {}
    # The table's own columns (not a computed column_property such as a
    # form's event_ends_at); attributes here are named as their columns.
    for column in type(row).__table__.columns:
        if column.key in skip:
            continue
        value = getattr(row, column.key)
        values[column.key] = (
            value.copy() if isinstance(value, (dict, list)) else value  # noqa: UP038
        )
    return values


def _scheduled(source: Festival) -> list[ProgrammeSession]:
    return list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .where(
                ProgrammeSession.festival_id == source.id,
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def day_shift(
    source: Festival, sessions: list[ProgrammeSession], starts_on: date, ends_on: date
) -> int:
    """The whole number of days every date moves by (see the module docstring).

    Raises :class:`ProgrammeTooLong` when the programme's days outnumber the
    new dates'.
    """
    aligned = (starts_on - source.starts_on).days
    if not sessions:
        return aligned
    tz = source.tz
    first = min(s.starts_at.astimezone(tz).date() for s in sessions)
    last = max(s.ends_at.astimezone(tz).date() for s in sessions)
    low, high = (starts_on - first).days, (ends_on - last).days
    if low > high:
        raise ProgrammeTooLong((last - first).days + 1)
    weeks = [d for d in range(low, high + 1) if d % 7 == 0]
    if weeks:
        return min(weeks, key=lambda d: (abs(d - aligned), d))
    return min(max(aligned, low), high)


def shifted(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """``moment`` moved by ``days`` on the wall clock of ``tz`` (same local time)."""
    local = moment.astimezone(tz)
    moved = datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=tz)
    return moved.astimezone(UTC)


def _invited_query(source: Festival) -> sa.Select[Invitation]:
    return sa.select(Invitation).where(
        Invitation.festival_id == source.id, Invitation.status != InvitationStatus.REVOKED
    )


def _invited(source: Festival) -> list[Invitation]:
    return list(db.session.scalars(_invited_query(source).order_by(Invitation.id)))


def _forms_query(source: Festival) -> sa.Select[ImpressionForm]:
    """The forms after a scheduled session, and the closing form."""
    return (
        sa.select(ImpressionForm)
        .outerjoin(ProgrammeSession, ProgrammeSession.id == ImpressionForm.session_id)
        .where(
            ImpressionForm.festival_id == source.id,
            sa.or_(
                ImpressionForm.session_id.is_(None),
                ProgrammeSession.status == SessionStatus.SCHEDULED,
            ),
        )
    )


def _forms(source: Festival) -> list[ImpressionForm]:
    return list(
        db.session.scalars(
            _forms_query(source)
            .options(sa.orm.selectinload(ImpressionForm.questions))
            .order_by(ImpressionForm.id)
        )
    )


def _count(query: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def plan_copy(source: Festival, starts_on: date, ends_on: date) -> CopyPlan:
    """The counts a copy of ``source`` onto these dates would make (raises
    :class:`ProgrammeTooLong` when the programme cannot fit)."""
    sessions = _scheduled(source)
    days = day_shift(source, sessions, starts_on, ends_on)
    forms = _forms_query(source).with_only_columns(ImpressionForm.id)
    questions = sa.select(ImpressionQuestion.id).where(ImpressionQuestion.form_id.in_(forms))
    return CopyPlan(
        days=days,
        keeps_weekdays=days % 7 == 0,
        venues=len(source.venues),
        sessions=len(sessions),
        forms=_count(forms),
        questions=_count(questions),
        invitations=_count(_invited_query(source)),
    )


def copy_edition(
    source: Festival, name: str, slug: str, starts_on: date, ends_on: date
) -> Festival:
    """Make the new edition from ``source`` and flush; the caller commits."""
    sessions = _scheduled(source)
    days = day_shift(source, sessions, starts_on, ends_on)
    tz = source.tz
    edition = Festival(name=name.strip(), slug=slug, starts_on=starts_on, ends_on=ends_on)
    for column in FESTIVAL_COLUMNS:
        value = getattr(source, column)
        setattr(edition, column, value.copy() if isinstance(value, (dict, list)) else value)  # noqa: UP038
    db.session.add(edition)
    db.session.flush()
    venues: dict[int, Venue] = {}
    for venue in source.venues:
        venues[venue.id] = Venue(festival=edition, **_columns(venue, VENUE_SKIP))
    db.session.add_all(venues.values())
    copies: dict[int, ProgrammeSession] = {}
    for session in sessions:
        starts = shifted(session.starts_at, days, tz)
        ends = shifted(session.ends_at, days, tz)
        if ends <= starts:  # a short session across a clock change: keep its length
            ends = starts + (session.ends_at - session.starts_at)
        copies[session.id] = ProgrammeSession(
            festival=edition,
            venue=venues.get(session.venue_id) if session.venue_id else None,
            starts_at=starts,
            ends_at=ends,
            speakers="",
            speakers_i18n={},
            **_columns(session, SESSION_SKIP),
        )
    db.session.add_all(copies.values())
    db.session.flush()
    questions: list[tuple[ImpressionForm, list[ImpressionQuestion]]] = []
    for form in _forms(source):
        copy = ImpressionForm(
            festival_id=edition.id,
            session_id=copies[form.session_id].id if form.session_id else None,
            closes_at=shifted(form.closes_at, days, tz) if form.closes_at else None,
            **_columns(form, FORM_SKIP),
        )
        db.session.add(copy)
        questions.append((copy, form.questions))
    db.session.flush()
    # Thousands of rows at the benchmark's scale: inserted in bulk.
    rows = [
        {**_columns(q, QUESTION_SKIP), "form_id": copy.id}
        for copy, originals in questions
        for q in originals
    ]
    if rows:
        db.session.execute(sa.insert(ImpressionQuestion), rows)
    invitations = [
        {
            "festival_id": edition.id,
            "city_id": invitation.city_id,
            "quota": invitation.quota,
            "deadline": shifted(invitation.deadline, days, tz),
            "status": InvitationStatus.DRAFT,
        }
        for invitation in _invited(source)
    ]
    if invitations:
        db.session.execute(sa.insert(Invitation), invitations)
    db.session.flush()
    return edition
