"""Accounts and sign-in links."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from festival.auth.models import LoginLink, User, UserRole
from festival.core.dml import rowcount
from festival.core.tokens import hash_token, new_token, sign, unsign
from festival.core.types import utcnow
from festival.core.urls import external_url
from festival.extensions import db
from festival.outbox.services import queue_email

log = logging.getLogger(__name__)

LOGIN_LINK_LIFETIME = timedelta(minutes=30)
# How long the link confirming a new sign-in address works.
EMAIL_CHANGE_LIFETIME = timedelta(hours=24)
_EMAIL_CHANGE_SALT = "festival.auth.email-change"
# Sign-in links e-mailed to one account within an hour, at most: past that,
# a request is answered as usual but nothing is sent (no mailbox flooding).
LOGIN_LINKS_PER_HOUR = 5
# The shortest password an organiser may choose (the page and the CLI alike).
PASSWORD_MIN_LENGTH = 12


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


@cache
def _dummy_password_hash() -> str:
    """A hash of a password nobody knows, made once per process with the same
    method and cost as real ones: checking against it costs what a real check does."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None.

    Exactly one password hash is checked whatever the outcome (a dummy one
    for an unknown address or an account without a password), so the time
    of the answer does not tell whether an address has an account.
    """
    user = user_by_email(email)
    stored = user.password_hash if user is not None else None
    matches = check_password_hash(stored or _dummy_password_hash(), password)
    if user is None or not stored or not matches or not user.is_active:
        return None
    return user


def create_organiser(email: str, password: str, locale: str | None = None) -> User:
    """Create an organiser, or reset the password of the one with this e-mail
    (which ends every session the account had: see :meth:`User.set_password`)."""
    user = user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), role=UserRole.ORGANISER, locale=locale)
        db.session.add(user)
    user.role = UserRole.ORGANISER
    user.set_password(password)
    return user


def change_password(user: User, current: str, new: str) -> bool:
    """Set ``new`` as ``user``'s password if ``current`` is the right one.

    Every session of the account ends, this one too: the caller signs the
    user in again with the new identity.
    """
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        return False
    user.set_password(new)
    return True


def delegate_user(email: str, locale: str | None = None) -> User:
    """The delegate login for this e-mail, created on first use (no password)."""
    user = user_by_email(email)
    if user is None:
        user = User(email=normalise_email(email), role=UserRole.DELEGATE, locale=locale)
        db.session.add(user)
        db.session.flush()
    return user


def issue_login_link(user: User) -> str:
    """Store a new single-use link for ``user`` and return its secret token.

    The user's earlier links that are still unused are retired (marked used):
    only the newest link signs in, and an older one is answered like a used one.
    """
    now = utcnow()
    if user.id is not None:
        db.session.execute(
            sa.update(LoginLink)
            .where(
                LoginLink.user_id == user.id,
                LoginLink.used_at.is_(None),
                LoginLink.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session="fetch")
        )
    token = new_token()
    db.session.add(
        LoginLink(user=user, token_hash=hash_token(token), expires_at=now + LOGIN_LINK_LIFETIME)
    )
    return token


def _links_in_the_last_hour(user: User) -> int:
    """Links issued to ``user`` within the hour; on PostgreSQL the user's row
    is locked first, so two requests at once cannot both pass the limit."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(LoginLink)
        .where(LoginLink.user_id == user.id, LoginLink.created_at > utcnow() - timedelta(hours=1))
    ).scalar_one()


def send_login_link(user: User) -> bool:
    """E-mail ``user`` a sign-in link (through the outbox); False, and nothing
    sent, when the account already got :data:`LOGIN_LINKS_PER_HOUR` within the hour.

    Callers answer the same either way, so nobody learns whether an address
    has an account.
    """
    db.session.flush()
    if _links_in_the_last_hour(user) >= LOGIN_LINKS_PER_HOUR:
        log.info(
            "auth: user %s already got %s sign-in links this hour", user.id, LOGIN_LINKS_PER_HOUR
        )
        return False
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
    return True


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
    if rowcount(result) != 1:
        return None
    return link.user


def find_login_link(token: str) -> LoginLink | None:
    """A link that can still be used, without using it."""
    link = db.session.scalar(sa.select(LoginLink).where(LoginLink.token_hash == hash_token(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


# -- changing the sign-in address ---------------------------------------------------
#
# A sign-in address moves only when a link e-mailed to the new address is
# followed: whoever could change it without that (a head of delegation
# editing a member, a stolen session) would otherwise own the account. The
# link is signed, not stored; it names the user, the old and the new address,
# so once used (the old address is gone) or superseded it fails, and it
# expires after EMAIL_CHANGE_LIFETIME.


@dataclass(frozen=True)
class EmailChange:
    """A pending change of ``user``'s sign-in address to ``new_email``."""

    user: User
    new_email: str


def email_change_token(user: User, new_email: str) -> str:
    """The signed secret of a link moving ``user``'s sign-in address to
    ``new_email``; bound to the current address, so it dies with any change."""
    return sign({"user": user.id, "old": user.email, "new": new_email}, _EMAIL_CHANGE_SALT)


def request_email_change(user: User, new_email: str) -> None:
    """E-mail the new address a link that makes it ``user``'s sign-in address,
    and tell the old address that a change was asked for.

    Sent alike whether or not the new address already has an account, so the
    person asking learns nothing about it; the link then fails when followed.
    """
    new_email = normalise_email(new_email)
    if new_email == user.email:
        return
    token = email_change_token(user, new_email)
    locale = user.locale or "en"
    context: dict[str, Any] = {"old_email": user.email, "new_email": new_email}
    queue_email(
        key=f"email-change:{hash_token(token)}",
        recipient=new_email,
        subject=_l("Confirm your new sign-in address"),
        template="email_change_confirm",
        locale=locale,
        category="login",
        url=external_url("auth.confirm_email_change", token=token),
        hours=int(EMAIL_CHANGE_LIFETIME.total_seconds() // 3600),
        **context,
    )
    queue_email(
        key=f"email-change-requested:{hash_token(token)}",
        recipient=user.email,
        subject=_l("Your sign-in address is about to change"),
        template="email_change_requested",
        locale=locale,
        category="login",
        **context,
    )


def find_email_change(token: str) -> EmailChange | None:
    """The change a link asks for while it can still be made, without making it."""
    payload = unsign(token, _EMAIL_CHANGE_SALT, EMAIL_CHANGE_LIFETIME)
    if not isinstance(payload, dict):
        return None
    user_id, old, new = payload.get("user"), payload.get("old"), payload.get("new")
    if not isinstance(user_id, int) or not isinstance(new, str):
        return None
    user = db.session.get(User, user_id)
    # The old address must still be the user's: a used link, or one made
    # before another change, no longer matches.
    if user is None or not user.is_active or not user.is_delegate or user.email != old:
        return None
    if user_by_email(new) is not None:
        return None  # the address signs in to another account meanwhile
    return EmailChange(user, new)


def confirm_email_change(token: str) -> User | None:
    """Make the link's new address the user's sign-in address; None when the
    link is no longer valid.

    Every session of the user ends (a session opened by whoever asked for the
    change included), and the old address is told.
    """
    change = find_email_change(token)
    if change is None:
        return None
    user, old_email = change.user, change.user.email
    try:
        with db.session.begin_nested():
            user.email = change.new_email
            user.end_sessions()
    except sa.exc.IntegrityError:
        return None  # another account took the address at the same moment
    queue_email(
        key=f"email-changed:{hash_token(token)}",
        recipient=old_email,
        subject=_l("Your sign-in address has changed"),
        template="email_changed",
        locale=user.locale or "en",
        category="login",
        old_email=old_email,
        new_email=change.new_email,
    )
    return user
