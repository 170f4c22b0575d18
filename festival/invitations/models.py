"""Invitations: a festival invites a city, with a quota and a deadline."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.cities.models import City
from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.festivals.models import Festival

if TYPE_CHECKING:
    from festival.registration.models import Delegation


class InvitationStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    OPENED = "opened"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Invitation(Model):
    __tablename__ = "invitations"
    __table_args__ = (
        sa.UniqueConstraint("festival_id", "city_id"),
        sa.CheckConstraint("quota BETWEEN 1 AND 50", name="quota_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id", ondelete="CASCADE"), index=True)
    # Only the hash of the secret link is kept; resending issues a new link.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    quota: Mapped[int] = mapped_column(default=3)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus, "invitation_status"),
        default=InvitationStatus.DRAFT,
        index=True,
    )
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    festival: Mapped[Festival] = relationship()
    city: Mapped[City] = relationship()
    delegation: Mapped[Delegation | None] = relationship(back_populates="invitation")

    def __repr__(self) -> str:
        return f"<Invitation {self.festival_id}:{self.city_id} {self.status}>"
