"""Whose data a delegate may see, and their requests about it (deletion).

Only the person and their head of delegation see a delegate's record on the
delegates' pages; organisers see everything on theirs.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.auth.models import User, UserRole
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.outbox.services import queue_email
from festival.registration.models import Delegate, Delegation

# -- who sees what ---------------------------------------------------------------------


def delegate_records(user: User) -> list[Delegate]:
    """The user's own delegate records, newest festival first."""
    return list(
        db.session.scalars(
            sa.select(Delegate)
            .join(Delegation, Delegate.delegation_id == Delegation.id)
            .join(Festival, Delegation.festival_id == Festival.id)
            .where(Delegate.user_id == user.id, Delegate.anonymised_at.is_(None))
            .order_by(Festival.starts_on.desc(), Delegate.id.desc())
        )
    )


def visible_delegate(viewer: User, delegate_id: int) -> tuple[Delegate, Delegate] | None:
    """(the record, the viewer's own record in that delegation) when the viewer
    is that person or their head of delegation; None for anyone else."""
    target = db.session.get(Delegate, delegate_id)
    if target is None or target.anonymised_at is not None:
        return None
    own = db.session.scalar(
        sa.select(Delegate).where(
            Delegate.user_id == viewer.id,
            Delegate.delegation_id == target.delegation_id,
            Delegate.anonymised_at.is_(None),
        )
    )
    if own is None or not (own.is_head or own.id == target.id):
        return None
    return target, own


def organiser_recipients(delegate: Delegate) -> list[str]:
    """Where requests for organisers go: the festival's address, else every organiser."""
    contact = delegate.delegation.festival.contact_email
    if contact:
        return [contact]
    return list(
        db.session.scalars(
            sa.select(User.email).where(
                User.role == UserRole.ORGANISER, User.is_active_flag.is_(True)
            )
        )
    )


def request_deletion(delegate: Delegate, reason: str | None) -> bool:
    """Record that the person wants their data deleted and tell the organisers.

    Returns False when they had already asked (nothing is sent twice).
    """
    if delegate.deletion_requested_at is not None:
        return False
    delegate.deletion_requested_at = utcnow()
    delegate.deletion_reason = reason or None
    delegation = delegate.delegation
    for recipient in organiser_recipients(delegate):
        queue_email(
            key=f"registration-deletion-request:{delegate.id}:{recipient}",
            recipient=recipient,
            subject=_l("Request to delete personal data: %(name)s", name=delegate.list_name),
            template="registration_deletion_request",
            locale=current_app.config["BABEL_DEFAULT_LOCALE"],
            category="privacy",
            delegate=delegate,
            festival=delegation.festival,
            city=delegation.city,
            reason=reason,
        )
    return True
