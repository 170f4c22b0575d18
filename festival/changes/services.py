"""Who is told when a session or itinerary item changes, and the e-mail.

A save records a snapshot before and after (:func:`snapshot_session`,
:func:`snapshot_item`); if the time, the place or the status moved and the
organiser left "notify" ticked, one :class:`PendingChange` row per person
concerned is inserted in the same transaction. The worker's
:func:`send_due_changes` turns each person's rows into one e-mail once
nothing changed for them during the quiet period
(``CHANGES_QUIET_MINUTES``, default 10).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from festival.changes.models import PendingChange
from festival.core.content import lazy as content_lazy
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.invitations.emails import email_locale
from festival.itineraries.models import ItineraryItem
from festival.outbox.services import Email, queue_many
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import Delegate, Delegation

# What makes a change worth an e-mail: a new title or description is not.
TOLD_FIELDS = ("starts_at", "ends_at", "all_day", "place", "status")
# People whose changes one pass of the worker sends (the rest in the next pass).
PASS_SIZE = 2000


def snapshot_session(session: ProgrammeSession) -> dict[str, Any]:
    """What a delegate is told about ``session``, as JSON."""
    venue = session.venue
    return {
        "title": session.title,
        # The other content languages, for the e-mail in the reader's.
        "title_i18n": dict(session.title_i18n or {}),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "all_day": False,
        "place": venue.name if venue is not None else "",
        "place_i18n": dict(venue.name_i18n or {}) if venue is not None else {},
        "status": session.status.value,
    }


# The "before" of an item just added.
NEW_ITEM = {"status": "new"}


def snapshot_item(item: ItineraryItem) -> dict[str, Any]:
    """What a delegate is told about ``item``, as JSON."""
    return {
        "title": item.title,
        "title_i18n": dict(item.title_i18n or {}),
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "all_day": bool(item.all_day),
        "place": item.location or "",
        "status": "scheduled",
    }


def worth_telling(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return any(before.get(name) != after.get(name) for name in TOLD_FIELDS if name in after)


# --- who is concerned -------------------------------------------------------------


def _session_people(session_id: int) -> sa.Select:
    return (
        sa.select(Attendance.delegate_id)
        .join(Delegate, Delegate.id == Attendance.delegate_id)
        .where(Attendance.session_id == session_id, Delegate.status.in_(ACTIVE_STATUSES))
    )


def _item_people(delegation_id: int, delegate_id: int | None) -> sa.Select:
    query = sa.select(Delegate.id).where(
        Delegate.delegation_id == delegation_id, Delegate.status.in_(ACTIVE_STATUSES)
    )
    if delegate_id is not None:
        query = query.where(Delegate.id == delegate_id)
    return query


def session_audience(session: ProgrammeSession) -> int:
    """How many people a change of ``session`` would be told to: those
    enrolled in it (what their programme and itinerary call theirs)."""
    count = sa.select(sa.func.count()).select_from(_session_people(session.id).subquery())
    return db.session.scalar(count) or 0


def item_audience(item: ItineraryItem) -> int:
    """How many people a change of ``item`` would be told to."""
    query = _item_people(item.delegation_id, item.delegate_id).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(query)) or 0


def _record(people: sa.Select, subject: str, before: dict, after: dict) -> int:
    if not worth_telling(before, after):
        return 0
    now = utcnow()
    rows = [
        {"delegate_id": d, "subject": subject, "before": before, "after": after, "created_at": now}
        for d in db.session.scalars(people)
    ]
    if rows:
        db.session.execute(sa.insert(PendingChange), rows)
    return len(rows)


def session_changed(session: ProgrammeSession, before: dict[str, Any]) -> int:
    """Record that ``session`` changed since ``before``; returns how many will be told."""
    db.session.flush()
    return _record(
        _session_people(session.id), f"session:{session.id}", before, snapshot_session(session)
    )


def item_changed(
    item: ItineraryItem,
    before: dict[str, Any],
    *,
    deleted: bool = False,
    people: tuple[int, int | None] | None = None,
) -> int:
    """Record that ``item`` changed (or was deleted) since ``before``.

    ``people`` (delegation id, delegate id) for a deleted item, whose row is gone.
    """
    delegation_id, delegate_id = people or (item.delegation_id, item.delegate_id)
    after = {**before, "status": "cancelled"} if deleted else snapshot_item(item)
    return _record(_item_people(delegation_id, delegate_id), f"item:{item.id}", before, after)


# --- the e-mail -------------------------------------------------------------------


@dataclass
class Change:
    """One thing that changed for someone: first state before, last state after."""

    title: str
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def title_i18n(self) -> dict[str, str]:
        """The title in the other content languages (``loc_text`` reads it)."""
        state = self.after if self.after.get("title") else self.before
        return state.get("title_i18n") or {}

    @property
    def cancelled(self) -> bool:
        return self.after.get("status") == "cancelled" != self.before.get("status")

    @property
    def reinstated(self) -> bool:
        return self.before.get("status") == "cancelled" != self.after.get("status")

    @property
    def added(self) -> bool:
        return self.before.get("status") == "new"

    @property
    def moved(self) -> bool:
        if self.added:
            return False
        return any(self.before.get(k) != self.after.get(k) for k in ("starts_at", "ends_at"))

    @property
    def new_place(self) -> bool:
        return not self.added and self.before.get("place") != self.after.get("place")

    @property
    def old(self) -> When:
        return When.of(self.before)

    @property
    def new(self) -> When:
        return When.of(self.after)


@dataclass
class When:
    """A snapshot's times, as the templates' itinerary_when and day_label take them."""

    starts_at: datetime
    ends_at: datetime
    all_day: bool
    place: str
    place_i18n: dict[str, str]

    @classmethod
    def of(cls, state: dict[str, Any]) -> When:
        return cls(
            datetime.fromisoformat(state["starts_at"]),
            datetime.fromisoformat(state["ends_at"]),
            bool(state.get("all_day")),
            state.get("place") or "",
            state.get("place_i18n") or {},
        )


def merge(rows: Sequence[PendingChange]) -> list[Change]:
    """A person's rows, one Change per thing (first before, last after), in
    the order they were first changed; a thing changed and changed back drops out."""
    first: dict[str, PendingChange] = {}
    last: dict[str, PendingChange] = {}
    for row in sorted(rows, key=lambda r: r.id):
        first.setdefault(row.subject, row)
        last[row.subject] = row
    changes = []
    for subject, row in first.items():
        before, after = row.before, last[subject].after
        added_then_deleted = before.get("status") == "new" and after.get("status") == "cancelled"
        if worth_telling(before, after) and not added_then_deleted:
            title = after.get("title") or before.get("title") or ""
            changes.append(Change(title, before, after))
    return changes


def quiet_period() -> timedelta:
    return timedelta(minutes=float(current_app.config.get("CHANGES_QUIET_MINUTES", 10)))


def send_due_changes() -> int:
    """Queue one e-mail per person whose changes have been quiet long enough.

    Their rows are deleted in the same transaction as the e-mail is queued;
    the outbox key (the person and their newest change) keeps a second
    worker doing the same person at the same time from sending twice.
    Returns how many e-mails were queued.
    """
    horizon = utcnow() - quiet_period()
    quiet = (
        sa.select(PendingChange.delegate_id)
        .group_by(PendingChange.delegate_id)
        .having(sa.func.max(PendingChange.created_at) <= horizon)
        .limit(PASS_SIZE)
    )
    delegate_ids = list(db.session.scalars(quiet))
    if not delegate_ids:
        return 0
    rows = db.session.scalars(
        sa.select(PendingChange).where(PendingChange.delegate_id.in_(delegate_ids))
    ).all()
    by_person: dict[int, list[PendingChange]] = {}
    for row in rows:
        by_person.setdefault(row.delegate_id, []).append(row)
    delegates = db.session.scalars(
        sa.select(Delegate)
        .where(Delegate.id.in_(delegate_ids))
        .options(joinedload(Delegate.delegation).joinedload(Delegation.festival))
    ).all()
    url = external_url("itineraries.my_itinerary")
    emails = []
    # People told the same news share one context: the outbox renders it
    # once per language (a cancelled session with 1,000 enrolled is one e-mail).
    contexts: dict[tuple[int, str], dict[str, Any]] = {}
    for delegate in delegates:
        person_rows = by_person.get(delegate.id, [])
        changes = merge(person_rows)
        if changes and delegate.email and delegate.status in ACTIVE_STATUSES:
            festival = delegate.delegation.festival
            news = json.dumps([(c.before, c.after) for c in changes], sort_keys=True)
            context = contexts.setdefault(
                (festival.id, news), {"festival": festival, "changes": changes, "url": url}
            )
            last = max(person_rows, key=lambda r: r.id)
            # Row ids may come back once deleted (SQLite): the time makes it unique.
            stamp = f"{last.id}:{last.created_at.timestamp():.6f}"
            emails.append(_email(delegate, context, stamp))
    queued = queue_many(emails)
    db.session.execute(sa.delete(PendingChange).where(PendingChange.id.in_([r.id for r in rows])))
    return queued


def _email(delegate: Delegate, context: dict[str, Any], stamp: str) -> Email:
    festival = context["festival"]
    return Email(
        key=f"changes:{delegate.id}:{stamp}",
        recipient=delegate.email,
        subject=_l(
            "%(festival)s: your plans have changed", festival=content_lazy(festival, "name")
        ),
        template="plans_changed",
        locale=email_locale(delegate.locale),
        category="changes",
        context=context,
    )
