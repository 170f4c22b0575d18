"""Invitations: invite cities, send and resend their secret links, record answers.

Every change of status is a conditional UPDATE (``... WHERE status IN
(...)``), so two requests racing (an organiser revoking while the city
accepts, two clicks on "accept") cannot both win: the database decides.
Services never commit; the view (or the worker) does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from festival.cities.models import City
from festival.core.dml import rowcount
from festival.core.tokens import hash_token, new_token
from festival.core.types import UTCDateTime, utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.emails import decline_notice, invitation_email, quota_changed_email
from festival.invitations.models import Invitation, InvitationStatus
from festival.outbox.models import OutboxMessage
from festival.outbox.services import queue_email, queue_many
from festival.registration.models import ACTIVE_STATUSES, Delegation
from festival.registration.services import lock_invitation, places_taken

S = InvitationStatus
# Waiting for the city's answer: the link works and can be answered.
AWAITING = (S.SENT, S.OPENED)
# What an organiser may (re)send: not once the city has answered.
SENDABLE = (S.DRAFT, S.SENT, S.OPENED, S.EXPIRED, S.REVOKED)
REVOCABLE = (S.DRAFT, S.SENT, S.OPENED, S.EXPIRED)


class InvitationError(Exception):
    """An action the invitation's current state does not allow."""


class AlreadyInvited(InvitationError):
    """Some of the cities already have an invitation to this festival."""

    def __init__(self, city_names: Sequence[str]) -> None:
        super().__init__(", ".join(city_names))
        self.city_names = list(city_names)


class NoAddress(InvitationError):
    """The city has no contact e-mail to send the invitation to."""


class QuotaBelowTaken(InvitationError):
    """A quota lower than the places the delegation has taken already."""

    def __init__(self, taken: int) -> None:
        super().__init__(str(taken))
        self.taken = taken


@dataclass
class InviteResult:
    sent: int = 0
    drafts: int = 0
    # Cities saved as drafts because they have no contact e-mail.
    without_email: list[str] = field(default_factory=list)


def invite_cities(
    festival: Festival,
    city_ids: Collection[int],
    *,
    quota: int,
    deadline: datetime,
    send: bool = True,
) -> InviteResult:
    """Invite every city in ``city_ids`` (a few statements, however many cities).

    Raises :class:`AlreadyInvited`, creating nothing, when any of them is
    already invited. With ``send`` the invitations are sent (cities without a
    contact e-mail stay drafts); without, all are drafts.
    """
    ids = sorted(set(city_ids))
    columns = (
        City.id,
        City.name,
        City.kind,
        City.contact_name,
        City.contact_email,
        City.preferred_language,
    )
    cities = db.session.execute(sa.select(*columns).where(City.id.in_(ids))).all()
    taken = db.session.scalars(
        sa.select(City.name)
        .join(Invitation, Invitation.city_id == City.id)
        .where(Invitation.festival_id == festival.id, City.id.in_(ids))
        .order_by(City.name)
    ).all()
    if taken:
        raise AlreadyInvited(taken)

    now = utcnow()
    result = InviteResult()
    rows, tokens = [], {}
    for city in cities:
        sending = send and bool(city.contact_email)
        token = new_token() if sending else None
        if send and not sending:
            result.without_email.append(city.name)
        if token:
            tokens[city.id] = token
        rows.append(
            {
                "festival_id": festival.id,
                "city_id": city.id,
                "quota": quota,
                "deadline": deadline,
                "status": S.SENT if sending else S.DRAFT,
                "token_hash": hash_token(token) if token else None,
                "sent_at": now if sending else None,
                "created_at": now,
                "updated_at": now,
            }
        )
    if not rows:
        return result
    try:
        with db.session.begin_nested():
            created = db.session.execute(
                sa.insert(Invitation)
                .returning(Invitation.id, Invitation.city_id)
                # One batch for all rows, drafts (no token) included.
                .execution_options(render_nulls=True),
                rows,
            ).all()
    except sa.exc.IntegrityError as error:
        # Another organiser invited one of them a moment ago.
        raise AlreadyInvited([]) from error
    invitation_ids = {city_id: invitation_id for invitation_id, city_id in created}
    emails = [
        invitation_email(
            invitation_ids[city.id], festival, city, quota=quota, deadline=deadline, token=token
        )
        for city in cities
        if (token := tokens.get(city.id))
    ]
    queue_many(emails)
    result.sent = len(emails)
    result.drafts = len(rows) - len(emails)
    return result


def _transition(
    invitation: Invitation,
    allowed: Sequence[S],
    *,
    where: Sequence[sa.ColumnElement[bool]] = (),
    **values: Any,
) -> bool:
    """Set ``values`` if the invitation is still in one of ``allowed`` (and
    matches ``where``): the database, not this process's copy, decides. Then
    reload the copy. True if this call made the change."""
    values.setdefault("updated_at", utcnow())
    result = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.status.in_(allowed), *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(invitation)
    return rowcount(result) == 1


def send_invitation(
    invitation: Invitation, *, quota: int | None = None, deadline: datetime | None = None
) -> str:
    """Send a draft, or resend: a new secret link (the old one stops working)
    and a new e-mail. Returns the token (for tests; never log it)."""
    city = invitation.city
    if not city.contact_email:
        raise NoAddress(city.name)
    token = new_token()
    values: dict[str, Any] = {
        "status": S.SENT,
        "token_hash": hash_token(token),
        "sent_at": utcnow(),
    }
    if quota is not None:
        values["quota"] = quota
    if deadline is not None:
        values["deadline"] = deadline
    if not _transition(invitation, SENDABLE, **values):
        raise InvitationError(invitation.status)
    queue_many(
        [
            invitation_email(
                invitation.id,
                invitation.festival,
                city,
                quota=invitation.quota,
                deadline=invitation.deadline,
                token=token,
            )
        ]
    )
    return token


def revoke_invitation(invitation: Invitation) -> None:
    """Withdraw the invitation: its link stops working at once."""
    if not _transition(invitation, REVOCABLE, status=S.REVOKED, token_hash=None):
        raise InvitationError(invitation.status)


def find_by_token(token: str) -> Invitation | None:
    """The invitation whose link this is (looked up by the token's hash)."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .options(sa.orm.joinedload(Invitation.festival), sa.orm.joinedload(Invitation.city))
    )


def expire_if_overdue(invitation: Invitation, now: datetime | None = None) -> bool:
    """Mark an unanswered invitation past its deadline as expired."""
    now = now or utcnow()
    if invitation.status not in AWAITING or invitation.deadline > now:
        return False
    _transition(invitation, AWAITING, where=[Invitation.deadline <= now], status=S.EXPIRED)
    return invitation.status == S.EXPIRED


def mark_opened(invitation: Invitation, now: datetime | None = None) -> None:
    """The city opened its link: remember when, the first time only."""
    if invitation.status != S.SENT:
        return
    now = now or utcnow()
    _transition(
        invitation,
        (S.SENT,),
        status=S.OPENED,
        opened_at=sa.func.coalesce(Invitation.opened_at, sa.literal(now, UTCDateTime())),
    )


def accept_invitation(invitation: Invitation, now: datetime | None = None) -> Delegation:
    """Accept: the invitation's delegation, created once however many clicks race.

    Raises :class:`InvitationError` if the invitation can no longer be
    accepted (expired, declined, revoked); an overdue one is marked expired.
    """
    now = now or utcnow()
    if invitation.status != S.ACCEPTED:
        _transition(
            invitation,
            AWAITING,
            where=[Invitation.deadline > now],
            status=S.ACCEPTED,
            responded_at=now,
        )
    # Whoever won the race, an accepted invitation gets its one delegation.
    if invitation.status != S.ACCEPTED:
        expire_if_overdue(invitation, now)
        raise InvitationError(invitation.status)
    existing = _delegation_of(invitation)
    if existing is not None:
        return existing
    delegation = Delegation(
        invitation_id=invitation.id, festival_id=invitation.festival_id, city_id=invitation.city_id
    )
    try:
        with db.session.begin_nested():
            db.session.add(delegation)
    except sa.exc.IntegrityError:
        # The other click inserted it between our check and our insert.
        existing = _delegation_of(invitation)
        assert existing is not None
        return existing
    return delegation


def _delegation_of(invitation: Invitation) -> Delegation | None:
    return db.session.scalar(sa.select(Delegation).where(Delegation.invitation_id == invitation.id))


def decline_invitation(invitation: Invitation, reason: str, now: datetime | None = None) -> None:
    """Decline, with an optional reason; the organisers are told by e-mail."""
    now = now or utcnow()
    if not _transition(
        invitation,
        AWAITING,
        where=[Invitation.deadline > now],
        status=S.DECLINED,
        responded_at=now,
        decline_reason=reason.strip() or None,
    ):
        if invitation.status != S.DECLINED:
            expire_if_overdue(invitation, now)
            raise InvitationError(invitation.status)
        return
    if invitation.festival.contact_email:
        queue_many([decline_notice(invitation)])


def expire_overdue() -> int:
    """Worker job: unanswered invitations past their deadline become expired."""
    now = utcnow()
    result = db.session.execute(
        sa.update(Invitation)
        .where(Invitation.status.in_(AWAITING), Invitation.deadline <= now)
        .values(status=S.EXPIRED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


def status_counts(festival: Festival) -> dict[S, int]:
    """How many invitations of the festival are in each status (all of them listed)."""
    rows = db.session.execute(
        sa.select(Invitation.status, sa.func.count())
        .where(Invitation.festival_id == festival.id)
        .group_by(Invitation.status)
    ).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in S}


def messages_for(invitation: Invitation) -> list[OutboxMessage]:
    """The e-mails sent about this invitation, newest first."""
    prefix = f"invitation:{invitation.id}:"
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.key.startswith(prefix, autoescape=True))
            .order_by(OutboxMessage.id.desc())
        )
    )


def change_quota(invitation: Invitation, quota: int) -> bool:
    """Raise or lower an accepted invitation's quota, to no less than the
    places taken, and tell the delegation by e-mail; False when unchanged.

    The invitation's row lock (the one every registration takes first)
    makes the count exact: no member slips in between the check and the
    change. Raises :class:`QuotaBelowTaken`, or :class:`InvitationError`
    when the invitation is not accepted.
    """
    locked = lock_invitation(invitation.id)
    delegation = locked.delegation
    if locked.status != S.ACCEPTED or delegation is None:
        raise InvitationError("not accepted")
    taken = places_taken(delegation.id)
    if quota < taken:
        raise QuotaBelowTaken(taken)
    if quota == locked.quota:
        return False
    old_quota = locked.quota
    locked.quota = quota
    locked.updated_at = utcnow()
    head = delegation.head
    if head is not None and head.status not in ACTIVE_STATUSES:
        head = None
    if head is not None or locked.city.contact_email:
        email = quota_changed_email(locked, old_quota=old_quota, taken=taken, head=head)
        queue_email(
            key=email.key,
            recipient=email.recipient,
            subject=email.subject,
            template=email.template,
            locale=email.locale,
            category=email.category,
            **email.context,
        )
    return True
