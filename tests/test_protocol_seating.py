"""Seating plans: the placement rules, the hand adjustments through the
forms, the printable outputs, the guest's seat on their itinerary and in
their feed, and who may see any of it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from festival.calendar.services import personal_token
from festival.extensions import db
from festival.programme.models import SessionType
from festival.protocol import placement
from festival.protocol.models import CityProtocol, RankClass, Seat, SeatingTable
from festival.registration.models import DelegateRole
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)
from tests.support.queries import queries_per_page

# --- the rules, pure ------------------------------------------------------------


def _guests(*specs: tuple[int, int, bool]) -> list[placement.Guest]:
    return [placement.Guest(i, d, interp) for i, d, interp in specs]


def test_host_at_the_centre_guests_beside_by_rank_interpreters_next_to_principals() -> None:
    head = placement.Table(1, 1, "round", 8)
    guests = _guests(
        (1, 10, False),  # the host
        (2, 20, False),  # the first guest
        (3, 30, False),  # the second guest
        (4, 20, True),  # the first guest's interpreter
        (5, 10, True),  # the host's interpreter
    )
    placed, unseated = placement.place([head], guests)
    seat = {g: s for g, _t, s in placed}
    assert unseated == []
    assert seat[1] == 1  # the centre of the head table
    assert seat[2] == 2  # on the host's right
    assert seat[5] == 8  # the host's interpreter on the host's left
    assert seat[4] == 3  # next to the first guest, away from the centre
    assert seat[3] == 7  # the second guest on the left, after the host's interpreter


def test_long_head_table_puts_the_host_in_the_middle() -> None:
    head = placement.Table(1, 1, "long", 5)
    placed, _ = placement.place([head], _guests((1, 1, False), (2, 2, False), (3, 3, False)))
    assert {g: s for g, _t, s in placed} == {1: 3, 2: 2, 3: 4}


def test_mixing_spreads_a_delegation_across_tables() -> None:
    tables = [placement.Table(1, 1, "round", 4), placement.Table(2, 2, "round", 4)]
    guests = _guests(*((n, n % 2, False) for n in range(1, 9)))
    mixed, _ = placement.place(tables, guests, mix=True)
    by_table: dict[int, list[int]] = {}
    for guest, table, _seat in mixed:
        by_table.setdefault(table, []).append(guest % 2)
    # Two delegations of four: without mixing the first table takes 1-4 (2+2);
    # mixing allows one party per delegation per table while another has room.
    plain, _ = placement.place(tables, guests)
    assert [g for g, t, _s in plain if t == 1] == [1, 2, 3, 4]
    assert sorted(len(v) for v in by_table.values()) == [4, 4]


def test_a_party_stays_together_and_those_without_room_are_returned() -> None:
    tables = [placement.Table(1, 1, "round", 3), placement.Table(2, 2, "round", 2)]
    guests = _guests((1, 1, False), (2, 1, True), (3, 2, False), (4, 2, True), (5, 3, False))
    placed, unseated = placement.place(tables, guests)
    table_of = {g: t for g, t, _s in placed}
    assert table_of[3] == table_of[4] == 2  # the party of two does not split
    assert table_of[5] == 1
    assert unseated == []
    _placed, unseated = placement.place(tables[:1], guests)
    assert unseated == [4, 5] or set(unseated) == {4, 5}


# --- through the app ---------------------------------------------------------------


@pytest.fixture
def banquet(app: Flask) -> dict[str, int | str]:
    """A banquet with the host, two mayors (one with an interpreter) and an official."""
    with app.app_context():
        festival = make_festival(slug="gastro", host_city="Tsuruoka")
        dinner = make_session(festival, title="Banquet", type=SessionType.MEAL)
        tsuruoka = make_delegation(festival, make_city(name="Tsuruoka", country_code="JP"))
        host = make_delegate(
            tsuruoka, full_name="Mina Sato", native_name="佐藤 美奈", role=DelegateRole.MAYOR
        )
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        mayor = make_delegate(
            parma, full_name="Guido Guerra", role=DelegateRole.MAYOR, dietary=["vegetarian"]
        )
        interp = make_delegate(parma, full_name="Aiko Mori", role=DelegateRole.INTERPRETER)
        lyon = make_delegation(festival, make_city(name="Lyon", country_code="FR"))
        other = make_delegate(lyon, full_name="Jeanne Roux", role=DelegateRole.MAYOR)
        official = make_delegate(lyon, full_name="Paul Vidal")
        for person in (host, mayor, interp, other, official):
            enrol(dinner, person)
        for city_id, reading in ((parma.city_id, "ぱるま"), (lyon.city_id, "りよん")):
            db.session.add(CityProtocol(festival_id=festival.id, city_id=city_id, reading=reading))
        elsewhere = make_festival(slug="other")
        foreign = make_session(elsewhere, title="Other dinner")
        db.session.commit()
        return {
            "slug": festival.slug,
            "session": dinner.id,
            "foreign_session": foreign.id,
            "host": host.id,
            "mayor": mayor.id,
            "interp": interp.id,
            "other": other.id,
            "official": official.id,
            "mayor_user": mayor.user_id,
        }


PLAN = {
    "layout": "tables",
    "head_shape": "round",
    "head_seats": "4",
    "count": "1",
    "shape": "round",
    "seats": "6",
}


def _base(w: dict) -> str:
    return f"/organiser/festivals/{w['slug']}/protocol/sessions/{w['session']}/seating"


def _seats(app: Flask) -> dict[int, tuple[int, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Seat.delegate_id, SeatingTable.number, Seat.seat).join(SeatingTable)
        )
        return {d: (t, s) for d, t, s in rows}


def test_the_organiser_seats_the_banquet_by_precedence(app, client, auth, banquet) -> None:
    auth.organiser()
    assert client.get(_base(banquet)).status_code == 200  # the form to set out tables
    response = client.post(_base(banquet), data=PLAN)
    assert response.status_code == 302
    seats = _seats(app)
    assert seats[banquet["host"]] == (1, 1)
    # Parma (ぱるま) before Lyon (りよん) in gojūon order: Guerra on the host's right.
    assert seats[banquet["mayor"]] == (1, 2)
    assert seats[banquet["interp"]] == (1, 3)
    assert seats[banquet["other"]] == (1, 4)
    assert seats[banquet["official"]] == (2, 1)
    page = client.get(_base(banquet))
    assert page.headers["Cache-Control"] == "no-store"
    assert "Vegetarian" in page.text
    svg = client.get(_base(banquet) + "/plan.svg")
    assert (
        svg.mimetype == "image/svg+xml" and "Guido Guerra" in svg.text and "Vegetarian" in svg.text
    )
    cards = client.get(_base(banquet) + "/cards").text
    # Own script above the romanised name, on both halves of the folded card.
    assert cards.count('<p class="tent-native">佐藤 美奈</p>') == 2
    assert cards.index('tent-native">佐藤 美奈') < cards.index('tent-name">Mina Sato')
    assert 'tent-native">Guido' not in cards  # no own script on file: one line


def test_moves_and_swaps_by_hand_with_clear_errors(app, client, auth, banquet) -> None:
    auth.organiser()
    client.post(_base(banquet), data=PLAN)
    # The official takes the interpreter's seat; the interpreter takes his.
    response = client.post(
        _base(banquet) + "/move", data={"delegate_id": banquet["official"], "table": 1, "seat": 3}
    )
    assert response.status_code == 302
    seats = _seats(app)
    assert seats[banquet["official"]] == (1, 3) and seats[banquet["interp"]] == (2, 1)
    response = client.post(
        _base(banquet) + "/swap",
        data={"first_id": banquet["official"], "second_id": banquet["interp"]},
    )
    assert response.status_code == 302
    seats = _seats(app)
    assert seats[banquet["official"]] == (2, 1) and seats[banquet["interp"]] == (1, 3)
    bad = client.post(
        _base(banquet) + "/move", data={"delegate_id": banquet["official"], "table": 1, "seat": 9}
    )
    assert bad.status_code == 400
    assert "There is no seat with this number at that table." in bad.text
    bad = client.post(
        _base(banquet) + "/move", data={"delegate_id": banquet["official"], "table": 7, "seat": 1}
    )
    assert bad.status_code == 400 and "There is no table or row with this number." in bad.text
    response = client.post(_base(banquet) + f"/unseat/{banquet['official']}")
    assert response.status_code == 302
    assert banquet["official"] not in _seats(app)
    assert "Paul Vidal" in client.get(_base(banquet)).text  # listed without a seat


def test_the_guest_finds_the_seat_on_the_itinerary_and_in_the_feed(
    app, client, auth, banquet
) -> None:
    auth.organiser()
    client.post(_base(banquet), data=PLAN)
    client.post("/logout")
    auth.user(banquet["mayor_user"])
    page = client.get("/my/itinerary", query_string={"festival": banquet["slug"]})
    assert page.status_code == 200 and "Table 1, seat 2" in page.text
    with app.app_context():
        from festival.registration.models import Delegate

        token = personal_token(db.session.get(Delegate, banquet["mayor"]))
    feed = client.get(f"/feeds/{token}.ics").data.decode()
    assert "Table 1\\, seat 2" in feed or "Table 1, seat 2" in feed.replace("\r\n ", "")
    # A move shows at once (the stamp moves with the seat).
    client.post("/logout")
    auth.organiser()
    moved = client.post(
        _base(banquet) + "/move", data={"delegate_id": banquet["mayor"], "table": 2, "seat": 3}
    )
    assert moved.status_code == 302
    feed = client.get(f"/feeds/{token}.ics").data.decode().replace("\r\n ", "")
    assert "Table 2\\, seat 3" in feed


def test_delegates_get_a_404_and_other_festivals_sessions_do_not_exist(
    app, client, auth, banquet
) -> None:
    auth.organiser()
    client.post(_base(banquet), data=PLAN)
    base = f"/organiser/festivals/{banquet['slug']}/protocol"
    urls = [
        base,
        base + "/cities",
        base + "/sessions",
        base + f"/people/{banquet['mayor']}",
        base + f"/sessions/{banquet['session']}/speaking",
        base + f"/sessions/{banquet['session']}/photo",
        base + f"/sessions/{banquet['session']}/photo.svg",
        _base(banquet),
        _base(banquet) + "/plan.svg",
        _base(banquet) + "/cards",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    foreign = f"{base}/sessions/{banquet['foreign_session']}"
    for tail in ("/speaking", "/photo", "/seating", "/seating/cards"):
        assert client.get(foreign + tail).status_code == 404, tail
    other_festival = f"/organiser/festivals/other/protocol/people/{banquet['mayor']}"
    assert client.get(other_festival).status_code == 404
    client.post("/logout")
    auth.user(banquet["mayor_user"])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Guido Guerra" not in response.text
    response = client.post(
        _base(banquet) + "/move", data={"delegate_id": banquet["mayor"], "table": 1, "seat": 1}
    )
    assert response.status_code == 404


def test_the_plan_page_runs_the_same_queries_whatever_its_size(app, client, auth, banquet) -> None:
    auth.organiser()
    client.post(_base(banquet), data=PLAN)
    protocol = f"/organiser/festivals/{banquet['slug']}/protocol"
    pages = [
        _base(banquet),
        _base(banquet) + "/plan.svg",
        _base(banquet) + "/cards",
        protocol,
        f"{protocol}/sessions/{banquet['session']}/speaking",
        f"{protocol}/sessions/{banquet['session']}/photo.svg",
        f"/organiser/festivals/{banquet['slug']}/delegates",
    ]
    queries_per_page(client, pages)  # the ranks are refreshed once after a change
    small = queries_per_page(client, pages)
    with app.app_context():
        from festival.festivals.models import Festival
        from festival.programme.models import ProgrammeSession

        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == "gastro"))
        dinner = db.session.get(ProgrammeSession, banquet["session"])
        for n in range(6):
            delegation = make_delegation(festival, make_city(name=f"Town {n}"))
            for role in (DelegateRole.MAYOR, DelegateRole.INTERPRETER, DelegateRole.OFFICIAL):
                enrol(dinner, make_delegate(delegation, role=role, dietary=["halal"]))
        db.session.commit()
    client.post(_base(banquet), data={**PLAN, "count": "4"})
    queries_per_page(client, pages)  # the ranks are refreshed once after the change
    large = queries_per_page(client, pages)
    assert small == large, (small, large)


# --- speaking order and photo line-up ------------------------------------------------


def test_photo_line_up_puts_the_host_at_the_centre_then_alternates() -> None:
    from festival.protocol.lineups import photo_lineup

    people = [f"rank {n}" for n in range(1, 7)]
    # As the camera sees it: 1 (the host) in the middle, 2 on the host's
    # right (the camera's left), 3 on the host's left, and so on.
    assert photo_lineup(people) == ["rank 6", "rank 4", "rank 2", "rank 1", "rank 3", "rank 5"]  # type: ignore[arg-type]


def test_the_speaking_order_gives_each_principal_a_timed_slot(app, client, auth, banquet) -> None:
    auth.organiser()
    url = f"/organiser/festivals/{banquet['slug']}/protocol/sessions/{banquet['session']}/speaking"
    bad = client.post(url, data={"slot_minutes": "0", "offset_minutes": "5"})
    assert bad.status_code == 400 and "field-error" in bad.text
    assert client.post(url, data={"slot_minutes": "7", "offset_minutes": "5"}).status_code == 302
    page = client.get(url).text
    # The session starts at 10:00 in Tokyo: opening words, then 7 minutes each,
    # the host first; the interpreter and the official do not speak.
    host, guerra, roux = (page.index(n) for n in ("Mina Sato", "Guido Guerra", "Jeanne Roux"))
    assert host < guerra < roux
    assert "10:05–10:12" in page and "10:12–10:19" in page and "10:19–10:26" in page
    assert "Aiko Mori" not in page and "Paul Vidal" not in page


def test_the_speaking_order_and_line_up_follow_every_change_made_through_the_app(
    app, client, auth, banquet
) -> None:
    auth.organiser()
    festival = f"/organiser/festivals/{banquet['slug']}"
    base = f"{festival}/protocol/sessions/{banquet['session']}"

    def order(page: str) -> list[str]:
        text = client.get(f"{base}/{page}").text
        text = text[text.index("<tbody>") :]  # not the message above
        names = ("Mina Sato", "Guido Guerra", "Jeanne Roux", "Paul Vidal")
        return sorted((n for n in names if n in text), key=text.index)

    assert order("speaking") == ["Mina Sato", "Guido Guerra", "Jeanne Roux"]  # kept
    assert "rank 3" in client.get(f"{base}/photo").text
    # An organiser ranks the official with the mayors, first among them.
    client.post(
        f"{festival}/protocol/people/{banquet['official']}",
        data={"rank_class": str(int(RankClass.MAYOR)), "position": "1", "note": ""},
    )
    assert order("speaking") == ["Mina Sato", "Paul Vidal", "Guido Guerra", "Jeanne Roux"]
    # The cities in alphabetical order of their English names: Lyon before Parma.
    client.post(
        f"{festival}/protocol/settings",
        data={"rule": "alphabetical", "language": "en", "host_delegate_id": ""},
    )
    client.post(f"{festival}/protocol/people/{banquet['official']}", data={"rank_class": ""})
    assert order("speaking") == ["Mina Sato", "Jeanne Roux", "Guido Guerra"]
    # A mayor leaves the banquet: the ranks are those among the guests left.
    client.post(f"{festival}/programme/{banquet['session']}/attendees/{banquet['other']}/remove")
    assert order("speaking") == ["Mina Sato", "Guido Guerra"]
    photo = client.get(f"{base}/photo").text
    assert "Jeanne Roux" not in photo and "rank 2" in photo and "rank 3" not in photo


def test_protocol_pages_show_the_session_in_the_readers_language(
    app, client, auth, banquet
) -> None:
    from festival.programme.models import ProgrammeSession

    with app.app_context():
        session = db.session.get(ProgrammeSession, banquet["session"])
        session.title_i18n = {"fr": "Dîner d'échange"}
        db.session.commit()
    auth.organiser()
    base = f"/organiser/festivals/{banquet['slug']}/protocol/sessions"
    headers = {"Accept-Language": "fr"}
    for page in (f"{base}/{banquet['session']}/speaking", f"{base}/{banquet['session']}/photo"):
        assert "Dîner d&#39;échange" in client.get(page, headers=headers).text
    assert "Dîner d&#39;échange" in client.get(base, headers=headers).text
