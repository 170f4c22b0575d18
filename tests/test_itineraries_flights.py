"""A delegate's own flights on their itinerary and in their calendar feed.

The arrival and departure they gave at registration are events: the flight
number, the airport (name, place, GEO) and the airport's local time; a
change of flight keeps the event's UID and raises its SEQUENCE, so every
calendar moves it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from festival.calendar.identity import stable_uuid
from festival.extensions import db
from festival.registration.models import Delegate
from tests.calendar_helpers import build_world, events_by_uid, parse_both

ARRIVAL = datetime(2027, 6, 13, 9, 10, tzinfo=UTC)  # 18:10 at Haneda
DEPARTURE = datetime(2027, 6, 18, 2, 0, tzinfo=UTC)  # 11:00 at Haneda


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.app_context():
        for delegate_id in (world.mayor_id, world.interpreter_id):
            delegate = db.session.get(Delegate, delegate_id)
            delegate.arrival_at, delegate.arrival_airport = ARRIVAL, "HND"
            delegate.arrival_flight = "NH 393"
            delegate.departure_at, delegate.departure_airport = DEPARTURE, "HND"
            delegate.departure_flight = None
        db.session.commit()
    return world


def _flight_uid(app, leg: str, delegate_id: int) -> str:
    with app.app_context():
        delegate = db.session.get(Delegate, delegate_id)
        return str(stable_uuid(f"flight-{leg}", delegate.id, delegate.created_at))


def _feed_events(client, token: str):
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    calendar, _vobject = parse_both(response.data)
    return events_by_uid(calendar)


def test_the_flights_are_events_of_the_personal_feed(app, client, world):
    events = _feed_events(client, world.mayor_token)
    arrival = events[_flight_uid(app, "arrival", world.mayor_id)]
    assert str(arrival["SUMMARY"]) == "Arrival: NH 393 at HND"
    assert arrival["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert arrival.decoded("DTSTART") == ARRIVAL
    assert "DTEND" not in arrival  # a moment
    assert str(arrival["LOCATION"]) == "Tokyo International Airport (Tokyo, JP)"
    assert arrival.decoded("GEO") is not None
    assert "18:10" in str(arrival["DESCRIPTION"]) and "HND" in str(arrival["DESCRIPTION"])
    assert arrival["CLASS"] == "PRIVATE"
    with app.app_context():  # the fixture set the flights once: one change
        mayor = db.session.get(Delegate, world.mayor_id)
        assert int(arrival["SEQUENCE"]) == mayor.travel_sequence == 1
    departure = events[_flight_uid(app, "departure", world.mayor_id)]
    assert str(departure["SUMMARY"]) == "Departure from HND"  # no flight number given
    assert departure.decoded("DTSTART") == DEPARTURE


def test_a_changed_flight_moves_the_event_and_raises_its_sequence(app, client, world):
    uid = _flight_uid(app, "arrival", world.mayor_id)
    before = _feed_events(client, world.mayor_token)[uid]
    with app.app_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        mayor.arrival_at = datetime(2027, 6, 13, 12, 0, tzinfo=UTC)
        mayor.arrival_flight = "NH 205"
        db.session.commit()
    after = _feed_events(client, world.mayor_token)[uid]
    assert str(after["SUMMARY"]) == "Arrival: NH 205 at HND"
    assert after.decoded("DTSTART") == datetime(2027, 6, 13, 12, 0, tzinfo=UTC)
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_an_edit_that_is_not_about_travel_keeps_the_sequence(app, world):
    with app.app_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        before = mayor.travel_sequence
        mayor.phone = "+39 0521 000000"
        db.session.commit()
        assert db.session.get(Delegate, world.mayor_id).travel_sequence == before


def test_the_feed_speaks_its_owner_s_language(app, client, world):
    """The interpreter reads French: so do their flights' titles."""
    events = _feed_events(client, world.interpreter_token)
    arrival = events[_flight_uid(app, "arrival", world.interpreter_id)]
    assert str(arrival["SUMMARY"]) == "Arrivée\u00a0: NH 393 à HND"


def test_the_flights_are_on_my_itinerary(client, auth, world):
    auth.user(world.mayor_user_id)
    page = client.get(f"/my/itinerary?festival={world.slug}")
    assert page.status_code == 200
    assert "Arrival: NH 393 at HND" in page.text
    assert "Tokyo International Airport (Tokyo, JP)" in page.text
    assert "Departure from HND" in page.text
