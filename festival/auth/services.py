"""Accounts and sign-in links."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.auth.models import LoginLink, User, UserRole
from festival.core.tokens import hash_token, new_token
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.outbox.services import queue_email

LOGIN_LINK_LIFETIME = timedelta(minutes=30)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_organiser(email: str, password: str, locale: str | None = None) -> User:
    """Create an organiser, or reset the password of the one with this e-mail."""
    user = user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), role=UserRole.ORGANISER, locale=locale)
        db.session.add(user)
    user.role = UserRole.ORGANISER
    user.set_password(password)
    return user


def delegate_user(email: str, locale: str | None = None) -> User:
    """The delegate login for this e-mail, created on first use (no password)."""
    user = user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), role=UserRole.DELEGATE, locale=locale)
        db.session.add(user)
        db.session.flush()
    return user


def issue_login_link(user: User) -> str:
    """Store a new single-use link for ``user`` and return its secret token."""
    token = new_token()
    db.session.add(
        LoginLink(
            user=user, token_hash=hash_token(token), expires_at=utcnow() + LOGIN_LINK_LIFETIME
        )
    )
    return token


def send_login_link(user: User) -> None:
    """E-mail ``user`` a sign-in link (through the outbox)."""
    token = issue_login_link(user)
    locale = user.locale or "en"
    queue_email(
        key=f"login-link:{hash_token(token)}",
        recipient=user.email,
        subject=_l("Your sign-in link"),
        template="login_link",
        locale=locale,
        category="login",
        url=external_url("auth.use_login_link", token=token),
        minutes=int(LOGIN_LINK_LIFETIME.total_seconds() // 60),
    )


def redeem_login_link(token: str) -> User | None:
    """The user a valid, unused, unexpired link belongs to; the link is used up.

    The UPDATE ... WHERE used_at IS NULL makes the link single-use even when
    two requests race for it.
    """
    now = utcnow()
    link = db.session.scalar(sa.select(LoginLink).where(LoginLink.token_hash == hash_token(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    result = db.session.execute(
        sa.update(LoginLink)
        .where(LoginLink.id == link.id, LoginLink.used_at.is_(None))
        .values(used_at=now)
    )
    if result.rowcount != 1:
        return None
    return link.user


def find_login_link(token: str) -> LoginLink | None:
    """A link that can still be used, without using it."""
    link = db.session.scalar(sa.select(LoginLink).where(LoginLink.token_hash == hash_token(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link
