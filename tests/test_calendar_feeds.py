"""The public programme feed and the one-session download, read back by two parsers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from festival.calendar.identity import stable_uuid
from festival.extensions import db
from festival.programme import services as programme
from festival.programme.models import ProgrammeSession
from tests.calendar_helpers import (
    ARABIC,
    FRENCH,
    JAPANESE,
    build_world,
    events_by_uid,
    parse_both,
    vobject_events,
)
from tests.factories import make_festival, make_session, make_venue

TOKYO_TEN = datetime(2027, 6, 15, 1, 0, tzinfo=UTC)


@pytest.fixture
def world(app):
    return build_world(app)


def _uid(app, session_id: int) -> str:
    with app.app_context():
        session = db.session.get(ProgrammeSession, session_id)
        return str(stable_uuid("session", session.id, session.created_at))


def test_public_feed_has_public_sessions_in_tokyo_time_read_by_two_parsers(app, client, world):
    response = client.get(f"/festivals/{world.slug}/programme.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers  # inline: a feed, not a download
    assert response.headers["Cache-Control"].startswith("public")
    calendar, vcal = parse_both(response.data)

    events = events_by_uid(calendar)
    uid = _uid(app, world.public_id)
    assert set(events) == {uid, _uid(app, world.public_other_id)}
    event = events[uid]
    # 10:00 in Asia/Tokyo is 01:00 UTC, and the time is written with its zone.
    assert event.decoded("DTSTART") == TOKYO_TEN
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=9)
    assert str(event["SUMMARY"]) == JAPANESE
    assert FRENCH in str(event["DESCRIPTION"]) and ARABIC in str(event["DESCRIPTION"])

    # vobject parses the same instants and text on its own.
    by_uid = {e.uid.value: e for e in vobject_events(vcal)}
    assert set(by_uid) == set(events)
    assert by_uid[uid].dtstart.value.astimezone(UTC) == TOKYO_TEN
    assert by_uid[uid].summary.value == JAPANESE
    assert ARABIC in by_uid[uid].description.value


def test_restricted_sessions_never_reach_the_public_feed(client, world):
    body = client.get(f"/festivals/{world.slug}/programme.ics").data.decode("utf-8")
    assert "Mayors' Forum" not in body
    assert "Sake brewery visit" not in body


def test_calendar_properties_follow_rfc_5545_and_7986(app, client, world):
    body = client.get(f"/festivals/{world.slug}/programme.ics").data
    calendar, _ = parse_both(body)
    text = body.decode("utf-8")
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    assert text.count("\r\nNAME:") == 1 and text.count("\r\nX-WR-CALNAME:") == 1
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    assert "Gastronomy Festival 2027" in str(calendar["NAME"])
    assert str(calendar["DESCRIPTION"])
    assert calendar["X-WR-TIMEZONE"] == "Asia/Tokyo"
    assert "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "\r\nX-PUBLISHED-TTL:PT1H\r\n" in text
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    for forbidden in ("ATTENDEE", "ORGANIZER", "BEGIN:VALARM"):
        assert forbidden not in text

    event = events_by_uid(calendar)[_uid(app, world.public_id)]
    assert str(event["LOCATION"]) == "Civic Hall, Main Auditorium, 1-1 Honcho, Tsuruoka, Yamagata"
    assert "\r\nGEO:38.7275;139.8267\r\n" in text
    url = f"http://festival.test/festivals/{world.slug}/sessions/{world.public_id}"
    assert str(event["URL"]) == url
    assert url in str(event["DESCRIPTION"])
    assert event["CATEGORIES"].cats == ["Thematic session"]
    assert "Sato Yuki, Fatima Al-Zahra" in str(event["DESCRIPTION"])
    assert event["STATUS"] == "CONFIRMED"
    with app.app_context():
        stored = db.session.get(ProgrammeSession, world.public_id)
        updated = stored.updated_at.replace(microsecond=0)  # iCalendar has whole seconds
        assert event.decoded("DTSTAMP") == updated
        assert event.decoded("LAST-MODIFIED") == updated
        assert event.decoded("SEQUENCE") == stored.sequence


def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_characters(client, world):
    body = client.get(f"/festivals/{world.slug}/programme.ics").data
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    # The long Japanese title had to be folded, and unfolds to itself.
    assert any(line.startswith(b" ") for line in lines)


def test_uid_stays_the_same_and_sequence_rises_when_the_time_changes(app, client, world):
    before = events_by_uid(parse_both(client.get(f"/festivals/{world.slug}/programme.ics").data)[0])
    uid = _uid(app, world.public_id)
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.public_id)
        changed = programme.update_session(
            session,
            {
                "starts_at": TOKYO_TEN + timedelta(hours=1),
                "ends_at": TOKYO_TEN + timedelta(hours=3),
            },
        )
        assert changed
        db.session.commit()
    after = events_by_uid(parse_both(client.get(f"/festivals/{world.slug}/programme.ics").data)[0])
    assert set(after) == set(before)
    assert after[uid].decoded("SEQUENCE") == before[uid].decoded("SEQUENCE") + 1
    assert after[uid].decoded("DTSTART") == TOKYO_TEN + timedelta(hours=1)
    assert after[uid].decoded("LAST-MODIFIED") >= before[uid].decoded("LAST-MODIFIED")


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(app, client, world):
    with app.app_context():
        programme.cancel_session(db.session.get(ProgrammeSession, world.public_id))
        db.session.commit()
    body = client.get(f"/festivals/{world.slug}/programme.ics").data
    calendar, vcal = parse_both(body)
    uid = _uid(app, world.public_id)
    event = events_by_uid(calendar)[uid]
    assert event["STATUS"] == "CANCELLED"
    assert event.decoded("SEQUENCE") == 1
    assert JAPANESE in str(event["SUMMARY"])
    assert {e.uid.value: e.status.value for e in vobject_events(vcal)}[uid] == "CANCELLED"


def test_the_same_feed_twice_is_the_same_bytes(app, client, world):
    first = client.get(f"/festivals/{world.slug}/programme.ics")
    app.extensions.pop("calendar_feed_store", None)  # built again from scratch
    second = client.get(f"/festivals/{world.slug}/programme.ics")
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]


def test_conditional_get_gives_304_and_a_stale_validator_the_full_feed(app, client, world):
    url = f"/festivals/{world.slug}/programme.ics"
    first = client.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and last_modified

    by_etag = client.get(url, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304 and by_etag.data == b""
    assert by_etag.headers["ETag"] == etag
    by_date = client.get(url, headers={"If-Modified-Since": last_modified})
    assert by_date.status_code == 304

    stale = client.get(url, headers={"If-None-Match": '"something-older"'})
    assert stale.status_code == 200 and stale.data == first.data
    older = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})
    assert older.status_code == 200

    # After a change both old validators get the new feed.
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.public_other_id)
        programme.update_session(session, {"title": "Closing ceremony and farewell"})
        db.session.commit()
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        changed = client.get(url, headers=headers)
        assert changed.status_code == 200
        assert b"farewell" in changed.data
        assert changed.headers["ETag"] != etag


def test_a_304_does_not_build_the_feed(app, client, world, monkeypatch):
    from festival.calendar import ics

    url = f"/festivals/{world.slug}/programme.ics"
    etag = client.get(url).headers["ETag"]

    def fail(*args, **kwargs):
        raise AssertionError("the calendar was built for a 304")

    monkeypatch.setattr(ics, "build_calendar", fail)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_a_deleted_session_changes_the_feed_even_for_if_modified_since(app, client, world):
    url = f"/festivals/{world.slug}/programme.ics"
    last_modified = client.get(url).headers["Last-Modified"]
    with app.app_context():
        db.session.delete(db.session.get(ProgrammeSession, world.public_other_id))
        db.session.commit()
    response = client.get(url, headers={"If-Modified-Since": last_modified})
    assert response.status_code == 200
    assert b"Closing ceremony" not in response.data


@pytest.mark.parametrize("sessions", [3, 30])
def test_queries_per_feed_do_not_grow_with_sessions(app, client, count_queries, sessions):
    with app.app_context():
        festival = make_festival(slug=f"size-{sessions}")
        venues = [make_venue(festival, latitude=38.7, longitude=139.8) for _ in range(3)]
        for n in range(sessions):
            make_session(
                festival,
                venue=venues[n % 3],
                starts_at=TOKYO_TEN + timedelta(hours=n),
                speakers="A\nB",
            )
        db.session.commit()
    url = f"/festivals/size-{sessions}/programme.ics"
    with count_queries() as built:
        response = client.get(url)
    assert response.status_code == 200
    assert response.data.count(b"BEGIN:VEVENT") == sessions
    with count_queries() as revalidated:
        assert (
            client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
        )
    assert len(built) <= 4
    assert len(revalidated) <= 3


def test_one_session_downloads_as_a_file_without_a_calendar_name(app, client, world):
    response = client.get(f"/festivals/{world.slug}/sessions/{world.public_id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="session-{world.public_id}.ics"'
    )
    calendar, vcal = parse_both(response.data)
    assert list(events_by_uid(calendar)) == [_uid(app, world.public_id)]
    assert calendar["METHOD"] == "PUBLISH"
    # Named, Outlook would open it as a new calendar instead of adding the event.
    assert "X-WR-CALNAME" not in calendar and "NAME" not in calendar
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert vobject_events(vcal)[0].dtstart.value.astimezone(UTC) == TOKYO_TEN
    etag = response.headers["ETag"]
    assert (
        client.get(
            f"/festivals/{world.slug}/sessions/{world.public_id}.ics",
            headers={"If-None-Match": etag},
        ).status_code
        == 304
    )


def test_restricted_or_missing_sessions_are_not_downloadable(client, world):
    for session_id in (world.forum_id, world.invited_id, 999_999):
        assert client.get(f"/festivals/{world.slug}/sessions/{session_id}.ics").status_code == 404
    assert client.get(f"/festivals/nope/sessions/{world.public_id}.ics").status_code == 404
    assert client.get("/festivals/nope/programme.ics").status_code == 404


def test_each_feed_language_is_its_own_version_and_unknown_ones_fall_back(client, world):
    url = f"/festivals/{world.slug}/programme.ics"
    default = client.get(url)
    assert b"CATEGORIES:Thematic session" in default.data
    assert client.get(url + "?lang=fr").headers["ETag"] != default.headers["ETag"]
    unknown = client.get(url + "?lang=xx")
    assert unknown.headers["ETag"] == default.headers["ETag"]
    assert unknown.data == default.data
