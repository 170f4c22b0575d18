"""The evening e-mail of each delegate's next festival day (#15 item 10).

At the festival's ``digest_at`` (local time, default 18:00) on the eve of
each festival day, every active delegate with anything on that day (their
sessions, their delegation's and their own itinerary items) who has not
turned it off gets that day by e-mail. The festival's ``digest_sent_for``
is claimed with one conditional UPDATE, so a day is built once whatever
the number of workers, and the outbox keys make a retry harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.core.content import lazy as content_lazy
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.emails import email_locale
from festival.itineraries.services import (
    Entry,
    _item_entry,
    _session_entry,
    enrolled_sessions,
    items_of,
)
from festival.outbox.services import Email, queue_many
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import SessionStatus
from festival.programme.times import day_start
from festival.protocol.seating import seats_by_person
from festival.registration.models import Delegate, Delegation

# Delegates whose sessions one statement looks up (well under any limit on
# bound parameters).
CHUNK = 1000


def _on_day(entry: Entry, first: datetime, after: datetime) -> bool:
    if entry.status != SessionStatus.SCHEDULED.value:
        return False
    if entry.starts_at == entry.ends_at:  # a moment (a pickup at 14:00)
        return first <= entry.starts_at < after
    return entry.starts_at < after and entry.ends_at > first


def day_plans(festival: Festival, day: date) -> list[tuple[Delegate, list[Entry]]]:
    """Every active delegate of ``festival`` who wants the digest and has
    something on ``day`` (in the festival's zone), with those entries in
    time order. A few queries whatever the number of delegates."""
    first, after = day_start(day, festival.tz), day_start(day + timedelta(days=1), festival.tz)
    delegates = list(
        db.session.scalars(
            sa.select(Delegate)
            .join(Delegation, Delegation.id == Delegate.delegation_id)
            .where(
                Delegation.festival_id == festival.id,
                Delegate.status.in_(ACTIVE_STATUSES),
                Delegate.daily_digest.is_(True),
            )
            .order_by(Delegate.id)
        )
    )
    items = items_of(sorted({d.delegation_id for d in delegates}))
    plans = []
    for start in range(0, len(delegates), CHUNK):
        chunk = delegates[start : start + CHUNK]
        sessions = enrolled_sessions(chunk)
        seats = seats_by_person([d.id for d in chunk])
        for delegate in chunk:
            entries = [
                replace(_session_entry(s), seat=seats.get((delegate.id, s.id)))
                for s in sessions[delegate.id]
            ]
            entries += [
                _item_entry(item, festival)
                for item in items.get(delegate.delegation_id, [])
                if item.delegate_id in (None, delegate.id)
            ]
            today = [e for e in entries if _on_day(e, first, after)]
            if today:
                today.sort(key=lambda e: (not e.all_day, e.starts_at, e.ends_at, e.key))
                plans.append((delegate, today))
    return plans


def digest_emails(festival: Festival, day: date) -> list[Email]:
    url = external_url("itineraries.my_itinerary")
    return [
        Email(
            key=f"digest:{delegate.id}:{day.isoformat()}",
            recipient=delegate.email,
            subject=_l(
                "%(festival)s: your plans for tomorrow", festival=content_lazy(festival, "name")
            ),
            template="day_digest",
            locale=email_locale(delegate.locale),
            category="digest",
            context={
                "festival": festival,
                "person": delegate,
                "day": day,
                "entries": entries,
                "url": url,
                "settings_url": external_url("registration.details") + "#digest",
            },
        )
        for delegate, entries in day_plans(festival, day)
        if delegate.email
    ]


def due_day(festival: Festival, now: datetime) -> date | None:
    """The festival day whose digest is due at ``now``, if any: tomorrow
    (local), a festival day, once the local time has passed ``digest_at``,
    and not sent yet."""
    local_now = now.astimezone(festival.tz)
    tomorrow = local_now.date() + timedelta(days=1)
    if not festival.starts_on <= tomorrow <= festival.ends_on:
        return None
    if local_now.time() < festival.digest_at:
        return None
    if festival.digest_sent_for is not None and festival.digest_sent_for >= tomorrow:
        return None
    return tomorrow


def _claim(festival: Festival, day: date) -> bool:
    """Mark ``day`` sent for ``festival`` unless another worker just did."""
    claimed = db.session.execute(
        sa.update(Festival)
        .where(
            Festival.id == festival.id,
            sa.or_(Festival.digest_sent_for.is_(None), Festival.digest_sent_for < day),
        )
        .values(digest_sent_for=day)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(claimed, "rowcount", 0))


def send_due_digests() -> int:
    """The worker's job: queue each festival's due digest; returns how many e-mails.

    The claim and the e-mails commit together (the worker commits after
    each job), so a failure leaves the day to the next pass.
    """
    now = utcnow()
    queued = 0
    horizon = (now - timedelta(days=2)).date()
    festivals: Sequence[Any] = db.session.scalars(
        sa.select(Festival).where(Festival.ends_on >= horizon)
    ).all()
    for festival in festivals:
        day = due_day(festival, now)
        if day is not None and _claim(festival, day):
            queued += queue_many(digest_emails(festival, day))
    return queued
