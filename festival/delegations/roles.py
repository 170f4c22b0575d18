"""Changes of role that wait for the organisers: the queue, approve, refuse.

What opens restricted sessions (the Mayors' Forum) is the role an organiser
confirmed (``Delegate.confirmed_role``), set when they confirm the
registration. A confirmed delegate, or their head, may then propose another
role: ``Delegate.role`` holds it until an organiser approves it (it becomes
the confirmed role) or refuses it (the role goes back to the confirmed one).
Either way the delegate is told by e-mail, in their language. Services do
not commit: the view does, and the e-mail leaves with that commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from festival.core.content import lazy as content_lazy
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.festivals.models import Festival
from festival.outbox.services import queue_email
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation


def waiting_for_organisers() -> ColumnElement[bool]:
    """A WHERE clause on Delegate: a confirmed person's change of role that
    waits for a decision (a person whose data was removed has none)."""
    return sa.and_(
        Delegate.status == DelegateStatus.CONFIRMED,
        Delegate.anonymised_at.is_(None),
        Delegate.has_role_proposal,
    )


def role_changes_query(festival: Festival) -> sa.Select:
    """The festival's waiting changes of role, oldest first, with delegation
    and city loaded (one query for the page, whatever its length)."""
    return (
        sa.select(Delegate)
        .join(Delegate.delegation)
        .join(Delegation.city)
        .where(Delegation.festival_id == festival.id, waiting_for_organisers())
        .options(contains_eager(Delegate.delegation).contains_eager(Delegation.city))
        .order_by(Delegate.role_proposed_at, Delegate.id)
    )


def is_waiting(delegate: Delegate, seen: str | None) -> bool:
    """Whether ``delegate`` still proposes the role ``seen`` (the one the
    organiser read on the page), taking the row's lock for the decision."""
    # Read again under the lock: another organiser may have just decided, or
    # the delegate proposed something else since the page was shown.
    db.session.refresh(delegate, with_for_update=True)
    return (
        delegate.status == DelegateStatus.CONFIRMED
        and delegate.anonymised_at is None
        and delegate.has_role_proposal
        and delegate.role.value == seen
    )


def approve(delegate: Delegate, festival: Festival, seen: str | None) -> bool:
    """Confirm the proposed role ``seen`` and tell the delegate; False if it
    no longer waits (decided already, a form sent twice, another proposal)."""
    if not is_waiting(delegate, seen):
        return False
    before = delegate.confirmed_role
    delegate.confirmed_role, delegate.role_proposed_at = delegate.role, None
    _touch(delegate)
    _tell(delegate, festival, approved=True, before=before, asked=delegate.role)
    return True


def refuse(delegate: Delegate, festival: Festival, seen: str | None) -> bool:
    """Put the role back to the confirmed one and tell the delegate; False if
    the proposal ``seen`` no longer waits."""
    if not is_waiting(delegate, seen):
        return False
    asked, confirmed = delegate.role, delegate.confirmed_role
    if confirmed is None:  # no proposal without a confirmed role: is_waiting said so
        return False
    delegate.role, delegate.role_proposed_at = confirmed, None
    _touch(delegate)
    _tell(delegate, festival, approved=False, before=confirmed, asked=asked)
    return True


def _touch(delegate: Delegate) -> None:
    # Set even if the ORM's onupdate would: the feeds' and itinerary pages'
    # version stamps hold the delegate's updated_at, so they are rebuilt.
    delegate.updated_at = utcnow()


def _tell(
    delegate: Delegate,
    festival: Festival,
    *,
    approved: bool,
    before: DelegateRole | None,
    asked: DelegateRole,
) -> None:
    """E-mail the delegate the organisers' decision, in their language."""
    decision = "approved" if approved else "refused"
    subjects = {
        "approved": _l(
            "Your change of role for %(festival)s is confirmed",
            festival=content_lazy(festival, "name"),
        ),
        "refused": _l(
            "Your change of role for %(festival)s", festival=content_lazy(festival, "name")
        ),
    }
    queue_email(
        # One message per decision: a later proposal decided again is a new one.
        key=f"delegate-role:{delegate.id}:{decision}:{utcnow().isoformat()}",
        recipient=delegate.email,
        subject=subjects[decision],
        template=f"delegate_role_{decision}",
        locale=delegate.locale or "en",
        category="registration",
        delegate=delegate,
        festival=festival,
        before=before,
        asked=asked,
        sign_in_url=external_url("auth.request_login_link"),
    )
