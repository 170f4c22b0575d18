"""A festival's venues: list, add, edit, delete, with validation at the field."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.programme.models import ProgrammeSession
from tests import factories
from tests.support.queries import queries_per_page
from tests.test_festivals_admin import field_error, input_value

URL = "/organiser/festivals/gastro-2027/venues"
VENUE = {
    "name": "Civic Hall",
    "address": "1-1 Honcho, Tsuruoka",
    "latitude": "38.7275",
    "longitude": "139.8267",
    "capacity": "800",
}


@pytest.fixture
def festival_id(app):
    with app.app_context():
        festival = factories.make_festival(slug="gastro-2027")
        db.session.commit()
        return festival.id


def venues(app) -> list[Venue]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Venue).order_by(Venue.id)))


def test_an_organiser_adds_a_venue(app, client, auth, festival_id):
    auth.organiser()
    assert "No venue yet" in client.get(URL).text
    response = client.post(URL, data=VENUE)
    assert response.status_code == 302
    [venue] = venues(app)
    assert (venue.name, venue.capacity) == ("Civic Hall", 800)
    assert (venue.latitude, venue.longitude) == (38.7275, 139.8267)
    page = client.get(URL).text
    assert "Civic Hall" in page and "38.7275, 139.8267" in page


def test_coordinates_are_optional_and_accept_a_decimal_comma(app, client, auth, festival_id):
    auth.organiser()
    client.post(URL, data={"name": "Market Square", "latitude": "", "longitude": ""})
    client.post(URL, data={"name": "Food Lab", "latitude": "38,742", "longitude": "139,819"})
    first, second = venues(app)
    assert first.latitude is None and first.capacity is None
    assert (second.latitude, second.longitude) == (38.742, 139.819)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"latitude": "91"}, "latitude", "between -90 and 90"),
        ({"longitude": "-181"}, "longitude", "between -180 and 180"),
        ({"longitude": ""}, "longitude", "both the latitude and the longitude"),
        ({"latitude": "north"}, "latitude", "Not a valid float value"),
        ({"capacity": "0"}, "capacity", "1 or more"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_bad_venue_input_is_refused_at_the_field(
    app, client, auth, festival_id, changes, field, message
):
    auth.organiser()
    data = {**VENUE, **changes}
    response = client.post(URL, data=data)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    for name in ("name", "latitude", "longitude", "capacity"):
        assert input_value(response.text, name) == data[name]
    assert venues(app) == []


def test_venue_names_are_unique_within_a_festival(app, client, auth, festival_id):
    with app.app_context():
        factories.make_venue(db.session.get(Festival, festival_id), name="Civic Hall")
        other = factories.make_festival()
        factories.make_venue(other, name="Room A")
        db.session.commit()
    auth.organiser()
    response = client.post(URL, data={**VENUE, "name": "civic  hall"})
    assert response.status_code == 422
    assert "already has a venue with this name" in field_error(response.text, "name")
    # Another festival's venue of the same name is no conflict.
    assert client.post(URL, data={**VENUE, "name": "Room A"}).status_code == 302


def test_an_organiser_edits_a_venue(app, client, auth, festival_id):
    with app.app_context():
        venue = factories.make_venue(db.session.get(Festival, festival_id), name="Room A")
        db.session.commit()
        venue_id = venue.id
    auth.organiser()
    url = f"{URL}/{venue_id}/edit"
    assert input_value(client.get(url).text, "name") == "Room A"
    bad = client.post(url, data={**VENUE, "capacity": "-5"})
    assert bad.status_code == 422
    assert client.post(url, data={**VENUE, "name": "Room A (renamed)"}).status_code == 302
    [venue] = venues(app)
    assert venue.name == "Room A (renamed)"
    # Saving under its own name is no conflict.
    assert client.post(url, data={**VENUE, "name": "Room A (renamed)"}).status_code == 302


def test_deleting_a_venue_keeps_its_sessions_without_a_place(app, client, auth, festival_id):
    with app.app_context():
        festival = db.session.get(Festival, festival_id)
        venue = factories.make_venue(festival, name="Room B")
        factories.make_session(festival, venue=venue)
        db.session.commit()
        venue_id = venue.id
    auth.organiser()
    url = f"{URL}/{venue_id}/delete"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "1 session takes place here" in confirm.text
    assert client.post(url).status_code == 302
    assert venues(app) == []
    with app.app_context():
        session = db.session.scalar(sa.select(ProgrammeSession))
        assert session is not None and session.venue_id is None


def test_a_venue_of_another_festival_is_not_found(app, client, auth, festival_id):
    with app.app_context():
        other = factories.make_festival()
        venue = factories.make_venue(other)
        db.session.commit()
        venue_id = venue.id
    auth.organiser()
    assert client.get(f"{URL}/{venue_id}/edit").status_code == 404
    assert client.post(f"{URL}/{venue_id}/delete").status_code == 404
    assert len(venues(app)) == 1


def test_a_delete_without_csrf_token_is_refused(app, client, auth, festival_id):
    with app.app_context():
        venue = factories.make_venue(db.session.get(Festival, festival_id))
        db.session.commit()
        venue_id = venue.id
    auth.organiser()
    assert client.post(f"{URL}/{venue_id}/delete", csrf=False).status_code == 400
    assert len(venues(app)) == 1


def test_venue_list_queries_do_not_grow(app, client, auth, festival_id):
    auth.organiser()
    counts = []
    for size in (2, 20):
        with app.app_context():
            festival = db.session.get(Festival, festival_id)
            for _ in range(size):
                factories.make_session(festival, venue=factories.make_venue(festival))
            db.session.commit()
        counts += queries_per_page(client, [URL])
    assert counts[0] == counts[1]


def test_wtforms_own_messages_are_in_the_readers_language_read_once(app, client, auth, festival_id):
    """WTForms' own messages come in the page's language, each language's
    catalogue read once per process (Flask-WTF's reads it in every request)."""
    from festival.core import forms

    forms._wtforms_catalogue.cache_clear()
    auth.organiser()
    messages = {}
    for locale in ("en", "fr", "ja"):
        client.post("/language", data={"locale": locale})
        for _ in range(2):
            response = client.post(URL, data={**VENUE, "capacity": "many"})
            assert response.status_code == 422
        messages[locale] = field_error(response.text, "capacity")
    assert "Not a valid integer value." in messages["en"]
    assert "N'est pas un entier valide." in messages["fr"]
    assert "無効な整数です。" in messages["ja"]
    assert forms._wtforms_catalogue.cache_info().misses == 3
