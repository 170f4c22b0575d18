"""Visa invitation letters: one per confirmed delegate, printable on A4."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from festival.extensions import db
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.factories import make_city, make_delegate, make_delegation, make_festival

ROOT = Path(__file__).resolve().parent.parent


def build(app) -> dict[str, int]:
    with app.app_context():
        festival = make_festival(
            slug="gastro",
            name="Gastronomy Festival 2027",
            host_city="Tsuruoka",
            contact_email="festival@tsuruoka.example",
            starts_on=date(2027, 6, 14),
            ends_on=date(2027, 6, 18),
        )
        group = make_delegation(festival, make_city(name="Chengdu", country_code="CN"))
        mayor = make_delegate(
            group,
            full_name="Li Wei",
            native_name="李伟",
            position="Mayor of Chengdu",
            role=DelegateRole.MAYOR,
            is_head=True,
            arrival_at=datetime(2027, 6, 13, 6, 0, tzinfo=UTC),
            departure_at=datetime(2027, 6, 19, 6, 0, tzinfo=UTC),
        )
        interpreter = make_delegate(group, full_name="Zhang Min", role=DelegateRole.INTERPRETER)
        pending = make_delegate(group, full_name="Wang Fang", status=DelegateStatus.PENDING)
        db.session.commit()
        return {
            "group": group.id,
            "mayor": mayor.id,
            "interpreter": interpreter.id,
            "pending": pending.id,
        }


BASE = "/organiser/festivals/gastro"


def test_letter_for_one_delegate(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    response = client.get(f"{BASE}/delegates/{ids['mayor']}/visa-letter")
    assert response.status_code == 200
    page = response.text
    # Letterhead.
    assert "Gastronomy Festival 2027" in page and "festival@tsuruoka.example" in page
    assert "Hosted by the City of Tsuruoka" in page
    # The delegate, from the data on file.
    assert "Li Wei" in page and "李伟" in page and "Mayor of Chengdu" in page
    assert "Chengdu, China" in page
    assert "from June 14, 2027 to June 18, 2027" in page
    assert "arrives on June 13, 2027 and leaves on June 19, 2027" in page
    assert "passport" not in page.lower()  # nothing asked that we do not hold
    assert page.count('class="letter"') == 1
    assert "css/print.css" in page


def test_letters_follow_the_delegates_language(app, client, auth) -> None:
    ids = build(app)
    with app.app_context():
        db.session.get(Delegate, ids["mayor"]).locale = "fr"
        db.session.commit()
    auth.organiser()
    page = client.get(f"{BASE}/delegates/{ids['mayor']}/visa-letter").text
    assert "Chengdu, Chine" in page  # the country's name in French, whatever the interface's


def test_no_letter_for_an_unconfirmed_registration(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    response = client.get(f"{BASE}/delegates/{ids['pending']}/visa-letter")
    assert response.status_code == 409
    assert "confirmed registrations only" in response.text
    assert 'class="letter"' not in response.text


def test_all_letters_of_a_delegation_one_per_page(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    page = client.get(f"{BASE}/delegations/{ids['group']}/visa-letters").text
    assert page.count('class="letter"') == 2
    assert "Li Wei" in page and "Zhang Min" in page
    # The pending member is listed as skipped, with no letter.
    assert "No letter for these people" in page and "Wang Fang" in page


def test_print_css_sets_a4_and_one_letter_per_page() -> None:
    css = (ROOT / "static/css/print.css").read_text()
    assert "@page { size: A4;" in css
    assert ".letter { max-width: none; margin: 0; break-after: page;" in css
