"""``python -m bench.transfer_grouping``: how long the transfer proposal takes
for 5,000 arrivals over three days at four airports (issue #13's goal: under
2 seconds), with a fleet of 200 vehicles. Pure Python, no database: the
proposal's own cost. Prints the median of five runs."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from festival.transfers.grouping import FleetVehicle, Rules, Traveller, propose

AIRPORTS = ("HND", "NRT", "KIX", "SYO")


def main() -> None:
    start = datetime(2027, 6, 12, 0, 0, tzinfo=UTC)
    travellers = [
        Traveller(
            n, n // 3, AIRPORTS[n % 4], start + timedelta(minutes=(n * 37) % 4320), n % 3 == 0
        )
        for n in range(5000)
    ]
    fleet = [FleetVehicle(n, (3, 7, 14, 40)[n % 4]) for n in range(200)]
    rules = Rules(
        window=timedelta(minutes=60),
        buffer_for=lambda code: timedelta(minutes=20 if code == "SYO" else 60),
        departure_buffer=timedelta(minutes=180),
        trip=timedelta(minutes=150),
        mayors_own_car=True,
    )
    times = []
    for _ in range(5):
        began = time.perf_counter()
        cars = propose(travellers, "arrival", fleet, rules)
        times.append(time.perf_counter() - began)
    print(
        f"{len(travellers)} arrivals -> {len(cars)} cars "
        f"({sum(1 for c in cars if c.vehicle is None)} without a free vehicle): "
        f"median {statistics.median(times) * 1000:.0f} ms over {len(times)} runs"
    )


if __name__ == "__main__":
    main()
