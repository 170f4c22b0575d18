"""Ticks kept across filters and pages (#17 item 5), without JavaScript:
the filter, the pages and "tick every city shown" post the picker's form,
and the view carries the ticks (and the quota and deadline) in the address."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.core.view_helpers import MAX_CARRIED_IDS
from festival.extensions import db
from festival.invitations import views
from festival.invitations.models import Invitation
from tests.factories import make_city, make_festival

NEW = "/organiser/festivals/gastro/invitations/new"
FUTURE = (datetime.now(UTC) + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def cities(app):
    with app.app_context():
        make_festival(slug="gastro")
        korean = [make_city(name=f"Korea {n}", country_code="KR").id for n in range(3)]
        portuguese = [make_city(name=f"Portugal {n}", country_code="PT").id for n in range(2)]
        db.session.commit()
        return korean, portuguese


def _ticked(html: str) -> set[int]:
    boxes = re.findall(r'name="city_ids" value="(\d+)" id="city-\d+" checked', html)
    hidden = re.findall(r'type="hidden" name="city_ids" value="(\d+)"', html)
    return {int(i) for i in boxes + hidden}


def _invited(app) -> list[tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Invitation.city_id, Invitation.quota)).all()
        return sorted((city_id, quota) for city_id, quota in rows)


def test_ticks_and_typed_values_survive_a_new_filter(app, client, auth, cities):
    korean, portuguese = cities
    auth.organiser()
    page = client.get(f"{NEW}?country=KR")
    assert page.status_code == 200 and "Korea 0" in page.text

    # Tick a Korean city, type a quota, then filter on Portugal.
    moved = client.post(
        f"{NEW}?country=KR",
        data={
            "country": "PT",
            "q": "",
            "navigate": "filter",
            "city_ids": [korean[0]],
            "quota": "5",
            "deadline": FUTURE,
        },
    )
    assert moved.status_code == 302
    page = client.get(moved.headers["Location"])
    assert "Portugal 0" in page.text and "Korea 0" not in page.text
    assert _ticked(page.text) == {korean[0]}
    assert "1 more city is ticked under another filter or page" in page.text
    assert 'name="quota"' in page.text and 'value="5"' in page.text

    # Tick a Portuguese city too and send: both are invited, with the quota typed.
    sent = client.post(
        moved.headers["Location"],
        data={
            "city_ids": [korean[0], portuguese[1]],
            "quota": "5",
            "deadline": FUTURE,
            "send": "Send invitations",
        },
    )
    assert sent.status_code == 302, sent.text
    assert _invited(app) == sorted([(korean[0], 5), (portuguese[1], 5)])


def test_ticks_survive_pages_and_every_city_shown_can_be_ticked(
    app, client, auth, cities, monkeypatch
):
    monkeypatch.setattr(views, "PICKER_PER_PAGE", 2)
    korean, portuguese = cities
    auth.organiser()
    first = client.get(NEW)
    assert 'name="page" value="2"' in first.text  # pages are buttons of the form

    # "Tick every city shown" (the button without JavaScript) on page 1.
    shown = sorted(int(i) for i in re.findall(r'name="shown" value="(\d+)"', first.text))
    assert len(shown) == 2
    ticked = client.post(NEW, data={"navigate": "tick_shown", "shown": shown})
    assert ticked.status_code == 302
    page = client.get(ticked.headers["Location"])
    assert _ticked(page.text) == set(shown)

    # On to page 3: the ticks of page 1 go along.
    moved = client.post(ticked.headers["Location"], data={"page": "3", "city_ids": shown})
    page3 = client.get(moved.headers["Location"])
    assert "page=3" in moved.headers["Location"]
    assert _ticked(page3.text) == set(shown)
    # The header box for JavaScript, and the script itself (no inline script).
    assert 'data-select-shown="city_ids"' in page3.text and "js/select-shown.js" in page3.text


def test_carried_ticks_are_bounded_and_hostile_ids_are_ignored(app, client, auth, cities):
    auth.organiser()
    too_many = [str(n) for n in range(1, MAX_CARRIED_IDS + 50)] + ["²", "99999999999999"]
    moved = client.post(NEW, data={"navigate": "filter", "city_ids": too_many})
    assert moved.status_code == 302
    assert moved.headers["Location"].count("city=") == MAX_CARRIED_IDS
    page = client.get(moved.headers["Location"])
    assert page.status_code == 200
    assert f"Only {MAX_CARRIED_IDS} ticked cities can be kept" in page.text
    assert client.get(f"{NEW}?city=%C2%B2&city=1&quota=x").status_code == 200


def test_a_send_with_errors_keeps_the_filter_typed_but_not_applied(app, client, auth, cities):
    """Typed in the filter boxes, then "Send" pressed with a bad quota: the
    page with the errors still shows what was typed; the list stays under
    the filter applied (the one in the address)."""
    korean, _portuguese = cities
    auth.organiser()
    answer = client.post(
        f"{NEW}?country=KR",
        data={
            "q": "Portu typed",
            "country": "PT",
            "field": "gastronomy",
            "city_ids": [korean[0]],
            "quota": "many",
            "deadline": FUTURE,
            "send": "Send invitations",
        },
    )
    assert answer.status_code == 422
    assert 'name="q" value="Portu typed"' in answer.text
    assert '<option value="PT" selected>' in answer.text
    assert '<option value="gastronomy" selected>' in answer.text
    assert "Korea 0" in answer.text and "Portugal 0" not in answer.text
    assert _ticked(answer.text) == {korean[0]}
    assert _invited(app) == []
