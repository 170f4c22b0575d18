"""Rooming: who shares a room (matched by name in the delegation), and the
room type and number organisers set."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from festival.extensions import db
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.registration.models import Delegate, RoomType
from tests.factories import make_city, make_delegate, make_delegation, make_festival

NIGHT = date(2027, 6, 14)


def url(page: str = "rooming", slug: str = "rooms") -> str:
    return f"/organiser/festivals/{slug}/logistics/{page}"


def guests(
    app: Flask, *people: tuple[str, str | None], others: tuple[tuple[str, str | None], ...] = ()
) -> dict[str, int]:
    """Parma's guests (name, whom they name), one night at Hotel Sakura; and
    ``others``, Chengdu's guests at the same hotel."""
    with app.app_context():
        festival = make_festival(slug="rooms")
        ids = {}
        for city, members in (("Parma", people), ("Chengdu", others)):
            group = make_delegation(festival, make_city(name=city, country_code="IT"))
            for name, shares in members:
                delegate = make_delegate(
                    group,
                    full_name=name,
                    shares_room_with=shares,
                    hotel="Hotel Sakura",
                    check_in_on=NIGHT,
                    check_out_on=date(2027, 6, 15),
                )
                ids.setdefault(name, delegate.id)
        db.session.commit()
        return ids


def rooms(client, people: int) -> str:
    """The hotel's "guests / rooms" on the full list, and the night view's
    rooms (counted in SQL), which must agree; the page's text is returned."""
    page = client.get(url(), query_string={"day": "all"}).text
    found = re.search(rf"{people} / (\d+)", page)
    assert found, page
    night = client.get(url(), query_string={"day": NIGHT.isoformat()}).text
    assert f'<td class="num">{people}</td><td class="num">{found[1]}</td>' in night
    return found[1] + "\n" + page


@pytest.mark.parametrize(
    ("people", "expected_rooms"),
    [
        # Both name each other (case and spacing aside): one room.
        ([("Anna Rossi", "marco  BIANCHI"), ("Marco Bianchi", "Anna Rossi")], "1"),
        # One names the other, who names nobody: one room.
        ([("Anna Rossi", "Marco Bianchi"), ("Marco Bianchi", None)], "1"),
    ],
)
def test_a_pair_that_shares_takes_one_room(app, client, auth, people, expected_rooms) -> None:
    guests(app, *people)
    auth.organiser()
    counted, page = rooms(client, 2).split("\n", 1)
    assert counted == expected_rooms
    assert "One-sided" not in page


def test_one_sided_sharing_is_flagged_and_counts_two_rooms(app, client, auth) -> None:
    guests(
        app,
        ("Anna Rossi", "Marco Bianchi"),
        ("Marco Bianchi", "Luca Verdi"),
        ("Luca Verdi", "Marco Bianchi"),
    )
    auth.organiser()
    counted, page = rooms(client, 3).split("\n", 1)
    # Marco and Luca pair; Anna sleeps alone.
    assert counted == "2"
    assert "One-sided: Anna Rossi names Marco Bianchi, Marco Bianchi does not" in page
    assert "names Luca Verdi" in page
    assert "each counts as a room of their own" in page  # the rule, in the help text


def test_naming_someone_who_names_another_is_two_rooms(app, client, auth) -> None:
    guests(app, ("Anna Rossi", "Marco Bianchi"), ("Marco Bianchi", "Sofia Neri"))
    auth.organiser()
    counted, page = rooms(client, 2).split("\n", 1)
    assert counted == "2"  # one room each: nobody agreed to share
    assert "One-sided: Anna Rossi names Marco Bianchi, Marco Bianchi does not" in page
    assert "One-sided: Marco Bianchi names Sofia Neri, who matches nobody" in page


def test_a_name_matching_nobody_in_the_delegation_is_flagged(app, client, auth) -> None:
    # Luca Verdi is in Chengdu's delegation, not Anna's: no pair, even though
    # he names an Anna Rossi (none in his delegation). Three rooms, not two.
    guests(
        app,
        ("Anna Rossi", "Luca Verdi"),
        ("Marco Bianchi", None),
        others=(("Luca Verdi", "Anna Rossi"),),
    )
    auth.organiser()
    counted, page = rooms(client, 3).split("\n", 1)
    assert counted == "3"
    assert "One-sided: Anna Rossi names Luca Verdi, who matches nobody" in page


def test_guests_in_different_hotels_are_no_pair(app, client, auth) -> None:
    ids = guests(app, ("Anna Rossi", "Marco Bianchi"), ("Marco Bianchi", "Anna Rossi"))
    with app.app_context():
        db.session.get(Delegate, ids["Marco Bianchi"]).hotel = "Hotel Ume"
        db.session.commit()
    auth.organiser()
    page = client.get(url(), query_string={"day": "all"}).text
    assert "Different hotels: Anna Rossi names Marco Bianchi" in page
    assert "1 / 1" in page and "2 / 1" not in page  # each alone in their hotel


def test_organisers_set_the_room_type_and_number(app, client, auth) -> None:
    ids = guests(app, ("Anna Rossi", None))
    auth.organiser()
    form_url = url(f"rooming/{ids['Anna Rossi']}")
    assert 'name="room_number"' in client.get(form_url).text
    # A room type that is none of the four: a field error, the rest kept.
    bad = client.post(form_url, data={"room_type": "penthouse", "room_number": "412"})
    assert bad.status_code == 422
    assert "field-error" in bad.text and 'value="412"' in bad.text
    response = client.post(
        form_url,
        data={"hotel": "Hotel Sakura", "room_type": "twin", "room_number": "412"},
    )
    assert response.status_code == 302
    with app.app_context():
        anna = db.session.get(Delegate, ids["Anna Rossi"])
        assert (anna.room_type, anna.room_number) == (RoomType.TWIN, "412")
    page = client.get(url(), query_string={"day": "all"}).text
    assert "Twin · 412" in page
    # The delegate's organiser page shows it too, and links to the form.
    person = client.get(f"/organiser/festivals/rooms/delegates/{ids['Anna Rossi']}").text
    assert "Twin · 412" in person and form_url in person
    text = client.get(url("rooming.csv")).data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    anna_row = next(r for r in rows if r["Name"] == "Anna Rossi")
    assert (anna_row["Section"], anna_row["Room type"], anna_row["Room number"]) == (
        "Guest",
        "Twin",
        "412",
    )
    assert {r["Section"] for r in rows} == {"Guest", "Rooms per night"}


def test_the_room_form_is_for_this_festivals_guests_only(app, client, auth) -> None:
    guests(app, ("Anna Rossi", None))
    with app.app_context():
        other = make_festival(slug="elsewhere")
        stranger = make_delegate(make_delegation(other), full_name="Stranger")
        db.session.commit()
        stranger_id = stranger.id
    auth.organiser()
    assert client.get(url(f"rooming/{stranger_id}")).status_code == 404
    assert client.post(url(f"rooming/{stranger_id}"), data={"room_number": "1"}).status_code == 404


def test_the_delegates_form_does_not_offer_the_room_number() -> None:
    from festival.registration.forms import DetailsForm, MemberForm

    for form in (DetailsForm, MemberForm):
        assert hasattr(form, "shares_room_with") or form is MemberForm
        assert not hasattr(form, "room_number") and not hasattr(form, "room_type")


def test_the_night_view_follows_each_change_behind_it(app, client, auth) -> None:
    """The night's counts and check-ins are kept per version of the data:
    a guest's change, a new guest and a hotel on an itinerary each show on
    the next view."""
    ids = guests(app, ("Anna Rossi", None))
    auth.organiser()

    def night() -> str:
        return client.get(url(), query_string={"day": NIGHT.isoformat()}).text

    assert "Hotel Sakura" in night() and "Anna Rossi" in night()
    with app.app_context():  # the guest moves hotel
        db.session.get(Delegate, ids["Anna Rossi"]).hotel = "Hotel Fuji"
        db.session.commit()
    assert "Hotel Fuji" in night() and "Hotel Sakura" not in night()
    with app.app_context():  # a guest whose hotel is on their delegation's itinerary
        anna = db.session.get(Delegate, ids["Anna Rossi"])
        make_delegate(
            anna.delegation,
            full_name="Marco Bianchi",
            check_in_on=NIGHT,
            check_out_on=date(2027, 6, 15),
        )
        db.session.commit()
    assert "Marco Bianchi" in night() and "Hotel Kiku" not in night()
    with app.app_context():  # his delegation's itinerary gets a hotel
        anna = db.session.get(Delegate, ids["Anna Rossi"])
        at = datetime(2027, 6, 14, 6, tzinfo=UTC)
        db.session.add(
            ItineraryItem(
                delegation_id=anna.delegation_id,
                kind=ItemKind.HOTEL,
                title="Hotel Kiku",
                starts_at=at,
                ends_at=at + timedelta(days=1),
            )
        )
        db.session.commit()
    assert "Hotel Kiku" in night()
