"""Defects the hostile-input tests found, each pinned by a plain example."""

from __future__ import annotations

from flask_babel import lazy_gettext
from markupsafe import escape

from tests.test_hostile_input_support import hostile_world, sign_in

SCRIPT = "<script>alert(1)</script>"


def test_a_lazy_message_escapes_the_value_it_quotes(app):
    # flask-babel's lazy strings say they are HTML (python-babel/flask-babel#121):
    # a validation error quoting what was typed reached the page unescaped.
    with app.test_request_context():
        message = lazy_gettext('Unknown time zone "%(zone)s"', zone=SCRIPT)
        assert SCRIPT not in escape(message)
        assert "&lt;script&gt;" in escape(message)


def test_an_unknown_time_zone_is_quoted_escaped_in_its_error(app, client):
    world = hostile_world(app)
    sign_in(client, app, "organiser", world)
    page = client.post(
        f"/organiser/festivals/{world.slug}/edit",
        data={
            "name": "Gastronomy Festival",
            "slug": world.slug,
            "starts_on": "2027-06-14",
            "ends_on": "2027-06-18",
            "timezone": SCRIPT,
            "host_city": "Tsuruoka",
            "languages": ["en"],
        },
    )
    assert page.status_code == 422
    assert SCRIPT not in page.text
    assert "Unknown time zone" in page.text and "&lt;script&gt;" in page.text


def test_a_made_up_language_code_is_named_by_its_code(app):
    # Babel raises UnknownLocaleError (not a ValueError) for a well-formed
    # but unknown code: the session form answered 500 to languages=["aaaa"].
    from festival.core.i18n import language_name

    with app.test_request_context():
        assert language_name("aaaa") == "aaaa"
        assert language_name("x" * 10_000) == "x" * 10_000
        assert language_name("fr") == "Français"


def test_a_nul_in_a_form_field_is_dropped_not_a_500(app, client):
    # PostgreSQL refuses NUL in text: the venue form answered 500.
    world = hostile_world(app)
    sign_in(client, app, "organiser", world)
    response = client.post(
        f"/organiser/festivals/{world.slug}/venues",
        data={"name": "Sake\x00 Hall\x0b", "address": "1-2\x00 Honcho\n2F", "capacity": "80"},
    )
    assert response.status_code == 302
    page = client.get(f"/organiser/festivals/{world.slug}/venues")
    assert "Sake Hall" in page.text and "1-2 Honcho" in page.text


def test_a_nul_in_a_url_is_a_400_not_a_500(app, client):
    world = hostile_world(app)
    sign_in(client, app, "organiser", world)
    assert client.get("/organiser/cities/?q=Par%00ma").status_code == 400
    assert client.get(f"/festivals/{world.slug}%00/programme").status_code == 400
    assert client.get("/organiser/cities/?q=Parma").status_code == 200


def test_a_page_number_past_any_list_is_a_404_not_a_500(app, client):
    # ?page=99999999999999999999 overflowed the OFFSET: a 500 on both databases.
    world = hostile_world(app)
    sign_in(client, app, "organiser", world)
    for page in ("99999999999999999999", "9223372036854775807", "1000001"):
        assert client.get(f"/organiser/cities/?page={page}").status_code == 404
        assert (
            client.get(f"/organiser/festivals/{world.slug}/delegates?page={page}").status_code
            == 404
        )
    assert client.get("/organiser/cities/?page=1").status_code == 200
