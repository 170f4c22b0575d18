"""The pure counting behind the logistics views: plain rows in, values out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from festival.core.cells import safe_cell
from festival.logistics.counting import (
    Diner,
    Guest,
    Member,
    Sharer,
    Stay,
    Traveller,
    bar_chart,
    catering_by_session,
    catering_counts,
    host_interpretation,
    language_needs,
    match_sharing,
    occupancy,
    occupancy_night,
    rooming_list,
    rooming_night,
    tally_by_session,
    tally_diners,
    travel_board,
)
from festival.logistics.exports import Table, to_csv, to_xlsx

TOKYO = ZoneInfo("Asia/Tokyo")


def traveller(n: int, at: datetime, flight: str | None, airport: str | None) -> Traveller:
    return Traveller(n, f"Person {n}", None, "official", "Parma", "IT", 1, at, flight, airport)


def test_board_groups_by_festival_day_then_airport_then_flight() -> None:
    # 23:30 UTC on the 13th is 08:30 on the 14th in Tokyo: the Tokyo day counts.
    late = datetime(2027, 6, 13, 23, 30, tzinfo=UTC)
    board = travel_board(
        [
            traveller(1, late, "AZ784", "NRT"),
            traveller(2, late, "az784", "nrt"),  # same flight, other spelling
            traveller(3, datetime(2027, 6, 14, 1, 0, tzinfo=UTC), "NH1", "HND"),
            traveller(4, datetime(2027, 6, 15, 2, 0, tzinfo=UTC), None, None),
            traveller(5, datetime(2027, 6, 14, 0, 0, tzinfo=UTC), "JL5", "NRT"),
        ],
        TOKYO,
    )
    assert [d.day for d in board] == [date(2027, 6, 14), date(2027, 6, 15)]
    first = board[0]
    assert [a.code for a in first.airports] == ["HND", "NRT"]
    nrt = first.airports[1]
    assert [(p.local.strftime("%H:%M"), p.flight) for p in nrt.pickups] == [
        ("08:30", "AZ784"),
        ("09:00", "JL5"),
    ]
    assert [t.delegate_id for t in nrt.pickups[0].travellers] == [1, 2]
    assert first.people == 4 and nrt.people == 3
    # The unknown airport sorts last and has no local time.
    assert board[1].airports[0].code == ""
    assert board[1].airports[0].pickups[0].at_airport is None


def test_board_shows_the_airports_own_local_time() -> None:
    at = datetime(2027, 6, 20, 3, 0, tzinfo=UTC)
    board = travel_board([traveller(1, at, "AZ785", "CDG")], TOKYO)
    pickup = board[0].airports[0].pickups[0]
    assert pickup.local.strftime("%d %H:%M") == "20 12:00"
    assert pickup.at_airport.strftime("%d %H:%M") == "20 05:00"  # Paris, summer time


def test_board_of_nobody_is_empty() -> None:
    assert travel_board([], TOKYO) == []


def guest(n: int, hotel: str | None, check_in: date | None, check_out: date | None, **kw) -> Guest:
    values = {
        "native_name": None,
        "role": "official",
        "city": f"City {n}",
        "country": "FR",
        "shares_room_with": None,
    }
    values.update(kw)
    return Guest(
        n, f"Guest {n}", hotel=hotel, check_in_on=check_in, check_out_on=check_out, **values
    )


def test_rooming_counts_guests_and_rooms_per_hotel_and_night() -> None:
    d = date(2027, 6, 13)
    result = rooming_list(
        [
            guest(1, "Hotel A", d, date(2027, 6, 16)),
            guest(2, "Hotel A", d, date(2027, 6, 15), shares_room_with="Guest 3"),
            guest(3, "Hotel A", d, date(2027, 6, 15), shares_room_with="Guest 2"),
            guest(4, "Hotel B", date(2027, 6, 14), date(2027, 6, 15)),
            guest(5, None, d, date(2027, 6, 14)),
        ]
    )
    assert [h.name for h in result.hotels] == ["Hotel A", "Hotel B", ""]  # unassigned last
    a = result.hotels[0]
    assert a.guests_per_night == {d: 3, date(2027, 6, 14): 3, date(2027, 6, 15): 1}
    # Two who share take one room: 1 + 1 the first two nights.
    assert a.rooms_per_night == {d: 2, date(2027, 6, 14): 2, date(2027, 6, 15): 1}
    assert result.nights == [d, date(2027, 6, 14), date(2027, 6, 15)]
    assert result.guests == 5
    assert result.undated == []


def test_rooming_falls_back_on_flight_dates_and_flags_the_undated() -> None:
    from_flights = guest(
        1, "Hotel A", None, None, arrival_on=date(2027, 6, 13), departure_on=date(2027, 6, 15)
    )
    unknown = guest(2, "Hotel A", None, None)
    result = rooming_list([from_flights, unknown])
    assert from_flights.dates_from_flights
    assert len(from_flights.nights) == 2
    assert result.undated == [unknown]
    assert result.hotels[0].guests_per_night == {date(2027, 6, 13): 1, date(2027, 6, 14): 1}


def test_an_odd_guest_sharing_still_needs_a_room() -> None:
    d = date(2027, 6, 13)
    result = rooming_list([guest(1, "H", d, date(2027, 6, 14), shares_room_with="someone")])
    assert result.hotels[0].rooms_per_night == {d: 1}


def test_occupancy_from_grouped_stays_counts_as_the_rooming_list() -> None:
    d = date(2027, 6, 13)
    guests = [
        guest(1, "Hotel A", d, date(2027, 6, 16)),
        guest(2, "Hotel A", d, date(2027, 6, 15), shares_room_with="Guest 3"),
        guest(3, "Hotel A", d, date(2027, 6, 15), shares_room_with="Guest 2"),
        guest(4, "hotel b", date(2027, 6, 14), date(2027, 6, 15)),
        guest(5, None, d, date(2027, 6, 14)),
        guest(6, "Hotel A", None, None),
    ]
    listed = rooming_list(guests)
    # Guests 2 and 3 are one group of two, as SQL counts them.
    stays = [
        Stay(g.hotel or "", *g.stay, bool(g.shares_room_with)) for g in guests[:1] + guests[3:]
    ]
    stays.append(Stay("Hotel A", d, date(2027, 6, 15), sharing=True, count=2))
    counted = occupancy(stays)
    assert [(h.name, h.guests_per_night, h.rooms_per_night) for h in counted.hotels] == [
        (h.name, h.guests_per_night, h.rooms_per_night) for h in listed.hotels
    ]
    assert counted.nights == listed.nights
    assert (counted.guests, counted.undated) == (6, 1)
    assert counted.guests_per_night() == {d: 4, date(2027, 6, 14): 4, date(2027, 6, 15): 1}
    for night in listed.nights:
        assert occupancy_night(counted, night, guests) == rooming_night(listed, night)


def test_catering_counts_each_requirement_once_per_delegate() -> None:
    counts = catering_counts(
        [
            Diner(["vegetarian"], None, ["milk", "eggs"], None),
            Diner(["vegetarian", "vegetarian"], "no raw fish", ["milk"], None),
            Diner(["halal"], None, [], "kiwi"),
            Diner([], None, [], None),
            Diner([], "  ", [], ""),  # blank free text is no requirement
            Diner([], None, [], "Kiwi"),  # the same note, spelt otherwise
        ]
    )
    assert counts.total == 6
    assert counts.dietary_items() == [("vegetarian", 2), ("halal", 1), ("other", 1)]
    assert counts.allergen_items() == [("milk", 2), ("other", 2), ("eggs", 1)]
    assert counts.unrestricted == 2
    assert counts.notes == [("kiwi", 2), ("no raw fish", 1)]


def test_diners_grouped_by_need_count_as_the_delegates_one_by_one() -> None:
    vegetarian = Diner(("vegetarian",), "no raw fish", ("milk",), None)
    kiwi = Diner((), None, (), "Kiwi")
    nothing = Diner()
    groups = [(vegetarian, 3), (kiwi, 2), (nothing, 40), (Diner((), None, (), "kiwi"), 1)]
    one_by_one = [diner for diner, many in groups for _ in range(many)]
    assert tally_diners(groups) == catering_counts(one_by_one)
    by_session = tally_by_session([(10, kiwi, 2), (10, nothing, 5), (11, vegetarian, 1)])
    assert by_session[10] == catering_counts([kiwi, kiwi, *[nothing] * 5])
    assert by_session[11].total == 1 and 12 not in by_session


def test_catering_by_session_splits_the_rows() -> None:
    result = catering_by_session(
        [(10, Diner(["vegan"])), (10, Diner()), (11, Diner(allergens=["sesame"]))]
    )
    assert result[10].total == 2 and result[10].dietary["vegan"] == 1
    assert result[11].allergens["sesame"] == 1 and 12 not in result


def test_language_needs_flags_members_nobody_interprets_for() -> None:
    need = language_needs(
        [
            Member("Mayor", False, ["it"]),
            Member("Director", False, ["it", "en"]),
            Member("Chef", False, ["pt"]),
            Member("Interpreter", True, ["it", "ja"]),
            Member("Press", False, []),
        ],
        ["en", "ja", "fr"],
    )
    assert need.needs == ["en", "it", "pt"]
    assert need.brings == [("Interpreter", ["it", "ja"])]
    assert need.covered == [("Mayor", ["it"])]
    assert need.uncovered == [("Chef", ["pt"])]
    assert need.needs_host_interpreter


def test_an_interpreter_who_speaks_no_festival_language_covers_nobody() -> None:
    need = language_needs(
        [Member("Mayor", False, ["AR"]), Member("Interpreter", True, ["ar", "es"])], ["en", "ja"]
    )
    assert need.uncovered == [("Mayor", ["ar"])]
    assert host_interpretation([need, need]) == [("ar", 2)]


def test_a_delegation_speaking_a_festival_language_needs_nobody() -> None:
    need = language_needs([Member("Mayor", False, ["fr"])], ["en", "ja", "fr"])
    assert not need.needs_host_interpreter and need.covered == []


def test_bar_chart_scales_to_the_largest_value() -> None:
    chart = bar_chart([("Vegetarian", 40), ("Halal", 10), ("Kosher", 0)], width=560)
    widths = [b.width for b in chart.bars]
    assert widths[0] == chart.plot_width
    assert widths[1] == round(chart.plot_width / 4)
    assert widths[2] == 0
    assert chart.bars[1].y > chart.bars[0].y
    assert chart.height >= chart.bars[-1].y + chart.bar_height


def test_bar_chart_keeps_a_tiny_count_visible_and_handles_nothing() -> None:
    chart = bar_chart([("a", 5000), ("b", 1)])
    assert chart.bars[1].width >= 1
    assert bar_chart([]).bars == []


def test_csv_has_a_bom_and_defuses_formulas() -> None:
    text = to_csv([Table("T", ["Name"], [["鶴岡 太郎"], ["=HYPERLINK(1)"], ["+81 90"]])])
    assert text.startswith("\ufeffName\r\n")
    assert "鶴岡 太郎" in text
    assert "'=HYPERLINK(1)" in text and "'+81 90" in text
    assert safe_cell(12) == 12


def test_xlsx_keeps_unicode_and_never_writes_a_formula() -> None:
    import io

    from openpyxl import load_workbook

    data = to_xlsx(
        [
            Table("Arrivals", ["Name", "When"], [["مريم", datetime(2027, 6, 14, 9, 30)]]),
            Table("Arrivals", ["Name"], [["=1+1"]]),  # same title: made unique
        ]
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Arrivals", "Arrivals (2)"]
    rows = list(book["Arrivals"].values)
    assert rows == [("Name", "When"), ("مريم", datetime(2027, 6, 14, 9, 30))]
    assert next(book["Arrivals (2)"].iter_rows(min_row=2)).__getitem__(0).data_type == "s"


def _sharer(n: int, name: str, shares: str | None, group: int = 1, hotel: str = "H") -> Sharer:
    return Sharer(n, group, name, None, shares, hotel)


def test_match_sharing_pairs_mutual_and_silent_partners_and_flags_the_rest() -> None:
    sharing = match_sharing(
        [
            _sharer(1, "Anna", "marco"),  # mutual (any case)
            _sharer(2, "Marco", "Anna"),
            _sharer(3, "Luca", "Sofia"),  # Sofia names nobody: a pair
            _sharer(4, "Sofia", None),
            _sharer(5, "Piero", "Anna"),  # Anna shares with Marco: one-sided
            _sharer(6, "Gino", "Nobody"),  # matches nobody
            _sharer(7, "Eva", "Luca", group=2),  # Luca is of another delegation
        ]
    )
    assert sharing.paired == {1, 2, 3, 4}
    assert sharing.pairs[3] == 4
    flags = {f.name: (f.other, f.other_names) for f in sharing.flags}
    assert flags == {
        "Piero": ("Anna", "marco"),
        "Gino": (None, None),
        "Eva": (None, None),
    }


def test_match_sharing_needs_the_same_hotel() -> None:
    sharing = match_sharing([_sharer(1, "Anna", "Marco"), _sharer(2, "Marco", None, hotel="K")])
    assert sharing.paired == set()
    assert sharing.flags[0].other_hotel
