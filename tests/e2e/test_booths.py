"""Booths in a real browser: a head of delegation applies with a partner
city, the organiser accepts and places the booth, and a visitor finds it on
the floor plan; axe finds nothing serious on the way."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from playwright.sync_api import expect

from festival.auth.services import create_organiser
from festival.booths import services
from festival.extensions import db
from festival.programme.models import SessionType
from tests.e2e.conftest import run_axe
from tests.e2e.scene import login_link
from tests.e2e.support import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    sign_in_organiser,
    sign_in_with_link,
)
from tests.factories import make_city, make_delegate, make_delegation, make_festival, make_session

pytestmark = pytest.mark.e2e


def _exchange(app: Flask) -> dict[str, int | str]:
    with app.app_context():
        create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        festival = make_festival(slug="tsuruoka")
        session = make_session(
            festival,
            title="Inter-city exchange",
            type=SessionType.EXCHANGE,
            starts_at=datetime(2027, 6, 16, 4, 0, tzinfo=UTC),
        )
        services.set_exchange_session(festival, session)
        services.add_hall(festival, "Hall A", 2, 3)
        heads = {}
        for name in ("Parma", "Usuki"):
            delegation = make_delegation(festival, make_city(name=name))
            heads[name] = make_delegate(delegation, is_head=True).user_id
        db.session.commit()
        return {"slug": festival.slug, "session": session.id, **heads}


def test_apply_accept_place_and_find_a_booth(app, browser, live_server, shots):
    world = _exchange(app)
    page = browser.new_page()
    sign_in_with_link(page, live_server + login_link(app, world["Parma"]))
    page.goto(f"{live_server}/festivals/{world['slug']}/my/booth")
    page.get_by_role("button", name="Apply for a booth").click()
    page.get_by_label("Project title").fill("Slow food routes")
    page.get_by_label("Description").fill("Two cities, one market.")
    page.get_by_label("Usuki").check()
    page.get_by_label("Table").check()
    assert run_axe(page) == []
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_text("Your application is sent")).to_be_visible()
    assert run_axe(page) == []
    page.context.clear_cookies()

    sign_in_organiser(page, live_server)
    page.goto(f"{live_server}/organiser/festivals/{world['slug']}/booths")
    assert run_axe(page) == []
    page.get_by_role("link", name="Slow food routes").click()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Save the decision").click()
    page.get_by_label("Hall", exact=True).select_option(label="Hall A (1–6)")
    page.get_by_label("Stand number").fill("5")
    assert run_axe(page) == []
    page.get_by_role("button", name="Save the place").click()
    expect(page.get_by_text("The booth's place is saved.")).to_be_visible()
    page.context.clear_cookies()

    page.goto(f"{live_server}/festivals/{world['slug']}/sessions/{world['session']}")
    page.get_by_role("link", name="Floor plan and every booth").click()
    expect(page.locator(".floor-plan svg")).to_contain_text("Parma")
    expect(page.locator("#booth-1")).to_contain_text("Hall A · 5")
    shots(page, "booths")
    assert run_axe(page) == []
