"""Transfers: proposing, saving, adjusting and checking them.

Views call these; they flush, never commit. Pages read whole days at once
(a handful of queries whatever the number of transfers).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from festival.extensions import db
from festival.festivals.models import Festival
from festival.registration.airports import find_airport
from festival.registration.models import ACTIVE_STATUSES, Delegate, Delegation
from festival.transfers.checks import flight_of
from festival.transfers.grouping import FleetVehicle, ProposedCar, Rules, Traveller, propose
from festival.transfers.models import (
    SETTINGS_DEFAULTS,
    Direction,
    Escort,
    Passenger,
    Transfer,
    TransferSettings,
    TransferStatus,
    Vehicle,
)


def settings_for(festival: Festival) -> TransferSettings:
    """The festival's transfer settings (defaults until the organisers save theirs)."""
    found = db.session.get(TransferSettings, festival.id)
    if found is None:
        found = TransferSettings(festival_id=festival.id, **SETTINGS_DEFAULTS)
    return found


def airport_is_international(code: str) -> bool:
    """The airport's kind, for the buffer after landing: customs or not."""
    airport = find_airport(code)
    return airport is not None and "international" in airport.name.casefold()


def rules_for(settings: TransferSettings) -> Rules:
    def buffer_for(code: str) -> timedelta:
        minutes = (
            settings.international_buffer_minutes
            if airport_is_international(code)
            else settings.domestic_buffer_minutes
        )
        return timedelta(minutes=minutes)

    return Rules(
        window=timedelta(minutes=settings.window_minutes),
        buffer_for=buffer_for,
        departure_buffer=timedelta(minutes=settings.departure_buffer_minutes),
        trip=timedelta(minutes=settings.trip_minutes),
        mayors_own_car=settings.mayors_own_car,
    )


def day_bounds(festival: Festival, day: date) -> tuple[datetime, datetime]:
    """The UTC instants a local day of the festival runs between."""
    start = datetime.combine(day, time(0), tzinfo=festival.tz)
    return start, start + timedelta(days=1)


def _flight_columns(direction: Direction) -> tuple[Any, Any, Any]:
    if direction == Direction.ARRIVAL:
        return Delegate.arrival_at, Delegate.arrival_airport, Delegate.arrival_flight
    return Delegate.departure_at, Delegate.departure_airport, Delegate.departure_flight


def _travellers_query(festival: Festival, direction: Direction) -> sa.Select[Any]:
    flight_at, airport, _flight = _flight_columns(direction)
    return (
        sa.select(Delegate)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(
            Delegation.festival_id == festival.id,
            Delegate.status.in_(ACTIVE_STATUSES),
            flight_at.is_not(None),
            airport.is_not(None),
        )
    )


def unplanned(festival: Festival, direction: Direction, day: date | None) -> list[Delegate]:
    """Active delegates with a flight that day and no car in this direction."""
    flight_at, _airport, _flight = _flight_columns(direction)
    planned = sa.select(Passenger.delegate_id).where(
        Passenger.direction == direction, Passenger.transfer_id.is_not(None)
    )
    query = _travellers_query(festival, direction).where(Delegate.id.not_in(planned))
    if day is not None:
        start, end = day_bounds(festival, day)
        query = query.where(flight_at >= start, flight_at < end)
    query = query.options(joinedload(Delegate.delegation).joinedload(Delegation.city))
    return list(db.session.scalars(query.order_by(flight_at, Delegate.id)))


def fleet(festival: Festival) -> list[Vehicle]:
    return list(
        db.session.scalars(
            sa.select(Vehicle).where(Vehicle.festival_id == festival.id).order_by(Vehicle.label)
        )
    )


def escorts(festival: Festival) -> list[Escort]:
    return list(
        db.session.scalars(
            sa.select(Escort).where(Escort.festival_id == festival.id).order_by(Escort.name)
        )
    )


@dataclass
class Proposal:
    direction: Direction
    cars: list[ProposedCar]
    delegates: dict[int, Delegate]
    vehicles: dict[int, Vehicle]
    fingerprint: str


def proposal(festival: Festival, direction: Direction, day: date | None) -> Proposal:
    """Cars for the day's unplanned travellers, not saved (three queries)."""
    settings = settings_for(festival)
    people = unplanned(festival, direction, day)
    vehicles = fleet(festival)
    travellers = []
    for person in people:
        flight_at, airport, _number = flight_of(person, direction)
        assert flight_at is not None
        travellers.append(
            Traveller(
                person.id,
                person.delegation_id,
                airport.upper(),
                flight_at,
                person.is_confirmed_mayor,
            )
        )
    cars = propose(
        travellers,
        direction.value,
        [FleetVehicle(v.id, v.seats) for v in vehicles],
        rules_for(settings),
    )
    digest = hashlib.sha256()
    for car in cars:
        digest.update(f"{car.airport}{car.pickup_at.isoformat()}{car.vehicle}".encode())
        for t in car.passengers:
            digest.update(f"{t.delegate_id}:{t.flight_at.isoformat()};".encode())
    return Proposal(
        direction,
        cars,
        {p.id: p for p in people},
        {v.id: v for v in vehicles},
        digest.hexdigest()[:16],
    )


def save_proposal(festival: Festival, plan: Proposal) -> list[Transfer]:
    """The proposed cars as transfers (their passengers' pickups planned)."""
    settings = settings_for(festival)
    meeting = (
        settings.arrival_meeting_point
        if plan.direction == Direction.ARRIVAL
        else settings.departure_meeting_point
    )
    ids = [t.delegate_id for car in plan.cars for t in car.passengers]
    existing = (
        {
            p.delegate_id: p
            for p in db.session.scalars(
                sa.select(Passenger).where(
                    Passenger.delegate_id.in_(ids), Passenger.direction == plan.direction
                )
            )
        }
        if ids
        else {}
    )
    saved = []
    for car in plan.cars:
        transfer = Transfer(
            festival_id=festival.id,
            direction=plan.direction,
            airport=car.airport,
            pickup_at=car.pickup_at,
            meeting_point=meeting,
            vehicle_id=car.vehicle.id if car.vehicle else None,
        )
        db.session.add(transfer)
        for traveller in car.passengers:
            person = plan.delegates[traveller.delegate_id]
            flight_at, _airport, number = flight_of(person, plan.direction)
            passenger = existing.get(person.id) or Passenger(
                delegate_id=person.id, direction=plan.direction
            )
            passenger.transfer = transfer
            passenger.planned_flight_at, passenger.planned_flight = flight_at, number
            db.session.add(passenger)
        saved.append(transfer)
    db.session.flush()
    return saved


# --- the day's transfers -----------------------------------------------------------


def day_query(
    festival: Festival,
    day: date,
    direction: Direction | None = None,
    airport: str | None = None,
) -> sa.Select[Any]:
    """The day's transfers with everything the board and manifests show
    loaded alongside (three queries for any page of them)."""
    start, end = day_bounds(festival, day)
    query = (
        sa.select(Transfer)
        .where(
            Transfer.festival_id == festival.id,
            Transfer.pickup_at >= start,
            Transfer.pickup_at < end,
        )
        .options(
            joinedload(Transfer.vehicle),
            joinedload(Transfer.escort),
            joinedload(Transfer.interpreter),
            joinedload(Transfer.host_interpreter),
            selectinload(Transfer.passengers)
            .joinedload(Passenger.delegate)
            .joinedload(Delegate.delegation)
            .joinedload(Delegation.city),
        )
        .order_by(Transfer.pickup_at, Transfer.airport, Transfer.id)
    )
    if direction is not None:
        query = query.where(Transfer.direction == direction)
    if airport:
        query = query.where(Transfer.airport == airport)
    return query


def transfers_of_day(
    festival: Festival, day: date, direction: Direction | None = None
) -> list[Transfer]:
    return list(db.session.scalars(day_query(festival, day, direction)))


@dataclass(frozen=True)
class DayCounts:
    """How many transfers a day has, per airport and direction (one query):
    the board's airport links and its page count, without a count query."""

    by_airport_and_direction: dict[tuple[str, Direction], int]

    def airports(self) -> dict[str, int]:
        """Each airport with its transfers that day, both directions."""
        counts: dict[str, int] = {}
        for (airport, _direction), n in sorted(self.by_airport_and_direction.items()):
            counts[airport] = counts.get(airport, 0) + n
        return counts

    def total(self, direction: Direction | None, airport: str | None) -> int:
        """The transfers the board lists with these filters."""
        return sum(
            n
            for (at, way), n in self.by_airport_and_direction.items()
            if (airport is None or at == airport) and (direction is None or way == direction)
        )


def day_counts(festival: Festival, day: date) -> DayCounts:
    """The day's transfers counted per airport and direction (one query)."""
    start, end = day_bounds(festival, day)
    rows = db.session.execute(
        sa.select(Transfer.airport, Transfer.direction, sa.func.count())
        .where(
            Transfer.festival_id == festival.id,
            Transfer.pickup_at >= start,
            Transfer.pickup_at < end,
        )
        .group_by(Transfer.airport, Transfer.direction)
    )
    return DayCounts({(airport, Direction(way)): n for airport, way, n in rows})


@cache
def _unplanned_query() -> sa.Select[Any]:
    # Built once, its values bound per request: building it cost ~1 ms.
    start = sa.bindparam("start", type_=Delegate.arrival_at.type)
    end = sa.bindparam("end", type_=Delegate.arrival_at.type)
    counts = []
    for direction in (Direction.ARRIVAL, Direction.DEPARTURE):
        flight_at, airport, _flight = _flight_columns(direction)
        planned = sa.select(Passenger.delegate_id).where(
            Passenger.direction == direction, Passenger.transfer_id.is_not(None)
        )
        flies = sa.and_(
            flight_at >= start, flight_at < end, airport.is_not(None), Delegate.id.not_in(planned)
        )
        counts.append(sa.func.coalesce(sa.func.sum(sa.case((flies, 1), else_=0)), 0))
    return (
        sa.select(*counts)
        .join_from(Delegate, Delegation, Delegation.id == Delegate.delegation_id)
        .where(
            Delegation.festival_id == sa.bindparam("festival_id"),
            Delegate.status.in_(ACTIVE_STATUSES),
            sa.or_(
                sa.and_(Delegate.arrival_at >= start, Delegate.arrival_at < end),
                sa.and_(Delegate.departure_at >= start, Delegate.departure_at < end),
            ),
        )
    )


def count_unplanned(festival: Festival, day: date) -> dict[Direction, int]:
    """How many active delegates fly that day with no car, per direction:
    both counted in one pass over the delegates (one query each scanned the
    table twice, ~3 ms each at ten times the scale)."""
    start, end = day_bounds(festival, day)
    values = {"festival_id": festival.id, "start": start, "end": end}
    arrivals, departures = db.session.execute(_unplanned_query(), values).one()
    return {Direction.ARRIVAL: int(arrivals), Direction.DEPARTURE: int(departures)}


def set_status(transfer: Transfer, status: TransferStatus) -> None:
    transfer.status = status
    db.session.flush()


def move_passenger(passenger: Passenger, target: Transfer | None) -> None:
    """Into another car of the same direction, or off every car (``None``)."""
    if target is not None and target.direction != passenger.direction:
        raise ValueError("a passenger moves only between transfers of one direction")
    passenger.transfer = target
    db.session.flush()


def confirm_flight_changes(transfer: Transfer) -> list[Delegate]:
    """The organiser has seen the changed flights: the transfer is planned for
    them now (the flag goes), and who rides in it is told (returned)."""
    told = []
    for passenger in transfer.passengers:
        flight_at, _airport, number = flight_of(passenger.delegate, transfer.direction)
        if flight_at != passenger.planned_flight_at or (number or None) != (
            passenger.planned_flight or None
        ):
            passenger.planned_flight_at, passenger.planned_flight = flight_at, number
            passenger.sequence = (passenger.sequence or 0) + 1
            told.append(passenger.delegate)
    db.session.flush()
    return told


def passengers_for(delegate: Delegate) -> list[Passenger]:
    """The delegate's pickups (planned, moved, or taken off), with their cars (one query)."""
    return list(
        db.session.scalars(
            sa.select(Passenger)
            .where(Passenger.delegate_id == delegate.id)
            .options(
                joinedload(Passenger.transfer).joinedload(Transfer.vehicle),
                joinedload(Passenger.transfer).joinedload(Transfer.escort),
            )
            .order_by(Passenger.direction)
        )
    )
