"""Airports: a code or a name becomes one airport, or a clear error at the field.

The list is the `airportsdata` set (about 7,900 airports), so a regional
airport such as Parma's is known; a name is never silently cut to a code.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from festival.registration.airports import (
    AmbiguousAirport,
    UnknownAirport,
    airports,
    resolve_airport,
)
from tests.test_registration_support import accepted_invitation, delegate_by_email, register_head
from tests.test_registration_validation import assert_kept, error_at


def test_the_list_is_the_maintained_data_set() -> None:
    assert len(airports()) > 7000
    assert airports()["PMF"].name == "Parma Airport"
    assert airports()["PMF"].tz == "Europe/Rome"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("HND", "HND"),
        ("hnd", "HND"),
        (" nrt ", "NRT"),
        ("HAN", "HAN"),  # a known code means that airport: Hanoi
        ("Haneda", "HND"),  # not in the official name: an alias
        ("haneda airport", "HND"),
        ("羽田空港", "HND"),
        ("Narita", "NRT"),
        ("Parma", "PMF"),  # the city's only airport
        ("Charles de Gaulle", "CDG"),
        ("Zürich", "ZRH"),  # accents do not matter
        ("Kansai", "KIX"),
        ("HND — Tokyo International Airport (Tokyo, JP)", "HND"),  # a suggestion picked
    ],
)
def test_a_code_or_a_name_finds_the_airport(typed: str, code: str) -> None:
    airport = resolve_airport(typed)
    assert airport is not None and airport.code == code


@pytest.mark.parametrize(("typed", "among"), [("Tokyo", {"HND", "NRT"}), ("Osaka", {"KIX", "ITM"})])
def test_a_name_that_fits_several_airports_is_not_guessed(typed: str, among: set[str]) -> None:
    with pytest.raises(AmbiguousAirport) as several:
        resolve_airport(typed)
    assert among <= {a.code for a in several.value.candidates}


def test_an_unknown_name_is_an_error_and_nothing_typed_is_none() -> None:
    with pytest.raises(UnknownAirport):
        resolve_airport("Atlantis Spaceport")
    assert resolve_airport("") is None
    assert resolve_airport("   ") is None


def test_a_name_is_saved_as_its_airport_with_that_airport_s_time(app, client) -> None:
    invited = accepted_invitation(app)
    response = register_head(
        client, invited, arrival_airport="Haneda", arrival_at="2027-06-13T18:10"
    )
    assert response.status_code == 302, response.text
    head = delegate_by_email(app, "giulia.rossi@parma.example")
    assert head is not None
    assert head.arrival_airport == "HND"
    # 18:10 in Tokyo (UTC+9), not two hours off as Hanoi's zone would make it.
    assert head.arrival_at == datetime(2027, 6, 13, 9, 10, tzinfo=UTC)


def test_parma_s_own_airport_is_accepted(app, client) -> None:
    invited = accepted_invitation(app)
    response = register_head(
        client, invited, departure_airport="PMF", departure_at="2027-06-19T10:00"
    )
    assert response.status_code == 302, response.text
    head = delegate_by_email(app, "giulia.rossi@parma.example")
    assert head is not None and head.departure_airport == "PMF"


def test_an_ambiguous_name_lists_the_choices_at_the_field_and_keeps_the_form(app, client) -> None:
    invited = accepted_invitation(app)
    response = register_head(client, invited, arrival_airport="Tokyo")
    assert response.status_code == 422
    message = error_at(response.text, "arrival_airport")
    assert "Several airports" in message
    assert "HND (Tokyo International Airport" in message and "NRT (Narita" in message
    assert_kept(
        response.text, 'value="Tokyo"', "2027-06-13T15:40", 'value="Giulia"', 'value="Rossi"'
    )
    assert delegate_by_email(app, "giulia.rossi@parma.example") is None


def test_the_airport_understood_is_confirmed_under_the_field(app, client) -> None:
    """Without JavaScript, a page shown again confirms the airport with its zone."""
    invited = accepted_invitation(app)
    # The departure fails, so the page comes back: the arrival is confirmed.
    response = register_head(
        client, invited, arrival_airport="narita", departure_airport="Nowhere Field"
    )
    assert response.status_code == 422
    assert 'value="NRT"' in response.text
    assert "Narita International Airport (Tokyo, JP): times in Asia/Tokyo." in response.text
    assert "Nowhere Field" in error_at(response.text, "departure_airport")


def test_suggestions_as_you_type_are_public_json(client) -> None:
    response = client.get("/airports?q=haneda")
    assert response.status_code == 200
    found = response.get_json()
    assert found[0]["code"] == "HND" and found[0]["tz"] == "Asia/Tokyo"
    assert [a["code"] for a in client.get("/airports?q=parma").get_json()] == ["PMF"]
    assert client.get("/airports?q=").get_json() == []
    assert len(client.get("/airports?q=a").get_json()) <= 10


def test_the_form_asks_for_suggestions(app, client) -> None:
    invited = accepted_invitation(app)
    page = client.get(invited.url).text
    assert 'data-airport-search="/airports"' in page
    assert "js/airport-field.js" in page
    assert 'maxlength="3"' not in page
