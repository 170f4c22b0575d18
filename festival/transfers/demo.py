"""Demo transfers: a fleet, escorts, every arrival planned, and one of each flag.

The registration step's arrival wave (Haneda, Narita, Kansai and Shonai) is
grouped by the same proposal organisers use; then a few transfers are bent
so the board shows each check: a flight changed after planning, a pickup
before landing, a car over its seats, a party with no shared language.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from festival.extensions import db
from festival.transfers import services
from festival.transfers.models import Direction, Escort, TransferSettings, Vehicle, VehicleKind

DRIVERS = [
    ("Sato Kenji", "ja"),
    ("Suzuki Hiroshi", "en"),
    ("Takahashi Yumi", "en"),
    ("Tanaka Makoto", "ja"),
    ("Ito Daisuke", "en"),
    ("Watanabe Akira", "en"),
    ("Yamada Emi", "fr"),
    ("Nakamura Jun", "en"),
]

FLEET = (
    [(VehicleKind.CAR, 3)] * 10
    + [(VehicleKind.VAN, 7)] * 8
    + [(VehicleKind.MINIBUS, 14)] * 4
    + [(VehicleKind.BUS, 40)] * 2
)

ESCORTS = [
    ("Mori Aiko", ["ja", "en"]),
    ("Claire Dubois", ["fr", "en", "ja"]),
    ("Kobayashi Ren", ["ja", "ko"]),
    ("Lin Mei", ["zh", "ja", "en"]),
    ("Ishikawa Sora", ["ja"]),
]


def seed(context: Any) -> str:
    festival = context.festival
    db.session.add(
        TransferSettings(
            festival_id=festival.id,
            window_minutes=60,
            international_buffer_minutes=60,
            domestic_buffer_minutes=20,
            departure_buffer_minutes=180,
            trip_minutes=150,
            mayors_own_car=True,
            arrival_meeting_point="Arrivals hall, festival desk (yellow flag)",
            departure_meeting_point="Hotel lobby",
        )
    )
    for n, (kind, seats) in enumerate(FLEET, start=1):
        name, language = DRIVERS[n % len(DRIVERS)]
        db.session.add(
            Vehicle(
                festival_id=festival.id,
                label=f"{kind.value.capitalize()} {n}",
                kind=kind,
                seats=seats,
                luggage=seats + 1,
                plate=f"庄内 300 あ {1000 + n}",
                driver_name=name,
                driver_phone=f"+81 90 1234 {5600 + n}",
                driver_language=language,
            )
        )
    escorts = [
        Escort(
            festival_id=festival.id, name=name, phone=f"+81 80 5555 {10 + n:04d}", languages=langs
        )
        for n, (name, langs) in enumerate(ESCORTS)
    ]
    db.session.add_all(escorts)
    db.session.flush()

    planned = []
    for direction in (Direction.ARRIVAL, Direction.DEPARTURE):
        plan = services.proposal(festival, direction, None)
        planned += services.save_proposal(festival, plan)
    arrivals = [t for t in planned if t.direction == Direction.ARRIVAL and t.passengers]
    for transfer in arrivals:
        transfer.escort = _escort_for(transfer, escorts)
    _bend(arrivals, escorts)
    return f"{len(planned)} transfers, {len(FLEET)} vehicles, {len(escorts)} escorts"


def _escort_for(transfer: Any, escorts: list[Escort]) -> Escort | None:
    """An escort who speaks with the party, when the car has a seat for one."""
    if transfer.vehicle is None or len(transfer.passengers) >= transfer.vehicle.seats:
        return None
    spoken = {code for p in transfer.passengers for code in p.delegate.languages or []}
    return next((e for e in escorts if spoken & set(e.languages)), None)


def _bend(arrivals: list[Any], escorts: list[Escort]) -> None:
    """One transfer of each kind the board flags."""
    if len(arrivals) < 4:
        return
    changed = arrivals[0].passengers[0].delegate
    changed.arrival_at = (changed.arrival_at or arrivals[0].pickup_at) + timedelta(hours=2)
    early = arrivals[1]
    early.pickup_at = early.pickup_at - timedelta(hours=3)
    crowded = arrivals[2]
    if crowded.vehicle is not None:
        # Passengers of the next cars at the same airport squeezed in.
        for other in arrivals[3:]:
            if len(crowded.passengers) > crowded.vehicle.seats:
                break
            if other.airport == crowded.airport and other.pickup_at > crowded.pickup_at:
                for passenger in list(other.passengers):
                    passenger.transfer = crowded
    silent = arrivals[3]
    silent.escort = next(e for e in escorts if e.languages == ["ja"])
    if silent.vehicle is not None:
        silent.vehicle.driver_language = "ja"
    for passenger in silent.passengers:
        passenger.delegate.languages = ["pt"]
