"""Downloads organisers expect (#17 item 10): delegates, invitations and a
session's attendance as CSV and XLSX with the page's filters; the rooming
and catering downloads as one table each, with a section column."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import Flask
from openpyxl import load_workbook

from festival.extensions import db
from festival.invitations.models import InvitationStatus
from festival.programme.models import SessionType
from festival.registration.models import DelegateRole, DelegateStatus, RoomType
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
    make_session,
)

BASE = "/organiser/festivals/lists"


def build(app: Flask) -> dict[str, int]:
    with app.app_context():
        festival = make_festival(slug="lists")
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        tsuruoka = make_delegation(festival, make_city(name="Tsuruoka", country_code="JP"))
        anna = make_delegate(
            parma,
            full_name="Anna Rossi",
            email="anna@parma.example",
            phone="+39 0521 000",
            role=DelegateRole.MAYOR,
            is_head=True,
            hotel="Hotel Sakura",
            room_type=RoomType.SUITE,
            room_number="701",
            dietary_other="=1+1",  # a formula must stay text
        )
        make_delegate(parma, full_name="Marco Bianchi", status=DelegateStatus.PENDING)
        taro = make_delegate(tsuruoka, full_name="Taro Sato", native_name="佐藤 太郎")
        make_invitation(festival, make_city(name="Usuki", country_code="JP"))
        make_invitation(
            festival, make_city(name="Chengdu", country_code="CN"), status=InvitationStatus.DECLINED
        )
        lunch = make_session(festival, title="Welcome lunch", type=SessionType.MEAL, venue=None)
        enrol(lunch, anna, checked_in_at=datetime(2027, 6, 15, 1, 5, tzinfo=UTC))
        enrol(lunch, taro)
        db.session.commit()
        return {"lunch": lunch.id}


def csv_rows(client, url: str, **query: str) -> list[dict[str, str]]:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, url
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def xlsx_rows(client, url: str, **query: str) -> list[dict[str, object]]:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, url
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_delegates_download_with_the_pages_filters(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(f"{BASE}/delegates", query_string={"country": "IT"}).text
    assert f"{BASE}/delegates.csv?country=IT" in page and f"{BASE}/delegates.xlsx" in page
    everyone = csv_rows(client, f"{BASE}/delegates.csv")
    # By precedence: the mayor, the confirmed official, then the pending member.
    assert [r["Name"] for r in everyone] == ["Anna Rossi", "Taro Sato", "Marco Bianchi"]
    anna = everyone[0]
    assert (anna["City"], anna["Role"], anna["Hotel"], anna["Room type"], anna["Room number"]) == (
        "Parma",
        "Mayor",
        "Hotel Sakura",
        "Suite",
        "701",
    )
    # Minimal personal data: no e-mail, phone or calendar secret.
    text = client.get(f"{BASE}/delegates.csv").data.decode("utf-8-sig")
    assert "anna@parma.example" not in text and "0521" not in text
    italians = xlsx_rows(client, f"{BASE}/delegates.xlsx", country="IT", status="confirmed")
    assert [r["Name"] for r in italians] == ["Anna Rossi"]
    assert client.get(f"{BASE}/delegates.pdf").status_code == 404


def test_invitations_download_with_the_pages_filters(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(f"{BASE}/invitations").text
    url = f"{BASE}/invitations/download"
    assert f"{url}.csv" in page and f"{url}.xlsx" in page
    cities = {r["City"]: r["Status"] for r in csv_rows(client, f"{url}.csv")}
    assert cities["Usuki"] == "Sent" and cities["Chengdu"] == "Declined"
    assert {"Parma", "Tsuruoka"} <= set(cities)
    declined = xlsx_rows(client, f"{url}.xlsx", status="declined")
    assert [r["City"] for r in declined] == ["Chengdu"]


def test_attendance_download_with_the_pages_filters(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    url = f"{BASE}/check-in/sessions/{ids['lunch']}"
    assert f"{url}.csv" in client.get(url).text
    rows = csv_rows(client, f"{url}.csv")
    checked = [(r["Name"], r["Checked in"]) for r in rows]
    assert checked == [("Anna Rossi", "yes"), ("Taro Sato", "no")]
    assert rows[0]["Checked in at (Asia/Tokyo)"] == "2027-06-15 10:05"
    waiting = xlsx_rows(client, f"{url}.xlsx", state="waiting")
    assert [(r["Name"], r["Name in own script"]) for r in waiting] == [("Taro Sato", "佐藤 太郎")]
    assert client.get(f"{BASE}/check-in/sessions/999.csv").status_code == 404


def test_catering_download_is_one_table_with_a_section_column(app, client, auth) -> None:
    build(app)
    auth.organiser()
    rows = csv_rows(client, f"{BASE}/logistics/catering.csv")
    assert {r["Section"] for r in rows} == {"Counts", "Notes"}
    notes = [r for r in rows if r["Section"] == "Notes"]
    assert [(n["Note, as written by the delegate"], n["Count"]) for n in notes] == [("'=1+1", "1")]
    lunch = [r for r in rows if r["For"] == "Welcome lunch" and r["Kind"] == "Delegates"]
    assert lunch[0]["Count"] == "2"
    book = load_workbook(io.BytesIO(client.get(f"{BASE}/logistics/catering.xlsx").data))
    assert book.sheetnames == ["Catering"]
    sections = [r["Section"] for r in xlsx_rows(client, f"{BASE}/logistics/catering.xlsx")]
    assert sections[0] == "Counts" and sections[-1] == "Notes"


def test_rooming_download_is_one_table_with_a_section_column(app, client, auth) -> None:
    build(app)
    auth.organiser()
    rows = xlsx_rows(client, f"{BASE}/logistics/rooming.xlsx")
    guests = [r for r in rows if r["Section"] == "Guest"]
    assert [(g["Name"], g["Room type"], g["Room number"]) for g in guests][0] == (
        "Anna Rossi",
        "Suite",
        "701",
    )
    assert all(r["Section"] in {"Guest", "Rooms per night"} for r in rows)
