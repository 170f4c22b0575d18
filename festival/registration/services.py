"""Registering a delegation: the head, the members, their details.

The rules that need the database live here: the deadline, the quota (held
under concurrency by locking the invitation row), one e-mail per person in a
delegation. Services flush but never commit: the view ends the transaction.

Whose login a record gets. A delegation edits only its own people, and a
head never acts on anyone else's account:

- A record's e-mail is its contact address; the login's e-mail is the
  sign-in address. Nothing here writes a login's e-mail: a person changes
  their own through a link sent to the new address
  (:func:`festival.auth.services.request_email_change`).
- A head who adds or re-addresses a member links the record to a brand-new
  login for that address, or to the existing login of the same person when
  every record that login has is in this city's delegations (this year's
  and other editions' alike: see :func:`login_to_attach`). A login that is
  staff's, or has a record in another city's delegation, is never linked:
  the record then has no login, and the head gets exactly the answer a new
  address gets, so the form tells nobody whose an address is.
- The head registering from an invitation link is linked to the address's
  existing delegate login, but is not signed in: the address's owner gets a
  sign-in link (see :func:`register_head`). Only that owner can act on the
  record, so nobody reaches anyone else's account through it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.auth.models import LoginLink, User
from festival.auth.services import (
    delegate_user,
    normalise_email,
    request_email_change,
    user_by_email,
)
from festival.core.content import lazy as content_lazy
from festival.core.dates import format_moment
from festival.core.tokens import hash_token, new_token
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.invitations.models import Invitation
from festival.outbox.services import queue_email
from festival.registration import history
from festival.registration.models import (
    ACTIVE_STATUSES,
    Delegate,
    DelegateRole,
    DelegateStatus,
    Delegation,
)

# A member's first sign-in link waits in their mailbox for a while; after
# that they ask for a fresh one at /login/link.
WELCOME_LINK_LIFETIME = timedelta(days=7)


class RegistrationError(Exception):
    """A rule the input breaks; ``field`` names the form field to show it at."""

    def __init__(self, message: Any, field: str | None = None, status: int = 422) -> None:
        super().__init__(message)
        # Often a lazy string: translated when shown, in the reader's language.
        self._message = message
        self.field = field
        self.status = status

    @property
    def message(self) -> str:
        return str(self._message)


# -- the invitation: deadline, lock, places ---------------------------------------


def is_open(invitation: Invitation, now: datetime | None = None) -> bool:
    """Whether details may still be changed (before the invitation's deadline)."""
    return (now or utcnow()) < invitation.deadline


def contact_email(invitation: Invitation) -> str | None:
    return invitation.festival.contact_email


def closed_message(invitation: Invitation) -> str:
    """What a delegate reads once the deadline has passed."""
    festival = invitation.festival
    deadline = format_moment(invitation.deadline, festival.tz, zone=True)
    contact = contact_email(invitation)
    if contact:
        return _(
            "Registration closed on %(deadline)s. To change anything, write to the organisers "
            "at %(email)s.",
            deadline=deadline,
            email=contact,
        )
    return _(
        "Registration closed on %(deadline)s. To change anything, reply to your invitation e-mail.",
        deadline=deadline,
    )


def lock_invitation(invitation_id: int) -> Invitation:
    """Take the invitation's row lock until the transaction ends.

    Every change to a delegation's headcount goes through here first, so two
    registrations for the last place queue up and the second one sees the
    first. PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks; a
    no-op UPDATE takes its database write lock, which serialises writers.
    """
    if db.engine.dialect.name == "sqlite":
        db.session.execute(
            sa.update(Invitation)
            .where(Invitation.id == invitation_id)
            .values(updated_at=Invitation.updated_at)
        )
    invitation = db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.id == invitation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if invitation is None:
        raise RegistrationError(_l("This invitation no longer exists."), status=404)
    return invitation


def places_taken(delegation_id: int) -> int:
    """How many places of the quota the delegation takes now: the people
    pending or confirmed, accompanying persons not counted."""
    return db.session.execute(
        sa.select(sa.func.count(Delegate.id)).where(
            Delegate.delegation_id == delegation_id,
            Delegate.status.in_(ACTIVE_STATUSES),
            Delegate.is_accompanying.is_(False),
        )
    ).scalar_one()


def places_left(delegation: Delegation) -> int:
    return max(delegation.invitation.quota - places_taken(delegation.id), 0)


def _check_open(invitation: Invitation) -> None:
    if not is_open(invitation):
        raise RegistrationError(closed_message(invitation), status=409)


def _check_quota(invitation: Invitation, delegation_id: int) -> None:
    if places_taken(delegation_id) >= invitation.quota:
        raise RegistrationError(
            _l(
                "Your delegation already has its %(quota)s places. Withdraw someone first, "
                "or ask the organisers for more places.",
                quota=invitation.quota,
            ),
            status=409,
        )


def _same_email_in_delegation(
    delegation_id: int, email: str, but: int | None = None
) -> Delegate | None:
    query = sa.select(Delegate).where(
        Delegate.delegation_id == delegation_id, Delegate.email == normalise_email(email)
    )
    if but is not None:
        query = query.where(Delegate.id != but)
    return db.session.scalar(query)


def _check_not_in_delegation(delegation_id: int, email: str, but: int | None = None) -> None:
    if _same_email_in_delegation(delegation_id, email, but) is not None:
        raise RegistrationError(
            _l("Someone in your delegation already uses this address."), field="email"
        )


def _flush() -> None:
    """Flush; a constraint another request won first becomes a message, not a 500."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError as error:
        raise RegistrationError(
            _l("Someone else changed this delegation at the same moment. Please try again."),
            status=409,
        ) from error


def login_to_attach(email: str, locale: str | None, delegation: Delegation) -> User | None:
    """The login a record for ``email`` in ``delegation`` may be linked to, when
    someone other than the address's owner (a head) types the address.

    A new address gets a new login. An existing delegate login is the same
    person's only when every record it has is in a delegation of this city
    (next year's edition, or someone withdrawn and added again). Anything
    else (a staff account, a login with a record in another city's
    delegation, a disabled one) gives None: the record stays without a login,
    so its head can neither sign in as that person nor see their records.
    """
    user = user_by_email(email)
    if user is None:
        return _login_for(email, locale)
    if not user.is_delegate or not user.is_active:
        return None
    elsewhere = db.session.scalar(
        sa.select(sa.func.count(Delegate.id))
        .join(Delegation, Delegate.delegation_id == Delegation.id)
        .where(Delegate.user_id == user.id, Delegation.city_id != delegation.city_id)
    )
    return None if elsewhere else user


def _login_for(email: str, locale: str | None) -> User:
    """The delegate login for ``email`` (created if new), race-safe."""
    try:
        with db.session.begin_nested():
            return delegate_user(email, locale)
    except sa.exc.IntegrityError as error:
        raise RegistrationError(
            _l("Someone else changed this delegation at the same moment. Please try again."),
            status=409,
        ) from error


# -- the head ---------------------------------------------------------------------


def register_head(invitation: Invitation, values: dict[str, Any]) -> tuple[Delegate, bool]:
    """Register the head of delegation; returns the delegate and whether the
    login is new (a new login may be signed in at once; an existing one is
    sent a link instead, so an invitation link never opens someone else's
    account). The delegate has no login when the address belongs to a staff
    account or to another city's delegate (see :func:`login_to_attach`)."""
    invitation = lock_invitation(invitation.id)
    delegation = invitation.delegation
    if delegation is None:
        raise RegistrationError(_l("This invitation has not been accepted."), status=409)
    _check_open(invitation)
    # Asked again under the lock: the page may have loaded the delegation before.
    head_id = db.session.scalar(
        sa.select(Delegate.id).where(Delegate.delegation_id == delegation.id, Delegate.is_head)
    )
    if head_id is not None:
        raise RegistrationError(_l("Your delegation is already registered."), status=409)
    _check_not_in_delegation(delegation.id, values["email"])
    _check_quota(invitation, delegation.id)
    existing = user_by_email(values["email"])
    # The same rule as for members: a staff login or another city's delegate
    # is never attached, and the page answers as for any known address.
    user = login_to_attach(values["email"], values["locale"], delegation)
    delegate = Delegate(
        delegation=delegation,
        user=user,
        is_head=True,
        status=DelegateStatus.PENDING,
        consent_at=utcnow(),
        **values,
    )
    db.session.add(delegate)
    _flush()
    queue_email(
        key=f"registration-received:{delegate.id}",
        recipient=delegate.email,
        subject=_l(
            "You are registered for %(festival)s",
            festival=content_lazy(invitation.festival, "name"),
        ),
        template="registration_received",
        locale=delegate.locale,
        category="registration",
        delegate=delegate,
        festival=invitation.festival,
        city=delegation.city,
        quota=invitation.quota,
        sign_in_url=external_url("auth.request_login_link"),
        delegation_url=external_url("registration.delegation"),
    )
    return delegate, existing is None


# -- members ------------------------------------------------------------------------


def add_member(head: Delegate, values: dict[str, Any]) -> Delegate:
    """The head adds someone: one place of the quota, and an e-mail to them.

    A person the head withdrew earlier comes back with the same record. The
    record's login follows :func:`login_to_attach`; the head's answer is the
    same whoever the address belongs to.
    """
    invitation = lock_invitation(head.delegation.invitation_id)
    _check_open(invitation)
    same = _same_email_in_delegation(head.delegation_id, values["email"])
    if same is not None and same.status != DelegateStatus.CANCELLED:
        raise RegistrationError(
            _l("Someone in your delegation already uses this address."), field="email"
        )
    _check_quota(invitation, head.delegation_id)
    user = login_to_attach(values["email"], values["locale"], head.delegation)
    if same is not None:
        member = same
        for key, value in values.items():
            setattr(member, key, value)
        member.status = DelegateStatus.PENDING
        # Back as a member in their own right (they may have been accompanying).
        member.is_accompanying, member.accompanies_id = False, None
        # A new registration: the organisers confirm its role afresh.
        member.confirmed_role = member.role_proposed_at = None
        member.user = user
    else:
        member = Delegate(
            delegation_id=head.delegation_id,
            user=user,
            is_head=False,
            status=DelegateStatus.PENDING,
            **values,
        )
        db.session.add(member)
    _flush()
    invite_member(member, head)
    return member


def invite_member(member: Delegate, head: Delegate) -> None:
    """E-mail the member (in their language) a sign-in link to complete their details.

    A member without a login (their address signs in to another account) is
    told so instead, in the same e-mail: they are the only one who reads it.
    """
    token = new_token()
    deadline = head.delegation.invitation.deadline
    expires = min(utcnow() + WELCOME_LINK_LIFETIME, max(deadline, utcnow() + timedelta(hours=1)))
    if member.user_id is not None:
        link = LoginLink(user_id=member.user_id, token_hash=hash_token(token), expires_at=expires)
        db.session.add(link)
    member.invited_at = utcnow()
    festival = head.delegation.festival
    with force_locale(member.locale):
        expires_text = format_moment(expires, festival.tz, zone=True)
        deadline_text = format_moment(deadline, festival.tz, zone=True)
    queue_email(
        key=f"member-invited:{member.id}:{hash_token(token)}",
        recipient=member.email,
        subject=_l(
            "%(head)s added you to the delegation of %(city)s",
            head=head.display_name,
            city=head.delegation.city.name,
        ),
        template="member_invited",
        locale=member.locale,
        category="registration",
        member=member,
        head=head,
        festival=festival,
        city=head.delegation.city,
        url=external_url("auth.use_login_link", token=token) if member.user_id else None,
        expires=expires_text,
        deadline=deadline_text,
        sign_in_url=external_url("auth.request_login_link"),
    )


def withdraw_member(head: Delegate, member: Delegate) -> None:
    """The head takes someone off the list: their place becomes free again."""
    invitation = lock_invitation(head.delegation.invitation_id)
    _check_open(invitation)
    if member.is_head:
        raise RegistrationError(_l("The head of delegation cannot be withdrawn here."), status=409)
    member.status = DelegateStatus.CANCELLED
    # Whoever accompanies them does not come without them.
    db.session.execute(
        sa.update(Delegate)
        .where(Delegate.accompanies_id == member.id, Delegate.status.in_(ACTIVE_STATUSES))
        .values(status=DelegateStatus.CANCELLED, updated_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )


def declare_role(delegate: Delegate, role: DelegateRole | str) -> bool:
    """The role the delegate (or their head) gives: taken as is until an
    organiser has confirmed one; after that, a change is only a proposal
    that waits for the organisers, and the confirmed role keeps deciding
    what the delegate may attend. Going back to the confirmed role
    withdraws the proposal. Returns whether a change of role now waits.
    """
    role = DelegateRole(role)
    if delegate.confirmed_role is None or role == delegate.confirmed_role:
        delegate.role, delegate.role_proposed_at = role, None
        return False
    if role != delegate.role or delegate.role_proposed_at is None:
        delegate.role_proposed_at = utcnow()
    delegate.role = role
    return True


def update_details(
    delegate: Delegate,
    values: dict[str, Any],
    *,
    by_self: bool,
    by: User | None = None,
    by_organiser: bool = False,
) -> str | None:
    """Save a delegate's details (their own form, or their head's); returns
    the new sign-in address waiting for its confirmation link, if any.

    The e-mail on the form is the record's contact address and changes at
    once. The sign-in address never changes here. On the person's own form,
    a new address gets a link that moves their sign-in when followed, and
    the old address is told. On the head's form, the record is linked to the
    login :func:`login_to_attach` gives for the new address; the login it had
    keeps its address and its other records. Either way the answer does not
    depend on whom the address belongs to. The person's own save records
    their consent. A change of a confirmed role is only proposed
    (:func:`declare_role`). An organiser (``by_organiser``) may edit after
    the deadline, and a role they set is the confirmed one. Each changed
    field is recorded in the history, with ``by``.
    """
    invitation = lock_invitation(delegate.delegation.invitation_id)
    if not by_organiser:
        _check_open(invitation)
    before = history.snapshot(delegate)
    new_email = normalise_email(values["email"])
    email_changed = new_email != delegate.email
    if email_changed:
        _check_not_in_delegation(delegate.delegation_id, new_email, but=delegate.id)
    values = dict(values)
    role = DelegateRole(values.pop("role", delegate.role))
    if delegate.is_accompanying:
        pass  # an accompanying person has no role to declare
    elif by_organiser and delegate.confirmed_role is not None:
        delegate.role = delegate.confirmed_role = role
        delegate.role_proposed_at = None
    else:
        declare_role(delegate, role)
    for key, value in values.items():
        setattr(delegate, key, value)
    awaiting: str | None = None
    if by_self:
        delegate.consent_at = delegate.consent_at or utcnow()
        if delegate.user is not None:
            delegate.user.locale = delegate.locale
            if email_changed and new_email != delegate.user.email:
                request_email_change(delegate.user, new_email)
                awaiting = new_email
    elif email_changed:
        delegate.user = login_to_attach(new_email, delegate.locale, delegate.delegation)
    _flush()
    history.record_changes(delegate, before, by=by, by_organiser=by_organiser)
    return awaiting
