"""A festival edition and its venues."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from festival.core.content import content_languages
from festival.core.types import UTCDateTime, utcnow
from festival.extensions import Model

if TYPE_CHECKING:
    from festival.programme.models import ProgrammeSession


class Festival(Model):
    __tablename__ = "festivals"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("accompanying_limit >= 0", name="accompanying_limit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(sa.String(64))
    host_city: Mapped[str] = mapped_column(sa.String(120))
    # Language codes the festival works in, e.g. ["en", "ja", "fr"].
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Who signs the visa letters (name, and title such as "Mayor of Tsuruoka").
    visa_signatory_name: Mapped[str | None] = mapped_column(sa.String(200))
    visa_signatory_title: Mapped[str | None] = mapped_column(sa.String(200))
    # How many accompanying persons (a spouse, an assistant) each delegate
    # may bring, outside the delegation's quota.
    accompanying_limit: Mapped[int] = mapped_column(default=1, server_default="1")
    # The evening e-mail of each delegate's next day goes out at this local time,
    # and the last day it went out for (the worker sends it once a day).
    digest_at: Mapped[time] = mapped_column(
        sa.Time(), default=time(18, 0), server_default="18:00:00"
    )
    digest_sent_for: Mapped[date | None]
    # Content in several languages (festival.core.content): each text column
    # holds the default content language, its *_i18n column the others.
    content_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    content_languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    name_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    tagline: Mapped[str] = mapped_column(sa.String(300), default="")
    tagline_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    description_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # The organisers' standing notes in e-mails and letters, per language.
    invitation_message: Mapped[str] = mapped_column(sa.Text, default="")
    invitation_message_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    confirmation_note: Mapped[str] = mapped_column(sa.Text, default="")
    confirmation_note_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    decline_note: Mapped[str] = mapped_column(sa.Text, default="")
    decline_note_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    visa_letter_body: Mapped[str] = mapped_column(sa.Text, default="")
    visa_letter_body_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    report_introduction: Mapped[str] = mapped_column(sa.Text, default="")
    report_introduction_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    venues: Mapped[list[Venue]] = relationship(
        back_populates="festival", order_by="Venue.name", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[ProgrammeSession]] = relationship(
        back_populates="festival", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Festival {self.slug}>"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def all_content_languages(self) -> list[str]:
        """The default content language first, then the others offered (none
        chosen: every language the app is configured for)."""
        offered = self.content_languages or list(content_languages())
        others = [c for c in offered if c != self.content_language]
        return [self.content_language or "en", *others]


class Venue(Model):
    __tablename__ = "venues"
    __table_args__ = (sa.UniqueConstraint("festival_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(400), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    capacity: Mapped[int | None]
    name_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    address_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    directions: Mapped[str] = mapped_column(sa.Text, default="")
    directions_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    festival: Mapped[Festival] = relationship(back_populates="venues")

    def __repr__(self) -> str:
        return f"<Venue {self.name}>"


@event.listens_for(Session, "before_flush")
def _touch_festival_on_venue_change(session: Session, _context: object, _instances: object) -> None:
    """A venue added, edited or removed counts as a change of its festival.

    Pages and feeds keep what they show against the festival's
    ``updated_at`` (festival.calendar.services caches the venues by it), so
    a renamed room must move that stamp.
    """
    changed = [v for v in session.new if isinstance(v, Venue)]
    changed += [v for v in session.deleted if isinstance(v, Venue)]
    changed += [v for v in session.dirty if isinstance(v, Venue) and session.is_modified(v)]
    for venue in changed:
        festival = venue.festival
        if festival is not None and festival not in session.deleted:
            festival.updated_at = utcnow()
