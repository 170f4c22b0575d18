"""Vehicles, escorts and transfers (airport pickups and drop-offs).

A :class:`Passenger` row is one delegate's pickup in one direction (their
arrival or their departure). It keeps its identity when the organisers move
the person to another car or take them off every car (``transfer_id`` set
to NULL), so the event in the delegate's calendar keeps its UID, and its
``sequence`` rises whenever their pickup moves: the same rules as sessions.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from festival.core.types import UTCDateTime, enum_column, utcnow
from festival.extensions import Model
from festival.programme.models import HostInterpreter
from festival.registration.models import Delegate


class VehicleKind(enum.StrEnum):
    CAR = "car"
    VAN = "van"
    MINIBUS = "minibus"
    BUS = "bus"


class Direction(enum.StrEnum):
    ARRIVAL = "arrival"  # airport to hotel
    DEPARTURE = "departure"  # hotel to airport


class TransferStatus(enum.StrEnum):
    PLANNED = "planned"
    ON_ITS_WAY = "on_its_way"
    DONE = "done"


class Vehicle(Model):
    __tablename__ = "vehicles"
    __table_args__ = (
        sa.UniqueConstraint("festival_id", "label"),
        sa.CheckConstraint("seats > 0", name="vehicle_has_seats"),
        sa.CheckConstraint("luggage >= 0", name="vehicle_luggage_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(sa.String(80))  # "Car 3", "Bus A"
    kind: Mapped[VehicleKind] = mapped_column(enum_column(VehicleKind, "vehicle_kind"))
    seats: Mapped[int]  # for passengers, the driver not counted
    luggage: Mapped[int] = mapped_column(default=0)  # suitcases it takes
    plate: Mapped[str] = mapped_column(sa.String(20), default="")
    driver_name: Mapped[str] = mapped_column(sa.String(120), default="")
    driver_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    driver_email: Mapped[str | None] = mapped_column(sa.String(254))
    driver_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Escort(Model):
    """A host's staff member who meets a party and rides with it."""

    __tablename__ = "escorts"
    __table_args__ = (sa.UniqueConstraint("festival_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


# The settings a festival starts with (the column defaults, and a page shown
# before the organisers save theirs).
SETTINGS_DEFAULTS: dict[str, int | bool | str] = {
    "window_minutes": 60,
    "international_buffer_minutes": 60,
    "domestic_buffer_minutes": 20,
    "departure_buffer_minutes": 180,
    "trip_minutes": 150,
    "mayors_own_car": False,
    "arrival_meeting_point": "",
    "departure_meeting_point": "",
}


class TransferSettings(Model):
    """How the organisers want transfers grouped (one row per festival)."""

    __tablename__ = "transfer_settings"

    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), primary_key=True
    )
    # Arrivals landing within this many minutes of the first share a pickup.
    window_minutes: Mapped[int] = mapped_column(default=SETTINGS_DEFAULTS["window_minutes"])
    # Time from landing to the arrivals hall: customs at international airports.
    international_buffer_minutes: Mapped[int] = mapped_column(
        default=SETTINGS_DEFAULTS["international_buffer_minutes"]
    )
    domestic_buffer_minutes: Mapped[int] = mapped_column(
        default=SETTINGS_DEFAULTS["domestic_buffer_minutes"]
    )
    # The car leaves the hotel this long before the flight.
    departure_buffer_minutes: Mapped[int] = mapped_column(
        default=SETTINGS_DEFAULTS["departure_buffer_minutes"]
    )
    # How long a car is busy with one transfer (out and back).
    trip_minutes: Mapped[int] = mapped_column(default=SETTINGS_DEFAULTS["trip_minutes"])
    mayors_own_car: Mapped[bool] = mapped_column(default=SETTINGS_DEFAULTS["mayors_own_car"])
    arrival_meeting_point: Mapped[str] = mapped_column(
        sa.String(200), default=SETTINGS_DEFAULTS["arrival_meeting_point"]
    )
    departure_meeting_point: Mapped[str] = mapped_column(
        sa.String(200), default=SETTINGS_DEFAULTS["departure_meeting_point"]
    )


class Transfer(Model):
    __tablename__ = "transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(
        sa.ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "transfer_direction"))
    airport: Mapped[str] = mapped_column(sa.String(3))
    pickup_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    meeting_point: Mapped[str] = mapped_column(sa.String(200), default="")
    vehicle_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vehicles.id", ondelete="SET NULL"), index=True
    )
    escort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("escorts.id", ondelete="SET NULL"), index=True
    )
    # An interpreter riding along: a delegate who interprets, or one of the
    # host's interpreters (staff, festival.programme); at most one of the two.
    interpreter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegates.id", ondelete="SET NULL")
    )
    host_interpreter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("host_interpreters.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[TransferStatus] = mapped_column(
        enum_column(TransferStatus, "transfer_status"), default=TransferStatus.PLANNED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    vehicle: Mapped[Vehicle | None] = relationship()
    escort: Mapped[Escort | None] = relationship()
    interpreter: Mapped[Delegate | None] = relationship()
    host_interpreter: Mapped[HostInterpreter | None] = relationship()
    passengers: Mapped[list[Passenger]] = relationship(
        back_populates="transfer", order_by="Passenger.id"
    )


class Passenger(Model):
    """One delegate's pickup in one direction, and the flight it was planned for."""

    __tablename__ = "transfer_passengers"
    __table_args__ = (sa.UniqueConstraint("delegate_id", "direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delegate_id: Mapped[int] = mapped_column(sa.ForeignKey("delegates.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, "passenger_direction"))
    # NULL: taken off every car (their calendar shows the pickup cancelled).
    transfer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("transfers.id", ondelete="SET NULL"), index=True
    )
    # The flight as it was when the pickup was planned: a later change is flagged.
    planned_flight_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    planned_flight: Mapped[str | None] = mapped_column(sa.String(20))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    transfer: Mapped[Transfer | None] = relationship(back_populates="passengers")
    delegate: Mapped[Delegate] = relationship()


# What moves a pickup in a calendar: its time, its place, its car.
SCHEDULE_FIELDS = ("pickup_at", "meeting_point", "vehicle_id", "airport")


@sa.event.listens_for(Session, "before_flush")
def _raise_pickup_sequences(session: Session, _context: object, _instances: object) -> None:
    """A moved transfer raises the sequence of each of its passengers' pickups;
    a passenger moved to another car (or off every car) raises their own."""
    for record in session.dirty:
        if isinstance(record, Transfer):
            state = sa.inspect(record)
            if any(state.attrs[name].history.has_changes() for name in SCHEDULE_FIELDS):
                for passenger in record.passengers:
                    passenger.sequence = (passenger.sequence or 0) + 1
        elif isinstance(record, Passenger):
            attrs = sa.inspect(record).attrs
            # The relationship or the column, whichever the writer set.
            if attrs.transfer.history.has_changes() or attrs.transfer_id.history.has_changes():
                record.sequence = (record.sequence or 0) + 1
