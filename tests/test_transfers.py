"""Transfers through the organiser's pages: propose, save, adjust, check, tell.

A Tokyo festival; Parma's mayor and two members land at Haneda on the 13th,
Usuki's delegate at Shonai. Every check the board shows is made to happen,
and the passengers' calendars follow every move of their pickup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from festival.calendar.services import personal_token
from festival.extensions import db
from festival.outbox.models import OutboxMessage
from festival.registration.models import Delegate, DelegateRole
from festival.transfers.models import Escort, Passenger, Transfer, Vehicle, VehicleKind
from tests.factories import make_city, make_delegate, make_delegation, make_festival

LANDING = datetime(2027, 6, 13, 6, 0, tzinfo=UTC)  # 15:00 at Haneda


@dataclass
class World:
    slug: str
    base: str
    mayor_id: int
    member_ids: list[int]
    usuki_id: int
    other_user_id: int
    car_id: int
    van_id: int


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        festival = make_festival(slug="transfers-2027", contact_email="desk@host.example")
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        usuki = make_delegation(festival, make_city(name="Usuki", country_code="JP"))
        other = make_delegation(make_festival(), make_city(name="Lyon"))

        def flying(delegation, minutes, airport="HND", **values):
            return make_delegate(
                delegation,
                arrival_at=LANDING + timedelta(minutes=minutes),
                arrival_airport=airport,
                arrival_flight=f"NH {100 + minutes}",
                **values,
            )

        mayor = flying(
            parma,
            0,
            role=DelegateRole.MAYOR,
            full_name="Michele Guerra",
            languages=["it", "en"],
            locale="it",
        )
        members = [flying(parma, m, languages=["it"], locale="en") for m in (10, 20)]
        usuki_delegate = flying(usuki, 30, "SYO", languages=["ja"], locale="ja")
        stranger = make_delegate(other)
        car = Vehicle(
            festival_id=festival.id,
            label="Car 1",
            kind=VehicleKind.CAR,
            seats=3,
            driver_name="Sato Kenji",
            driver_phone="+81 90 0000 0001",
            driver_language="ja",
            driver_email="sato@drivers.example",
        )
        van = Vehicle(
            festival_id=festival.id,
            label="Van 1",
            kind=VehicleKind.VAN,
            seats=7,
            driver_name="Suzuki Hiroshi",
            driver_language="en",
        )
        db.session.add_all([car, van])
        db.session.commit()
        return World(
            festival.slug,
            f"/organiser/festivals/{festival.slug}/transfers",
            mayor.id,
            [m.id for m in members],
            usuki_delegate.id,
            stranger.user_id,
            car.id,
            van.id,
        )  # fmt: skip


def _plan(client, world, day="2027-06-13") -> None:
    page = client.get(f"{world.base}/propose?day={day}&direction=arrival")
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([^"]+)"', page.text)
    assert fingerprint, page.text
    response = client.post(
        f"{world.base}/propose?day={day}&direction=arrival",
        data={"fingerprint": fingerprint.group(1)},
    )
    assert response.status_code == 302, response.text


def _transfer_of(app, delegate_id: int) -> Transfer:
    with app.app_context():
        passenger = db.session.scalar(
            sa.select(Passenger).where(Passenger.delegate_id == delegate_id)
        )
        transfer = db.session.get(Transfer, passenger.transfer_id)
        db.session.expunge(transfer)
        return transfer


def _pickup_events(client, app, delegate_id: int) -> list[icalendar.Event]:
    with app.app_context():
        token = personal_token(db.session.get(Delegate, delegate_id))
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.data)
    return [e for e in calendar.walk("VEVENT") if "Pickup at" in str(e["SUMMARY"])]


def test_organiser_pages_are_closed_to_others(client, auth, world):
    assert client.get(world.base).status_code == 302  # sign in first
    auth.user(world.other_user_id)
    for page in (
        "",
        "/propose",
        "/vehicles",
        "/escorts",
        "/settings",
        f"/vehicles/{world.car_id}/manifest",
    ):
        assert client.get(world.base + page).status_code == 404, page


def test_the_proposal_is_shown_before_anything_is_saved(app, client, auth, world):
    auth.organiser()
    page = client.get(f"{world.base}/propose?day=2027-06-13&direction=arrival")
    assert page.status_code == 200
    assert "Michele Guerra" in page.text and "Van 1" in page.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Transfer)) == 0
    _plan(client, world)
    parma = _transfer_of(app, world.mayor_id)
    # Parma's three ride together in the van, 60 min after the last lands.
    assert _transfer_of(app, world.member_ids[1]).id == parma.id
    assert parma.vehicle_id == world.van_id
    assert parma.pickup_at == LANDING + timedelta(minutes=20 + 60)
    # Shonai is domestic: 20 minutes from landing to the hall.
    usuki = _transfer_of(app, world.usuki_id)
    assert usuki.airport == "SYO" and usuki.pickup_at == LANDING + timedelta(minutes=50)
    board = client.get(f"{world.base}?day=2027-06-13")
    assert "2 transfers" in board.text and "without a car" not in board.text


def test_the_board_counts_who_still_has_no_car_each_way(app, client, auth, world):
    with app.app_context():
        # Usuki's delegate flies home from Shonai the same evening (21:00 in Tokyo).
        usuki = db.session.get(Delegate, world.usuki_id)
        usuki.departure_at = LANDING + timedelta(hours=6)
        usuki.departure_airport = "SYO"
        db.session.commit()
    auth.organiser()
    board = client.get(f"{world.base}?day=2027-06-13")
    assert "4 arrivals without a car" in board.text
    assert "1 departure without a car" in board.text
    assert "without a car" not in client.get(f"{world.base}?day=2027-06-14").text
    _plan(client, world)  # the arrivals' cars only
    board = client.get(f"{world.base}?day=2027-06-13")
    assert "arrivals without a car" not in board.text
    assert "1 departure without a car" in board.text


def test_a_proposal_made_stale_by_a_change_is_not_saved(app, client, auth, world):
    auth.organiser()
    response = client.post(
        f"{world.base}/propose?day=2027-06-13&direction=arrival", data={"fingerprint": "old"}
    )
    assert response.status_code == 200
    assert "changed meanwhile" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Transfer)) == 0


def test_a_pickup_before_landing_and_a_crowded_car_are_flagged(app, client, auth, world):
    auth.organiser()
    _plan(client, world)
    parma = _transfer_of(app, world.mayor_id)
    response = client.post(
        f"{world.base}/{parma.id}",
        data={"pickup_at": "2027-06-13T15:05", "meeting_point": "Arrivals hall, south exit",
              "vehicle_id": str(world.car_id), "escort_id": "", "interpreter_id": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.text
    page = client.get(f"{world.base}/{parma.id}").text
    assert "Pickup before the flight lands" in page  # the members land at 15:10 and 15:20
    assert "More people than seats" not in page  # three people, three seats
    with app.app_context():
        db.session.add(Escort(festival_id=db.session.get(Transfer, parma.id).festival_id,
                              name="Mori Aiko", languages=["ja"]))  # fmt: skip
        db.session.get(Transfer, parma.id).escort = db.session.scalar(sa.select(Escort))
        db.session.commit()
    page = client.get(f"{world.base}/{parma.id}").text
    assert "More people than seats" in page  # and the escort makes four
    # The driver and the escort speak Japanese; Parma speaks Italian and English.
    assert "No shared language" in page


def test_an_interpreter_in_the_car_clears_the_language_check(app, client, auth, world):
    auth.organiser()
    with app.app_context():  # Parma's van now has a driver who speaks Japanese only
        db.session.get(Vehicle, world.van_id).driver_language = "ja"
        db.session.commit()
    _plan(client, world)
    parma = _transfer_of(app, world.mayor_id)
    assert "No shared language" in client.get(f"{world.base}/{parma.id}").text
    with app.app_context():
        interpreter = make_delegate(
            db.session.get(Delegate, world.mayor_id).delegation,
            role=DelegateRole.INTERPRETER, languages=["it", "ja"],
        )  # fmt: skip
        db.session.get(Transfer, parma.id).interpreter = interpreter
        db.session.commit()
    assert "No shared language" not in client.get(f"{world.base}/{parma.id}").text


def test_a_changed_flight_is_flagged_then_confirmed_and_told(app, client, auth, world):
    auth.organiser()
    _plan(client, world)
    parma = _transfer_of(app, world.mayor_id)
    client.post(
        f"{world.base}/{parma.id}",
        data={"pickup_at": "2027-06-13T16:20", "meeting_point": "", "vehicle_id": str(world.car_id),
              "escort_id": "", "interpreter_id": ""},
    )  # fmt: skip
    with app.app_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        mayor.arrival_at = LANDING + timedelta(minutes=45)
        db.session.commit()
    page = client.get(f"{world.base}/{parma.id}").text
    assert "A flight changed after planning" in page
    response = client.post(f"{world.base}/{parma.id}/confirm-changes")
    assert response.status_code == 302
    assert "A flight changed" not in client.get(f"{world.base}/{parma.id}").text
    with app.app_context():
        told = {m.recipient: m for m in db.session.scalars(sa.select(OutboxMessage))}
        mayor = db.session.get(Delegate, world.mayor_id)
    assert set(told) == {mayor.email, "sato@drivers.example"}
    assert told[mayor.email].locale == "it" or told[mayor.email].locale == "en"
    assert told["sato@drivers.example"].locale == "ja"
    assert "Car 1" in told[mayor.email].text_body and told[mayor.email].html_body
    # A second click tells nobody again.
    client.post(f"{world.base}/{parma.id}/confirm-changes")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2


def test_the_pickup_is_in_the_passenger_s_calendar_and_moves_with_the_car(app, client, auth, world):
    auth.organiser()
    _plan(client, world)
    [before] = _pickup_events(client, app, world.mayor_id)
    assert "Van 1" in str(before["SUMMARY"])
    parma = _transfer_of(app, world.mayor_id)
    client.post(
        f"{world.base}/{parma.id}",
        data={"pickup_at": "2027-06-13T17:00", "meeting_point": "Arrivals hall, gate 3",
              "vehicle_id": str(world.van_id), "escort_id": "", "interpreter_id": ""},
    )  # fmt: skip
    [after] = _pickup_events(client, app, world.mayor_id)
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == datetime(2027, 6, 13, 8, 0, tzinfo=UTC)
    assert str(after["LOCATION"]) == "Arrivals hall, gate 3"
    # Taken off every car: the event stays, cancelled, under the same UID.
    with app.app_context():
        passenger_id = db.session.scalar(
            sa.select(Passenger.id).where(Passenger.delegate_id == world.mayor_id)
        )
    # A garbled target is refused, not read as "off every car".
    move = f"{world.base}/passengers/{passenger_id}/move"
    assert client.post(move, data={"target": "12abc"}).status_code == 400
    assert client.post(move, data={"target": "999999"}).status_code == 404
    with app.app_context():
        assert db.session.get(Passenger, passenger_id).transfer_id == parma.id
    assert (
        client.post(f"{world.base}/passengers/{passenger_id}/move", data={"target": ""}).status_code
        == 302
    )
    [gone] = _pickup_events(client, app, world.mayor_id)
    assert str(gone["UID"]) == str(before["UID"])
    assert str(gone["STATUS"]) == "CANCELLED"
    assert int(gone["SEQUENCE"]) > int(after["SEQUENCE"])


def test_a_vehicle_form_with_bad_input_keeps_what_was_typed(app, client, auth, world):
    auth.organiser()
    response = client.post(
        f"{world.base}/vehicles",
        data={"label": "Car 1", "kind": "car", "seats": "0", "luggage": "2",
              "plate": "庄内 300 あ 12", "driver_name": "Ito Daisuke", "driver_phone": "",
              "driver_email": "", "driver_language": "ja"},
    )  # fmt: skip
    assert response.status_code == 422
    assert re.search(r'id="seats-error"[^>]*>[^<]*1', response.text)
    assert "庄内 300 あ 12" in response.text and "Ito Daisuke" in response.text
    response = client.post(
        f"{world.base}/vehicles",
        data={"label": "Car 1", "kind": "car", "seats": "3", "driver_language": "ja"},
    )
    assert response.status_code == 422 and "Another vehicle has this name." in response.text


def test_the_driver_s_manifest_speaks_the_driver_s_language(app, client, auth, world):
    auth.organiser()
    _plan(client, world)
    with app.app_context():
        db.session.get(Vehicle, world.van_id).driver_language = "ja"
        db.session.commit()
    page = client.get(f"{world.base}/vehicles/{world.van_id}/manifest?day=2027-06-13")
    assert page.status_code == 200 and 'lang="ja"' in page.text
    assert "Michele Guerra" in page.text
    csv = client.get(f"{world.base}/vehicles/{world.van_id}/manifest.csv?day=2027-06-13")
    assert csv.status_code == 200 and csv.headers["Cache-Control"] == "no-store"
    assert "Michele Guerra" in csv.text and "NH 100" in csv.text
    signs = client.get(f"{world.base}/{_transfer_of(app, world.mayor_id).id}/signs")
    assert "Parma" in signs.text and "Michele Guerra" in signs.text


def test_the_board_s_queries_do_not_grow_with_the_day(app, client, auth, world, count_queries):
    auth.organiser()
    _plan(client, world)
    url = f"{world.base}?day=2027-06-13"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        festival_id = db.session.get(Vehicle, world.car_id).festival_id
        delegation = db.session.get(Delegate, world.mayor_id).delegation
        for n in range(6):
            make_delegate(delegation, arrival_at=LANDING + timedelta(minutes=180 + 30 * n),
                          arrival_airport="NRT", arrival_flight=f"JL {n + 1}")  # fmt: skip
        db.session.commit()
        assert festival_id
    _plan(client, world)
    with count_queries() as many:
        page = client.get(url)
    # Six more people in two more cars (18:00 to 19:00, then 19:30 to 20:30).
    assert "4 transfers" in page.text and page.text.count("JL ") == 6
    assert len(many) == len(few)


def test_a_host_interpreter_rides_along_and_their_languages_count(app, client, auth, world):
    """The form offers the host's interpreters beside the delegates who
    interpret; one who speaks Italian clears the language check, one who
    does not leaves it; a bad choice is refused, nothing else lost."""
    from festival.programme.models import HostInterpreter
    from festival.transfers.models import Transfer as TransferRow

    with app.app_context():
        db.session.get(Vehicle, world.van_id).driver_language = "ja"
        festival_id = db.session.get(Vehicle, world.van_id).festival_id
        italian = HostInterpreter(
            festival_id=festival_id, name="Rossi Chiara", languages=["it", "ja"]
        )
        korean = HostInterpreter(festival_id=festival_id, name="Kim Min-ji", languages=["ko", "ja"])
        elsewhere = HostInterpreter(
            festival_id=make_festival().id, name="Far Away", languages=["it"]
        )
        db.session.add_all([italian, korean, elsewhere])
        db.session.commit()
        ids = {"it": italian.id, "ko": korean.id, "elsewhere": elsewhere.id}
    auth.organiser()
    _plan(client, world)
    parma = _transfer_of(app, world.mayor_id)
    url = f"{world.base}/{parma.id}"
    page = client.get(url).text
    assert '<optgroup label="Host interpreters">' in page and "Rossi Chiara" in page
    assert "Far Away" not in page  # another festival's
    assert "No shared language" in page

    def save(choice: str):
        return client.post(
            url,
            data={"pickup_at": "2027-06-13T16:20", "meeting_point": "Gate B",
                  "vehicle_id": str(world.van_id), "escort_id": "", "interpreter_id": choice},
        )  # fmt: skip

    assert save(f"host-{ids['ko']}").status_code == 302
    page = client.get(url).text
    assert "No shared language" in page  # Korean and Japanese: Parma still unheard
    assert (
        f'value="host-{ids["ko"]}" selected' in page or f'selected value="host-{ids["ko"]}"' in page
    )

    assert save(f"host-{ids['it']}").status_code == 302
    assert "No shared language" not in client.get(url).text
    with app.app_context():
        row = db.session.get(TransferRow, parma.id)
        assert (row.host_interpreter_id, row.interpreter_id) == (ids["it"], None)
    assert "Interpreter: Rossi Chiara" in client.get(f"{world.base}?day=2027-06-13").text

    refused = save(f"host-{ids['elsewhere']}")
    assert refused.status_code == 422 and 'value="Gate B"' in refused.text
    assert save("host-x").status_code == 422
    assert save("").status_code == 302
    with app.app_context():
        assert db.session.get(TransferRow, parma.id).host_interpreter_id is None


def _board_rows(page: str) -> dict[int, str]:
    """Each transfer's row of the board, by transfer id."""
    return {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<tr id="transfer-(\d+)".*?</tr>', page, re.DOTALL)
    }


def _edit_flags(page: str) -> list[str]:
    box = re.search(r'<div class="needs-attention-box".*?</ul>', page, re.DOTALL)
    return re.findall(r"<li>(.*?)</li>", box.group(0)) if box else []


def test_the_board_shows_each_car_as_its_own_page_checks_it(app, client, auth, world):
    """The board reads selected columns, the transfer's page whole objects:
    the same checks, people, staff and flights on both."""
    from festival.programme.models import HostInterpreter

    auth.organiser()
    _plan(client, world)
    parma, usuki = _transfer_of(app, world.mayor_id), _transfer_of(app, world.usuki_id)
    with app.app_context():
        festival_id = db.session.get(Vehicle, world.car_id).festival_id
        escort = Escort(festival_id=festival_id, name="Mori Aiko", languages=["ja"])
        staff = HostInterpreter(festival_id=festival_id, name="Rossi Chiara", languages=["it"])
        db.session.add_all([escort, staff])
        parma_row = db.session.get(Transfer, parma.id)
        parma_row.vehicle_id, parma_row.escort = world.car_id, escort  # four people, three seats
        parma_row.pickup_at = LANDING + timedelta(minutes=5)  # before two of them land
        parma_row.host_interpreter = staff
        usuki_row = db.session.get(Transfer, usuki.id)
        usuki_row.vehicle_id = None
        mayor = db.session.get(Delegate, world.mayor_id)
        mayor.arrival_at, mayor.arrival_flight = LANDING + timedelta(minutes=1), "AZ 784"
        db.session.commit()
    board = client.get(f"{world.base}?day=2027-06-13")
    rows = _board_rows(board.text)
    assert set(rows) == {parma.id, usuki.id}
    for transfer_id in rows:
        flags = _edit_flags(client.get(f"{world.base}/{transfer_id}").text)
        shown = re.findall(r'<span class="attention-mark">(.*?)</span>', rows[transfer_id])
        assert shown == flags and flags
    parma_text = rows[parma.id]
    assert "Pickup before the flight lands" in parma_text
    assert "More people than seats" in parma_text and "A flight changed" in parma_text
    assert "Car 1 (3 seats)" in parma_text and "Sato Kenji +81 90 0000 0001" in parma_text
    assert "Escort: Mori Aiko" in parma_text and "Interpreter: Rossi Chiara" in parma_text
    assert "Michele Guerra · Parma · AZ 784 · Sun, Jun 13, 2027, 15:01 (HND)" in parma_text
    assert f'href="{world.base}/{parma.id}"' in parma_text
    assert f'action="{world.base}/{parma.id}/status"' in parma_text
    assert "No vehicle yet" in rows[usuki.id] and "Usuki · NH 130 · " in rows[usuki.id]
    assert "2 on this page need attention" in board.text


def test_the_board_goes_page_by_page(app, client, auth, world):
    auth.organiser()
    _plan(client, world)
    app.config["PER_PAGE"] = 1
    first = client.get(f"{world.base}?day=2027-06-13")
    second = client.get(f"{world.base}?day=2027-06-13&page=2")
    assert len(_board_rows(first.text)) == len(_board_rows(second.text)) == 1
    assert set(_board_rows(first.text)).isdisjoint(_board_rows(second.text))
    assert "2 transfers" in second.text and 'rel="prev"' in second.text
    assert client.get(f"{world.base}?day=2027-06-13&page=3").status_code == 404
    done = next(iter(_board_rows(second.text)))
    with app.app_context():
        db.session.get(Transfer, done).status = "done"
        db.session.commit()
    row = _board_rows(client.get(f"{world.base}?day=2027-06-13&page=2").text)[done]
    assert "Done" in row and "<form" not in row


def test_the_board_writes_flight_times_in_each_reader_s_language(app, client, auth, world):
    """Flight times are kept formatted across requests: per language."""
    auth.organiser()
    _plan(client, world)
    url = f"{world.base}?day=2027-06-13"
    assert "Sun, Jun 13, 2027, 15:00 (HND)" in client.get(url).text
    with client.session_transaction() as session:
        session["locale"] = "fr"
    page = client.get(url).text
    assert "Sun, Jun 13" not in page and "13 juin 2027" in page and "15:00 (HND)" in page
