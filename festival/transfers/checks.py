"""The board's checks: what the transport desk must look at in a transfer.

Pure: they read a loaded transfer, an ORM one (manifests, the edit page) or
the board's rows of selected columns (festival.transfers.board), both
described by the protocols below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from festival.transfers.models import Direction


class Rider(Protocol):
    """A person in a car, as the checks read them."""

    @property
    def id(self) -> int: ...
    @property
    def delegation_id(self) -> int: ...
    @property
    def languages(self) -> list[str] | None: ...
    @property
    def shown_role(self) -> str | None: ...
    @property
    def arrival_at(self) -> datetime | None: ...
    @property
    def arrival_airport(self) -> str | None: ...
    @property
    def arrival_flight(self) -> str | None: ...
    @property
    def departure_at(self) -> datetime | None: ...
    @property
    def departure_airport(self) -> str | None: ...
    @property
    def departure_flight(self) -> str | None: ...


class Seat(Protocol):
    """A passenger's pickup: who, and the flight it was planned for."""

    @property
    def delegate_id(self) -> int: ...
    @property
    def delegate(self) -> Rider: ...
    @property
    def planned_flight_at(self) -> datetime | None: ...
    @property
    def planned_flight(self) -> str | None: ...


class Car(Protocol):
    @property
    def seats(self) -> int: ...
    @property
    def driver_language(self) -> str: ...


class Staff(Protocol):
    """An escort or a host interpreter: the languages they bring."""

    @property
    def languages(self) -> list[str] | None: ...


class Checked(Protocol):
    """A transfer with what the checks read loaded."""

    @property
    def direction(self) -> Direction: ...
    @property
    def pickup_at(self) -> datetime: ...
    @property
    def vehicle(self) -> Car | None: ...
    @property
    def escort(self) -> Staff | None: ...
    @property
    def interpreter(self) -> Rider | None: ...
    @property
    def host_interpreter(self) -> Staff | None: ...
    @property
    def passengers(self) -> Sequence[Seat]: ...


@dataclass
class Flag:
    code: str  # before_landing, over_seats, no_vehicle, no_language, flight_changed
    delegate_ids: list[int] = field(default_factory=list)


def flight_of(delegate: Rider, direction: Direction) -> tuple[datetime | None, str, str | None]:
    """The delegate's flight in this direction: (time, airport code, number)."""
    if direction == Direction.ARRIVAL:
        return delegate.arrival_at, delegate.arrival_airport or "", delegate.arrival_flight
    return delegate.departure_at, delegate.departure_airport or "", delegate.departure_flight


def _languages(people: Sequence[Rider]) -> set[str]:
    return {code for person in people for code in (person.languages or [])}


def check(transfer: Checked) -> list[Flag]:
    """What the transport desk must look at for this transfer (no query once loaded)."""
    flags: list[Flag] = []
    people = [p.delegate for p in transfer.passengers]
    if transfer.direction == Direction.ARRIVAL:
        early = [d.id for d in people if d.arrival_at and d.arrival_at > transfer.pickup_at]
        if early:
            flags.append(Flag("before_landing", early))
    if transfer.vehicle is None:
        flags.append(Flag("no_vehicle"))
    else:
        riding = len(people) + (transfer.escort is not None)
        # By id: the board's rows are not ORM objects, each loaded once.
        interpreter = transfer.interpreter
        riding += interpreter is not None and interpreter.id not in {d.id for d in people}
        riding += transfer.host_interpreter is not None
        if riding > transfer.vehicle.seats:
            flags.append(Flag("over_seats"))
    staff = set(transfer.escort.languages or []) if transfer.escort else set()
    if transfer.vehicle is not None:
        staff.add(transfer.vehicle.driver_language)
    # A host interpreter is staff: the languages they speak are the car's
    # (a delegation's own interpreter covers their people whatever the car speaks).
    if transfer.host_interpreter is not None:
        staff.update(transfer.host_interpreter.languages or [])
    interpreting = transfer.interpreter is not None or any(
        d.shown_role == "interpreter" for d in people
    )
    if people and not interpreting:
        by_delegation: dict[int, list[Rider]] = {}
        for person in people:
            by_delegation.setdefault(person.delegation_id, []).append(person)
        silent = [
            d.id
            for members in by_delegation.values()
            if not (_languages(members) & staff)
            for d in members
        ]
        if silent:
            flags.append(Flag("no_language", silent))
    changed = []
    for passenger in transfer.passengers:
        flight_at, _airport, number = flight_of(passenger.delegate, transfer.direction)
        if flight_at != passenger.planned_flight_at or (number or None) != (
            passenger.planned_flight or None
        ):
            changed.append(passenger.delegate_id)
    if changed:
        flags.append(Flag("flight_changed", changed))
    return flags
