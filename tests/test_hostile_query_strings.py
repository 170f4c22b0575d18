"""Hostile query strings on every page: no answer is a 5xx.

The route audit (test_route_audit.py) checks who may open each page; this
sweep opens every GET route of the URL map, with real ids of a small
festival (tests/test_hostile_input_support.py), as a visitor, a head of
delegation and an organiser, with query strings a crawler or an attacker
sends: unknown keys, the names ``url_for`` keeps for itself or for the
route's own parameters, huge, negative and overflowing integers and
extreme dates in every key the app reads. Then the concrete URLs that
were 500s, one test each.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask

from tests.test_hostile_input_support import World, get_rules, hostile_world, sign_in, urls_for

ROOT = Path(__file__).resolve().parent.parent

# The query keys the app reads, found in its source so a new one is swept too.
_READ = re.compile(r"""(?:args\.get(?:list)?\(|args\[|get\()\s*["']([a-z_]+)["']""")


def _keys_the_app_reads() -> list[str]:
    keys: set[str] = set()
    for path in (ROOT / "festival").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "args" in text:
            keys.update(_READ.findall(text))
    # The form fields a GET may prefill, and keys the templates pass on.
    keys.update({"venue", "city", "city_ids", "page", "layout", "next", "date", "from", "to"})
    return sorted(keys)


KEYS = _keys_the_app_reads()

# Names that url_for takes for itself, and route parameters of the app.
RESERVED = [
    "endpoint",
    "_method",
    "_external",
    "_anchor",
    "_scheme",
    "_fragment",
    "values",
    "slug",
    "token",
    "session_id",
    "delegate_id",
    "delegation_id",
    "form_id",
    "question_id",
    "invitation_id",
    "item_id",
    "venue_id",
    "city_id",
    "message_id",
    "page",
    "fmt",
]

# Numbers and days, in pairs: a number for every key, the day for the keys
# that hold days. Each pair is a different way to break a view.
NUMBERS_AND_DAYS = [
    ("99999999999999999999", "0001-01-01"),  # past SQLite's integers; before UTC's first day
    ("3000000000", "9999-12-31"),  # past PostgreSQL's integer; no day after
    ("\u00b2", "9999-12-30"),  # "²": isdigit() says yes, int() says no; two days from the end
    ("-9223372036854775809", "10000-01-01"),  # negative and past 64-bit; a five-digit year
]
DATE_KEYS = {"day", "date", "from", "to"}
PAGES = ["-1", "\u00b2", "99999999999999999999"]


def hostile_query_strings() -> list[str]:
    """One query string per kind of hostility, each with every key the app
    reads (twice, for the lists): a date for the date keys, a number for the
    others. Every reserved name goes in one query string (one collision is
    enough for a 500). A huge page is refused before any view runs, so it
    goes alone."""
    unknown = {"zz_unknown": "1", "a[]": "1", "__class__": "x", "": "x"}
    queries = [
        urlencode({**unknown, **{name: "x" for name in RESERVED}}),
        urlencode({name: "1" for name in RESERVED}),
    ]
    for number, day in NUMBERS_AND_DAYS:
        pairs = [(k, day if k in DATE_KEYS else number) for k in KEYS if k != "page"]
        queries.append(urlencode(pairs + pairs))
    queries += [urlencode({"page": value}) for value in PAGES]
    return queries


@pytest.fixture
def world(app: Flask) -> World:
    app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
    return hostile_world(app)


def _server_errors(app: Flask, client, world: World) -> list[str]:
    errors = []
    queries = hostile_query_strings()
    for rule in get_rules(app):
        for url in urls_for(rule, world)[:1]:
            # Pages this user may not open (a sign-in redirect, a 404) are
            # refused before the query string is read.
            if client.get(url).status_code in {302, 404}:
                continue
            for query in queries:
                response = client.get(f"{url}?{query}")
                if response.status_code >= 500:
                    errors.append(f"{response.status_code} {url}?{query[:120]}")
    return errors


@pytest.mark.parametrize("role", ["anonymous", "head", "organiser"])
def test_no_page_answers_a_hostile_query_string_with_a_server_error(app, client, world, role):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(client, app, role, world)
    assert not _server_errors(app, client, world)


def test_the_sweep_reads_the_keys_the_app_reads():
    assert {"day", "venue", "city", "status", "page", "q", "airport", "lang", "sort"} <= set(KEYS)


# --- the URLs that were 500s ---------------------------------------------------

PROGRAMME = "/festivals/hostile/programme"


@pytest.mark.parametrize(
    "query",
    ["layout=x", "slug=x", "_method=x", "endpoint=x", "_external=1", "_anchor=x", "_scheme=x"],
)
def test_the_programme_takes_any_name_in_its_query_string(client, world, query):
    """The page rebuilds its links from the query string: a key named like
    one of url_for's own parameters, or like the route's, is left out."""
    response = client.get(f"{PROGRAMME}?{query}")
    assert response.status_code == 200
    assert f'href="{PROGRAMME}?layout=print"' in response.text
    name = query.split("=")[0]
    if name != "layout":  # the page's own key: the day links keep it
        links = re.findall(r'href="([^"]*)"', response.text)
        assert not [link for link in links if f"{name}=" in link]


@pytest.mark.parametrize("venue", ["99999999999999999999", "3000000000", "\u00b2", "-1"])
def test_a_venue_number_no_row_can_have_means_every_venue(client, world, venue):
    response = client.get(f"{PROGRAMME}?venue={venue}")
    assert response.status_code == 200
    assert "No session matches these filters" not in response.text
    assert "day=2027-06-15" in response.text  # the festival's days, unfiltered


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-30"])
def test_the_organisers_programme_shows_its_first_day_for_a_day_out_of_range(
    app, client, world, day
):
    sign_in(client, app, "organiser", world)
    response = client.get(f"/organiser/festivals/hostile/programme?day={day}")
    assert response.status_code == 200
    assert 'day=2027-06-14" aria-current="page"' in response.text


@pytest.mark.parametrize("night", ["9999-12-31", "9999-12-30", "0001-01-01"])
def test_rooming_for_a_night_out_of_range_shows_the_default_night(app, client, world, night):
    sign_in(client, app, "organiser", world)
    response = client.get(f"/organiser/festivals/hostile/logistics/rooming?day={night}")
    assert response.status_code == 200


@pytest.mark.parametrize("city", ["99999999999999999999", "3000000000", "\u00b2"])
def test_the_delegate_list_ignores_a_city_no_row_can_have(app, client, world, city):
    sign_in(client, app, "organiser", world)
    response = client.get(f"/organiser/festivals/hostile/delegates?city={city}")
    assert response.status_code == 200
    assert "Giulia Rossi" in response.text


def test_inviting_cities_no_row_can_have_is_a_field_error(app, client, world):
    sign_in(client, app, "organiser", world)
    new = "/organiser/festivals/hostile/invitations/new"
    page = client.get(f"{new}?city=99999999999999999999&city=3000000000&city=%C2%B2")
    assert page.status_code == 200
    for city_ids in (["99999999999999999999"], ["3000000000"], ["\u00b2"]):
        response = client.post(
            new,
            data={"city_ids": city_ids, "quota": "4", "deadline": "2027-06-01T12:00", "send": "1"},
        )
        assert response.status_code == 422, city_ids
        assert 'value="4"' in response.text  # the quota typed is kept


@pytest.mark.parametrize("closes_at", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_an_impression_form_closing_at_the_ends_of_the_calendar_is_a_field_error(
    app, client, world, closes_at
):
    sign_in(client, app, "organiser", world)
    form_id = world.ids["form_id"][1]  # festival-wide: no event end to compare with
    response = client.post(
        f"/organiser/festivals/hostile/impressions/forms/{form_id}",
        data={"title": "Closing words", "delay_minutes": "30", "closes_at": closes_at},
    )
    assert response.status_code == 422
    assert "Give a date between 1900-01-01 and 2199-12-31." in response.text
    assert 'value="Closing words"' in response.text


HOSTILE_IDS = ["\u00b2", "99999999999999999999", "3000000000", "-1"]


def test_confirming_ticked_delegates_skips_ids_no_row_can_have(app, client, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(client, app, "organiser", world)
    url = "/organiser/festivals/hostile/delegates/confirm"
    response = client.post(url, data={"delegate": HOSTILE_IDS})
    assert response.status_code == 302
    assert "Tick the delegates to confirm first." in client.get(response.location).text
    pending = world.ids["delegate_id"][1]
    response = client.post(url, data={"delegate": [*HOSTILE_IDS, str(pending)]})
    assert response.status_code == 302
    assert "1 delegate confirmed" in client.get(response.location).text


def test_picking_quotes_skips_ids_and_positions_no_row_can_have(app, client, world):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(client, app, "organiser", world)
    form_id = world.ids["form_id"][0]
    picked = world.ids["response_id"][0]
    url = f"/organiser/festivals/hostile/impressions/forms/{form_id}/quotes"
    data = {"picked": [*HOSTILE_IDS, str(picked)], f"position-{picked}": "\u00b2"}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert "1 quote in the report for this event." in client.get(response.location).text
