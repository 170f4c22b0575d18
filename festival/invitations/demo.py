"""Demo data: every city is invited; most accepted, some declined, a few still open.

The festival is under way in the demo, so the invitations went out months
ago; a handful of late ones are still open (deadline in the future), and
one of their links is printed for a newcomer to try.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa

from festival.cities.models import City
from festival.core.tokens import hash_token
from festival.demo import DemoContext
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.emails import invitation_email, invitation_link
from festival.invitations.models import Invitation, InvitationStatus
from festival.outbox.models import OutboxMessage, OutboxStatus
from festival.outbox.services import queue_many
from festival.registration.models import Delegation

S = InvitationStatus

# Share of each status among the invited cities (the rest are accepted).
MIX = [(S.DECLINED, 0.07), (S.EXPIRED, 0.05), (S.SENT, 0.03), (S.OPENED, 0.03), (S.DRAFT, 0.02)]
DECLINE_REASONS = [
    "Our mayor has a council session that week.",
    "Budget constraints this year, we hope to join the next edition.",
    "Nous organisons notre propre festival aux mêmes dates.",
    "同時期に市の行事があるため、今回は参加を見送ります。",
    None,
]


def _token(ctx: DemoContext) -> str:
    """A secret link token, from the demo's seed (same seed, same links)."""
    return (
        base64.urlsafe_b64encode(ctx.rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")
    )


def _end_of_day(moment: datetime, tz: tzinfo) -> datetime:
    """23:59 that day in the festival's zone: how organisers set deadlines."""
    return moment.astimezone(tz).replace(hour=23, minute=59, second=0, microsecond=0)


def _quota(ctx: DemoContext) -> int:
    roll = ctx.rng.random()
    return 3 if roll < 0.7 else 4 if roll < 0.9 else 5


def _statuses(ctx: DemoContext, count: int) -> list[InvitationStatus]:
    statuses = []
    for _ in range(count):
        roll, status = ctx.rng.random(), S.ACCEPTED
        for candidate, share in MIX:
            if roll < share:
                status = candidate
                break
            roll -= share
        statuses.append(status)
    # A newcomer always gets one open invitation to try.
    if count and S.SENT not in statuses:
        statuses[-1] = S.SENT
    return statuses


def seed(ctx: DemoContext) -> str:
    festival = ctx.festival
    assert festival is not None, "the festivals step runs first"
    cities = db.session.execute(sa.select(City.id).order_by(City.id)).scalars().all()
    now = ctx.now
    opened_on = festival.starts_on - timedelta(days=120)
    first_round = now - timedelta(days=(now.date() - opened_on).days)
    main_deadline = _end_of_day(first_round + timedelta(days=60), festival.tz)
    statuses = _statuses(ctx, len(cities))
    rows: list[dict[str, Any]] = []
    open_tokens: dict[int, str] = {}
    for city_id, status in zip(cities, statuses, strict=True):
        quota = _quota(ctx)
        row: dict[str, Any] = {
            "festival_id": festival.id,
            "city_id": city_id,
            "quota": quota,
            "status": status,
            "deadline": main_deadline,
            "token_hash": None,
            "sent_at": None,
            "opened_at": None,
            "responded_at": None,
            "decline_reason": None,
            "created_at": first_round,
            "updated_at": first_round,
        }
        if status != S.DRAFT:
            token = _token(ctx)
            row["token_hash"] = hash_token(token)
            row["sent_at"] = first_round + timedelta(minutes=ctx.rng.randint(0, 90))
        if status in (S.SENT, S.OPENED, S.DRAFT):
            # Late invitations: sent last week, still open for a few days.
            row["sent_at"] = row["sent_at"] and now - timedelta(days=ctx.rng.randint(2, 8))
            row["deadline"] = _end_of_day(now + timedelta(days=ctx.rng.randint(3, 10)), festival.tz)
            row["created_at"] = now - timedelta(days=9)
        if status in (S.OPENED, S.ACCEPTED, S.DECLINED):
            row["opened_at"] = row["sent_at"] + timedelta(hours=ctx.rng.randint(1, 72))
        if status in (S.ACCEPTED, S.DECLINED):
            row["responded_at"] = row["opened_at"] + timedelta(hours=ctx.rng.randint(1, 240))
        if status == S.DECLINED:
            row["decline_reason"] = ctx.rng.choice(DECLINE_REASONS)
        row["updated_at"] = row["responded_at"] or row["opened_at"] or row["sent_at"] or now
        if status in (S.SENT, S.OPENED):
            open_tokens[city_id] = token
        rows.append(row)
    _cover_delegates(ctx, rows)
    if rows:
        # Core inserts: the ORM's per-row bookkeeping would triple the time.
        db.session.execute(sa.insert(Invitation.__table__), rows)

    accepted = db.session.execute(
        sa.select(Invitation.id, Invitation.city_id)
        .where(Invitation.festival_id == festival.id, Invitation.status == S.ACCEPTED)
        .order_by(Invitation.id)
    ).all()
    ctx.shared["accepted_invitations"] = [(i, c) for i, c in accepted]
    if accepted:
        db.session.execute(
            sa.insert(Delegation.__table__),
            [
                {
                    "invitation_id": invitation_id,
                    "festival_id": festival.id,
                    "city_id": city_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for invitation_id, city_id in accepted
            ],
        )
    delegations = db.session.execute(
        sa.select(Delegation.id, Delegation.city_id, Delegation.invitation_id)
        .where(Delegation.festival_id == festival.id)
        .order_by(Delegation.id)
    ).all()
    ctx.shared["delegation_ids"] = [(d, c, i) for d, c, i in delegations]

    _queue_open_emails(festival, open_tokens)
    first_open = next(iter(open_tokens.values()), None)
    if first_open:
        ctx.note(f"Invitation to try: {invitation_link(first_open)}")
    counts = {s: statuses.count(s) for s in S if statuses.count(s)}
    summary = ", ".join(f"{n} {s.value}" for s, n in counts.items())
    return f"{len(rows)} invitations ({summary}), {len(delegations)} delegations"


def _queue_open_emails(festival: Festival, tokens: dict[int, str]) -> None:
    """The e-mails of the open invitations, in the outbox as sent when they were."""
    if not tokens:
        return
    found = db.session.execute(
        sa.select(
            Invitation.id.label("invitation_id"),
            Invitation.city_id,
            Invitation.quota,
            Invitation.deadline,
            Invitation.sent_at,
            City.name,
            City.contact_name,
            City.contact_email,
            City.preferred_language,
        )
        .join(City, City.id == Invitation.city_id)
        .where(Invitation.festival_id == festival.id, Invitation.city_id.in_(list(tokens)))
    ).all()
    emails, sent_at = [], {}
    for row in found:
        token = tokens[row.city_id]
        email = invitation_email(
            row.invitation_id, festival, row, quota=row.quota, deadline=row.deadline, token=token
        )
        emails.append(email)
        sent_at[email.key] = row.sent_at
    queue_many(emails)
    table = OutboxMessage.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.key == sa.bindparam("message_key"))
        .values(
            status=OutboxStatus.SENT,
            attempts=1,
            created_at=sa.bindparam("when"),
            sent_at=sa.bindparam("when"),
        ),
        [{"message_key": key, "when": when} for key, when in sent_at.items()],
    )


def _cover_delegates(ctx: DemoContext, rows: list[dict[str, Any]]) -> None:
    """Raise accepted quotas until they hold the demo's delegates, if they can."""
    accepted = [row for row in rows if row["status"] == S.ACCEPTED]
    room = sum(row["quota"] for row in accepted)
    index = 0
    while accepted and room < ctx.delegates and index < 50 * len(accepted):
        row = accepted[index % len(accepted)]
        if row["quota"] < 50:
            row["quota"] += 1
            room += 1
        index += 1
