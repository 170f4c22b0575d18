"""The published report: one publication per festival, its frozen quotes,
and the organisers' photos.

Publishing copies each quote (text, signature, language, event) into
``published_quotes``: a later edit of an answer, or the purge of the
delegates' personal data, leaves the public page as it was published. The
one live link back to the answer is ``response_id``, so that an author who
withdraws consent takes the quote off the page at once.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.types import UTCDateTime, utcnow
from festival.extensions import Model


class ReportPublication(Model):
    """A festival's published report (at most one): what the public reads."""

    __tablename__ = "report_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), unique=True
    )
    # Rises with every change of what the public page shows (republishing,
    # a withdrawn consent, a translation, a photo): part of the page's ETag.
    version: Mapped[int] = mapped_column(default=1)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # False once an organiser takes the report down: its copies stay, so that
    # quotes whose authors' data was purged since can be published again.
    is_public: Mapped[bool] = mapped_column(default=True)
    # The festival's introduction as it was published.
    introduction: Mapped[str] = mapped_column(sa.Text, default="")
    introduction_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # The photos shown, in order (ids of report_photos; a deleted one drops out).
    photo_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)

    quotes: Mapped[list[PublishedQuote]] = relationship(
        back_populates="publication",
        order_by="(PublishedQuote.event_position, PublishedQuote.position, PublishedQuote.id)",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<ReportPublication {self.festival_id} v{self.version}>"


class PublishedQuote(Model):
    """One quote as it was published: a copy, not a view of the answer."""

    __tablename__ = "published_quotes"

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_publications.id", ondelete="CASCADE"), index=True
    )
    # The answer it came from, for a withdrawal of consent (None once the
    # answer is deleted: the copy stays, as the consent text says).
    response_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("impression_responses.id", ondelete="SET NULL"), index=True
    )
    # The event (None: the closing section, the festival-wide form).
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="SET NULL")
    )
    event_title: Mapped[str] = mapped_column(sa.String(200), default="")
    event_title_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    event_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    event_position: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    # The quote in its author's language, and the organisers' translations.
    text: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(12))
    text_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # "Mayor of Usuki City, NISHIOKA Takashi", composed when published.
    signature: Mapped[str] = mapped_column(sa.String(600))

    publication: Mapped[ReportPublication] = relationship(back_populates="quotes")

    def __repr__(self) -> str:
        return f"<PublishedQuote {self.id} of {self.response_id}>"


class ReportPhoto(Model):
    """A photo the organisers uploaded for the report, made for the web.

    Stored in the database, not on disk: several app servers share one
    database and no folder, and a report has a handful of photos of a few
    hundred kilobytes each.
    """

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    alt_text: Mapped[str] = mapped_column(sa.String(300))
    caption: Mapped[str] = mapped_column(sa.String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int]
    height: Mapped[int]
    # The first hex digits of the SHA-256 of ``data``: in the URL, so a
    # photo's URL never changes content and may be cached for a year.
    digest: Mapped[str] = mapped_column(sa.String(16))
    # A JPEG without metadata; loaded only when the photo itself is served.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<ReportPhoto {self.id} {self.width}x{self.height}>"
