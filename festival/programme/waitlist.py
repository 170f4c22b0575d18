"""The waiting list of a full session (#15 item 11).

A delegate who may attend a full session joins its list; when a place
frees (someone leaves, or the organiser raises the capacity) the first
eligible person on the list (lowest id) takes it and is told by e-mail.
Every step runs under the session's row lock on PostgreSQL (the one
enrolment takes), so joins, departures and promotions of one session queue
up: nobody is overbooked, nobody skipped. Services flush, never commit.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.core.content import lazy as content_lazy
from festival.core.dml import rowcount
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.invitations.emails import email_locale
from festival.outbox.services import queue_email
from festival.programme import enrolment
from festival.programme.eligibility import may_attend
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus, WaitingEntry
from festival.registration.models import Delegate


class Waiting(enum.StrEnum):
    JOINED = "joined"
    ALREADY = "already"  # on the list already
    ENROLLED = "enrolled"  # a place was free after all: enrolled at once
    CLOSED = "closed"  # cancelled or over


def position(session: ProgrammeSession, delegate: Delegate) -> int | None:
    """``delegate``'s place on the list (1 = next), or None when not on it."""
    own = db.session.scalar(
        sa.select(WaitingEntry.id).where(
            WaitingEntry.session_id == session.id, WaitingEntry.delegate_id == delegate.id
        )
    )
    if own is None:
        return None
    ahead = sa.select(sa.func.count()).where(
        WaitingEntry.session_id == session.id, WaitingEntry.id <= own
    )
    return db.session.scalar(ahead)


def _open(session: ProgrammeSession) -> bool:
    return session.status == SessionStatus.SCHEDULED and session.ends_at > utcnow()


def join(session: ProgrammeSession, delegate: Delegate) -> Waiting:
    """Put ``delegate`` (who may attend: the caller checked) on the list."""
    if not _open(session):
        return Waiting.CLOSED
    if enrolment.enrol(session, delegate) in (enrolment.Enrolment.ENROLLED,):
        return Waiting.ENROLLED  # (enrol took the session's lock)
    if enrolment.is_enrolled(session, delegate):
        return Waiting.ALREADY
    try:
        with db.session.begin_nested():
            db.session.add(WaitingEntry(session_id=session.id, delegate_id=delegate.id))
    except sa.exc.IntegrityError:
        return Waiting.ALREADY
    return Waiting.JOINED


def leave(session: ProgrammeSession, delegate: Delegate) -> bool:
    """Take ``delegate`` off the list; False when they were not on it."""
    result = db.session.execute(
        sa.delete(WaitingEntry).where(
            WaitingEntry.session_id == session.id, WaitingEntry.delegate_id == delegate.id
        )
    )
    return rowcount(result) > 0


def fill_places(session: ProgrammeSession) -> list[Delegate]:
    """Give the free places to the first eligible people on the list, in
    order, and e-mail each; returns who got one. Someone on the list who may
    no longer attend (withdrawn, role changed) is passed over and stays."""
    if not _open(session):
        return []
    enrolment._lock_session(session.id)
    promoted: list[Delegate] = []
    entries = db.session.scalars(
        sa.select(WaitingEntry)
        .where(WaitingEntry.session_id == session.id)
        .order_by(WaitingEntry.id)
    ).all()
    for entry in entries:
        delegate = db.session.get(Delegate, entry.delegate_id)
        if delegate is None or not may_attend(session, delegate):
            continue
        try:
            with db.session.begin_nested():
                placed = enrolment._guarded_insert(session, delegate.id)
        except sa.exc.IntegrityError:  # enrolled meanwhile by an organiser
            placed = None
        if placed is False:
            break  # full again
        db.session.delete(entry)
        if placed:
            promoted.append(delegate)
            _tell(session, delegate)
    db.session.flush()
    return promoted


def _tell(session: ProgrammeSession, delegate: Delegate) -> None:
    festival = session.festival
    attendance = db.session.scalar(
        sa.select(Attendance.id).where(
            Attendance.session_id == session.id, Attendance.delegate_id == delegate.id
        )
    )
    queue_email(
        key=f"waitlist:{session.id}:{delegate.id}:{attendance}",
        recipient=delegate.email,
        subject=_l(
            "%(festival)s: a place for you in “%(title)s”",
            festival=content_lazy(festival, "name"),
            title=content_lazy(session, "title"),
        ),
        template="waitlist_place",
        locale=email_locale(delegate.locale),
        category="waitlist",
        festival=festival,
        person=delegate,
        session=session,
        url=external_url("programme.session", slug=festival.slug, session_id=session.id),
    )
