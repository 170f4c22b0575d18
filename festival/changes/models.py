"""Changes to someone's plans, waiting for their quiet period to end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.types import UTCDateTime, utcnow
from festival.extensions import Model


class PendingChange(Model):
    """One change of a session or itinerary item, for one person to be told.

    The worker gathers a person's rows into one e-mail once their newest is
    older than the quiet period, then deletes them: an organiser fixing
    three things in five minutes sends one e-mail, not three.
    """

    __tablename__ = "pending_changes"
    __table_args__ = (sa.Index("ix_pending_changes_delegate_created", "delegate_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("delegates.id", ondelete="CASCADE"))
    # "session:12" or "item:5": changes of one thing are merged (first before, last after).
    subject: Mapped[str] = mapped_column(sa.String(40))
    # {"title", "starts_at", "ends_at", "all_day", "place", "status"} (times ISO, UTC).
    before: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
