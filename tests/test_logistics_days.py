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

from festival.extensions import db
from festival.programme.models import SessionType
from festival.registration.models import DelegateRole
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)

# Local days in Tokyo (UTC+9): 23:30 UTC on the 13th is 08:30 on the 14th.
DAY1 = datetime(2027, 6, 13, 23, 30, tzinfo=UTC)
DAY2 = datetime(2027, 6, 15, 2, 0, tzinfo=UTC)


def build(app: Flask, slug: str = "days", per_day: tuple[int, int] = (2, 3)) -> None:
    """``per_day`` arrivals on the 14th and 15th; each stays until the 18th."""
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
    links = re.findall(r'href="([^"]*day=[^"]*)"[^>]*>([^<]*)<small class="count">([^<]*)', page)
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
    assert len(list(book["Rooming list"].iter_rows(min_row=2))) == 5
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
    assert "Town 000" in first and "Town 099" in first and "Town 100" not in first
    assert "105 delegations need an interpreter from the host" in first
    second = client.get(url("interpreters", slug="many"), query_string={"page": "2"}).text
    assert "Town 100" in second and "Town 099" not in second
    assert "105 delegations need an interpreter from the host" in second
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
