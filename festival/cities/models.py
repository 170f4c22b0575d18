"""Invited cities: the network's members and anyone else the host invites."""

from __future__ import annotations

import enum
import unicodedata
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model


class CityKind(enum.StrEnum):
    """What an invited guest is: most are member cities; some are not a city
    at all, yet register and appear like any delegation (issue 11, item 4)."""

    CITY = "city"
    ORGANISATION = "organisation"  # UNESCO, a national ministry, the secretariat
    PRESS = "press"
    SPEAKER = "speaker"  # a keynote speaker (and whoever travels with them)


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


def search_text(*parts: str | None) -> str:
    """Lower-case, accent-free text to search in ("Saint-Étienne" -> "saint-etienne")."""
    decomposed = unicodedata.normalize("NFKD", " ".join(part for part in parts if part))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).casefold()


def _search_default(context: Any) -> str:
    # Also runs for bulk Core inserts (the demo), row by row.
    values = context.get_current_parameters()
    return search_text(values.get("name"), values.get("contact_name"), values.get("contact_email"))


class City(Model):
    __tablename__ = "cities"
    # Re-importing the same spreadsheet must not create duplicates.
    __table_args__ = (sa.UniqueConstraint("name", "country_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    # None for a guest that is not a city (an organisation has no field).
    creative_field: Mapped[CreativeField | None] = mapped_column(
        enum_column(CreativeField, "creative_field"), index=True
    )
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    year_designated: Mapped[int | None]
    # Name and contact folded by ``search_text``: the search then ignores case
    # and accents the same way on SQLite and PostgreSQL ("etienne" finds
    # "Saint-Étienne", "bistrita" finds "Bistrița").
    search_key: Mapped[str] = mapped_column(sa.String(600), default=_search_default)
    kind: Mapped[CityKind] = mapped_column(
        enum_column(CityKind, "city_kind"),
        default=CityKind.CITY,
        server_default=CityKind.CITY.value,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<City {self.name} {self.country_code}>"

    @property
    def is_city(self) -> bool:
        """Whether this guest is a city (pages then say "your city")."""
        return self.kind == CityKind.CITY


@sa.event.listens_for(City, "before_insert")
@sa.event.listens_for(City, "before_update")
def _refresh_search_key(mapper: Any, connection: Any, city: City) -> None:
    city.search_key = search_text(city.name, city.contact_name, city.contact_email)
