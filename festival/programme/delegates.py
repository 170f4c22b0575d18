"""Which delegate the signed-in person is, for the delegate's own pages.

A login (User) may have been a delegate at several festival editions; the
"my" pages show one festival at a time, the latest unless asked otherwise.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.registration.models import Delegate, Delegation


def delegates_of_current_user() -> list[Delegate]:
    """The signed-in person's active delegate records, latest festival first
    (delegation and festival loaded in the same query)."""
    if not current_user.is_authenticated or not current_user.is_delegate:
        return []
    return list(
        db.session.scalars(
            sa.select(Delegate)
            .join(Delegate.delegation)
            .join(Delegation.festival)
            .options(contains_eager(Delegate.delegation).contains_eager(Delegation.festival))
            .where(Delegate.user_id == current_user.id, Delegate.status.in_(ACTIVE_STATUSES))
            .order_by(Festival.starts_on.desc(), Delegate.id)
        )
    )


def delegate_for_festival(festival: Festival) -> Delegate | None:
    """The signed-in person's active delegate record at ``festival``, if any."""
    for delegate in delegates_of_current_user():
        if delegate.delegation.festival_id == festival.id:
            return delegate
    return None


def current_delegate_or_404(slug: str | None = None) -> tuple[Delegate, list[Delegate]]:
    """The delegate record for festival ``slug`` (default: the latest), and all
    of them (for a festival switcher). Someone who is no delegate gets a 404."""
    delegates = delegates_of_current_user()
    if slug:
        delegates_here = [d for d in delegates if d.delegation.festival.slug == slug]
        if not delegates_here:
            abort(404)
        return delegates_here[0], delegates
    if not delegates:
        abort(404)
    return delegates[0], delegates
