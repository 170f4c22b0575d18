"""Protocol tables: the festival's precedence rule, city readings and
manual orders, per-person overrides, the cached ranks, speaking orders and
seating plans. The festival model is left alone: its protocol settings
live here, one row per festival."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.cities.models import City
from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate


class EqualRankRule(enum.StrEnum):
    """How cities of equal rank are ordered."""

    ALPHABETICAL = "alphabetical"  # city names in the host's language (gojūon for Japanese)
    JOINING_YEAR = "joining_year"  # the year the city joined the network, earliest first
    MANUAL = "manual"  # the organisers' own order of cities


class RankClass(enum.IntEnum):
    """Precedence classes, highest first (the value is the order)."""

    HOST = 0
    MAYOR = 1
    DEPUTY_MAYOR = 2
    HEAD_OF_ORGANISATION = 3
    OFFICIAL = 4
    OTHER = 5


class LayoutKind(enum.StrEnum):
    TABLES = "tables"
    ROWS = "rows"


class TableShape(enum.StrEnum):
    ROUND = "round"
    LONG = "long"
    ROW = "row"


class ProtocolSettings(Model):
    """A festival's precedence rule and who the host is (one row per festival)."""

    __tablename__ = "protocol_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), unique=True
    )
    rule: Mapped[EqualRankRule] = mapped_column(
        enum_column(EqualRankRule, "equal_rank_rule"), default=EqualRankRule.ALPHABETICAL
    )
    # The language whose alphabet orders city names ("ja": gojūon of the reading).
    language: Mapped[str] = mapped_column(sa.String(8), default="ja")
    # The host (the host city's mayor); None: the confirmed mayor of the
    # delegation whose city is the festival's host city, if any.
    host_delegate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="SET NULL")
    )
    # Moves on every protocol change: the cached ranks are kept against it.
    revision: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CityProtocol(Model):
    """A city's name in the host's script, its reading and its manual place,
    for one festival."""

    __tablename__ = "protocol_cities"
    __table_args__ = (sa.UniqueConstraint("festival_id", "city_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("cities.id", ondelete="CASCADE"))
    local_name: Mapped[str | None] = mapped_column(sa.String(120))  # e.g. パルマ, 鶴岡
    reading: Mapped[str | None] = mapped_column(sa.String(120))  # kana: ぱるま, つるおか
    manual_position: Mapped[int | None]

    city: Mapped[City] = relationship()


class PrecedenceOverride(Model):
    """An organiser's decision about one person: another class, a place
    within the class, and why."""

    __tablename__ = "protocol_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), unique=True
    )
    rank_class: Mapped[int | None]
    position: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")


class PrecedenceRank(Model):
    """The computed rank of each person (a cache, rebuilt when stale), so
    that lists can sort by precedence in SQL."""

    __tablename__ = "protocol_ranks"

    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), primary_key=True
    )
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    # The version of the data the rank was computed from (precedence.ranks_stamp).
    stamp: Mapped[str] = mapped_column(sa.String(200))


class SpeakingOrder(Model):
    """A session's running order: one slot per principal, by precedence."""

    __tablename__ = "protocol_speaking_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    slot_minutes: Mapped[int] = mapped_column(default=5)
    # Minutes from the session's start to the first speaker (opening words).
    offset_minutes: Mapped[int] = mapped_column(default=0)

    session: Mapped[ProgrammeSession] = relationship()


class SeatingPlan(Model):
    """Tables (or rows) with seats for one session."""

    __tablename__ = "protocol_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), unique=True
    )
    layout: Mapped[LayoutKind] = mapped_column(
        enum_column(LayoutKind, "seating_layout"), default=LayoutKind.TABLES
    )
    # An exchange dinner: at most one party of a delegation per table.
    mix_delegations: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    session: Mapped[ProgrammeSession] = relationship()
    tables: Mapped[list[SeatingTable]] = relationship(
        back_populates="plan", order_by="SeatingTable.number", cascade="all, delete-orphan"
    )


class SeatingTable(Model):
    """A table (round or long) or a row, numbered; table 1 is the head table."""

    __tablename__ = "protocol_tables"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "number"),
        sa.CheckConstraint("seats > 0", name="has_seats"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_plans.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    shape: Mapped[TableShape] = mapped_column(
        enum_column(TableShape, "table_shape"), default=TableShape.ROUND
    )
    seats: Mapped[int]

    plan: Mapped[SeatingPlan] = relationship(back_populates="tables")


class Seat(Model):
    """One person in one seat of a plan."""

    __tablename__ = "protocol_seats"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "delegate_id"),
        sa.UniqueConstraint("table_id", "seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_plans.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int] = mapped_column(
        sa.ForeignKey("protocol_tables.id", ondelete="CASCADE"), index=True
    )
    seat: Mapped[int]
    delegate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="CASCADE"), index=True
    )

    delegate: Mapped[Delegate] = relationship()
    table: Mapped[SeatingTable] = relationship()
