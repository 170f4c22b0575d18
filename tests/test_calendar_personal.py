"""Personal feeds: a delegate's whole itinerary behind a revocable secret link."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from festival.calendar.identity import stable_uuid
from festival.calendar.services import personal_token
from festival.core.logs import RedactSecretLinks
from festival.extensions import db
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.itineraries.services import itinerary_for
from festival.programme import services as programme
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import Delegate, DelegateRole, DelegateStatus
from tests.calendar_helpers import (
    ARABIC,
    JAPANESE,
    build_world,
    events_by_uid,
    parse_both,
    vobject_events,
)
from tests.factories import enrol, make_delegate, make_delegation, make_festival, make_session


@pytest.fixture
def world(app):
    return build_world(app)


def _feed(client, token: str):
    return client.get(f"/feeds/{token}.ics")


def _session_uid(app, session_id: int) -> str:
    with app.app_context():
        session = db.session.get(ProgrammeSession, session_id)
        return str(stable_uuid("session", session.id, session.created_at))


def _item_uid(app, item_id: int) -> str:
    with app.app_context():
        item = db.session.get(ItineraryItem, item_id)
        return str(stable_uuid("itinerary-item", item.id, item.created_at))


def test_the_mayor_finds_his_whole_stay_and_the_forum(app, client, world):
    response = _feed(client, world.mayor_token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert response.headers["Cache-Control"].startswith("private")
    assert "noindex" in response.headers["X-Robots-Tag"]
    calendar, vcal = parse_both(response.data)
    events = events_by_uid(calendar)
    assert set(events) == {
        _session_uid(app, world.public_id),
        _session_uid(app, world.forum_id),
        _session_uid(app, world.invited_id),
        _item_uid(app, world.pickup_id),
        _item_uid(app, world.hotel_id),
    }
    assert {e.uid.value for e in vobject_events(vcal)} == set(events)
    assert "Mayors' Forum" in {str(e["SUMMARY"]) for e in events.values()}
    assert calendar["X-WR-TIMEZONE"] == "Asia/Tokyo"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Tokyo"]

    # The pickup at 14:30 in Tokyo, 05:30 UTC.
    pickup = events[_item_uid(app, world.pickup_id)]
    assert pickup["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert pickup.decoded("DTSTART") == datetime(2027, 6, 14, 5, 30, tzinfo=UTC)
    assert pickup["CLASS"] == "PRIVATE"
    # The hotel: all day from the 14th, checking out on the 18th (DTEND exclusive).
    hotel = events[_item_uid(app, world.hotel_id)]
    assert hotel.decoded("DTSTART") == date(2027, 6, 14)
    assert hotel.decoded("DTEND") == date(2027, 6, 18)
    assert hotel["DTSTART"].params["VALUE"] == "DATE"
    assert hotel["TRANSP"] == "TRANSPARENT"
    vhotel = {e.uid.value: e for e in vobject_events(vcal)}[_item_uid(app, world.hotel_id)]
    assert vhotel.dtstart.value == date(2027, 6, 14) and vhotel.dtend.value == date(2027, 6, 18)

    # A restricted session links to the itinerary page, a public one to its page.
    forum = events[_session_uid(app, world.forum_id)]
    assert "/my/itinerary" in str(forum["URL"])
    assert str(forum["URL"]) in str(forum["DESCRIPTION"])
    public = events[_session_uid(app, world.public_id)]
    assert str(public["URL"]).endswith(f"/festivals/{world.slug}/sessions/{world.public_id}")
    for forbidden in (b"ATTENDEE", b"ORGANIZER", b"BEGIN:VALARM"):
        assert forbidden not in response.data


def test_the_feed_is_exactly_the_itinerary(app, client, world):
    calendar, _ = parse_both(_feed(client, world.mayor_token).data)
    with app.app_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        entries = itinerary_for(mayor)
        expected = {
            str(stable_uuid("session", e.session_id, e.created_at))
            if e.session_id
            else str(stable_uuid("itinerary-item", e.item_id, e.created_at))
            for e in entries
        }
    assert set(events_by_uid(calendar)) == expected


def test_a_non_mayor_never_has_the_mayors_forum(app, client, world):
    with app.app_context():
        # Even enrolled by mistake, the forum stays out of an interpreter's feed.
        db.session.add(Attendance(session_id=world.forum_id, delegate_id=world.interpreter_id))
        db.session.commit()
    body = _feed(client, world.interpreter_token).data
    calendar, _ = parse_both(body)
    uids = set(events_by_uid(calendar))
    assert _session_uid(app, world.forum_id) not in uids
    assert b"Mayors' Forum" not in body
    assert _session_uid(app, world.invited_id) in uids  # Parma is on the invited list
    assert _item_uid(app, world.pickup_id) not in uids  # the mayor's own pickup
    assert _item_uid(app, world.hotel_id) in uids  # the delegation's hotel


def test_another_delegation_does_not_get_the_invited_session(app, client, world):
    with app.app_context():
        festival_id = db.session.get(ProgrammeSession, world.invited_id).festival_id
        from festival.festivals.models import Festival

        lyon = make_delegation(db.session.get(Festival, festival_id))
        mayor = make_delegate(lyon, role=DelegateRole.MAYOR)
        db.session.add(Attendance(session_id=world.invited_id, delegate_id=mayor.id))
        enrol(db.session.get(ProgrammeSession, world.forum_id), mayor)
        db.session.commit()
        token = personal_token(mayor)
    uids = set(events_by_uid(parse_both(_feed(client, token).data)[0]))
    assert uids == {_session_uid(app, world.forum_id)}


def test_text_in_three_scripts_survives_in_a_personal_feed(app, client, world):
    with app.app_context():
        item = db.session.get(ItineraryItem, world.pickup_id)
        item.notes = ARABIC + "\n" + JAPANESE + "\nAccueil à l'aéroport : « bienvenue »"
        db.session.commit()
    body = _feed(client, world.mayor_token).data
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    calendar, vcal = parse_both(body)
    uid = _item_uid(app, world.pickup_id)
    description = str(events_by_uid(calendar)[uid]["DESCRIPTION"])
    assert ARABIC in description and JAPANESE in description and "« bienvenue »" in description
    vdescription = {e.uid.value: e for e in vobject_events(vcal)}[uid].description.value
    assert vdescription == description


def test_personal_feed_revalidates_and_follows_enrolment(app, client, world):
    url = f"/feeds/{world.mayor_token}.ics"
    first = client.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url).data == first.data

    with app.app_context():
        session = db.session.get(ProgrammeSession, world.invited_id)
        programme.unenrol(session, db.session.get(Delegate, world.mayor_id))
        db.session.commit()
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        assert b"Sake brewery visit" not in response.data


def test_an_item_moved_keeps_its_uid_and_raises_its_sequence(app, client, world):
    from festival.itineraries import services as itineraries

    uid = _item_uid(app, world.pickup_id)
    before = events_by_uid(parse_both(_feed(client, world.mayor_token).data)[0])[uid]
    with app.app_context():
        item = db.session.get(ItineraryItem, world.pickup_id)
        itineraries.update_item(
            item,
            {
                "starts_at": item.starts_at + timedelta(hours=2),
                "ends_at": item.ends_at + timedelta(hours=2),
            },
        )
        db.session.commit()
    after = events_by_uid(parse_both(_feed(client, world.mayor_token).data)[0])[uid]
    assert after.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(hours=2)


def test_forged_malformed_or_unknown_tokens_are_404(client, world):
    mayor_id, mac = world.mayor_token.split("-")
    interpreter_id = world.interpreter_token.split("-")[0]
    for token in (
        f"{interpreter_id}-{mac}",  # the mayor's MAC on another delegate
        f"{mayor_id}-{'0' * 32}",
        f"{mayor_id}-{mac[:-1]}",
        f"999999-{mac}",
        "not-a-token",
        mac,
    ):
        assert _feed(client, token).status_code == 404, token


def test_a_cancelled_delegate_gets_an_empty_calendar(app, client, world):
    with app.app_context():
        db.session.get(Delegate, world.interpreter_id).status = DelegateStatus.CANCELLED
        db.session.commit()
    response = _feed(client, world.interpreter_token)
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" not in response.data


def test_regenerating_kills_the_old_link(app, client, auth, world):
    auth.user(world.mayor_user_id)
    response = client.post(
        f"/feeds/regenerate/{world.mayor_id}", data={"confirm": "y", "next": "/my/itinerary"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/my/itinerary"
    assert _feed(client, world.mayor_token).status_code == 404
    with app.app_context():
        token = personal_token(db.session.get(Delegate, world.mayor_id))
    assert token != world.mayor_token
    assert _feed(client, token).status_code == 200


def test_regenerating_needs_the_confirmation(app, client, auth, world):
    auth.user(world.mayor_user_id)
    response = client.post(f"/feeds/regenerate/{world.mayor_id}", data={"next": "/my/itinerary"})
    assert response.status_code == 422
    assert "stop working" in response.text
    assert 'href="/my/itinerary"' in response.text  # a way back
    assert _feed(client, world.mayor_token).status_code == 200


def test_only_the_delegate_or_an_organiser_may_regenerate(app, client, auth, world):
    url = f"/feeds/regenerate/{world.mayor_id}"
    anonymous = client.post(url, data={"confirm": "y"})
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    auth.user(world.interpreter_user_id)
    assert client.post(url, data={"confirm": "y"}).status_code == 404
    assert client.post(url, data={"confirm": "y"}, csrf=False).status_code == 400
    assert _feed(client, world.mayor_token).status_code == 200
    auth.logout()
    auth.organiser()
    assert client.post(url, data={"confirm": "y"}).status_code == 302
    assert _feed(client, world.mayor_token).status_code == 404


def test_the_itinerary_page_shows_the_subscription_box(app, client, auth, world):
    auth.user(world.mayor_user_id)
    page = client.get(f"/my/itinerary?festival={world.slug}")
    assert page.status_code == 200
    html = page.text
    assert f'href="webcal://festival.test/feeds/{world.mayor_token}.ics"' in html
    assert f'value="http://festival.test/feeds/{world.mayor_token}.ics"' in html
    assert "<svg" in html and "feed-qr-code" in html
    assert f'action="/feeds/regenerate/{world.mayor_id}"' in html
    assert "stop" in html  # the warning that the old link stops working
    assert "style=" not in html.split('class="feed-subscribe"')[1].split("</section>")[0]


def test_tokens_are_kept_out_of_access_logs(world):
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", f"GET /feeds/{world.mayor_token}.ics HTTP/1.1", "200"),
        None,
    )
    # The filter the app installs on werkzeug's access log (festival.core.logs).
    filters = logging.getLogger("werkzeug").filters
    installed = [f for f in filters if isinstance(f, RedactSecretLinks)]
    assert installed
    assert all(f.filter(record) for f in installed)
    assert world.mayor_token not in record.getMessage()
    assert "/feeds/[token].ics" in record.getMessage()


@pytest.mark.parametrize("sessions", [3, 30])
def test_personal_feed_queries_do_not_grow_with_sessions(app, client, count_queries, sessions):
    with app.app_context():
        festival = make_festival(slug=f"personal-{sessions}")
        delegation = make_delegation(festival)
        mayor = make_delegate(delegation, role=DelegateRole.MAYOR)
        start = datetime(2027, 6, 15, 0, 0, tzinfo=UTC)
        for n in range(sessions):
            enrol(make_session(festival, starts_at=start + timedelta(hours=n)), mayor)
            db.session.add(
                ItineraryItem(
                    delegation=delegation,
                    kind=ItemKind.VISIT,
                    title=f"Visit {n}",
                    starts_at=start + timedelta(hours=n, minutes=30),
                    ends_at=start + timedelta(hours=n, minutes=50),
                )
            )
        db.session.commit()
        token = personal_token(mayor)
    with count_queries() as built:
        response = _feed(client, token)
    assert response.data.count(b"BEGIN:VEVENT") == 2 * sessions
    with count_queries() as revalidated:
        etag = response.headers["ETag"]
        again = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
        assert again.status_code == 304
    assert len(built) <= 7
    assert len(revalidated) <= 3


def test_a_rotated_secret_key_keeps_links_working_while_it_is_a_fallback(app, client, world):
    """SECRET_KEY rotated, the old key kept in SECRET_KEY_FALLBACKS: every
    calendar subscribed under the old key keeps its feed, new links use the
    new key; renewing a link still kills it; once the old key leaves the
    fallbacks, links made under it stop working."""
    from festival.calendar import fastpath
    from festival.calendar.tokens import feed_token

    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "rotated-secret-key-" + "n" * 40
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    fastpath.clear(app)  # the new configuration takes a restart
    assert _feed(client, world.mayor_token).status_code == 200
    with app.app_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        new_token = personal_token(mayor)
    assert new_token != world.mayor_token
    assert _feed(client, new_token).status_code == 200

    with app.app_context():
        from festival.calendar.services import regenerate_feed_secret

        mayor = db.session.get(Delegate, world.mayor_id)
        regenerate_feed_secret(mayor)
        db.session.commit()
        renewed = personal_token(mayor)
        renewed_under_old_key = feed_token(old_key, mayor.id, mayor.feed_secret)
    assert _feed(client, world.mayor_token).status_code == 404  # revoked, old key or not
    assert _feed(client, new_token).status_code == 404
    assert _feed(client, renewed_under_old_key).status_code == 200

    app.config["SECRET_KEY_FALLBACKS"] = []
    fastpath.clear(app)
    assert _feed(client, renewed_under_old_key).status_code == 404
    assert _feed(client, renewed).status_code == 200
