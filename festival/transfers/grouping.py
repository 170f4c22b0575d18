"""Proposing transfers: arrivals (or departures) grouped into cars. Pure.

The rules, as a transport desk applies them:

- Arrivals at the same airport landing within the organisers' window of the
  first are one wave; the wave's cars leave when the last of them is through
  the arrivals hall (landing plus the airport's buffer: customs at an
  international airport).
- Departures: a wave is the flights from one airport leaving within the
  window of the first; its cars leave the hotel the departure buffer before
  that first flight.
- A delegation rides together; it is split only when it does not fit the
  largest vehicle. A mayor gets a car of their own when the organisers ask.
- Each car gets the smallest free vehicle its party fits (a vehicle is busy
  for the trip's length after a pickup); other parties of the wave fill its
  free seats. When no vehicle is free the car is proposed without one (the
  board flags it).

5,000 arrivals over three days take well under a second (bench/).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Traveller:
    delegate_id: int
    delegation_id: int
    airport: str
    flight_at: datetime  # landing (arrivals) or take-off (departures), UTC
    is_mayor: bool = False


@dataclass(frozen=True)
class FleetVehicle:
    id: int
    seats: int


@dataclass
class ProposedCar:
    airport: str
    pickup_at: datetime
    passengers: list[Traveller] = field(default_factory=list)
    vehicle: FleetVehicle | None = None
    private: bool = False  # a mayor's own car: nobody else is added

    @property
    def seats_free(self) -> int:
        return (self.vehicle.seats if self.vehicle else 0) - len(self.passengers)


@dataclass(frozen=True)
class Rules:
    window: timedelta
    buffer_for: Callable[[str], timedelta]  # arrivals: landing to arrivals hall
    departure_buffer: timedelta
    trip: timedelta
    mayors_own_car: bool = False


def _waves(travellers: Sequence[Traveller], window: timedelta) -> list[list[Traveller]]:
    """Consecutive flights at one airport within ``window`` of the wave's first."""
    by_airport: dict[str, list[Traveller]] = defaultdict(list)
    for traveller in travellers:
        by_airport[traveller.airport].append(traveller)
    waves: list[list[Traveller]] = []
    for airport in sorted(by_airport):
        current: list[Traveller] = []
        for traveller in sorted(by_airport[airport], key=lambda t: (t.flight_at, t.delegate_id)):
            if current and traveller.flight_at - current[0].flight_at > window:
                waves.append(current)
                current = []
            current.append(traveller)
        if current:
            waves.append(current)
    return waves


def _parties(wave: list[Traveller], mayors_own_car: bool) -> list[tuple[list[Traveller], bool]]:
    """The wave's parties (a delegation; a mayor alone when asked), largest first."""
    by_delegation: dict[int, list[Traveller]] = defaultdict(list)
    parties: list[tuple[list[Traveller], bool]] = []
    for traveller in wave:
        if mayors_own_car and traveller.is_mayor:
            parties.append(([traveller], True))
        else:
            by_delegation[traveller.delegation_id].append(traveller)
    parties += [(members, False) for members in by_delegation.values()]
    return sorted(parties, key=lambda p: (-len(p[0]), p[0][0].delegation_id, p[0][0].delegate_id))


class _Fleet:
    """Which vehicle is free when: each is busy for a trip after its pickup."""

    def __init__(self, vehicles: Sequence[FleetVehicle], trip: timedelta) -> None:
        self.vehicles = sorted(vehicles, key=lambda v: (v.seats, v.id))
        self.free_at: dict[int, datetime] = {}
        self.trip = trip
        self.largest = max((v.seats for v in self.vehicles), default=0)

    def take(self, seats: int, at: datetime) -> FleetVehicle | None:
        """The smallest vehicle free at ``at`` with ``seats`` (or the largest free one)."""
        free = [v for v in self.vehicles if self.free_at.get(v.id, at) <= at]
        if not free:
            return None
        chosen = next((v for v in free if v.seats >= seats), free[-1])
        self.free_at[chosen.id] = at + self.trip
        return chosen


def propose(
    travellers: Sequence[Traveller],
    direction: str,
    vehicles: Sequence[FleetVehicle],
    rules: Rules,
) -> list[ProposedCar]:
    """The cars for these travellers, in pickup order (see the module's rules)."""
    plans: list[tuple[datetime, str, list[tuple[list[Traveller], bool]]]] = []
    for wave in _waves(travellers, rules.window):
        airport = wave[0].airport
        if direction == "arrival":
            pickup = max(t.flight_at for t in wave) + rules.buffer_for(airport)
        else:
            pickup = min(t.flight_at for t in wave) - rules.departure_buffer
        plans.append((pickup, airport, _parties(wave, rules.mayors_own_car)))
    plans.sort(key=lambda plan: (plan[0], plan[1]))

    fleet = _Fleet(vehicles, rules.trip)
    cars: list[ProposedCar] = []
    for pickup, airport, parties in plans:
        wave_cars: list[ProposedCar] = []
        for members, private in parties:
            # Split only what no vehicle can take in one piece.
            size = fleet.largest or len(members)
            for start in range(0, len(members), size):
                piece = members[start : start + size]
                car = None
                if not private:
                    car = next(
                        (c for c in wave_cars if not c.private and c.seats_free >= len(piece)),
                        None,
                    )
                if car is None:
                    car = ProposedCar(
                        airport, pickup, vehicle=fleet.take(len(piece), pickup), private=private
                    )
                    wave_cars.append(car)
                car.passengers.extend(piece)
        cars.extend(wave_cars)
    return cars
