"""Booths at the exchange event: a city's project with its partner cities,
its staff and images, and where it stands on the floor plan.

The floor plan is a grid of numbered stands per hall; a stand holds at most
one booth (a unique constraint, so two organisers placing at once cannot
both win).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate, Delegation


class BoothStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class PartnerStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class ExchangeEvent(Model):
    """Which session of the programme is the festival's exchange event (one per festival)."""

    __tablename__ = "booth_exchanges"

    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    session: Mapped[ProgrammeSession] = relationship()


class BoothHall(Model):
    """A hall of the floor plan: ``row_count`` × ``column_count`` stands,
    numbered from 1 row by row."""

    __tablename__ = "booth_halls"
    __table_args__ = (
        sa.UniqueConstraint("festival_id", "name"),
        sa.CheckConstraint("row_count BETWEEN 1 AND 26", name="rows_in_range"),
        sa.CheckConstraint("column_count BETWEEN 1 AND 40", name="columns_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    row_count: Mapped[int]
    column_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def stands(self) -> int:
        return self.row_count * self.column_count


class Booth(Model):
    """A city's booth: its project, what it needs, the organisers' decision, its stand."""

    __tablename__ = "booths"
    __table_args__ = (
        # One booth per city at an exchange event.
        sa.UniqueConstraint("session_id", "delegation_id"),
        # A stand holds one booth (NULLs, the booths not placed yet, are many).
        sa.UniqueConstraint("hall_id", "stand"),
        sa.CheckConstraint("stand >= 1", name="stand_positive"),
        sa.CheckConstraint("(hall_id IS NULL) = (stand IS NULL)", name="placed_whole"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    delegation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Translations (festival.core.content).
    title_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    description_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    needs_power: Mapped[bool] = mapped_column(default=False)
    needs_table: Mapped[bool] = mapped_column(default=False)
    needs_tasting: Mapped[bool] = mapped_column(default=False)
    needs_notes: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[BoothStatus] = mapped_column(
        enum_column(BoothStatus, "booth_status"), default=BoothStatus.PENDING
    )
    review_note: Mapped[str] = mapped_column(sa.Text, default="")
    hall_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("booth_halls.id", ondelete="SET NULL"), index=True
    )
    stand: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    session: Mapped[ProgrammeSession] = relationship()
    delegation: Mapped[Delegation] = relationship()
    hall: Mapped[BoothHall | None] = relationship()
    partners: Mapped[list[BoothPartner]] = relationship(
        back_populates="booth", cascade="all, delete-orphan", order_by="BoothPartner.delegation_id"
    )
    staff: Mapped[list[BoothStaff]] = relationship(
        back_populates="booth", cascade="all, delete-orphan", order_by="BoothStaff.delegate_id"
    )
    images: Mapped[list[BoothImage]] = relationship(
        back_populates="booth", cascade="all, delete-orphan", order_by="BoothImage.id"
    )

    def __repr__(self) -> str:
        return f"<Booth {self.id} {self.title!r}>"


class BoothPartner(Model):
    """A partner city named on a booth; its head confirms or declines."""

    __tablename__ = "booth_partners"

    booth_id: Mapped[int] = mapped_column(
        sa.ForeignKey("booths.id", ondelete="CASCADE"), primary_key=True
    )
    delegation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[PartnerStatus] = mapped_column(
        enum_column(PartnerStatus, "booth_partner_status"), default=PartnerStatus.PENDING
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    booth: Mapped[Booth] = relationship(back_populates="partners")
    delegation: Mapped[Delegation] = relationship()


class BoothStaff(Model):
    """A delegate standing at a booth (picked by their own head of delegation)."""

    __tablename__ = "booth_staff"

    booth_id: Mapped[int] = mapped_column(
        sa.ForeignKey("booths.id", ondelete="CASCADE"), primary_key=True
    )
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    booth: Mapped[Booth] = relationship(back_populates="staff")
    delegate: Mapped[Delegate] = relationship()


class BoothImage(Model):
    """An image of the project, as uploaded (checked for its type and size).

    Kept in the database so every app server behind the proxy serves it.
    """

    __tablename__ = "booth_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(
        sa.ForeignKey("booths.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(sa.String(40))
    alt: Mapped[str] = mapped_column(sa.String(300))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    booth: Mapped[Booth] = relationship(back_populates="images")
