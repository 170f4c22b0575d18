"""The invited-cities list: access, add, edit, search, filters, query count."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.cities.models import City, CreativeField
from festival.extensions import db
from tests import factories
from tests.test_festivals_admin import field_error, input_value

CITY = {
    "name": "Parma",
    "country_code": "IT",
    "creative_field": "gastronomy",
    "contact_name": "Giulia Rossi",
    "contact_email": "creative.city@parma.example",
    "preferred_language": "en",
    "year_designated": "2015",
}


def cities(app) -> list[City]:
    with app.app_context():
        return list(db.session.scalars(sa.select(City).order_by(City.id)))


@pytest.mark.parametrize(
    "path",
    ["/organiser/cities/", "/organiser/cities/new", "/organiser/cities/import",
     "/organiser/cities/import/template.csv"],
)  # fmt: skip
def test_organisers_only(app, client, auth, path):
    assert client.get(path).headers["Location"].startswith("/login")
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    auth.user(user_id)
    assert client.get(path).status_code == 404
    assert client.post("/organiser/cities/new", data=CITY).status_code == 404
    assert cities(app) == []


def test_the_organiser_menu_links_to_the_cities(client, auth):
    auth.organiser()
    assert 'href="/organiser/cities/"' in client.get("/organiser/").text


def test_an_organiser_adds_a_city(app, client, auth):
    auth.organiser()
    form = client.get("/organiser/cities/new").text
    assert '<option value="JP">Japan</option>' in form
    assert '<option value="crafts_and_folk_art">Crafts and Folk Art</option>' in form
    response = client.post("/organiser/cities/new", data=CITY)
    assert response.status_code == 302
    [city] = cities(app)
    assert (city.name, city.country_code, city.creative_field) == (
        "Parma",
        "IT",
        CreativeField.GASTRONOMY,
    )
    assert (city.contact_email, city.year_designated) == ("creative.city@parma.example", 2015)
    listing = client.get(response.headers["Location"]).text
    assert "Parma" in listing and "Italy" in listing and "Gastronomy" in listing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"contact_email": "giulia@"}, "contact_email", "Invalid email address"),
        ({"name": ""}, "name", "This field is required"),
        ({"country_code": "XX"}, "country_code", "Not a valid choice"),
        ({"creative_field": "cooking"}, "creative_field", "Not a valid choice"),
        ({"year_designated": "15"}, "year_designated", "between 1900 and 2100"),
    ],
)
def test_bad_city_input_is_refused_at_the_field(app, client, auth, changes, field, message):
    auth.organiser()
    data = {**CITY, **changes}
    response = client.post("/organiser/cities/new", data=data)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    for name in ("name", "contact_name", "contact_email", "year_designated"):
        assert input_value(response.text, name) == data[name]
    assert cities(app) == []


def test_a_city_is_unique_by_name_and_country(app, client, auth):
    with app.app_context():
        factories.make_city(name="Parma", country_code="IT")
        db.session.commit()
    auth.organiser()
    response = client.post("/organiser/cities/new", data={**CITY, "name": " parma "})
    assert response.status_code == 422
    assert "Parma (Italy) is already in the list" in field_error(response.text, "name")
    assert input_value(response.text, "contact_email") == CITY["contact_email"]
    assert 'value="IT" selected' in response.text or 'selected value="IT"' in response.text
    # The same name in another country is another city.
    assert (
        client.post("/organiser/cities/new", data={**CITY, "country_code": "US"}).status_code == 302
    )
    assert len(cities(app)) == 2


def test_an_organiser_edits_a_city(app, client, auth):
    with app.app_context():
        city = factories.make_city(name="Parma", country_code="IT")
        other = factories.make_city(name="Alba", country_code="IT")
        db.session.commit()
        city_id, other_id = city.id, other.id
    auth.organiser()
    url = f"/organiser/cities/{city_id}/edit"
    assert input_value(client.get(url).text, "name") == "Parma"
    renamed = {**CITY, "name": "Alba"}
    response = client.post(url, data=renamed)
    assert response.status_code == 422
    assert "already in the list" in field_error(response.text, "name")
    assert client.post(url, data={**CITY, "creative_field": "music"}).status_code == 302
    with app.app_context():
        assert db.session.get(City, city_id).creative_field is CreativeField.MUSIC
        assert db.session.get(City, other_id).name == "Alba"
    assert client.get("/organiser/cities/999999/edit").status_code == 404


@pytest.fixture
def some_cities(app):
    with app.app_context():
        factories.make_city(name="Parma", country_code="IT", contact_email="x@parma.example")
        factories.make_city(name="Alba", country_code="IT", creative_field=CreativeField.MUSIC)
        factories.make_city(name="Tsuruoka", country_code="JP", contact_email="office@yamagata.jp")
        factories.make_city(
            name="Saint-Étienne", country_code="FR", creative_field=CreativeField.DESIGN
        )
        db.session.commit()


def listed(client, query: str = "") -> list[str]:
    import re

    page = client.get("/organiser/cities/" + query).text
    return re.findall(r"<tr>\s*<td>([^<]+)</td>", page)


def test_search_and_filters(client, auth, some_cities):
    auth.organiser()
    assert listed(client) == ["Alba", "Parma", "Saint-Étienne", "Tsuruoka"]
    assert listed(client, "?q=par") == ["Parma"]
    assert listed(client, "?q=yamagata") == ["Tsuruoka"]
    # Case and accents do not matter, on SQLite as on PostgreSQL.
    assert listed(client, "?q=%C3%A9tienne") == ["Saint-Étienne"]
    assert listed(client, "?q=SAINT-ETIENNE") == ["Saint-Étienne"]
    assert listed(client, "?country=IT") == ["Alba", "Parma"]
    assert listed(client, "?country=it&field=music") == ["Alba"]
    assert listed(client, "?field=design") == ["Saint-Étienne"]
    assert listed(client, "?q=100%25") == []
    # Unknown filter values are ignored, not errors.
    assert len(listed(client, "?country=ZZZ&field=cooking")) == 4


def test_country_filter_lists_countries_in_use_in_the_readers_language(client, auth, some_cities):
    auth.organiser()
    page = client.get("/organiser/cities/").text
    assert '<option value="JP" >Japan</option>' in page
    assert 'value="DE"' not in page
    client.post("/language", data={"locale": "fr"})
    page = client.get("/organiser/cities/?country=JP").text
    assert '<option value="JP" selected>Japon</option>' in page
    assert "Italie" in page


def test_the_list_is_paginated(app, client, auth):
    app.config["PER_PAGE"] = 10
    with app.app_context():
        for i in range(25):
            factories.make_city(name=f"City {i:02d}")
        db.session.commit()
    auth.organiser()
    first = listed(client)
    third = listed(client, "?page=3")
    assert len(first) == 10 and len(third) == 5
    assert first[0] == "City 00" and third[-1] == "City 24"
    assert client.get("/organiser/cities/?page=9").status_code == 404


def test_list_query_count_does_not_grow_with_the_cities(app, client, auth, count_queries):
    auth.organiser()
    counts = []
    for total in (5, 50):
        with app.app_context():
            existing = db.session.scalar(sa.select(sa.func.count()).select_from(City))
            fields = list(CreativeField)
            for i in range(existing, total):
                factories.make_city(
                    country_code=["FR", "JP", "IT", "BR", "KR"][i % 5],
                    creative_field=fields[i % len(fields)],
                )
            db.session.commit()
        with count_queries() as statements:
            response = client.get("/organiser/cities/?q=city")
        assert response.status_code == 200
        assert len(listed(client, "?q=city")) == min(total, 50)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_cities_inserted_in_bulk_are_searchable_too(app, client, auth):
    with app.app_context():
        db.session.execute(
            sa.insert(City),
            [
                {"name": "Bistrița", "country_code": "RO", "creative_field": CreativeField.DESIGN},
                {
                    "name": "Óbidos",
                    "country_code": "PT",
                    "creative_field": CreativeField.LITERATURE,
                },
            ],
        )
        db.session.commit()
    auth.organiser()
    assert listed(client, "?q=bistrita") == ["Bistrița"]
    assert listed(client, "?q=obidos") == ["Óbidos"]


@pytest.mark.parametrize(("locale", "japan"), [("ja", "日本"), ("fr", "Japon")])
def test_every_page_renders_in_the_other_languages(app, client, auth, locale, japan):
    with app.app_context():
        festival = factories.make_festival(slug="gastro-2027")
        venue = factories.make_venue(festival)
        city = factories.make_city(name="Tsuruoka", country_code="JP")
        db.session.commit()
        venue_id, city_id = venue.id, city.id
    auth.organiser()
    client.post("/language", data={"locale": locale})
    pages = [
        "/organiser/",
        "/organiser/festivals/new",
        "/organiser/festivals/gastro-2027/",
        "/organiser/festivals/gastro-2027/edit",
        "/organiser/festivals/gastro-2027/venues",
        f"/organiser/festivals/gastro-2027/venues/{venue_id}/edit",
        f"/organiser/festivals/gastro-2027/venues/{venue_id}/delete",
        "/organiser/cities/",
        "/organiser/cities/new",
        f"/organiser/cities/{city_id}/edit",
        "/organiser/cities/import",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert f'<html lang="{locale}">' in response.text
    assert japan in client.get("/organiser/cities/").text
