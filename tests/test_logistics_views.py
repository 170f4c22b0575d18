"""Logistics pages: what organisers see, print and download."""

from __future__ import annotations

import csv as csv_module
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import ProgrammeSession, SessionStatus, SessionType
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.support.queries import queries_per_page
from tests.support.snapshots import scene

ARRIVAL = datetime(2027, 6, 13, 23, 30, tzinfo=UTC)  # 08:30 on the 14th in Tokyo


def build(app: Flask, delegations: int = 2, slug: str = "gastro") -> dict:
    """A festival whose delegations each bring a mayor, an interpreter and a
    chef. Built once per process and database, then copied back
    (tests/support/snapshots.py) when the tables are empty."""
    return scene(app, f"logistics {slug} {delegations}", lambda: _build(app, delegations, slug))


def _build(app: Flask, delegations: int, slug: str) -> dict:
    with app.app_context():
        festival = make_festival(slug=slug, contact_email="festival@tsuruoka.example")
        lunch = make_session(festival, title="Welcome lunch", type=SessionType.MEAL, venue=None)
        make_session(
            festival,
            title="Cancelled dinner",
            type=SessionType.MEAL,
            status=SessionStatus.CANCELLED,
        )
        ids = {}
        for n in range(delegations):
            city = make_city(name=f"Parma {slug} {n}", country_code="IT")
            group = make_delegation(festival, city)
            mayor = make_delegate(
                group,
                full_name=f"Mayor {n}",
                native_name="鶴岡 太郎" if n == 0 else None,
                role=DelegateRole.MAYOR,
                is_head=True,
                languages=["it"],
                dietary=["vegetarian"],
                allergens=["milk"],
                arrival_at=ARRIVAL,
                arrival_flight="AZ784",
                arrival_airport="NRT",
                departure_at=ARRIVAL + timedelta(days=5),
                departure_flight="AZ785",
                departure_airport="NRT",
                hotel="Hotel Tsuruoka",
                check_in_on=date(2027, 6, 14),
                check_out_on=date(2027, 6, 18),
            )
            make_delegate(
                group,
                full_name=f"Interpreter {n}",
                role=DelegateRole.INTERPRETER,
                languages=["it", "ja"],
                arrival_at=ARRIVAL,
                arrival_flight="AZ784",
                arrival_airport="NRT",
                hotel="Hotel Tsuruoka",
                check_in_on=date(2027, 6, 14),
                check_out_on=date(2027, 6, 18),
                shares_room_with="Chef",
            )
            chef = make_delegate(
                group,
                full_name=f"Chef {n}",
                role=DelegateRole.CHEF,
                languages=["pt"],
                dietary_other="no raw fish",
                needs_room=True,
            )
            make_delegate(
                group, full_name=f"Pending {n}", status=DelegateStatus.PENDING, dietary=["vegan"]
            )
            enrol(lunch, mayor)
            enrol(lunch, chef)
            ids[n] = group.id
        db.session.commit()
        return {"slug": festival.slug, "delegations": ids}


def url(page: str, suffix: str = "", slug: str = "gastro") -> str:
    return f"/organiser/festivals/{slug}/logistics/{page}{suffix}"


def test_arrivals_board_by_day_airport_and_flight(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.get(url("arrivals"))
    assert response.status_code == 200
    page = response.text
    assert "Narita International Airport" in page
    assert "08:30" in page and "AZ784" in page
    assert "Mayor 0" in page and "鶴岡 太郎" in page
    assert "Pending 0" not in page  # pending delegates are not counted by default
    assert "4 people arriving." in page
    assert "2 registrations are still pending" in page


def test_arrivals_can_include_pending_and_filter_a_day(app, client, auth) -> None:
    build(app)
    auth.organiser()
    assert "Mayor 0" in client.get(url("arrivals"), query_string={"day": "2027-06-14"}).text
    other_day = client.get(url("arrivals"), query_string={"day": "2027-06-15"})
    assert "Mayor 0" not in other_day.text and "No arrival on file yet." in other_day.text
    bad = client.get(url("arrivals"), query_string={"day": "14/06/2027"})
    assert bad.status_code == 200  # the default day, the only one with arrivals
    assert "Mayor 0" in bad.text
    with_pending = client.get(url("arrivals"), query_string={"pending": "1"})
    assert "confirmed and pending delegates" in with_pending.text


def test_departures_board(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("departures")).text
    assert "AZ785" in page and "2 people leaving." in page


def test_arrivals_csv_has_a_bom_and_the_festival_times(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.get(url("arrivals", ".csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "gastro-arrivals.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "Time (Asia/Tokyo)" in text
    assert "2027-06-14,08:30,NRT" in text
    assert "鶴岡 太郎" in text


def test_exports_in_xlsx(app, client, auth) -> None:
    build(app)
    auth.organiser()
    for page in ("arrivals", "departures", "rooming", "catering", "interpreters"):
        response = client.get(url(page, ".xlsx"))
        assert response.status_code == 200, page
        book = load_workbook(io.BytesIO(response.data))
        assert book.worksheets[0].max_row >= 2, page
    rooming = load_workbook(io.BytesIO(client.get(url("rooming", ".xlsx")).data))
    assert rooming.sheetnames == ["Rooming list"]  # one table: a section column says which part
    names = [row[3] for row in rooming["Rooming list"].iter_rows(min_row=2, values_only=True)]
    assert "Mayor 0" in names and "Pending 0" not in names


def test_rooming_by_hotel_and_night(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("rooming"), query_string={"day": "all"}).text
    assert "Hotel Tsuruoka" in page
    assert "No hotel yet" in page  # the chefs have none
    # Four guests at the hotel, a room each: the interpreters' "Chef" names
    # nobody of their delegation (their chefs are "Chef 0" and "Chef 1"), so
    # they share with nobody (two interpreters of two cities are no pair).
    assert "4 / 4" in page
    assert "One-sided: Interpreter 0 names Chef, who matches nobody" in page
    csv = client.get(url("rooming", ".csv")).data.decode("utf-8")
    assert "Rooms per night,Hotel Tsuruoka,2027-06-14" + "," * 14 + "4,4" in csv


def test_rooming_takes_the_hotel_from_the_itinerary_when_none_is_set(app, client, auth) -> None:
    from festival.itineraries.models import ItemKind, ItineraryItem

    data = build(app)
    with app.app_context():
        stay = datetime(2027, 6, 13, 15, 0, tzinfo=UTC)
        db.session.add(
            ItineraryItem(
                delegation_id=data["delegations"][0],
                kind=ItemKind.HOTEL,
                title="Ryokan Yutagawa",
                starts_at=stay,
                ends_at=stay + timedelta(days=5),
                all_day=True,
            )
        )
        db.session.commit()
    auth.organiser()
    text = client.get(url("rooming", ".csv")).data.decode("utf-8-sig")
    rows = {row[3]: row[1] for row in csv_module.reader(text.splitlines()) if len(row) > 4}
    assert rows["Chef 0"] == "Ryokan Yutagawa"  # from the delegation's itinerary
    assert rows["Mayor 0"] == "Hotel Tsuruoka"  # their own hotel comes first
    assert rows["Chef 1"] == "No hotel yet"
    everyone = client.get(url("rooming"), query_string={"day": "all"}).text
    assert "hotel from the itinerary" in everyone
    page = client.get(f"/organiser/festivals/gastro/delegations/{data['delegations'][0]}").text
    assert "Ryokan Yutagawa" in page and "(from the itinerary)" in page


def test_catering_counts_chart_and_meals(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.get(url("catering"))
    page = response.text
    assert response.status_code == 200
    assert "<svg" in page and 'class="chart-bar"' in page
    assert " style=" not in page  # the CSP forbids inline styles
    assert "Welcome lunch" in page and "Cancelled dinner" not in page
    assert "no raw fish" in page
    csv = client.get(url("catering", ".csv")).data.decode("utf-8")
    assert "Whole festival,,Dietary,Vegetarian,2" in csv
    # Lunch: two mayors and two chefs enrolled, confirmed.
    assert "Welcome lunch,2027-06-15 10:00,Delegates,,4" in csv
    assert "Welcome lunch,2027-06-15 10:00,Dietary,Vegetarian,2" in csv
    with_pending = client.get(url("catering", ".csv"), query_string={"pending": "1"})
    assert "Whole festival,,Dietary,Vegan,2" in with_pending.data.decode("utf-8")


def test_interpreters_highlight_uncovered_delegations(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("interpreters")).text
    assert "2 delegations need an interpreter from the host" in page
    assert 'class="needs-attention"' in page
    assert "Chef 0" in page
    csv = client.get(url("interpreters", ".csv")).data.decode("utf-8")
    assert "Interpreter 0 (italiano, 日本語)" in csv
    assert "Chef 0 (português)" in csv


@pytest.mark.parametrize("page", ["arrivals", "departures", "rooming", "catering", "interpreters"])
def test_logistics_query_count_does_not_grow_with_the_data(app, client, auth, page) -> None:
    auth.organiser()
    build(app, delegations=1, slug="small")
    build(app, delegations=12, slug="large")
    client.get(url(page, slug="small"))  # warm up: first-request work is not the page's
    memo.clear(app)  # what is kept per version of the data: measured as computed, both times
    small, large = queries_per_page(client, [url(page, slug="small"), url(page, slug="large")])
    assert large == small, (page, small, large)


def test_an_unknown_festival_is_a_404(app, client, auth) -> None:
    auth.organiser()
    assert client.get("/organiser/festivals/nope/logistics/arrivals").status_code == 404


@pytest.mark.parametrize("locale", ["ja", "fr"])
def test_pages_render_in_each_interface_language(app, client, auth, locale) -> None:
    data = build(app)
    auth.organiser()
    client.post("/language", data={"locale": locale, "next": "/"})
    base = "/organiser/festivals/gastro"
    for path in (
        "/logistics/arrivals",
        "/logistics/rooming",
        "/logistics/catering",
        "/logistics/interpreters",
        "/delegations",
        "/delegates",
        f"/delegations/{data['delegations'][0]}",
        f"/delegations/{data['delegations'][0]}/visa-letters",
    ):
        response = client.get(base + path)
        assert response.status_code == 200, (locale, path)
        assert f'<html lang="{locale}"' in response.text
    dates = client.get(base + "/logistics/rooming").text
    assert ("6月14日" if locale == "ja" else "14 juin") in dates
    narita = client.get(base + "/logistics/arrivals", query_string={"airport": "nrt"}).text
    assert (
        "Narita International Airport（NRT）への到着者は4名です。"
        if locale == "ja"
        else "4 personnes arrivent à Narita International Airport (NRT)."
    ) in narita
    assert ("すべての空港" if locale == "ja" else "Tous les aéroports") in narita
    nobody = client.get(base + "/logistics/departures", query_string={"airport": "KIX"}).text
    assert (
        "Kansai International Airport（KIX）から出発する人はどの日にもいません。"
        if locale == "ja"
        else "Personne ne part de Kansai International Airport (KIX), quel que soit le jour."
    ) in nobody


def _meal_row(page: str, title: str) -> str:
    """The catering table's row of a meal ("" when it is not listed)."""
    table = page[page.index('class="meal-counts"') :] if 'class="meal-counts"' in page else ""
    for row in table.split("<tr>"):
        if f"{title} <small" in row:
            return row
    return ""


def test_catering_follows_every_change_behind_it(app, client, auth) -> None:
    """Its counts and charts are kept per version of their data: each kind of
    change made through the app shows on the next view, nothing stale."""
    data = build(app)
    auth.organiser()
    with app.app_context():
        lunch = db.session.scalar(
            sa.select(ProgrammeSession.id).where(ProgrammeSession.title == "Welcome lunch")
        )
        pending = list(
            db.session.scalars(
                sa.select(Delegate.id).where(Delegate.status == DelegateStatus.PENDING)
            )
        )
    base = "/organiser/festivals/gastro"

    def page() -> str:
        return client.get(url("catering")).text

    before = page()
    assert "Vegan" not in before and "2 registrations are still pending" in before
    assert '<td class="num">4</td>' in _meal_row(before, "Welcome lunch")
    # The pending delegates are confirmed: their diet counts, nobody is pending.
    client.post(f"{base}/delegates/confirm", data={"delegate": [str(i) for i in pending]})
    confirmed = page()
    assert "Vegan" in confirmed and "still pending" not in confirmed
    # A whole delegation enrolled at lunch: its interpreter and its newly
    # confirmed member join the mayor and the chef.
    client.post(
        f"{base}/programme/{lunch}/enrol-delegation",
        data={"delegation_id": data["delegations"][0]},
    )
    assert '<td class="num">6</td>' in _meal_row(page(), "Welcome lunch")
    client.post(f"{base}/programme/{lunch}/attendees/{pending[0]}/remove")
    assert '<td class="num">5</td>' in _meal_row(page(), "Welcome lunch")
    # The lunch is cancelled: no longer a meal to cater for.
    client.post(f"{base}/programme/{lunch}/cancel")
    cancelled = page()
    assert _meal_row(cancelled, "Welcome lunch") == ""
    assert "The programme has no meal or tasting yet." in cancelled


def test_interpreters_table_follows_every_change_behind_it(app, client, auth) -> None:
    """The table of delegations is kept per version of its data: a decision
    made through the app shows on the next view, nothing stale."""
    build(app)
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).filter_by(slug="gastro"))
        nairobi = make_delegation(festival, make_city(name="Nairobi", country_code="KE"))
        wanjiru = make_delegate(
            nairobi,
            full_name="Wanjiru Kamau",
            is_head=True,
            languages=["sw"],
            status=DelegateStatus.PENDING,
        ).id
        db.session.commit()
    auth.organiser()
    base = "/organiser/festivals/gastro"

    def table() -> str:
        page = client.get(url("interpreters")).text
        return page[page.index('<table class="interpreters">') :]

    assert "Nairobi" not in table()
    client.post(f"{base}/delegates/{wanjiru}/confirm")
    assert "Nairobi" in table() and "Wanjiru Kamau" in table()
    client.post(f"{base}/delegates/{wanjiru}/decline", data={"decline-reason": "A duplicate."})
    assert "Nairobi" not in table()


@pytest.mark.parametrize("page", ["arrivals", "departures"])
def test_travel_boards_follow_every_change_behind_them(app, client, auth, page) -> None:
    """The boards are kept per version of their data: a decision made
    through the app shows on the next view, nothing stale."""
    build(app)
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).filter_by(slug="gastro"))
        group = make_delegation(festival, make_city(name="Nairobi", country_code="KE"))
        wanjiru = make_delegate(
            group,
            full_name="Wanjiru Kamau",
            is_head=True,
            status=DelegateStatus.PENDING,
            arrival_at=ARRIVAL,
            arrival_flight="KQ886",
            arrival_airport="NRT",
            departure_at=ARRIVAL + timedelta(days=5),
            departure_flight="KQ887",
            departure_airport="NRT",
        ).id
        db.session.commit()
    auth.organiser()
    base = "/organiser/festivals/gastro"

    flight = "KQ886" if page == "arrivals" else "KQ887"

    def board() -> str:
        return client.get(url(page), query_string={"airport": "nrt"}).text

    assert flight not in board()
    client.post(f"{base}/delegates/{wanjiru}/confirm")
    assert flight in board() and "Nairobi, Kenya" in board()
    client.post(f"{base}/delegates/{wanjiru}/decline", data={"decline-reason": "A duplicate."})
    assert flight not in board()


@pytest.mark.parametrize("page", ["arrivals", "rooming", "catering", "interpreters"])
def test_the_pending_notice_follows_a_confirmation(app, client, auth, page) -> None:
    """The count of pending registrations is kept with each page's data: a
    confirmation made through the app shows on the next view."""
    build(app)
    with app.app_context():
        pending = db.session.scalar(
            sa.select(Delegate.id).where(Delegate.status == DelegateStatus.PENDING)
        )
    auth.organiser()
    assert "2 registrations are still pending" in client.get(url(page)).text
    client.post(f"/organiser/festivals/gastro/delegates/{pending}/confirm")
    assert "1 registration is still pending" in client.get(url(page)).text
