"""The kitchen list (#17 item 4): the names behind catering's counts, per
meal and requirement, on a page and as one table to download."""

from __future__ import annotations

import csv as csv_module
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from festival.core import memo
from festival.extensions import db
from festival.logistics import kitchen, views
from festival.programme.models import SessionType
from festival.registration.models import Delegate, DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.support.queries import queries_per_page
from tests.test_logistics_views import build, url


def rows_of(text: str) -> list[list[str]]:
    return list(csv_module.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_kitchen_list_names_who_needs_what_at_each_meal(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.get(url("kitchen"), query_string={"day": "all"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("no-store")
    page = response.text
    lunch = page[page.index('<section class="meal"') : page.index('class="kitchen-festival"')]
    # Both mayors are vegetarian and allergic to milk; both chefs wrote a note.
    vegetarian = lunch[
        lunch.index("Vegetarian") : lunch.index("</tbody>", lunch.index("Vegetarian"))
    ]
    assert "Mayor 0" in vegetarian and "Mayor 1" in vegetarian and "Chef 0" not in vegetarian
    assert "Parma gastro 0" in vegetarian
    assert "no raw fish" in lunch and "Chef 1" in lunch
    # Nobody without a requirement, nobody pending, nobody not enrolled.
    assert "Interpreter 0" not in page and "Pending 0" not in page
    # No seating plan yet: no Table column.
    assert '<th scope="col">Table</th>' not in page
    # The catering page links to it, keeping its options.
    catering = client.get(url("catering"), query_string={"pending": "1"}).text
    assert "/logistics/kitchen?pending=1" in catering


def test_pending_delegates_are_listed_when_asked(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(url("kitchen"), query_string={"pending": "1", "day": "all"}).text
    festival = page[page.index('class="kitchen-festival"') :]
    assert "Pending 0" in festival and "Vegan" in festival


def test_the_download_is_one_table_with_a_meal_column(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.get(url("kitchen", ".csv"))
    assert response.status_code == 200
    assert "gastro-kitchen.csv" in response.headers["Content-Disposition"]
    rows = rows_of(response.data.decode("utf-8"))
    assert rows[0] == [
        "Meal",
        "Starts",
        "Kind",
        "Requirement",
        "Name",
        "Delegation",
        "Table",
        "Note, as written by the delegate",
    ]
    assert all(len(row) == len(rows[0]) for row in rows)  # one table, no second header
    assert [
        "Welcome lunch",
        "2027-06-15 10:00",
        "Allergen",
        "Milk",
        "Mayor 0",
        "Parma gastro 0",
        "",
        "",
    ] in rows
    assert [
        "Welcome lunch",
        "2027-06-15 10:00",
        "Dietary",
        "Other",
        "Chef 1",
        "Parma gastro 1",
        "",
        "no raw fish",
    ] in rows
    assert [
        "Whole festival",
        "",
        "Dietary",
        "Vegetarian",
        "Mayor 1",
        "Parma gastro 1",
        "",
        "",
    ] in rows
    workbook = load_workbook(io.BytesIO(client.get(url("kitchen", ".xlsx")).data))
    assert len(workbook.sheetnames) == 1
    sheet = [[c or "" for c in row] for row in workbook.active.iter_rows(values_only=True)]
    assert sheet[0][0] == "Meal" and len(sheet) == len(rows)


def test_names_in_any_script_reach_the_kitchen(app, client, auth) -> None:
    with app.app_context():
        festival = make_festival(slug="utf")
        dinner = make_session(festival, title="夕食会", type=SessionType.MEAL, venue=None)
        group = make_delegation(festival, make_city(name="臼杵市", country_code="JP"))
        for name in ("佐藤 花子", "Zoé Lefèvre", "ليلى حداد"):
            enrol(dinner, make_delegate(group, full_name=name, allergens=["peanuts"]))
        db.session.commit()
    auth.organiser()
    csv = client.get(url("kitchen", ".csv", slug="utf")).data.decode("utf-8")
    for name in ("佐藤 花子", "Zoé Lefèvre", "ليلى حداد"):
        assert f"夕食会,2027-06-15 10:00,Allergen,Peanuts,{name},臼杵市" in csv


def test_table_labels_go_in_one_place(app, client, auth, monkeypatch) -> None:
    """When seating exists, table_labels alone fills the Table column."""
    build(app)
    auth.organiser()
    with app.app_context():
        mayor = db.session.scalar(sa.select(Delegate.id).where(Delegate.full_name == "Mayor 0"))
    monkeypatch.setattr(
        kitchen, "table_labels", lambda ids: {(meal, mayor): "Table 7" for meal in ids}
    )
    page = client.get(url("kitchen"), query_string={"day": "all"}).text
    assert '<th scope="col">Table</th>' in page and "Table 7" in page
    csv = client.get(url("kitchen", ".csv")).data.decode("utf-8")
    assert (
        "Welcome lunch,2027-06-15 10:00,Dietary,Vegetarian,Mayor 0,Parma gastro 0,Table 7," in csv
    )


@pytest.mark.parametrize("suffix", ["", ".csv", "?day=festival", "?day=all"])
def test_the_kitchen_list_query_count_does_not_grow(app, client, auth, suffix) -> None:
    auth.organiser()
    build(app, delegations=1, slug="small")
    build(app, delegations=12, slug="large")
    client.get(url("kitchen" + suffix, slug="small"))
    memo.clear(app)  # what is kept per version of the data: measured as computed, both times
    small, large = queries_per_page(
        client, [url("kitchen" + suffix, slug="small"), url("kitchen" + suffix, slug="large")]
    )
    assert large == small, (small, large)


def test_the_kitchen_list_is_for_organisers_only(app, client, auth) -> None:
    build(app)
    anonymous = client.get(url("kitchen"))
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    with app.app_context():
        user_id = db.session.scalars(
            sa.select(Delegate.user_id).where(Delegate.status == DelegateStatus.CONFIRMED).limit(1)
        ).first()
    auth.user(user_id)
    for suffix in ("", ".csv", ".xlsx"):
        assert client.get(url("kitchen" + suffix)).status_code == 404


@pytest.mark.parametrize("locale", ["ja", "fr"])
def test_the_kitchen_list_in_each_language(app, client, auth, locale) -> None:
    build(app)
    auth.organiser()
    client.post("/language", data={"locale": locale, "next": "/"})
    response = client.get(url("kitchen"))
    assert response.status_code == 200 and f'<html lang="{locale}"' in response.text
    assert "Mayor 0" in response.text


def test_a_seated_meal_gives_each_name_its_table(app, client, auth) -> None:
    """Once the meal has a seating plan (festival.protocol), the kitchen list
    and its download say at which table each plate goes."""
    from festival.festivals.models import Festival
    from festival.programme.models import ProgrammeSession
    from festival.protocol import seating
    from festival.protocol.models import LayoutKind, TableShape

    build(app)
    with app.app_context():
        lunch = db.session.scalar(
            sa.select(ProgrammeSession).where(ProgrammeSession.title == "Welcome lunch")
        )
        festival = db.session.get(Festival, lunch.festival_id)
        plan = seating.create_plan(
            festival, lunch, layout=LayoutKind.TABLES, head_shape=TableShape.ROUND,
            head_seats=2, count=3, shape=TableShape.ROUND, seats=4, mix=False,
        )  # fmt: skip
        seating.auto_place(festival, plan)
        db.session.commit()
    auth.organiser()
    page = client.get(url("kitchen"), query_string={"day": "all"}).text
    assert '<th scope="col">Table</th>' in page
    assert "Table 1" in page
    download = rows_of(client.get(url("kitchen") + ".csv", query_string={"day": "all"}).text)
    assert "Table" in download[0]
    table = download[0].index("Table")
    assert {row[table] for row in download[1:] if row[0] == "Welcome lunch"} & {
        "Table 1",
        "Table 2",
    }


def test_a_days_page_links_to_the_whole_festivals_names(app, client, auth) -> None:
    """A day's page holds that day's meals; the whole festival's names (every
    counted delegate, thousands at a big festival) have pages of their own."""
    build(app)
    auth.organiser()
    page = client.get(url("kitchen"), query_string={"pending": "1"}).text
    assert "Welcome lunch" in page and "Mayor 0" in page
    festival = page[page.index('class="kitchen-festival"') :]
    assert "Pending 0" not in festival
    link = "/organiser/festivals/gastro/logistics/kitchen?pending=1&amp;day=festival"
    assert f'<a href="{link}">' in festival
    whole = client.get(url("kitchen"), query_string={"pending": "1", "day": "festival"}).text
    assert "Welcome lunch" not in whole
    names = whole[whole.index('class="kitchen-festival"') :]
    assert "Pending 0" in names and "Mayor 1" in names and "Chef 0" in names
    # The filter keeps to the whole festival; no day is the current one.
    assert '<input type="hidden" name="day" value="festival">' in whole
    assert 'aria-current="page">' not in whole[: whole.index('class="kitchen-festival"')]


def test_the_whole_festivals_names_come_a_page_at_a_time(app, client, auth, monkeypatch) -> None:
    build(app, delegations=3)
    auth.organiser()
    monkeypatch.setattr(views, "ROWS_PER_PAGE", 4)

    def names(page: int) -> str:
        text = client.get(url("kitchen"), query_string={"day": "festival", "page": page}).text
        return text[text.index('class="kitchen-festival"') :]

    # Three chefs with a note ("other"), three mayors vegetarian and allergic
    # to milk: nine rows, by requirement (dietary first), then by name.
    first, second, third = names(1), names(2), names(3)
    assert "1–4 of 9" in first and "5–8 of 9" in second and "9–9 of 9" in third
    assert [page.count("<tr>") - 1 for page in (first, second, third)] == [4, 4, 1]
    assert 'rowspan="3">Other <small class="count">3</small>' in first
    # Vegetarian, cut by the page's edge, heads both pages with its count in all.
    assert 'rowspan="1">Vegetarian <small class="count">3</small>' in first
    assert 'rowspan="2">Vegetarian <small class="count">3</small>' in second
    assert "<td>Mayor 0</td>" in first and "<td>Mayor 2</td>" in second
    assert 'rowspan="2">Milk <small class="count">3</small>' in second
    assert 'rowspan="1">Milk <small class="count">3</small>' in third


def test_the_whole_festivals_names_follow_every_change_behind_them(app, client, auth) -> None:
    """They are kept per version of their data: a decision made through the
    app shows on the next view, nothing stale."""
    build(app)
    with app.app_context():
        pending = list(
            db.session.scalars(
                sa.select(Delegate.id).where(Delegate.status == DelegateStatus.PENDING)
            )
        )
    auth.organiser()
    base = "/organiser/festivals/gastro"

    def names() -> str:
        page = client.get(url("kitchen"), query_string={"day": "festival"}).text
        return page[page.index('class="kitchen-festival"') :]

    assert "Pending 0" not in names() and "Vegan" not in names()
    client.post(f"{base}/delegates/{pending[0]}/confirm")
    assert "Pending 0" in names() and "Vegan" in names()
    client.post(f"{base}/delegates/{pending[0]}/decline", data={"decline-reason": "A duplicate."})
    assert "Pending 0" not in names() and "Vegan" not in names()
