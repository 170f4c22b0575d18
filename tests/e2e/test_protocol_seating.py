"""The protocol officer's journey in a real browser: seat a banquet by
precedence, move a guest by hand (forms, no JavaScript needed), print the
place cards; axe finds nothing serious on the way."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect

from festival.auth.services import create_organiser
from festival.extensions import db
from festival.programme.models import SessionType
from festival.protocol.models import CityProtocol
from festival.registration.models import DelegateRole
from tests.e2e.conftest import run_axe
from tests.e2e.support import ORGANISER_EMAIL, ORGANISER_PASSWORD, sign_in_organiser
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)

pytestmark = pytest.mark.e2e


def _banquet(app: Flask) -> dict[str, int | str]:
    with app.app_context():
        create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        festival = make_festival(slug="tsuruoka", host_city="Tsuruoka")
        dinner = make_session(festival, title="Welcome Dinner", type=SessionType.MEAL)
        people = []
        for city, country, reading, names in (
            ("Tsuruoka", "JP", "つるおか", [("Minako Sato", "佐藤 美奈子", DelegateRole.MAYOR)]),
            (
                "Parma",
                "IT",
                "ぱるま",
                [
                    ("Guido Guerra", None, DelegateRole.MAYOR),
                    ("Aiko Mori", "森 愛子", DelegateRole.INTERPRETER),
                ],
            ),
            (
                "Chengdu",
                "CN",
                "せいと",
                [
                    ("WANG Lei", "王磊", DelegateRole.DEPUTY_MAYOR),
                    ("LI Na", "李娜", DelegateRole.OFFICIAL),
                ],
            ),
        ):
            delegation = make_delegation(festival, make_city(name=city, country_code=country))
            db.session.add(
                CityProtocol(festival_id=festival.id, city_id=delegation.city_id, reading=reading)
            )
            for full_name, native, role in names:
                person = make_delegate(
                    delegation,
                    full_name=full_name,
                    native_name=native,
                    role=role,
                    dietary=["vegetarian"] if full_name == "LI Na" else [],
                )
                people.append(person)
        for person in people:
            enrol(dinner, person)
        db.session.commit()
        return {"slug": festival.slug, "session": dinner.id}


def test_seat_a_banquet_move_a_guest_and_print_place_cards(app, browser, live_server, shots):
    world = _banquet(app)
    page = browser.new_page()
    sign_in_organiser(page, live_server)
    page.goto(f"{live_server}/organiser/festivals/{world['slug']}/protocol")
    expect(page.get_by_role("heading", name="Order of precedence")).to_be_visible()
    assert run_axe(page) == []
    page.get_by_role("link", name="Sessions: speaking order, photo, seating").click()
    dinner = page.get_by_role("row").filter(has_text="Welcome Dinner")
    dinner.get_by_role("link", name=re.compile("^Seating plan")).click()
    page.get_by_label("Seats at the head table (or in the first row)").fill("4")
    page.get_by_label("Other tables (or rows)").fill("1")
    page.get_by_label("Seats at each").fill("6")
    page.get_by_role("button", name="Make the tables and seat the guests").click()
    expect(page.get_by_text("Every guest was placed by precedence.")).to_be_visible()
    head = page.locator("section.seating-table").first
    # The host at seat 1, Parma's mayor (ぱるま before せいと) beside her, his interpreter next.
    expect(head.locator("tbody tr").nth(0)).to_contain_text("Minako Sato")
    expect(head.locator("tbody tr").nth(1)).to_contain_text("Guido Guerra")
    expect(head.locator("tbody tr").nth(2)).to_contain_text("Aiko Mori")
    expect(page.get_by_text("Vegetarian")).to_be_visible()
    shots(page, "seated")
    assert run_axe(page) == []

    # By hand: LI Na to the head table, seat 4 (whoever sat there moves to hers).
    page.locator("#move-guest").select_option(label="LI Na")
    page.locator("#table").fill("1")
    page.locator("#seat").fill("4")
    page.get_by_role("button", name="Move (whoever sits there takes the old seat)").click()
    expect(page.get_by_text("Seat changed.")).to_be_visible()
    expect(head.locator("tbody tr").nth(3)).to_contain_text("LI Na")

    page.get_by_role("link", name="Place cards").click()
    cards = page.locator("article.tent-card")
    expect(cards).to_have_count(5)
    host_card = cards.filter(has_text="Minako Sato").locator(".tent-front")
    expect(host_card.locator(".tent-native")).to_have_text("佐藤 美奈子")
    expect(host_card.locator(".tent-name")).to_have_text("Minako Sato")
    native_box = host_card.locator(".tent-native").bounding_box()
    name_box = host_card.locator(".tent-name").bounding_box()
    assert native_box and name_box and native_box["y"] < name_box["y"]  # own script above
    shots(page, "place-cards")
    assert run_axe(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
