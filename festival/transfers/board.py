"""The day board's page of transfers, read as columns (two queries).

Loaded as ORM objects (transfers, vehicles, escorts, passengers, delegates,
delegations, cities), a page of 50 transfers cost ~10 ms at ten times the
scale, nearly all of it building objects: the SQL takes under 1 ms. The
board only reads them, so it selects the columns it shows and checks into
small frozen rows that :func:`festival.transfers.checks.check` reads as
well as it reads ORM transfers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import HostInterpreter
from festival.registration import names
from festival.registration.models import Delegate, DelegateRole, Delegation
from festival.transfers.models import (
    Direction,
    Escort,
    Passenger,
    Transfer,
    TransferStatus,
    Vehicle,
)
from festival.transfers.services import day_bounds


@dataclass(frozen=True, slots=True)
class Person:
    """A passenger (or a delegate interpreting) as the board shows and checks them."""

    id: int
    delegation_id: int
    list_name: str
    role: DelegateRole | None
    confirmed_role: DelegateRole | None
    languages: list[str] | None
    arrival_at: datetime | None
    arrival_flight: str | None
    arrival_airport: str | None
    departure_at: datetime | None
    departure_flight: str | None
    departure_airport: str | None
    city_name: str = ""

    @property
    def shown_role(self) -> DelegateRole | None:
        return self.confirmed_role if self.confirmed_role is not None else self.role


@dataclass(frozen=True, slots=True)
class Seat:
    delegate_id: int
    delegate: Person
    planned_flight_at: datetime | None
    planned_flight: str | None


@dataclass(frozen=True, slots=True)
class Car:
    label: str
    seats: int
    driver_name: str
    driver_phone: str
    driver_language: str


@dataclass(frozen=True, slots=True)
class Staff:
    """An escort or a host interpreter."""

    name: str
    languages: list[str] | None


@dataclass(frozen=True, slots=True)
class BoardTransfer:
    id: int
    direction: Direction
    airport: str
    pickup_at: datetime
    status: TransferStatus
    vehicle: Car | None
    escort: Staff | None
    interpreter: Person | None
    host_interpreter: Staff | None
    passengers: list[Seat] = field(default_factory=list)


def _person_columns(person: Any) -> list[Any]:
    return [
        person.id,
        person.delegation_id,
        person.full_name,
        person.family_name,
        person.given_names,
        person.role,
        person.confirmed_role,
        person.languages,
        person.arrival_at,
        person.arrival_flight,
        person.arrival_airport,
        person.departure_at,
        person.departure_flight,
        person.departure_airport,
    ]


def _person(values: Sequence[Any], city_name: str = "") -> Person:
    (id_, delegation_id, full_name, family_name, given_names, role, confirmed_role, languages) = (
        values[:8]
    )
    arrival_at, arrival_flight, arrival_airport = values[8:11]
    departure_at, departure_flight, departure_airport = values[11:14]
    return Person(
        id=id_,
        delegation_id=delegation_id,
        list_name=names.list_name(names.NameParts(full_name, family_name, given_names)),
        role=role,
        confirmed_role=confirmed_role,
        languages=languages,
        arrival_at=arrival_at,
        arrival_flight=arrival_flight,
        arrival_airport=arrival_airport,
        departure_at=departure_at,
        departure_flight=departure_flight,
        departure_airport=departure_airport,
        city_name=city_name,
    )


_PERSON_WIDTH = len(_person_columns(Delegate))  # the interpreter's columns, last in a row


# The statements are built once per process, their values bound at each
# call: building a select of 31 columns over an aliased table cost ~4 ms a
# request, four times what running it costs.
@cache
def _transfers_query(by_direction: bool, by_airport: bool) -> sa.Select[*tuple[Any, ...]]:
    interpreter = aliased(Delegate)
    query: sa.Select[*tuple[Any, ...]] = (
        sa.select(
            Transfer.id,
            Transfer.direction,
            Transfer.airport,
            Transfer.pickup_at,
            Transfer.status,
            Vehicle.id,
            Vehicle.label,
            Vehicle.seats,
            Vehicle.driver_name,
            Vehicle.driver_phone,
            Vehicle.driver_language,
            Escort.id,
            Escort.name,
            Escort.languages,
            HostInterpreter.id,
            HostInterpreter.name,
            HostInterpreter.languages,
            *_person_columns(interpreter),
        )
        .outerjoin(Vehicle, Vehicle.id == Transfer.vehicle_id)
        .outerjoin(Escort, Escort.id == Transfer.escort_id)
        .outerjoin(HostInterpreter, HostInterpreter.id == Transfer.host_interpreter_id)
        .outerjoin(interpreter, interpreter.id == Transfer.interpreter_id)
        .where(
            Transfer.festival_id == sa.bindparam("festival_id"),
            Transfer.pickup_at >= sa.bindparam("start", type_=Transfer.pickup_at.type),
            Transfer.pickup_at < sa.bindparam("end", type_=Transfer.pickup_at.type),
        )
        .order_by(Transfer.pickup_at, Transfer.airport, Transfer.id)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )
    if by_direction:
        query = query.where(
            Transfer.direction == sa.bindparam("direction", type_=Transfer.direction.type)
        )
    if by_airport:
        query = query.where(Transfer.airport == sa.bindparam("airport"))
    return query


def _transfers(
    festival: Festival,
    day: date,
    direction: Direction | None,
    airport: str | None,
    limit: int,
    offset: int,
) -> list[BoardTransfer]:
    start, end = day_bounds(festival, day)
    query = _transfers_query(direction is not None, bool(airport))
    values = {
        "festival_id": festival.id,
        "start": start,
        "end": end,
        "limit": limit,
        "offset": offset,
        "direction": direction,
        "airport": airport,
    }
    transfers = []
    # Rows of 31 columns of several types: unpacked by position below.
    rows: Any = db.session.execute(query, values)
    for row in rows:
        id_, way, code, pickup_at, status = row[:5]
        vehicle_id, label, seats, driver_name, driver_phone, driver_language = row[5:11]
        escort_id, escort_name, escort_languages = row[11:14]
        staff_id, staff_name, staff_languages = row[14:17]
        person = row[17 : 17 + _PERSON_WIDTH]
        transfers.append(
            BoardTransfer(
                id=id_,
                direction=way,
                airport=code,
                pickup_at=pickup_at,
                status=status,
                vehicle=(
                    Car(label, seats, driver_name, driver_phone, driver_language)
                    if vehicle_id is not None
                    else None
                ),
                escort=Staff(escort_name, escort_languages) if escort_id is not None else None,
                interpreter=_person(person) if person[0] is not None else None,
                host_interpreter=(
                    Staff(staff_name, staff_languages) if staff_id is not None else None
                ),
            )
        )
    return transfers


@cache
def _passengers_query() -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(
            Passenger.transfer_id,
            Passenger.planned_flight_at,
            Passenger.planned_flight,
            City.name,
            *_person_columns(Delegate),
        )
        .join(Delegate, Delegate.id == Passenger.delegate_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .where(Passenger.transfer_id.in_(sa.bindparam("ids", expanding=True)))
        .order_by(Passenger.id)
    )


def _fill_passengers(transfers: list[BoardTransfer]) -> None:
    """Each transfer's passengers, in the order they were added (one query)."""
    if not transfers:
        return
    by_id = {t.id: t for t in transfers}
    query = _passengers_query()
    found = db.session.execute(query, {"ids": list(by_id)})
    for transfer_id, planned_at, planned, city_name, *person in found:
        delegate = _person(person, city_name)
        by_id[transfer_id].passengers.append(Seat(delegate.id, delegate, planned_at, planned))


class _Page(Pagination):
    """A page of the board: Flask-SQLAlchemy's pagination over our own loader
    (its links and numbers), with the total the board counted already."""

    def _query_items(self) -> list[Any]:
        load: Callable[[int, int], list[BoardTransfer]] = self._query_args["load"]
        return list(load(self.per_page, self._query_offset))

    def _query_count(self) -> int:
        total: int = self._query_args["total"]
        return total


def board_page(
    festival: Festival,
    day: date,
    direction: Direction | None,
    airport: str | None,
    total: int,
) -> Pagination:
    """The ``page`` asked for of the day's transfers (a bad page is a 404),
    its items :class:`BoardTransfer` with their passengers (two queries)."""

    def load(limit: int, offset: int) -> list[BoardTransfer]:
        transfers = _transfers(festival, day, direction, airport, limit, offset)
        _fill_passengers(transfers)
        return transfers

    return _Page(
        per_page=current_app.config["PER_PAGE"],
        max_per_page=200,
        error_out=True,
        load=load,
        total=total,
    )
