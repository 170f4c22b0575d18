"""Invited cities: the network's members and anyone else the host invites."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import db


class CreativeField(enum.StrEnum):
    """The eight fields of the Creative Cities Network."""

    LITERATURE = "literature"
    FILM = "film"
    MUSIC = "music"
    CRAFTS_AND_FOLK_ART = "crafts_and_folk_art"
    DESIGN = "design"
    MEDIA_ARTS = "media_arts"
    GASTRONOMY = "gastronomy"
    ARCHITECTURE = "architecture"


class City(db.Model):
    __tablename__ = "cities"
    # Re-importing the same spreadsheet must not create duplicates.
    __table_args__ = (sa.UniqueConstraint("name", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    creative_field: Mapped[CreativeField] = mapped_column(
        enum_column(CreativeField, "creative_field"), index=True
    )
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    year_designated: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<City {self.name} {self.country_code}>"
