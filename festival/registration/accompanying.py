"""Accompanying persons: a spouse or a personal assistant travelling with a
delegate (issue 11, item 3).

They are delegates of the delegation (their own dietary needs, travel and
room, so rooming, catering and arrivals count them like anyone) marked
``is_accompanying``: outside the invitation's quota, limited per delegate by
the festival's ``accompanying_limit``, admitted only to the partner programme
and never to a restricted session (festival.programme.eligibility). The head
of delegation, or the delegate they accompany, registers them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.extensions import db
from festival.registration.models import ACTIVE_STATUSES, Delegate, DelegateRole, DelegateStatus
from festival.registration.services import (
    RegistrationError,
    _check_open,
    _flush,
    _same_email_in_delegation,
    invite_member,
    lock_invitation,
    login_to_attach,
)


def may_add_for(actor: Delegate, principal: Delegate) -> bool:
    """Whether ``actor`` may register someone accompanying ``principal``: the
    head of the same delegation, or the principal themselves."""
    if actor.delegation_id != principal.delegation_id:
        return False
    return actor.is_head or actor.id == principal.id


def can_be_accompanied(principal: Delegate) -> bool:
    """An active delegate who is not accompanying someone else."""
    return principal.status in ACTIVE_STATUSES and not principal.is_accompanying


def companions_of(principal_id: int) -> int:
    """How many active accompanying persons ``principal_id`` brings now."""
    return db.session.execute(
        sa.select(sa.func.count(Delegate.id)).where(
            Delegate.accompanies_id == principal_id,
            Delegate.is_accompanying.is_(True),
            Delegate.status.in_(ACTIVE_STATUSES),
        )
    ).scalar_one()


def add_accompanying(actor: Delegate, principal: Delegate, values: dict[str, Any]) -> Delegate:
    """Register a person accompanying ``principal``; e-mail them a sign-in link.

    Under the invitation's row lock, like every change of headcount, so two
    registrations racing for the last companion place queue up. The quota is
    not asked and not consumed. Their role is "other" and nobody confirms it:
    whatever a record says, an accompanying person is never a mayor.
    """
    invitation = lock_invitation(principal.delegation.invitation_id)
    _check_open(invitation)
    db.session.refresh(principal)
    if not may_add_for(actor, principal) or not can_be_accompanied(principal):
        raise RegistrationError(_l("This person cannot bring an accompanying person."), status=404)
    limit = invitation.festival.accompanying_limit
    if companions_of(principal.id) >= limit:
        raise RegistrationError(
            _l(
                "%(name)s already brings as many accompanying persons as the organisers "
                "allow (%(limit)s).",
                name=principal.display_name,
                limit=limit,
            ),
            status=409,
        )
    same = _same_email_in_delegation(principal.delegation_id, values["email"])
    if same is not None and (same.status != DelegateStatus.CANCELLED or not same.is_accompanying):
        raise RegistrationError(
            _l("Someone in your delegation already uses this address."), field="email"
        )
    values = dict(values, role=DelegateRole.OTHER)
    user = login_to_attach(values["email"], values["locale"], principal.delegation)
    if same is not None:
        person = same
        for key, value in values.items():
            setattr(person, key, value)
        person.status = DelegateStatus.PENDING
        person.confirmed_role = person.role_proposed_at = None
        person.accompanies_id = principal.id
        person.user = user
    else:
        person = Delegate(
            delegation_id=principal.delegation_id,
            user=user,
            is_head=False,
            is_accompanying=True,
            accompanies_id=principal.id,
            status=DelegateStatus.PENDING,
            **values,
        )
        db.session.add(person)
    _flush()
    invite_member(person, actor)
    return person
