"""The proposal's rules, as a transport desk applies them (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from festival.transfers.grouping import FleetVehicle, Rules, Traveller, propose

T0 = datetime(2027, 6, 13, 9, 0, tzinfo=UTC)


def rules(**changes) -> Rules:
    values = {
        "window": timedelta(minutes=60),
        "buffer_for": lambda code: timedelta(minutes=60 if code in {"HND", "NRT"} else 20),
        "departure_buffer": timedelta(minutes=180),
        "trip": timedelta(minutes=150),
        "mayors_own_car": False,
    }
    return Rules(**{**values, **changes})


def person(n: int, delegation: int, minutes: int = 0, airport: str = "HND", mayor=False):
    return Traveller(n, delegation, airport, T0 + timedelta(minutes=minutes), mayor)


FLEET = [FleetVehicle(1, 3), FleetVehicle(2, 7), FleetVehicle(3, 3), FleetVehicle(4, 14)]


def passengers(car) -> list[int]:
    return [t.delegate_id for t in car.passengers]


def test_arrivals_within_the_window_share_a_pickup_after_the_last_is_through_customs():
    cars = propose(
        [person(1, 10, 0), person(2, 11, 40), person(3, 12, 75)], "arrival", FLEET, rules()
    )
    # 09:00 and 09:40 are one wave (pickup 09:40 + 60 min customs); 10:15 is the next.
    assert [(c.pickup_at, passengers(c)) for c in cars] == [
        (T0 + timedelta(minutes=100), [1, 2]),
        (T0 + timedelta(minutes=135), [3]),
    ]


def test_a_domestic_airport_has_the_shorter_buffer_and_airports_never_mix():
    cars = propose([person(1, 10, 0, "SYO"), person(2, 10, 5, "HND")], "arrival", FLEET, rules())
    by_airport = {c.airport: c for c in cars}
    assert by_airport["SYO"].pickup_at == T0 + timedelta(minutes=20)
    assert by_airport["HND"].pickup_at == T0 + timedelta(minutes=65)


def test_a_delegation_rides_together_in_the_smallest_vehicle_it_fits():
    party = [person(n, 10, n) for n in range(1, 6)]  # five people, one delegation
    cars = propose(party, "arrival", FLEET, rules())
    assert len(cars) == 1 and cars[0].vehicle == FleetVehicle(2, 7)
    assert passengers(cars[0]) == [1, 2, 3, 4, 5]


def test_a_delegation_is_split_only_when_no_vehicle_takes_it_whole():
    party = [person(n, 10, 0) for n in range(1, 17)]  # sixteen: more than the bus's 14
    cars = propose(party, "arrival", FLEET, rules())
    assert [len(c.passengers) for c in cars] == [14, 2]


def test_other_parties_fill_free_seats_but_a_mayor_can_have_a_car_of_their_own():
    wave = [person(1, 10, 0, mayor=True), person(2, 10, 5), person(3, 11, 10)]
    shared = propose(wave, "arrival", FLEET, rules())
    assert [passengers(c) for c in shared] == [[1, 2, 3]]
    own = propose(wave, "arrival", FLEET, rules(mayors_own_car=True))
    assert sorted(passengers(c) for c in own) == [[1], [2, 3]]
    assert [c.private for c in own if passengers(c) == [1]] == [True]


def test_a_vehicle_is_busy_for_the_trip_and_then_free_again():
    one_car = [FleetVehicle(1, 3)]
    cars = propose(
        [person(1, 10, 0), person(2, 11, 70), person(3, 12, 400)], "arrival", one_car, rules()
    )
    # The second wave comes while the only car is out: no vehicle, flagged on the board.
    assert [c.vehicle for c in cars] == [one_car[0], None, one_car[0]]


def test_departures_leave_the_hotel_the_buffer_before_the_first_flight():
    cars = propose([person(1, 10, 30), person(2, 11, 0)], "departure", FLEET, rules())
    assert len(cars) == 1
    assert cars[0].pickup_at == T0 - timedelta(minutes=180)


def test_five_thousand_arrivals_are_grouped_without_losing_anyone():
    travellers = [
        person(n, n // 3, (n * 7) % (3 * 24 * 60), ("HND", "NRT", "SYO", "KIX")[n % 4])
        for n in range(5000)
    ]
    fleet = [FleetVehicle(n, (3, 7, 14, 40)[n % 4]) for n in range(200)]
    cars = propose(travellers, "arrival", fleet, rules())
    riding = sorted(t.delegate_id for c in cars for t in c.passengers)
    assert riding == list(range(5000))
    for car in cars:
        assert {t.airport for t in car.passengers} == {car.airport}
        assert all(t.flight_at <= car.pickup_at for t in car.passengers)
