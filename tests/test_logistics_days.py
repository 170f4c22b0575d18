"""Logistics pages one day (or night) at a time: day links, counts, "all days"
for printing, and downloads that keep every row."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from festival.core import memo
from festival.extensions import db
from festival.programme.models import SessionType
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.support.snapshots import scene

# Local days in Tokyo (UTC+9): 23:30 UTC on the 13th is 08:30 on the 14th.
DAY1 = datetime(2027, 6, 13, 23, 30, tzinfo=UTC)
DAY2 = datetime(2027, 6, 15, 2, 0, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")


def build(app: Flask, slug: str = "days", per_day: tuple[int, int] = (2, 3)) -> None:
    """``per_day`` arrivals on the 14th and 15th; each stays until the 18th.
    Built once per process and database, then copied back
    (tests/support/snapshots.py) when the tables are empty."""
    scene(app, f"days {slug} {per_day}", lambda: _build(app, slug, per_day))


def _build(app: Flask, slug: str, per_day: tuple[int, int]) -> None:
    with app.app_context():
        festival = make_festival(slug=slug)
        first = make_session(festival, title="First lunch", type=SessionType.MEAL, venue=None)
        second = make_session(
            festival,
            title="Second dinner",
            type=SessionType.MEAL,
            venue=None,
            starts_at=datetime(2027, 6, 16, 10, 0, tzinfo=UTC),
        )
        for day, (at, count) in enumerate(zip((DAY1, DAY2), per_day, strict=True), start=1):
            city = make_city(name=f"City {slug} {day}", country_code="IT")
            group = make_delegation(festival, city)
            for n in range(count):
                delegate = make_delegate(
                    group,
                    full_name=f"Day{day} Person {n}",
                    role=DelegateRole.CHEF,
                    languages=["pt"],
                    dietary=["vegan"] if day == 2 else [],
                    arrival_at=at,
                    arrival_airport="NRT",
                    arrival_flight=f"AZ{day}",
                    departure_at=datetime(2027, 6, 18, 3, 0, tzinfo=UTC),
                    hotel="Hotel Tsuruoka",
                    needs_room=True,
                )
                enrol(first if day == 1 else second, delegate)
        db.session.commit()


def url(page: str, suffix: str = "", slug: str = "days") -> str:
    return f"/organiser/festivals/{slug}/logistics/{page}{suffix}"


def nav(text: str, label: str) -> str:
    """The links of the page's <nav aria-label="label">."""
    found = re.search(rf'<nav[^>]*aria-label="{label}">(.*?)</nav>', text, re.S)
    assert found, label
    return found.group(1)


def names(text: str, prefix: str) -> set[str]:
    return set(re.findall(rf"{prefix} Person \d", text))


def test_arrivals_show_the_first_day_by_default_with_day_links(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("arrivals")).text
    assert names(page, "Day1") == {"Day1 Person 0", "Day1 Person 1"}
    assert not names(page, "Day2")
    assert "2 people arriving." in page
    # A link per day with its count, the chosen one marked, and "all days".
    links = re.findall(
        r'href="([^"]*day=[^"]*)"[^>]*>([^<]*)<small class="count">([^<]*)', nav(page, "Days")
    )
    assert [(h.split("day=")[1][:10], c) for h, _label, c in links] == [
        ("2027-06-14", "2 people"),
        ("2027-06-15", "3 people"),
    ]
    assert 'day=2027-06-14" aria-current="page"' in page
    assert "day=all" in page and "All days (for printing)" in page


def test_arrivals_one_chosen_day_and_all_days(app, client, auth) -> None:
    build(app)
    auth.organiser()
    second = client.get(url("arrivals"), query_string={"day": "2027-06-15", "pending": "1"})
    assert second.status_code == 200
    assert names(second.text, "Day2") == {f"Day2 Person {n}" for n in range(3)}
    assert not names(second.text, "Day1")
    assert "3 people arriving." in second.text
    # The other filters stay in the day links.
    assert "day=2027-06-14&amp;pending=1" in second.text or "pending=1&amp;day=2027-06-14" in (
        second.text
    )
    everyone = client.get(url("arrivals"), query_string={"day": "all"}).text
    assert len(names(everyone, "Day1") | names(everyone, "Day2")) == 5
    assert "5 people arriving." in everyone


@pytest.mark.parametrize("bad", ["tomorrow", "2027-13-40", "9999-12-31", "0001-01-01", "'"])
def test_a_bad_day_falls_back_to_the_default(app, client, auth, bad) -> None:
    build(app)
    auth.organiser()
    for page in ("arrivals", "departures", "rooming", "catering"):
        response = client.get(url(page), query_string={"day": bad})
        assert response.status_code == 200, (page, bad)
    arrivals = client.get(url("arrivals"), query_string={"day": bad}).text
    assert names(arrivals, "Day1") and not names(arrivals, "Day2")


def test_arrivals_default_to_today_when_people_travel_today(app, client, auth) -> None:
    # Noon today in the festival's zone (the factory's festival is in Tokyo).
    today = datetime.now(ZoneInfo("Asia/Tokyo")).replace(hour=12, minute=0, second=0)
    with app.app_context():
        festival = make_festival(slug="today")
        group = make_delegation(festival, make_city(name="Todayville", country_code="IT"))
        make_delegate(group, full_name="Early Bird", arrival_at=today - timedelta(days=3))
        make_delegate(group, full_name="Right Now", arrival_at=today)
        db.session.commit()
    auth.organiser()
    page = client.get(url("arrivals", slug="today")).text
    assert "Right Now" in page and "Early Bird" not in page


def test_exports_keep_every_day_whatever_the_day_asked(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("arrivals"), query_string={"day": "2027-06-15"}).text
    assert "arrivals.csv?day" not in page  # the download links leave the day out
    for query in ({}, {"day": "2027-06-15"}):
        text = client.get(url("arrivals", ".csv"), query_string=query).data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))[1:]
        assert len(rows) == 5, query
    book = load_workbook(io.BytesIO(client.get(url("rooming", ".xlsx")).data))
    sections = [row[0] for row in book["Rooming list"].iter_rows(min_row=2, values_only=True)]
    assert sections.count("Guest") == 5
    catering = client.get(url("catering", ".csv"), query_string={"day": "2027-06-15"})
    text = catering.data.decode("utf-8")
    assert "First lunch" in text and "Second dinner" in text


def test_rooming_one_night_at_a_time(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("rooming")).text  # the first night: the 14th
    assert "Checking in for this night" in page
    assert names(page, "Day1") == {"Day1 Person 0", "Day1 Person 1"}
    assert not names(page, "Day2")
    links = re.findall(r'day=(\d{4}-\d\d-\d\d)"[^>]*>[^<]*<small class="count">([^<]*)', page)
    assert links == [
        ("2027-06-14", "2 guests"),
        ("2027-06-15", "5 guests"),
        ("2027-06-16", "5 guests"),
        ("2027-06-17", "5 guests"),
    ]
    second = client.get(url("rooming"), query_string={"day": "2027-06-15"}).text
    assert names(second, "Day2") and not names(second, "Day1")  # only the check-ins
    last = client.get(url("rooming"), query_string={"day": "2027-06-17"}).text
    assert "Checking out the next morning" in last
    assert len(names(last, "Day1") | names(last, "Day2")) == 5
    everyone = client.get(url("rooming"), query_string={"day": "all"}).text
    assert len(names(everyone, "Day1") | names(everyone, "Day2")) == 5


def test_a_rooming_night_loads_only_the_guests_it_lists(app, client, auth, monkeypatch) -> None:
    from festival.logistics import queries

    build(app, per_day=(2, 30))
    loaded: list[int] = []
    real_guests = queries.night_guests

    def night_guests(*args, **kwargs):
        found = real_guests(*args, **kwargs)
        loaded.append(len(found))
        return found

    monkeypatch.setattr(queries, "night_guests", night_guests)
    auth.organiser()
    page = client.get(url("rooming")).text  # the 14th: two check-ins of 32 guests
    assert "32 guests need a room." in page
    assert names(page, "Day1") == {"Day1 Person 0", "Day1 Person 1"} and not names(page, "Day2")
    assert sum(loaded) == 2  # the 30 others are counted in SQL, not loaded


def test_a_rooming_night_takes_hotels_from_the_itineraries(app, client, auth) -> None:
    from festival.itineraries.models import ItemKind, ItineraryItem
    from festival.registration.models import Delegate

    build(app)
    with app.app_context():
        day1 = {d.full_name: d for d in db.session.scalars(sa.select(Delegate))}
        stay = datetime(2027, 6, 13, 15, 0, tzinfo=UTC)
        for name in ("Day1 Person 0", "Day1 Person 1"):
            day1[name].hotel = None
        items = [
            ("Ryokan Own", day1["Day1 Person 0"].id),  # the delegate's own stay...
            ("Ryokan Shared", None),  # ...comes before the delegation's
        ]
        for title, delegate_id in items:
            db.session.add(
                ItineraryItem(
                    delegation_id=day1["Day1 Person 0"].delegation_id,
                    delegate_id=delegate_id,
                    kind=ItemKind.HOTEL,
                    title=title,
                    starts_at=stay,
                    ends_at=stay + timedelta(days=4),
                    all_day=True,
                )
            )
        db.session.commit()
    auth.organiser()
    page = client.get(url("rooming")).text
    hotels = re.findall(r'<tr ><th scope="row">([^<]*)</th><td class="num">(\d+)</td>', page)
    assert hotels == [("Ryokan Own", "1"), ("Ryokan Shared", "1")]
    assert "hotel from the itinerary" in page
    later = client.get(url("rooming"), query_string={"day": "2027-06-16"}).text
    hotels = re.findall(r'<tr ><th scope="row">([^<]*)</th><td class="num">(\d+)</td>', later)
    assert hotels == [("Hotel Tsuruoka", "3"), ("Ryokan Own", "1"), ("Ryokan Shared", "1")]


def test_catering_one_day_keeps_the_festival_summary(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("catering")).text  # the first day with a meal: the 15th
    assert "First lunch" in page and "Second dinner" not in page
    assert "Whole festival" in page
    later = client.get(url("catering"), query_string={"day": "2027-06-16"}).text
    assert "Second dinner" in later and "First lunch" not in later
    assert "Whole festival" in later
    everyone = client.get(url("catering"), query_string={"day": "all"}).text
    assert "First lunch" in everyone and "Second dinner" in everyone


def test_interpreters_in_pages_with_everyone_for_printing(app, client, auth) -> None:
    with app.app_context():
        festival = make_festival(slug="many")
        for n in range(105):
            group = make_delegation(festival, make_city(name=f"Town {n:03}", country_code="BR"))
            make_delegate(group, full_name=f"Cook {n}", languages=["pt"])
        db.session.commit()
    auth.organiser()
    first = client.get(url("interpreters", slug="many")).text
    # Fifty delegations a page (the page also shows a day's sessions).
    assert "Town 000" in first and "Town 049" in first and "Town 050" not in first
    assert "105 delegations need an interpreter from the host" in first
    third = client.get(url("interpreters", slug="many"), query_string={"page": "3"}).text
    assert "Town 100" in third and "Town 099" not in third
    assert "105 delegations need an interpreter from the host" in third
    everyone = client.get(url("interpreters", slug="many"), query_string={"page": "all"}).text
    assert "Town 000" in everyone and "Town 104" in everyone
    csv_text = client.get(url("interpreters", ".csv", slug="many")).data.decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 106


@pytest.mark.parametrize("page", ["arrivals", "rooming", "catering"])
def test_day_view_query_count_does_not_grow_with_the_data(
    app, client, auth, count_queries, page
) -> None:
    auth.organiser()
    build(app, slug="small", per_day=(1, 1))
    build(app, slug="large", per_day=(9, 14))
    query = {"day": "2027-06-15"}
    client.get(url(page, slug="small"), query_string=query)
    memo.clear(app)  # what is kept per version of the data: measured as computed, both times
    with count_queries() as small:
        assert client.get(url(page, slug="small"), query_string=query).status_code == 200
    with count_queries() as large:
        assert client.get(url(page, slug="large"), query_string=query).status_code == 200
    assert len(large) == len(small), (page, len(small), len(large))


@pytest.mark.parametrize("page", ["arrivals", "rooming", "catering", "interpreters"])
def test_day_views_are_for_organisers_only(app, client, auth, page) -> None:
    build(app)
    query = {"day": "all", "page": "all"}
    anonymous = client.get(url(page), query_string=query)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    with app.app_context():
        from festival.registration.models import Delegate

        user_id = db.session.scalars(sa.select(Delegate.user_id).limit(1)).first()
    auth.user(user_id)
    response = client.get(url(page), query_string=query)
    assert response.status_code == 404 and "Person" not in response.text


# -- one airport at a time ----------------------------------------------------------

# (local day in Tokyo, airport as stored, how many) for the "air" festival.
AIR = [
    (DAY1, "NRT", 3),
    (DAY1, "HND", 1),
    (DAY1, "hnd", 1),  # stored in lower case: still Haneda
    (DAY1, None, 1),  # no airport given: only under "All airports"
    (DAY2, "NRT", 1),
    (DAY2, "HND", 4),
]


def build_airports(app: Flask, slug: str = "air", scale: int = 1) -> None:
    """Arrivals as in AIR (times ``scale``), departures on the 18th through
    the same airports, and one pending arrival at Haneda on the 14th."""
    with app.app_context():
        festival = make_festival(slug=slug)
        group = make_delegation(festival, make_city(name=f"Airville {slug}", country_code="IT"))
        for at, code, count in AIR:
            tag = f"{code or 'NONE'}{at.astimezone(TOKYO).day}"
            for n in range(count * scale):
                make_delegate(
                    group,
                    full_name=f"{tag} Person {n}",
                    arrival_at=at,
                    arrival_airport=code,
                    arrival_flight="NH1",
                    departure_at=datetime(2027, 6, 18, 3, 0, tzinfo=UTC),
                    departure_airport=code,
                )
        make_delegate(
            group,
            full_name="Pending Person 0",
            status=DelegateStatus.PENDING,
            arrival_at=DAY1,
            arrival_airport="HND",
        )
        db.session.commit()


def links(text: str, label: str) -> list[tuple[str, str, str]]:
    """(href, label, count) of each link in the nav called ``label``."""
    found = re.findall(
        r'<a href="([^"]*)"[^>]*>([^<]*?)\s*(?:<small class="count">([^<]*)</small>)?</a>',
        nav(text, label),
    )
    return [(href.replace("&amp;", "&"), name.strip(), count) for href, name, count in found]


def test_arrivals_of_one_airport_with_airport_and_day_links(app, client, auth) -> None:
    build_airports(app)
    auth.organiser()
    page = client.get(url("arrivals", slug="air"), query_string={"airport": "nrt"}).text
    # The first day (the 14th), Narita's three only, named in the lead.
    assert names(page, "NRT14") == {f"NRT14 Person {n}" for n in range(3)}
    assert (
        not names(page, "HND14")
        | names(page, "hnd14")
        | names(page, "NONE14")
        | names(page, "NRT15")
    )
    assert "3 people arriving at Narita International Airport (NRT)." in page
    # The day's airports with their counts (Haneda whatever the case stored),
    # the chosen one marked; every link keeps the day.
    airports = links(page, "Airports")
    assert [(name, count) for _href, name, count in airports] == [
        ("All airports", ""),
        ("HND", "2"),
        ("NRT", "3"),
    ]
    assert all("day=2027-06-14" in href for href, _name, _count in airports)
    assert "airport=" not in airports[0][0]
    assert 'title="Narita International Airport" aria-current="page">NRT' in page
    # The day links count Narita's people and keep the airport (as read: upper case).
    days = links(page, "Days")
    assert [(name.split()[-1], count) for _h, name, count in days[:2]] == [
        ("14", "3 people"),
        ("15", "1 person"),
    ]
    assert all("airport=NRT" in href for href, _name, _count in days)
    # The pending box keeps the airport when sent.
    assert '<input type="hidden" name="airport" value="NRT">' in page


def test_the_airport_links_keep_the_day_and_the_pending_filter(app, client, auth) -> None:
    build_airports(app)
    auth.organiser()
    query = {"day": "2027-06-15", "pending": "1", "airport": "HnD"}
    page = client.get(url("arrivals", slug="air"), query_string=query).text
    assert names(page, "HND15") == {f"HND15 Person {n}" for n in range(4)}
    assert not names(page, "NRT15") | names(page, "HND14")
    assert "4 people arriving at Tokyo International Airport (HND)." in page
    for href, _name, _count in links(page, "Airports") + links(page, "Days"):
        assert "pending=1" in href, href
    for href, _name, _count in links(page, "Airports"):
        assert "day=2027-06-15" in href, href
    # With the pending one, Haneda has three on the 14th.
    first = client.get(url("arrivals", slug="air"), query_string={**query, "day": "2027-06-14"})
    assert ("HND", "3") in [(name, count) for _h, name, count in links(first.text, "Airports")]
    assert "Pending Person 0" in first.text
    # Without an airport, "All airports" is the marked link and everyone of the day shows.
    everyone = client.get(url("arrivals", slug="air"), query_string={"day": "2027-06-14"}).text
    assert "6 people arriving." in everyone
    assert names(everyone, "NONE14") == {"NONE14 Person 0"}
    assert 'aria-current="page">All airports' in everyone


def test_departures_by_airport_and_all_days(app, client, auth) -> None:
    build_airports(app)
    auth.organiser()
    page = client.get(url("departures", slug="air"), query_string={"airport": "HND"}).text
    assert "6 people leaving from Tokyo International Airport (HND)." in page
    assert not names(page, "NRT14")
    assert len(names(page, "HND14") | names(page, "hnd14") | names(page, "HND15")) == 6
    every_day = client.get(
        url("arrivals", slug="air"), query_string={"day": "all", "airport": "NRT"}
    ).text
    assert "4 people arriving at Narita International Airport (NRT)." in every_day
    airports = links(every_day, "Airports")
    assert [(name, count) for _h, name, count in airports][1:] == [("HND", "6"), ("NRT", "4")]
    assert all("day=all" in href for href, _name, _count in airports)


def test_an_airport_with_nobody_that_day_says_so(app, client, auth) -> None:
    build_airports(app)
    auth.organiser()
    query = {"day": "2027-06-14", "airport": "kix"}
    response = client.get(url("arrivals", slug="air"), query_string=query)
    assert response.status_code == 200
    page = response.text
    assert not re.search(r"(NRT|HND|NONE)1\d Person", page)
    assert "0 people arriving at Kansai International Airport (KIX)." in page
    assert "Nobody arrives at Kansai International Airport (KIX) on " in page
    # The chosen airport still shows, marked, with its zero.
    assert ("KIX", "0") in [(name, count) for _h, name, count in links(page, "Airports")]
    assert 'aria-current="page">KIX' in page
    # No day at all for it: every day, nobody, said so.
    never = client.get(url("departures", slug="air"), query_string={"airport": "KIX"})
    assert never.status_code == 200
    assert "Nobody leaves from Kansai International Airport (KIX) on any day." in never.text


@pytest.mark.parametrize(
    "bad",
    [
        "QQQ",
        "NRTT",
        "N" * 5000,
        "<script>alert(1)</script>",
        '"><b>x</b>',
        "ＮＲＴ",
        "",
        "   ",
    ],
)
def test_a_bad_airport_means_every_airport(app, client, auth, bad) -> None:
    build_airports(app)
    auth.organiser()
    for page in ("arrivals", "departures"):
        response = client.get(url(page, slug="air"), query_string={"airport": bad})
        assert response.status_code == 200, (page, bad)
        assert "<script>alert(1)" not in response.text and "<b>x</b>" not in response.text
        assert "\x00" not in response.text
        assert 'aria-current="page">All airports' in response.text
    arrivals = client.get(url("arrivals", slug="air"), query_string={"airport": bad}).text
    assert "6 people arriving." in arrivals


def test_a_nul_in_the_airport_is_refused_not_an_error(app, client, auth) -> None:
    build_airports(app)
    auth.organiser()
    # A NUL anywhere in a query string is a 400 for the whole app (core.incoming).
    for raw in ("%00", "NRT%00", "%00%3Cscript%3E"):
        response = client.get(url("arrivals", slug="air") + "?day=2027-06-14&airport=" + raw)
        assert response.status_code == 400, raw
        assert "<script>" not in response.text and "\x00" not in response.text
    # Bytes that are not UTF-8 are read as something else: every airport.
    for raw in ("%C0%80", "%FF", "%25%30%30", "N%0AR"):
        response = client.get(url("arrivals", slug="air") + "?day=2027-06-14&airport=" + raw)
        assert response.status_code == 200, raw
        assert "6 people arriving." in response.text, raw


def test_downloads_ignore_the_airport(app, client, auth) -> None:
    build_airports(app)
    auth.organiser()
    page = client.get(url("arrivals", slug="air"), query_string={"airport": "NRT"}).text
    assert "arrivals.csv?airport" not in page and "arrivals.xlsx?airport" not in page
    text = client.get(
        url("arrivals", ".csv", slug="air"), query_string={"airport": "NRT", "day": "2027-06-15"}
    ).data.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))[1:]) == 11
    book = load_workbook(
        io.BytesIO(
            client.get(url("departures", ".xlsx", slug="air"), query_string={"airport": "NRT"}).data
        )
    )
    assert sum(len(list(sheet.iter_rows(min_row=2))) for sheet in book) == 11


@pytest.mark.parametrize("page", ["arrivals", "departures"])
def test_airport_view_query_count_does_not_grow_with_the_data(
    app, client, auth, count_queries, page
) -> None:
    auth.organiser()
    build_airports(app, slug="small")
    build_airports(app, slug="large", scale=7)
    query = {"day": "2027-06-14", "airport": "nrt"}
    client.get(url(page, slug="small"), query_string=query)
    memo.clear(app)  # what is kept per version of the data: measured as computed, both times
    with count_queries() as small:
        response = client.get(url(page, slug="small"), query_string=query)
        assert response.status_code == 200
    with count_queries() as large:
        assert client.get(url(page, slug="large"), query_string=query).status_code == 200
    assert len(large) == len(small), (page, len(small), len(large))
    # The airport is filtered in SQL: Narita only, not every row then sifted here.
    assert "NRT14 Person 2" in response.text or page == "departures"


# -- long days come in pages ------------------------------------------------------


def every_name(text: str, prefix: str) -> set[str]:
    return set(re.findall(rf"{prefix} Person \d+", text))


def page_link(text: str, number: int) -> str:
    """The href of the pagination link to page ``number``."""
    found = re.search(rf'<nav class="pagination".*?href="([^"]*page={number}[^"]*)"', text, re.S)
    assert found, number
    return found.group(1).replace("&amp;", "&")


def test_a_busy_night_lists_its_check_ins_in_pages(app, client, auth) -> None:
    build(app, per_day=(2, 130))  # 130 check in for the 15th
    auth.organiser()
    first = client.get(url("rooming"), query_string={"day": "2027-06-15", "pending": "1"}).text
    # The counts are the night's, on every page: 132 guests, 130 checking in.
    assert '<td class="num">132</td><td class="num">132</td><td class="num">130</td>' in first
    assert 'Checking in for this night <small class="muted">· 130</small>' in first
    assert len(every_name(first, "Day2")) == 100 and not every_name(first, "Day1")
    assert "1–100 of 130" in re.search(r'<nav class="pagination".*?</nav>', first, re.S).group(0)
    # The link to page 2 keeps the night and the pending choice.
    link = page_link(first, 2)
    assert "day=2027-06-15" in link and "pending=1" in link
    second = client.get(link).text
    assert len(every_name(second, "Day2")) == 30
    assert every_name(first, "Day2") | every_name(second, "Day2") == {
        f"Day2 Person {n}" for n in range(130)
    }
    assert 'Checking in for this night <small class="muted">· 130</small>' in second
    # Printing keeps everyone on one page.
    everyone = client.get(url("rooming"), query_string={"day": "all"}).text
    assert len(every_name(everyone, "Day2")) == 130


def test_a_busy_day_of_arrivals_comes_in_pages(app, client, auth) -> None:
    build(app, per_day=(2, 130))  # 130 land on the 15th, on one flight
    auth.organiser()
    query = {"day": "2027-06-15", "airport": "nrt", "pending": "1"}
    first = client.get(url("arrivals"), query_string=query).text
    assert "130 people arriving at" in first
    assert len(every_name(first, "Day2")) == 100
    # The flight's pickup counts everyone on it, those on page 2 too.
    assert '<td class="num">130</td>' in first
    link = page_link(first, 2)
    assert "day=2027-06-15" in link and "airport=NRT" in link and "pending=1" in link
    second = client.get(link).text
    assert len(every_name(second, "Day2")) == 30 and "130 people arriving at" in second
    assert every_name(first, "Day2") | every_name(second, "Day2") == {
        f"Day2 Person {n}" for n in range(130)
    }
    # All days (for printing) and the download hold everyone.
    everyone = client.get(url("arrivals"), query_string={"day": "all"}).text
    assert len(every_name(everyone, "Day2")) == 130
    text = client.get(url("arrivals", ".csv")).data.decode("utf-8-sig")
    assert len(re.findall(r"Day2 Person \d+", text)) == 130


def test_a_day_of_many_meals_counts_each_first_and_charts_them_in_pages(app, client, auth) -> None:
    with app.app_context():
        festival = make_festival(slug="feast")
        group = make_delegation(festival, make_city(name="Feast City", country_code="IT"))
        cook = make_delegate(group, full_name="Cook", dietary=["vegan"], allergens=["milk"])
        for n in range(12):
            meal = make_session(
                festival,
                title=f"Meal {n:02}",
                type=SessionType.MEAL,
                venue=None,
                starts_at=datetime(2027, 6, 15, 1, n, tzinfo=UTC),
            )
            enrol(meal, cook)
        db.session.commit()
    auth.organiser()
    first = client.get(url("catering", slug="feast")).text
    table = re.search(r'<table class="meal-counts">(.*?)</table>', first, re.S).group(1)
    assert all(f"Meal {n:02}" in table for n in range(12))  # every meal's counts first
    assert "Vegan" in table and "Milk" in table
    charts = re.findall(r'<section class="meal">\s*<h3>(Meal \d+)', first)
    assert charts == [f"Meal {n:02}" for n in range(10)]
    second = client.get(page_link(first, 2)).text
    charts = re.findall(r'<section class="meal">\s*<h3>(Meal \d+)', second)
    assert charts == ["Meal 10", "Meal 11"]
    assert "Whole festival" in second and "meal-counts" in second
