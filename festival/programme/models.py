"""The programme: sessions, who may attend them, and who does."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model, db
from festival.festivals.models import Festival, Venue
from festival.registration.models import Delegate, Delegation


class SessionType(enum.StrEnum):
    CEREMONY = "ceremony"
    THEMATIC = "thematic_session"
    FORUM = "forum"
    WORKSHOP = "workshop"
    EXCHANGE = "exchange"
    TASTING = "tasting"
    MEAL = "meal"
    EXCURSION = "excursion"
    TRANSFER = "transfer"


class Audience(enum.StrEnum):
    PUBLIC = "public"
    DELEGATES = "delegates"
    MAYORS = "mayors"  # mayors and deputy mayors only
    INVITED = "invited"  # the delegations on the session's invited list


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


session_invited_delegations = sa.Table(
    "session_invited_delegations",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "delegation_id", sa.ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    ),
)


class ProgrammeSession(Model):
    """A programme item (called a session; not to be confused with db.session)."""

    __tablename__ = "sessions"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="times_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[SessionType] = mapped_column(enum_column(SessionType, "session_type"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    venue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("venues.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    speakers: Mapped[str] = mapped_column(sa.Text, default="")
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    interpretation: Mapped[str] = mapped_column(sa.String(200), default="")
    audience: Mapped[Audience] = mapped_column(
        enum_column(Audience, "audience"), default=Audience.PUBLIC, index=True
    )
    capacity: Mapped[int | None]
    # The partner programme: the sessions accompanying persons may attend
    # (never a mayors' session, whatever this says: see eligibility).
    open_to_accompanying: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The languages the host's interpretation offers at this session.
    interpretation_languages: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, server_default="[]"
    )
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus, "session_status"), default=SessionStatus.SCHEDULED
    )
    # Calendar clients take a higher SEQUENCE as "this event changed".
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Translations (festival.core.content): a translation edit is a
    # description edit for calendars (updated_at moves, sequence does not).
    title_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    description_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    speakers_i18n: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)

    festival: Mapped[Festival] = relationship(back_populates="sessions")
    venue: Mapped[Venue | None] = relationship()
    invited_delegations: Mapped[list[Delegation]] = relationship(
        secondary=session_invited_delegations
    )
    attendances: Mapped[list[Attendance]] = relationship(back_populates="session")
    interpreters: Mapped[list[HostInterpreter]] = relationship(
        secondary="session_interpreters", order_by="HostInterpreter.name"
    )

    def __repr__(self) -> str:
        return f"<ProgrammeSession {self.id} {self.title!r}>"


class Attendance(Model):
    """A delegate's place in a session: enrolled, and perhaps checked in."""

    __tablename__ = "attendances"
    __table_args__ = (sa.UniqueConstraint("session_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The door device's key (a UUID) for an offline check-in: the same check-in
    # uploaded twice is found again, never recorded twice.
    client_key: Mapped[str | None] = mapped_column(sa.String(36), unique=True)

    session: Mapped[ProgrammeSession] = relationship(back_populates="attendances")
    delegate: Mapped[Delegate] = relationship(back_populates="attendances")


session_interpreters = sa.Table(
    "session_interpreters",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "interpreter_id",
        sa.ForeignKey("host_interpreters.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class HostInterpreter(Model):
    """One of the host's own interpreters: staff, not a delegate. Assigned to
    a session, they are admitted there whatever its audience (the Mayors'
    Forum included), which a delegation's own interpreter is not."""

    __tablename__ = "host_interpreters"
    __table_args__ = (sa.UniqueConstraint("festival_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<HostInterpreter {self.name!r}>"


class WaitingEntry(Model):
    """A delegate waiting for a place in a full session; first come (lowest
    id) is first served when a place frees (festival.programme.waitlist)."""

    __tablename__ = "waiting_list"
    __table_args__ = (sa.UniqueConstraint("session_id", "delegate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
