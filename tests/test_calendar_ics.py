"""The pure iCalendar builder, the feed tokens and the feed cache, without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from festival.calendar.cache import MemoryStore, RedisStore
from festival.calendar.ics import FeedEvent, FeedMeta, build_calendar
from festival.calendar.tokens import feed_token, token_delegate_id, token_is_valid
from tests.calendar_helpers import ARABIC, FRENCH, JAPANESE
from tests.support.redis_server import REDIS_URL, needs_redis, redis_up

TOKYO = ZoneInfo("Asia/Tokyo")
PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2027, 5, 1, 12, 0, tzinfo=UTC)


def _event(**values) -> FeedEvent:
    defaults = {
        "uid": "6b1c2d0e-0000-5000-8000-000000000001",
        "summary": "Opening ceremony",
        "start": datetime(2027, 6, 15, 10, 0, tzinfo=TOKYO),
        "end": datetime(2027, 6, 15, 11, 30, tzinfo=TOKYO),
        "stamp": STAMP,
    }
    return FeedEvent(**{**defaults, **values})


META = FeedMeta(timezone="Asia/Tokyo", name="Festival", description="Programme", years=(2027,))


def test_ten_in_tokyo_is_one_utc_for_both_parsers():
    body = build_calendar(META, [_event()])
    assert b"DTSTART;TZID=Asia/Tokyo:20270615T100000\r\n" in body
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 6, 15, 1, tzinfo=UTC)
    parsed = vobject.readOne(body.decode("utf-8"))
    assert parsed.vevent.dtstart.value.astimezone(UTC) == datetime(2027, 6, 15, 1, tzinfo=UTC)


def test_floating_times_are_refused():
    with pytest.raises(ValueError, match="floating"):
        build_calendar(META, [_event(start=datetime(2027, 6, 15, 10, 0))])


def test_every_zone_used_gets_its_vtimezone_with_its_rules():
    paris = _event(
        uid="b",
        start=datetime(2027, 7, 1, 9, tzinfo=PARIS),
        end=datetime(2027, 7, 1, 10, tzinfo=PARIS),
    )
    calendar = icalendar.Calendar.from_ical(build_calendar(META, [_event(), paris]))
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert set(zones) == {"Asia/Tokyo", "Europe/Paris"}
    assert zones["Europe/Paris"].walk("DAYLIGHT")  # summer time: CEST, +02:00
    assert not zones["Asia/Tokyo"].walk("DAYLIGHT")
    event = calendar.walk("VEVENT")[1]
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2027, 7, 1, 7, tzinfo=UTC)


def test_all_day_is_a_date_with_an_exclusive_end_and_a_moment_has_no_end():
    hotel = _event(uid="h", start=date(2027, 6, 14), end=date(2027, 6, 18), transparent=True)
    pickup = _event(uid="p", end=None)
    body = build_calendar(META, [hotel, pickup])
    assert b"\r\nDTSTART;VALUE=DATE:20270614\r\n" in body
    assert b"\r\nDTEND;VALUE=DATE:20270618\r\n" in body
    parsed = vobject.readOne(body.decode("utf-8"))
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    assert by_uid["h"].dtend.value - by_uid["h"].dtstart.value == timedelta(days=4)
    assert not hasattr(by_uid["p"], "dtend")


def test_no_attendee_organizer_or_alarm_and_stamp_is_the_stored_time():
    body = build_calendar(META, [_event(sequence=4, cancelled=True)])
    for forbidden in (b"ATTENDEE", b"ORGANIZER", b"VALARM"):
        assert forbidden not in body
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert event.decoded("DTSTAMP") == STAMP
    assert event.decoded("SEQUENCE") == 4
    assert event["STATUS"] == "CANCELLED"
    assert build_calendar(META, [_event()]) == build_calendar(META, [_event()])


def test_a_download_has_no_name_and_no_refresh():
    body = build_calendar(FeedMeta(timezone="Asia/Tokyo", years=(2027,)), [_event()])
    for name in (b"NAME", b"X-WR-CALNAME", b"REFRESH-INTERVAL", b"X-PUBLISHED-TTL"):
        assert b"\r\n" + name + b":" not in body and b"\r\n" + name + b";" not in body
    assert b"X-WR-TIMEZONE:Asia/Tokyo" in body


def _assert_folded_safely(body: bytes) -> None:
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no UTF-8 sequence split across a fold


def test_long_japanese_french_and_arabic_text_folds_and_round_trips():
    text = (JAPANESE + " " + FRENCH + " " + ARABIC + " 🍣🥐🫓") * 3
    body = build_calendar(META, [_event(summary=text, description=text, location=ARABIC)])
    _assert_folded_safely(body)
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == text and str(event["DESCRIPTION"]) == text
    parsed = vobject.readOne(body.decode("utf-8")).vevent
    assert parsed.summary.value == text and parsed.location.value == ARABIC


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
        min_size=1,
        max_size=400,
    )
)
def test_any_text_folds_safely_and_survives_both_parsers(text):
    body = build_calendar(META, [_event(summary=text, description=text)])
    _assert_folded_safely(body)
    event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == text
    assert vobject.readOne(body.decode("utf-8")).vevent.description.value == text


def test_tokens_sign_the_id_and_the_feed_secret():
    token = feed_token("key", 42, "secret-a")
    assert token_delegate_id(token) == 42
    assert token_is_valid("key", token, 42, "secret-a")
    assert not token_is_valid("key", token, 42, "secret-b")  # regenerated
    assert not token_is_valid("other-key", token, 42, "secret-a")  # SECRET_KEY changed
    assert not token_is_valid("key", token, 43, "secret-a")
    for bad in ("42", "42-", "x-" + "0" * 32, "0-" + "0" * 32, "42-" + "G" * 32, token + "0"):
        assert token_delegate_id(bad) is None or not token_is_valid("key", bad, 42, "secret-a")


def test_memory_store_keeps_a_bounded_lru_and_moves_last_modified_forward(monkeypatch):
    from festival.calendar import cache

    store = MemoryStore(max_bytes=10)
    store.put("a", b"12345")
    store.put("b", b"12345")
    assert store.get("a") == b"12345"  # a is now the most recent
    store.put("c", b"12345")
    assert store.get("b") is None and store.get("a") == b"12345"
    now = [1_800_000_000.7]
    monkeypatch.setattr(cache.time, "time", lambda: now[0])
    first = store.last_modified("feed", "v1")
    assert first == (1_800_000_000, True)  # rounded down: never after Date
    assert store.last_modified("feed", "v1") == first
    now[0] += 1
    second = store.last_modified("feed", "v2")
    assert second.at > first.at and second.validates
    # Back to an earlier version in the same second: its date proves nothing...
    third = store.last_modified("feed", "v1")
    assert third == (second.at, False)
    # ...until a later second dates it afresh.
    now[0] += 1
    assert store.last_modified("feed", "v1") == (second.at + 1, True)


@needs_redis
def test_redis_store_is_shared_between_app_servers():
    import secrets

    namespace = "test-" + secrets.token_hex(4)
    one = RedisStore(REDIS_URL, namespace)
    two = RedisStore(REDIS_URL, namespace)
    one.put("etag-1", b"BEGIN:VCALENDAR")
    assert two.get("etag-1") == b"BEGIN:VCALENDAR"
    since = one.last_modified("programme:1:en", "etag-1")
    assert two.last_modified("programme:1:en", "etag-1") == since
    later = two.last_modified("programme:1:en", "etag-2")
    # Never in the future; the same second as before is not a proof by date.
    assert later.at >= since.at and later.validates == (later.at > since.at)
    assert RedisStore(REDIS_URL, "elsewhere").get("etag-1") is None


def test_feeds_are_served_through_redis_when_configured(app, client, monkeypatch):
    from festival.calendar import cache
    from tests.calendar_helpers import build_world

    if not redis_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    world = build_world(app)
    app.config["REDIS_URL"] = REDIS_URL
    app.extensions.pop("calendar_feed_store", None)
    url = f"/festivals/{world.slug}/programme.ics"
    first = client.get(url)
    assert isinstance(app.extensions["calendar_feed_store"], cache.FallbackStore)
    # A second app server (a fresh store) answers 304 from what the first stored.
    app.extensions.pop("calendar_feed_store", None)
    again = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_a_redis_outage_falls_back_to_memory(app, client):
    from tests.calendar_helpers import build_world

    world = build_world(app)
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.extensions.pop("calendar_feed_store", None)
    response = client.get(f"/festivals/{world.slug}/programme.ics")
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.data
