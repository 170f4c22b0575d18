"""The festival form helps (issue #17 item 12): the short name for web
addresses is made from the name when left empty, a city is accepted for the
time zone, and placeholders read as examples, not as values."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from tests import factories

NEW = "/organiser/festivals/new"
FORM = {
    "name": "Fête de la Gastronomie 2027",
    "slug": "",
    "starts_on": "2027-06-14",
    "ends_on": "2027-06-18",
    "timezone": "Asia/Tokyo",
    "host_city": "Tsuruoka",
    "languages": ["en", "ja", "fr"],
}


def _field_error(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error"[^>]*>(.*?)</small>', html, re.S)
    return unescape(match.group(1)).strip() if match else ""


def _input(html: str, field_id: str) -> str:
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    assert tag, field_id
    return unescape(tag.group(0))


def _stored(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Festival.slug, Festival.timezone))
        return [tuple(row) for row in rows]


def test_an_empty_short_name_is_made_from_the_name_and_the_organiser_is_told(app, client, auth):
    auth.organiser()
    response = client.post(NEW, data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/festivals/fete-de-la-gastronomie-2027/"
    assert _stored(app) == [("fete-de-la-gastronomie-2027", "Asia/Tokyo")]
    page = client.get(response.headers["Location"]).text
    assert "made from the name: /festivals/fete-de-la-gastronomie-2027/" in page


def test_a_name_in_japanese_only_gets_a_short_name_from_the_dates(app, client, auth):
    with app.app_context():
        factories.make_festival(slug="festival-2027")
        db.session.commit()
    auth.organiser()
    response = client.post(NEW, data={**FORM, "name": "鶴岡食文化フェスティバル"})
    assert response.status_code == 302
    # festival-2027 is taken: the next free one.
    assert response.headers["Location"] == "/organiser/festivals/festival-2027-2/"
    page = client.get(response.headers["Location"]).text
    assert "made from the dates: /festivals/festival-2027-2/" in page


def test_a_typed_short_name_is_kept_and_an_edit_keeps_the_stored_one(app, client, auth):
    auth.organiser()
    assert client.post(NEW, data={**FORM, "slug": "gastro"}).status_code == 302
    edit = client.get("/organiser/festivals/gastro/edit").text
    # Only a new festival's short name follows its name in the browser.
    assert "data-slug-from" not in _input(edit, "slug")
    response = client.post("/organiser/festivals/gastro/edit", data={**FORM, "slug": "gastro"})
    assert response.status_code == 302
    assert [slug for slug, _zone in _stored(app)] == ["gastro"]


def test_the_new_form_suggests_the_short_name_in_the_browser(client, auth):
    auth.organiser()
    page = client.get(NEW).text
    assert 'data-slug-from="name"' in _input(page, "slug")
    assert "/static/js/festival-form.js" in page
    assert client.get("/static/js/festival-form.js").status_code == 200


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Tokyo", "Asia/Tokyo"),
        ("tokyo", "Asia/Tokyo"),
        ("Paris", "Europe/Paris"),
        ("New York", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"),
        ("東京", "Asia/Tokyo"),
        ("Paris, France", "Europe/Paris"),
        ("asia/tokyo", "Asia/Tokyo"),
    ],
)
def test_a_city_is_accepted_for_the_time_zone(app, client, auth, typed, zone):
    auth.organiser()
    response = client.post(NEW, data={**FORM, "slug": "gastro", "timezone": typed})
    assert response.status_code == 302, _field_error(response.text, "timezone")
    assert _stored(app) == [("gastro", zone)]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Tokio", 'Unknown time zone "Tokio". Did you mean Asia/Tokyo?'),
        ("San", '"San" could be several places: America/Argentina/San_Juan'),
        ("Qwxyz", 'Unknown time zone "Qwxyz": type a large city in the same time zone'),
    ],
)
def test_an_unknown_or_ambiguous_place_is_refused_with_suggestions(
    app, client, auth, typed, message
):
    auth.organiser()
    response = client.post(NEW, data={**FORM, "timezone": typed})
    assert response.status_code == 422
    assert message in _field_error(response.text, "timezone")
    assert f'value="{typed}"' in _input(response.text, "timezone")
    assert _stored(app) == []


def test_placeholders_read_as_examples(client, auth):
    auth.organiser()
    page = client.get(NEW).text
    assert 'placeholder="e.g. Tokyo or Asia/Tokyo"' in _input(page, "timezone")
    assert 'placeholder="e.g. gastronomy-2027"' in _input(page, "slug")
    assert 'placeholder="e.g. Gastronomy Festival 2027"' in _input(page, "name")
    css = client.get("/static/css/app.css").text
    assert re.search(r"input::placeholder[^{]*\{[^}]*font-style: italic", css)
