"""The programme's pure pieces: zones, add-to-calendar links, overlaps, the day picture."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from festival.itineraries.overlaps import overlapping_pairs
from festival.programme.links import add_to_calendar_links
from festival.programme.timeline import assign_lanes, day_timeline, fit_label
from festival.programme.times import (
    NonexistentLocalTime,
    time_range,
    to_utc,
    utc_offset_label,
    zone_label,
)

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- times --------------------------------------------------------------------


def test_ten_in_tokyo_is_one_in_utc():
    assert to_utc(date(2027, 6, 15), time(10, 0), TOKYO) == utc(2027, 6, 15, 1, 0)


def test_a_time_the_clocks_skip_is_refused_and_a_fold_takes_the_first():
    with pytest.raises(NonexistentLocalTime):
        to_utc(date(2027, 3, 28), time(2, 30), PARIS)  # 02:00 -> 03:00
    # 02:30 happens twice on 31 October 2027; the first is still summer time.
    assert to_utc(date(2027, 10, 31), time(2, 30), PARIS) == utc(2027, 10, 31, 0, 30)


def test_offsets_follow_the_day():
    assert utc_offset_label(TOKYO, date(2027, 6, 15)) == "UTC+09:00"
    assert utc_offset_label(PARIS, date(2027, 6, 15)) == "UTC+02:00"
    assert utc_offset_label(PARIS, date(2027, 12, 15)) == "UTC+01:00"
    assert utc_offset_label(ZoneInfo("America/St_Johns"), date(2027, 1, 5)) == "UTC-03:30"
    assert zone_label(TOKYO, date(2027, 6, 15)) == "Asia/Tokyo (UTC+09:00)"


def test_time_ranges_are_shown_in_the_zone_with_a_later_day_marked():
    assert time_range(utc(2027, 6, 15, 1), utc(2027, 6, 15, 2, 30), TOKYO) == "10:00–11:30"
    assert time_range(utc(2027, 6, 15, 13), utc(2027, 6, 15, 16), TOKYO) == "22:00–01:00 (+1)"
    assert time_range(utc(2027, 6, 15, 13), utc(2027, 6, 15, 15), TOKYO) == "22:00–00:00"


# --- add to calendar ----------------------------------------------------------


def test_google_and_outlook_links_carry_utc_instants_and_escaped_text():
    links = add_to_calendar_links(
        "Mayors' Forum: 食と文化 & l'avenir",
        to_utc(date(2027, 6, 15), time(10), TOKYO),
        to_utc(date(2027, 6, 15), time(12, 30), TOKYO),
        details="Closed forum.\nInterpretation: ja ↔ en",
        location="Mayors' Salon, City Hall, 9-25 Baba-cho",
        url="https://festival.example/festivals/gf/sessions/7",
    )
    google = urlsplit(links.google)
    assert (google.scheme, google.netloc, google.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    g = parse_qs(google.query)
    assert g["action"] == ["TEMPLATE"]
    assert g["text"] == ["Mayors' Forum: 食と文化 & l'avenir"]
    assert g["dates"] == ["20270615T010000Z/20270615T033000Z"]
    assert g["location"] == ["Mayors' Salon, City Hall, 9-25 Baba-cho"]
    assert g["details"][0].startswith("Closed forum.\nInterpretation: ja ↔ en")
    assert g["details"][0].endswith("https://festival.example/festivals/gf/sessions/7")
    assert "+" not in links.outlook  # spaces are %20: Outlook shows a "+" literally

    outlook = urlsplit(links.outlook)
    assert outlook.netloc == "outlook.live.com"
    assert outlook.path == "/calendar/0/deeplink/compose"
    o = parse_qs(outlook.query)
    assert o["subject"] == ["Mayors' Forum: 食と文化 & l'avenir"]
    assert o["startdt"] == ["2027-06-15T01:00:00Z"]
    assert o["enddt"] == ["2027-06-15T03:30:00Z"]
    assert o["location"] == g["location"]
    assert o["body"] == g["details"]
    assert o["rru"] == ["addevent"]


def test_all_day_links_use_dates_with_an_exclusive_end():
    links = add_to_calendar_links(
        "Hotel",
        utc(2027, 6, 13, 15),
        utc(2027, 6, 18, 15),
        all_day_dates=(date(2027, 6, 14), date(2027, 6, 19)),
    )
    assert parse_qs(urlsplit(links.google).query)["dates"] == ["20270614/20270619"]
    o = parse_qs(urlsplit(links.outlook).query)
    assert (o["startdt"], o["enddt"], o["allday"]) == (["2027-06-14"], ["2027-06-19"], ["true"])


def test_links_refuse_naive_times_and_shorten_long_descriptions():
    with pytest.raises(ValueError):
        add_to_calendar_links("x", datetime(2027, 6, 15, 10), datetime(2027, 6, 15, 11))
    links = add_to_calendar_links(
        "x", utc(2027, 6, 15, 1), utc(2027, 6, 15, 2), details="word " * 2000
    )
    assert len(parse_qs(urlsplit(links.google).query)["details"][0]) <= 1200


# --- overlaps -----------------------------------------------------------------


def test_overlapping_pairs_ignores_touching_intervals_and_sees_moments():
    nine, ten, eleven, noon = (utc(2027, 6, 15, h) for h in (0, 1, 2, 3))
    intervals = [
        ("talk", nine, eleven),
        ("visit", ten, noon),  # overlaps the talk
        ("lunch", noon, noon + timedelta(hours=1)),  # touches the visit: no overlap
        ("pickup", ten + timedelta(minutes=30), ten + timedelta(minutes=30)),  # a moment
    ]
    pairs = {frozenset(p) for p in overlapping_pairs(intervals)}
    assert pairs == {
        frozenset({"talk", "visit"}),
        frozenset({"talk", "pickup"}),
        frozenset({"visit", "pickup"}),
    }


def test_overlapping_pairs_on_nothing_and_on_identical_moments():
    assert overlapping_pairs([]) == []
    moment = utc(2027, 6, 15, 5)
    assert overlapping_pairs([("a", moment, moment), ("b", moment, moment)]) == [("a", "b")]


# --- the day picture ----------------------------------------------------------


def test_lanes_stack_only_what_overlaps():
    a = (utc(2027, 6, 15, 0), utc(2027, 6, 15, 2))
    b = (utc(2027, 6, 15, 1), utc(2027, 6, 15, 3))
    c = (utc(2027, 6, 15, 2), utc(2027, 6, 15, 4))  # starts when a ends
    assert assign_lanes([a, b, c]) == [0, 1, 0]


def test_labels_are_cut_to_fit_counting_wide_characters_twice():
    assert fit_label("Short", 200) == "Short"
    cut = fit_label("Fermentation Cultures of the World", 60)
    assert cut.endswith("…") and len(cut) < 12
    assert len(fit_label("庄内の在来作物と食文化", 60)) < len(fit_label("abcdefghijk", 60))


def _session(id_: int, venue_id: int | None, start: datetime, hours: float, **kw: object):
    return SimpleNamespace(
        id=id_,
        title=kw.get("title", f"Session {id_}"),
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        venue_id=venue_id,
        type=kw.get("type", "workshop"),
        status=kw.get("status", "scheduled"),
    )


def test_day_timeline_has_a_row_per_venue_in_use_and_lanes_for_a_double_booking():
    day = date(2027, 6, 15)
    ten = to_utc(day, time(10), TOKYO)
    sessions = [
        _session(1, 1, ten, 1.5),
        _session(2, 1, ten + timedelta(hours=1), 1),  # double-booked in venue 1
        _session(3, 2, ten + timedelta(hours=3), 2, status="cancelled", type="meal"),
        _session(4, None, ten, 1),
    ]
    tl = day_timeline(sessions, {1: "Main Hall", 2: "Food Lab", 3: "Unused"}, day, TOKYO)
    assert [row.name for row in tl.rows] == ["Main Hall", "Food Lab", "—"]
    main, lab, _none = tl.rows
    assert main.height == 2 * lab.height  # two lanes
    blocks = {b.session_id: b for b in tl.blocks}
    assert blocks[1].y != blocks[2].y
    assert blocks[2].x > blocks[1].x
    assert blocks[3].css_class == "tl-block tl-meal tl-cancelled"
    hour_labels = [label for _x, label in tl.hours]
    assert hour_labels[0] == "09:00" and "10:00" in hour_labels and hour_labels[-1] == "18:00"
    # 10:00 Tokyo sits one hour right of the 09:00 line.
    nine_x = tl.hours[0][0]
    assert blocks[1].x == pytest.approx(nine_x + (tl.hours[1][0] - nine_x))
    assert all(b.x + b.width <= tl.width for b in tl.blocks)
