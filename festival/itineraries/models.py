"""A delegation's own itinerary entries: pickups, hotel, private visits."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.registration.models import Delegate, Delegation


class ItemKind(enum.StrEnum):
    PICKUP = "pickup"
    HOTEL = "hotel"
    VISIT = "visit"
    DINNER = "dinner"
    TRANSFER = "transfer"
    OTHER = "other"


class ItineraryItem(Model):
    """For the whole delegation, or for one delegate when ``delegate_id`` is set."""

    __tablename__ = "itinerary_items"
    __table_args__ = (sa.CheckConstraint("ends_at >= starts_at", name="times_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "itinerary_item_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    all_day: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(sa.String(400), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    title_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    notes_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    delegation: Mapped[Delegation] = relationship()
    delegate: Mapped[Delegate | None] = relationship()


class CancelledItem(Model):
    """What calendars still need of a deleted itinerary item.

    Feeds keep a deleted item as STATUS:CANCELLED under its old UID, with a
    higher SEQUENCE, as they keep a cancelled session: a client that only
    ever adds and updates events would otherwise keep the pickup that no
    longer exists. Kept as long as its delegation (at least until the
    festival ends); nothing but the feeds and the delegate's own itinerary
    reads it, so counts, clashes and logistics never see a deleted item.
    """

    __tablename__ = "itinerary_cancelled_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The deleted item's id and creation time make its UID; not a foreign key.
    item_id: Mapped[int]
    delegation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind, "itinerary_item_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    all_day: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(sa.String(400), default="")
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When it was deleted: the event's DTSTAMP and LAST-MODIFIED.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The title in other languages, as it was (feeds show the cancelled copy).
    title_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
