"""The transport desk in a real browser: plan a day's arrivals from the
proposal, open a transfer, print the driver's manifest and the arrivals hall
sign; axe finds nothing serious on the transfer pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from festival.extensions import db
from festival.registration.models import Delegate, Delegation
from festival.transfers.models import Escort, Vehicle, VehicleKind
from tests.e2e.conftest import run_axe
from tests.e2e.scene import at, build_scene
from tests.e2e.support import sign_in_organiser

pytestmark = pytest.mark.e2e


def test_the_desk_plans_a_day_s_arrivals_and_prints_a_manifest(app, live_server, page, shots):
    scene = build_scene(app)
    with app.app_context():
        parma = db.session.get(Delegation, scene.parma_id)
        festival = parma.festival
        day = festival.starts_on
        # Parma's people land at Haneda within the hour; the head already has a flight.
        for n, person in enumerate(
            db.session.scalars(sa.select(Delegate).where(Delegate.delegation_id == parma.id))
        ):
            person.arrival_at = at(day, 9, 40) + timedelta(minutes=10 * n)
            person.arrival_airport, person.arrival_flight = "HND", f"NH {393 + n}"
        db.session.add_all(
            [
                Vehicle(festival_id=festival.id, label="Van 1", kind=VehicleKind.VAN, seats=7,
                        plate="庄内 300 あ 1201", driver_name="Suzuki Hiroshi",
                        driver_phone="+81 90 1234 5601", driver_language="ja"),
                Escort(festival_id=festival.id, name="Claire Dubois", languages=["fr", "it", "en"]),
            ]
        )  # fmt: skip
        db.session.commit()
        slug = festival.slug
    base = f"{live_server}/organiser/festivals/{slug}/transfers"
    sign_in_organiser(page, live_server)

    page.goto(f"{base}?day={day.isoformat()}")
    expect(
        page.get_by_text("arrival without a car").or_(page.get_by_text("arrivals without a car"))
    ).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="arrivals without a car").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposed transfers")
    expect(page.locator("main")).to_contain_text("Michele Guerra")
    expect(page.locator("main")).to_contain_text("Van 1")
    assert run_axe(page) == []
    shots(page, "proposal")
    page.get_by_role("button", name="Save 1 transfer").click()
    expect(page.locator(".flash")).to_contain_text("1 transfer planned")
    expect(page.locator("main")).to_contain_text("Giulia Ferrari")
    shots(page, "board")

    page.locator("td.time a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HND")
    page.get_by_label("Escort").select_option(label="Claire Dubois")
    page.get_by_role("button", name="Save the transfer").click()
    expect(page.locator(".flash")).to_contain_text("The transfer is saved")
    assert run_axe(page) == []

    page.get_by_role("link", name="The driver's manifest").click()
    expect(page.locator("main [lang=ja]")).to_be_visible()  # the driver reads Japanese
    expect(page.locator("main")).to_contain_text("Michele Guerra")
    expect(page.locator("main")).to_contain_text("NH 393")
    page.emulate_media(media="print")
    shots(page, "manifest-printed")
    page.emulate_media(media="screen")
    assert run_axe(page) == []

    page.go_back()
    page.get_by_role("link", name="Arrivals hall signs").click()
    expect(page.locator(".sign-city")).to_have_text("Parma")
    shots(page, "sign")
