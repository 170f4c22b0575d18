"""Logins: organisers (password) and delegates (e-mailed sign-in links)."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model

if TYPE_CHECKING:
    from festival.festivals.models import Festival


class UserRole(enum.StrEnum):
    ORGANISER = "organiser"
    DELEGATE = "delegate"
    HELPER = "checkin_helper"  # door staff: the check-in of one festival, nothing else


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[UserRole] = mapped_column(enum_column(UserRole, "user_role"))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Part of the session cookie's identity (and the remember-me cookie's);
    # rotated at sign-out and at a password change, so a copy of an old
    # cookie signs nobody in.
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    is_active_flag: Mapped[bool] = mapped_column("is_active", default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A check-in helper's festival (None for everyone else).
    helper_festival_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )

    helper_festival: Mapped[Festival | None] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.is_active_flag

    @property
    def is_organiser(self) -> bool:
        return self.role == UserRole.ORGANISER

    @property
    def is_delegate(self) -> bool:
        return self.role == UserRole.DELEGATE

    @property
    def is_helper(self) -> bool:
        return self.role == UserRole.HELPER

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        """Set a new password; every session and remember-me cookie issued
        with the old one stops working (they carry the session nonce)."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return False
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Invalidate every session cookie issued to this user so far."""
        self.session_nonce = secrets.token_hex(16)


class LoginLink(Model):
    """A single-use, short-lived sign-in link e-mailed to a delegate."""

    __tablename__ = "login_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
