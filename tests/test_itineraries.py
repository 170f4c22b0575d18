"""Itineraries: the organiser plans each delegation's; itinerary_for merges a
delegate's sessions and items; "My itinerary" shows them by day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from festival.calendar.tokens import feed_token
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.itineraries import services
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.itineraries.public import itinerary_when
from festival.programme import enrolment
from festival.programme import services as programme
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import Delegate, DelegateStatus, Delegation
from tests.factories import make_delegate, make_delegation, make_session
from tests.programme_support import SLUG, build_world, tokyo_utc
from tests.support.queries import queries_per_page

ADMIN = f"/organiser/festivals/{SLUG}/itineraries"


@pytest.fixture
def world(app):
    return build_world(app)


def add_item(delegation_id, **values):
    defaults = {
        "kind": ItemKind.VISIT,
        "title": "Visit to a sake brewery",
        "starts_at": tokyo_utc(16, 14),
        "ends_at": tokyo_utc(16, 15, 30),
        "location": "Tomishige Brewery",
    }
    item = ItineraryItem(delegation_id=delegation_id, **{**defaults, **values})
    db.session.add(item)
    db.session.flush()
    return item


def item_form(**overrides):
    data = {
        "kind": "pickup",
        "delegate_id": "",
        "title": "Pickup: flight NH 399",
        "start_date": "2027-06-13",
        "start_time": "14:40",
        "end_date": "",
        "end_time": "",
        "location": "Shonai Airport (SYO), arrivals hall",
        "notes": "Volunteers hold a sign.",
    }
    data.update(overrides)
    return data


def the_item(app, title):
    with app.app_context():
        item = db.session.scalar(sa.select(ItineraryItem).where(ItineraryItem.title == title))
        db.session.expunge(item)
        return item


def test_organiser_pages_keep_delegates_out(client, auth, world):
    assert client.get(ADMIN).status_code == 302
    auth.user(world["mayor"][1])
    assert client.get(ADMIN).status_code == 404
    assert client.get(f"{ADMIN}/{world['parma_id']}").status_code == 404


def test_the_index_lists_delegations_with_counts_and_searches(app, client, auth, world):
    with app.app_context():
        add_item(world["parma_id"])
        add_item(world["parma_id"], title="Dinner", kind=ItemKind.DINNER)
        db.session.commit()
    auth.organiser()
    page = client.get(ADMIN).text
    assert "Parma</a> (IT)" in page and "Lyon</a> (FR)" in page
    parma_row = page.split("Parma</a>")[1].split("</tr>")[0]
    assert "<td>2</td>" in parma_row  # delegates and items
    found = client.get(ADMIN, query_string={"q": "lyo"}).text
    assert "Lyon" in found and "Parma" not in found


def test_a_pickup_typed_in_tokyo_is_stored_in_utc_as_a_moment(app, client, auth, world):
    auth.organiser()
    url = f"{ADMIN}/{world['parma_id']}/items"
    response = client.post(url, data=item_form())
    assert response.status_code == 302
    item = the_item(app, "Pickup: flight NH 399")
    assert item.starts_at == datetime(2027, 6, 13, 5, 40, tzinfo=UTC)
    assert item.ends_at == item.starts_at
    assert item.delegate_id is None and item.all_day is False and item.sequence == 0
    page = client.get(f"{ADMIN}/{world['parma_id']}").text
    assert "14:40" in page and "whole delegation" in page


def test_a_hotel_stay_is_all_day_from_first_to_last_day(app, client, auth, world):
    auth.organiser()
    data = item_form(
        kind="hotel",
        title="Hotel Tsuruoka Grand",
        all_day="y",
        start_date="2027-06-13",
        start_time="",
        end_date="2027-06-18",
        location="2-10 Suehiro-machi",
    )
    assert client.post(f"{ADMIN}/{world['parma_id']}/items", data=data).status_code == 302
    item = the_item(app, "Hotel Tsuruoka Grand")
    assert item.all_day
    assert item.starts_at == datetime(2027, 6, 12, 15, 0, tzinfo=UTC)  # midnight in Tokyo
    assert item.ends_at == datetime(2027, 6, 18, 15, 0, tzinfo=UTC)  # midnight after the 18th
    page = client.get(f"{ADMIN}/{world['parma_id']}").text
    assert "All day, until Fri, Jun 18" in page
    edit = client.get(f"{ADMIN}/{world['parma_id']}/items/{item.id}/edit").text
    assert 'value="2027-06-18"' in edit and "checked" in edit


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_time": ""}, "tick “All day”"),
        ({"end_time": "14:00"}, "cannot end before it starts"),
        ({"all_day": "y", "end_date": "2027-06-10"}, "last day cannot be before"),
        ({"title": ""}, "This field is required"),
        ({"delegate_id": "999999"}, "Not a valid choice"),
    ],
)
def test_bad_items_are_refused_with_the_message_and_input_kept(
    client, auth, world, overrides, message
):
    auth.organiser()
    response = client.post(f"{ADMIN}/{world['parma_id']}/items", data=item_form(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert "Volunteers hold a sign." in response.text


def test_a_delegate_of_another_delegation_cannot_be_chosen(client, auth, world):
    auth.organiser()
    data = item_form(delegate_id=str(world["deputy"][0]))  # Lyon's deputy, on Parma's page
    assert client.post(f"{ADMIN}/{world['parma_id']}/items", data=data).status_code == 422


def test_sequence_rises_on_time_and_place_not_on_notes(app, client, auth, world):
    with app.app_context():
        item_id = add_item(world["parma_id"]).id
        db.session.commit()
    auth.organiser()
    url = f"{ADMIN}/{world['parma_id']}/items/{item_id}/edit"
    same = item_form(
        kind="visit",
        title="Visit to a sake brewery",
        start_date="2027-06-16",
        start_time="14:00",
        end_time="15:30",
        location="Tomishige Brewery",
    )
    assert client.post(url, data={**same, "notes": "Bring gifts"}).status_code == 302
    assert the_item(app, "Visit to a sake brewery").sequence == 0
    assert client.post(url, data={**same, "start_time": "14:30"}).status_code == 302
    assert the_item(app, "Visit to a sake brewery").sequence == 1
    assert (
        client.post(url, data={**same, "start_time": "14:30", "location": "Oyama"}).status_code
        == 302
    )
    item = the_item(app, "Visit to a sake brewery")
    assert (item.sequence, item.location, item.notes) == (2, "Oyama", "Volunteers hold a sign.")


def test_items_are_deleted_and_foreign_ones_are_404(app, client, auth, world):
    with app.app_context():
        mine = add_item(world["parma_id"]).id
        theirs = add_item(world["lyon_id"]).id
        db.session.commit()
    auth.organiser()
    assert client.get(f"{ADMIN}/{world['parma_id']}/items/{theirs}/edit").status_code == 404
    assert client.post(f"{ADMIN}/{world['parma_id']}/items/{theirs}/delete").status_code == 404
    assert client.get(f"{ADMIN}/999999").status_code == 404
    assert client.post(f"{ADMIN}/{world['parma_id']}/items/{mine}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(ItineraryItem, mine) is None
        assert db.session.get(ItineraryItem, theirs) is not None


def test_overlaps_are_flagged_for_the_people_concerned(app, client, auth, world):
    with app.app_context():
        mayor_id, interpreter_id = world["mayor"][0], world["interpreter"][0]
        forum = db.session.get(ProgrammeSession, world["forum_id"])
        db.session.add(Attendance(session=forum, delegate_id=mayor_id))  # 14:00–16:00 on the 15th
        add_item(
            world["parma_id"],
            title="Courtesy call",
            starts_at=tokyo_utc(15, 15),
            ends_at=tokyo_utc(15, 16),
        )
        add_item(
            world["parma_id"],
            title="Museum for Anna",
            delegate_id=interpreter_id,
            starts_at=tokyo_utc(15, 15, 30),
            ends_at=tokyo_utc(15, 17),
        )
        add_item(
            world["parma_id"],
            title="Hotel",
            kind=ItemKind.HOTEL,
            all_day=True,
            starts_at=tokyo_utc(14, 0),
            ends_at=tokyo_utc(18, 0),
        )
        add_item(
            world["parma_id"],
            title="Quiet dinner",
            starts_at=tokyo_utc(15, 19),
            ends_at=tokyo_utc(15, 21),
        )
        db.session.commit()
    auth.organiser()
    page = client.get(f"{ADMIN}/{world['parma_id']}").text
    assert "Overlaps “Mayors&#39; Forum” for Michele Guerra" in page
    assert "Overlaps “Museum for Anna” for Anna Rossi" in page
    assert "Overlaps “Courtesy call” for Anna Rossi" in page
    dinner = page.split("Quiet dinner")[1].split("</li>")[0]
    assert "Overlaps" not in dinner
    hotel = page.split('<strong class="title">Hotel</strong>')[1].split("</li>")[0]
    assert "Overlaps" not in hotel  # a stay overlaps everything by nature
    index = client.get(ADMIN).text
    assert "⚠ 2" in index.split("Parma</a>")[1].split("</tr>")[0]


def test_delegation_clashes_is_pure_and_per_person(app, world):
    with app.app_context():
        parma = db.session.get(Delegation, world["parma_id"])
        delegates = services.delegation_delegates(parma)
        a = add_item(parma.id, title="A", starts_at=tokyo_utc(15, 9), ends_at=tokyo_utc(15, 11))
        b = add_item(
            parma.id,
            title="B",
            delegate_id=world["mayor"][0],
            starts_at=tokyo_utc(15, 10),
            ends_at=tokyo_utc(15, 12),
        )
        c = add_item(
            parma.id,
            title="C",
            delegate_id=world["interpreter"][0],
            starts_at=tokyo_utc(15, 11, 30),
            ends_at=tokyo_utc(15, 12),
        )
        clashes = services.delegation_clashes([a, b, c], delegates, {})
        assert {x.other for x in clashes[a.id]} == {"B"}
        assert {x.other for x in clashes[b.id]} == {"A"}
        assert c.id not in clashes  # B and C concern different people


def test_itinerary_for_merges_sessions_and_items_of_the_right_person(app, world, count_queries):
    with app.app_context():
        mayor = db.session.get(Delegate, world["mayor"][0])
        interpreter_id = world["interpreter"][0]
        for key in ("talk_id", "forum_id", "private_id"):
            enrolment.enrol(db.session.get(ProgrammeSession, world[key]), mayor)
        programme.cancel_session(db.session.get(ProgrammeSession, world["talk_id"]))
        hotel = add_item(
            world["parma_id"],
            kind=ItemKind.HOTEL,
            title="Hotel",
            all_day=True,
            starts_at=tokyo_utc(13, 0),
            ends_at=tokyo_utc(19, 0),
        )
        mine = add_item(world["parma_id"], title="Interview", delegate_id=mayor.id)
        add_item(world["parma_id"], title="Not for him", delegate_id=interpreter_id)
        add_item(world["lyon_id"], title="Lyon's dinner")
        db.session.commit()
        hotel_id, mine_id = hotel.id, mine.id

    with app.app_context():
        mayor = db.session.get(Delegate, world["mayor"][0])
        with count_queries() as statements:
            entries = services.itinerary_for(mayor)
        # delegation, sessions, items with deleted items, pickups: whatever the length
        assert len(statements) <= 5
        titles = [e.title for e in entries]
        assert titles == [
            "Hotel",
            "Fermentation Cultures of the World",
            "Mayors' Forum",
            "Parma working lunch",
            "Interview",
        ]
        assert "Not for him" not in titles and "Lyon's dinner" not in titles
        by_key = {e.key: e for e in entries}
        talk = by_key[f"session-{world['talk_id']}"]
        assert (talk.kind, talk.status, talk.sequence) == ("session", "cancelled", 1)
        assert talk.location == "Main Hall, 1-1 Honcho"
        assert talk.starts_at == datetime(2027, 6, 15, 1, 0, tzinfo=UTC)
        stay = by_key[f"item-{hotel_id}"]
        assert stay.all_day and (stay.start_date, stay.end_date) == (
            date(2027, 6, 13),
            date(2027, 6, 19),
        )
        assert by_key[f"item-{mine_id}"].personal
        assert all(e.updated_at.tzinfo is not None for e in entries)


def test_itinerary_for_excludes_sessions_no_longer_allowed_and_inactive_delegates(app, world):
    with app.app_context():
        interpreter = db.session.get(Delegate, world["interpreter"][0])
        # Enrolled in the forum behind the rules' back (say, a role changed since).
        db.session.add(Attendance(session_id=world["forum_id"], delegate_id=interpreter.id))
        add_item(world["parma_id"], title="Pickup", kind=ItemKind.PICKUP)
        db.session.commit()
        assert [e.title for e in services.itinerary_for(interpreter)] == ["Pickup"]
        interpreter.status = DelegateStatus.CANCELLED
        assert services.itinerary_for(interpreter) == []


def test_my_itinerary_shows_one_timeline_by_day(app, client, auth, world):
    with app.app_context():
        mayor = db.session.get(Delegate, world["mayor"][0])
        enrolment.enrol(db.session.get(ProgrammeSession, world["forum_id"]), mayor)
        add_item(
            world["parma_id"],
            title="Pickup: flight NH 399",
            kind=ItemKind.PICKUP,
            starts_at=tokyo_utc(13, 14, 40),
            ends_at=tokyo_utc(13, 14, 40),
        )
        add_item(
            world["parma_id"],
            title="Hotel Tsuruoka Grand",
            kind=ItemKind.HOTEL,
            all_day=True,
            starts_at=tokyo_utc(13, 0),
            ends_at=tokyo_utc(19, 0),
        )
        db.session.commit()
    assert client.get("/my/itinerary").status_code == 302
    auth.user(world["mayor"][1])
    page = client.get("/my/itinerary")
    assert page.status_code == 200
    text = page.text
    assert "Sunday, June 13, 2027" in text and "Tuesday, June 15, 2027" in text
    assert text.index("Hotel Tsuruoka Grand") < text.index("Pickup: flight NH 399")
    assert "All day, until Fri, Jun 18" in text
    assert "14:40" in text
    assert "Mayors&#39; Forum" in text and "14:00–16:00" in text
    assert "UTC+09:00" in text


def test_my_itinerary_of_another_city_is_not_shown(app, client, auth, world):
    with app.app_context():
        add_item(world["lyon_id"], title="Lyon's private dinner")
        db.session.commit()
    auth.user(world["mayor"][1])
    assert "Lyon&#39;s private dinner" not in client.get("/my/itinerary").text
    assert client.get("/my/itinerary?festival=elsewhere").status_code == 404


def test_my_itinerary_follows_every_change_at_once(app, client, auth, world):
    """The days are kept per version of the itinerary: each change shows on the next view."""
    auth.user(world["mayor"][1])
    assert "Mayors&#39; Forum" not in client.get("/my/itinerary").text
    with app.app_context():
        mayor = db.session.get(Delegate, world["mayor"][0])
        enrolment.enrol(db.session.get(ProgrammeSession, world["forum_id"]), mayor)
        db.session.commit()
    assert "Mayors&#39; Forum" in client.get("/my/itinerary").text
    with app.app_context():
        db.session.get(ProgrammeSession, world["forum_id"]).title = "Forum of Mayors"
        db.session.commit()
    text = client.get("/my/itinerary").text
    assert "Forum of Mayors" in text and "Mayors&#39; Forum" not in text
    with app.app_context():
        item = add_item(world["parma_id"], title="Sake brewery visit")
        db.session.commit()
        item_id = item.id
    assert "Sake brewery visit" in client.get("/my/itinerary").text
    with app.app_context():
        db.session.get(ItineraryItem, item_id).location = "Tomishige, new cellar"
        db.session.commit()
    assert "Tomishige, new cellar" in client.get("/my/itinerary").text
    with app.app_context():
        db.session.delete(db.session.get(ItineraryItem, item_id))
        db.session.commit()
    assert "Sake brewery visit" not in client.get("/my/itinerary").text
    # Another language: the same version, rendered again in French.
    client.post("/language", data={"locale": "fr"})
    assert "Forum of Mayors" in client.get("/my/itinerary").text
    assert "juin 2027" in client.get("/my/itinerary").text


def _grow(app, world, n):
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        mayor = db.session.get(Delegate, world["mayor"][0])
        parma = db.session.get(Delegation, world["parma_id"])
        for i in range(n):
            session = make_session(
                festival, title=f"S{i}", starts_at=tokyo_utc(14 + i % 5, 9 + i % 9)
            )
            db.session.add(Attendance(session=session, delegate=mayor))
            add_item(
                parma.id,
                title=f"Item {i}",
                starts_at=tokyo_utc(14 + i % 5, 8),
                ends_at=tokyo_utc(14 + i % 5, 9),
            )
            other = make_delegation(festival)
            make_delegate(other)
            add_item(other.id, title=f"Other {i}")
        db.session.commit()


def test_itinerary_pages_run_the_same_queries_for_3_and_30_entries(app, client, auth, world):
    admin_pages = [ADMIN, f"{ADMIN}/{world['parma_id']}"]
    auth.user(world["mayor"][1])
    client.get("/my/itinerary")  # the festival's venues are read once per version
    _grow(app, world, 3)
    # The first view after a change renders the days; the next ones reuse them.
    small_mine = queries_per_page(client, ["/my/itinerary", "/my/itinerary"])
    assert small_mine[1] < small_mine[0]
    auth.logout()
    auth.organiser()
    small_admin = queries_per_page(client, admin_pages)
    _grow(app, world, 27)
    assert queries_per_page(client, admin_pages) == small_admin
    auth.logout()
    auth.user(world["mayor"][1])
    assert queries_per_page(client, ["/my/itinerary", "/my/itinerary"]) == small_mine


def test_item_times_shown_for_a_moment_a_range_and_a_stay(app):
    with app.test_request_context():
        festival = SimpleNamespace(tz=ZoneInfo("Asia/Tokyo"))
        moment = SimpleNamespace(
            starts_at=tokyo_utc(15, 14), ends_at=tokyo_utc(15, 14), all_day=False
        )
        span = SimpleNamespace(
            starts_at=tokyo_utc(15, 14), ends_at=tokyo_utc(15, 15, 30), all_day=False
        )
        day = SimpleNamespace(
            starts_at=tokyo_utc(15, 0), ends_at=tokyo_utc(15, 0) + timedelta(days=1), all_day=True
        )
        assert itinerary_when(moment, festival) == "14:00"
        assert itinerary_when(span, festival) == "14:00–15:30"
        assert itinerary_when(day, festival) == "All day"


def test_a_renamed_venue_shows_at_once_in_the_itinerary_and_its_feed(app, client, auth, world):
    """Venues are read once per version of the festival; a venue's change moves that version."""
    with app.app_context():
        mayor = db.session.get(Delegate, world["mayor"][0])
        forum = db.session.get(ProgrammeSession, world["forum_id"])
        enrolment.enrol(forum, mayor)
        db.session.commit()
        venue_id = forum.venue_id
        feed = f"/feeds/{feed_token(app.secret_key, mayor.id, mayor.feed_secret)}.ics"
    assert venue_id is not None
    auth.user(world["mayor"][1])
    client.get("/my/itinerary")
    client.get(feed)
    with app.app_context():
        db.session.get(Venue, venue_id).name = "Great Hall of Shonai"
        db.session.commit()
    assert "Great Hall of Shonai" in client.get("/my/itinerary").text
    assert "Great Hall of Shonai" in client.get(feed).text


def test_the_list_counts_an_item_at_a_sessions_start_not_one_when_it_ends(app, client, auth, world):
    """The list's count of overlaps agrees with the delegation's page at the
    edges: an instant (a pickup at 14:00) overlaps a session starting then;
    an item starting when the session ends does not."""
    with app.app_context():
        forum = db.session.get(ProgrammeSession, world["forum_id"])
        db.session.add(Attendance(session=forum, delegate_id=world["mayor"][0]))  # 14:00–16:00
        add_item(
            world["parma_id"],
            title="Pickup",
            starts_at=tokyo_utc(15, 14),
            ends_at=tokyo_utc(15, 14),
        )
        add_item(
            world["parma_id"], title="Tea", starts_at=tokyo_utc(15, 16), ends_at=tokyo_utc(15, 17)
        )
        db.session.commit()
    auth.organiser()
    page = client.get(f"{ADMIN}/{world['parma_id']}").text
    assert "Overlaps “Mayors&#39; Forum”" in page.split("Pickup")[1].split("</li>")[0]
    assert "Overlaps" not in page.split("Tea")[1].split("</li>")[0]
    index = client.get(ADMIN).text
    assert "⚠ 1" in index.split("Parma</a>")[1].split("</tr>")[0]
