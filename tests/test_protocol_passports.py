"""Issue #11 item 5: visa data on file, seen only where it must be.

The person enters nationality, passport number, date of birth and expiry
on their own details page. Only they, the organisers' pages and the visa
letter show them: not the head's view of a member, not another delegate,
not the feeds, the e-mails, or any export unless the organiser ticks
"include passport data". The purge removes them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from festival.calendar.services import personal_token
from festival.delegations.purge import purge_batch
from festival.extensions import db
from festival.outbox.models import OutboxMessage
from festival.registration.models import Delegate, DelegateChange, DelegateRole
from tests import factories
from tests.test_registration_support import head_form

PASSPORT = "TZ9876543"


@dataclass
class World:
    slug: str
    head_id: int
    head_user_id: int
    member_id: int
    member_user_id: int
    other_user_id: int
    session_id: int


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        festival = factories.make_festival(
            slug="visas",
            name="Gastronomy Festival 2027",
            host_city="Tsuruoka",
            starts_on=date(2027, 6, 14),
            ends_on=date(2027, 6, 18),
            visa_signatory_name="Suzuki Taro",
            visa_signatory_title="Mayor of Tsuruoka",
        )
        rabat = factories.make_delegation(
            festival, factories.make_city(name="Rabat", country_code="MA")
        )
        head = factories.make_delegate(
            rabat, is_head=True, full_name="Leila Benali", email="head@rabat.example"
        )
        member = factories.make_delegate(
            rabat,
            full_name="Ahmed Haddad",
            family_name="Haddad",
            given_names="Ahmed",
            native_name="أحمد حداد",
            title="mayor",
            role=DelegateRole.MAYOR,
            email="mayor@rabat.example",
            locale="fr",
        )
        other = factories.make_delegate(
            factories.make_delegation(festival), is_head=True, email="head@lyon.example"
        )
        session = factories.make_session(festival, title="Opening ceremony")
        factories.enrol(session, member)
        db.session.commit()
        return World(
            "visas", head.id, head.user_id, member.id, member.user_id, other.user_id, session.id
        )


def own_form(**overrides: object) -> dict:
    values: dict = {
        "full_name": "Ahmed Haddad",
        "title": "mayor",
        "native_name": "أحمد حداد",
        "email": "mayor@rabat.example",
        "position": "Mayor of Rabat",
        "role": "mayor",
        "locale": "fr",
        "nationality": "MA",
        "passport_number": PASSPORT,
        "date_of_birth": "1970-03-02",
        "passport_expires_on": "2030-01-31",
    }
    return head_form(**{**values, **overrides})


def enter_passport(auth, client, world: World) -> None:
    auth.user(world.member_user_id)
    response = client.post("/my/details", data=own_form())
    assert response.status_code == 302, response.text


def test_the_person_enters_and_sees_their_passport_data(app, client, auth, world) -> None:
    enter_passport(auth, client, world)
    page = client.get("/my/details").text
    assert f'value="{PASSPORT}"' in page and 'value="1970-03-02"' in page
    with app.app_context():
        me = db.session.get(Delegate, world.member_id)
        assert me.passport_number == PASSPORT and me.nationality == "MA"
        assert me.date_of_birth == date(1970, 3, 2)
        assert me.passport_expires_on == date(2030, 1, 31)
        change = db.session.scalar(
            db.select(DelegateChange).where(DelegateChange.field == "passport_number")
        )
        assert change is not None and change.new_value is None  # never the value


def test_a_passport_expiring_before_the_festival_is_refused(app, client, auth, world) -> None:
    auth.user(world.member_user_id)
    response = client.post("/my/details", data=own_form(passport_expires_on="2027-06-01"))
    assert response.status_code == 422
    assert "This passport expires before the festival ends" in response.text
    assert f'value="{PASSPORT}"' in response.text  # nothing typed is lost


def test_nobody_else_sees_it_but_the_organisers_and_the_letter(app, client, auth, world) -> None:
    enter_passport(auth, client, world)
    feed = client.get(f"/feeds/{_token(app, world.member_id)}.ics").text
    assert PASSPORT not in feed and "1970" not in feed
    auth.logout()

    # The head of delegation: neither the member's page nor the delegation's.
    auth.user(world.head_user_id)
    member_page = client.get(f"/my/delegation/members/{world.member_id}")
    assert member_page.status_code == 200 and PASSPORT not in member_page.text
    assert 'name="passport_number"' not in member_page.text
    assert PASSPORT not in client.get("/my/delegation").text
    auth.logout()

    # Another city's delegate: a 404.
    auth.user(world.other_user_id)
    assert client.get(f"/my/delegation/members/{world.member_id}").status_code == 404
    auth.logout()

    auth.organiser()
    base = f"/organiser/festivals/{world.slug}"
    assert PASSPORT in client.get(f"{base}/delegates/{world.member_id}").text
    letter = client.get(f"{base}/delegates/{world.member_id}/visa-letter").text
    assert PASSPORT in letter and "Maroc" in letter  # in the delegate's language (French)
    assert "2 mars 1970" in letter and "31 janvier 2030" in letter
    assert "Suzuki Taro" in letter and "Mayor of Tsuruoka" in letter
    assert "Gastronomy Festival 2027" in letter

    # Lists, downloads and the e-mails.
    for page in (
        f"{base}/delegates",
        f"{base}/delegations",
        f"{base}/delegates.csv",
        f"{base}/check-in/badges",
        f"{base}/check-in/sessions/{world.session_id}.csv",
        f"{base}/invitations/download.csv",
        *(
            f"{base}/logistics/{name}.csv"
            for name in ("arrivals", "departures", "rooming", "catering", "interpreters")
        ),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert PASSPORT not in response.text and "1970-03-02" not in response.text, page
    xlsx = client.get(f"{base}/delegates.xlsx").data
    assert PASSPORT not in _xlsx_text(xlsx)
    with app.app_context():
        for message in db.session.scalars(db.select(OutboxMessage)):
            assert PASSPORT not in message.text_body + message.html_body


def test_the_export_holds_passports_only_when_asked(app, client, auth, world) -> None:
    enter_passport(auth, client, world)
    auth.logout()
    auth.organiser()
    base = f"/organiser/festivals/{world.slug}"
    page = client.get(f"{base}/delegates").text
    assert 'name="passports"' in page  # the explicit checkbox
    csv = client.get(f"{base}/delegates.csv?passports=1").text
    assert "Passport number" in csv and PASSPORT in csv and "1970-03-02" in csv
    assert PASSPORT in _xlsx_text(client.get(f"{base}/delegates.xlsx?passports=1").data)


def test_the_purge_removes_passports_and_the_history(app, client, auth, world) -> None:
    enter_passport(auth, client, world)
    with app.app_context():
        purge_batch([world.member_id], datetime.now(UTC))
        db.session.commit()
        me = db.session.get(Delegate, world.member_id)
        assert (me.nationality, me.passport_number, me.date_of_birth, me.passport_expires_on) == (
            None,
            None,
            None,
            None,
        )
        assert (me.family_name, me.given_names, me.title) == (None, None, None)
        assert db.session.scalar(db.select(db.func.count()).select_from(DelegateChange)) == 0


def _token(app: Flask, delegate_id: int) -> str:
    with app.app_context():
        return personal_token(db.session.get(Delegate, delegate_id))


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(
            book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")
        )


def test_a_japanese_delegates_letter_is_in_japanese(app, client, auth, world) -> None:
    enter_passport(auth, client, world)
    with app.app_context():
        db.session.get(Delegate, world.member_id).locale = "ja"
        db.session.commit()
    auth.logout()
    auth.organiser()
    letter = client.get(
        f"/organiser/festivals/{world.slug}/delegates/{world.member_id}/visa-letter"
    )
    assert letter.status_code == 200
    assert 'lang="ja"' in letter.text and "モロッコ" in letter.text  # Morocco, in Japanese
    assert PASSPORT in letter.text and "Suzuki Taro" in letter.text
