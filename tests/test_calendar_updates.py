"""Calendars that never miss an update (issue #15, items 1-3 and the update check).

Each change is made as an organiser makes it, through the organiser's
pages, and the feeds are read before and after: the event keeps its UID;
SEQUENCE rises for a change of time, place or status and for a deletion,
not for a change of words; DTSTAMP and LAST-MODIFIED follow the change.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest

from festival.calendar.identity import stable_uuid
from festival.extensions import db
from festival.itineraries.models import ItineraryItem
from festival.programme.models import ProgrammeSession
from tests.calendar_helpers import build_world, events_by_uid, parse_both


@pytest.fixture
def world(app):
    return build_world(app)


class _FormReader(HTMLParser):
    """The values a browser would send with the first form posting to ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        # A form without an action posts to its own page.
        action = a.get("action") or self.action
        if tag == "form" and not self.done and action.split("?")[0].endswith(self.action):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "y"))
            else:
                self._add(name, a.get("value", ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def shown_form(client, url: str) -> dict[str, list[str]]:
    """The edit form at ``url`` as the browser would post it unchanged."""
    reader = _FormReader(url.split("?")[0])
    reader.feed(client.get(url).text)
    assert reader.values, f"no form posting to {url}"
    values = dict(reader.values)
    values.pop("csrf_token", None)
    # A textarea's first newline is markup, not content.
    return {k: [v.removeprefix("\n") for v in vs] for k, vs in values.items()}


def public_events(client, world) -> dict:
    response = client.get(f"/festivals/{world.slug}/programme.ics")
    assert response.status_code == 200
    return events_by_uid(parse_both(response.data)[0])


def personal_events(client, world) -> dict:
    response = client.get(f"/feeds/{world.mayor_token}.ics")
    assert response.status_code == 200
    return events_by_uid(parse_both(response.data)[0])


def session_uid(app, session_id: int) -> str:
    with app.app_context():
        session = db.session.get(ProgrammeSession, session_id)
        return str(stable_uuid("session", session.id, session.created_at))


def item_uid(app, item_id: int) -> str:
    with app.app_context():
        item = db.session.get(ItineraryItem, item_id)
        return str(stable_uuid("itinerary-item", item.id, item.created_at))


def _changed(before, after, *, raised: bool) -> None:
    """The same event (UID) seen again: SEQUENCE one higher or the same,
    DTSTAMP and LAST-MODIFIED never older."""
    assert str(after["UID"]) == str(before["UID"])
    expected = before.decoded("SEQUENCE") + (1 if raised else 0)
    assert after.decoded("SEQUENCE") == expected
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")
    assert after.decoded("LAST-MODIFIED") == after.decoded("DTSTAMP")


# --- item 1: a venue's place is its sessions' place ----------------------------------


def venue_url(world) -> str:
    return f"/organiser/festivals/{world.slug}/venues/{world.venue_id}"


@pytest.mark.parametrize(
    ("field", "value", "seen"),
    [
        ("address", "7-7 Baba-cho, Tsuruoka", b"7-7 Baba-cho"),
        ("name", "Shonai Hall", b"Shonai Hall"),
        ("latitude", "38.7301", b"GEO:38.7301;"),
    ],
)
def test_editing_a_venue_moves_its_sessions_in_every_feed(
    app, client, auth, world, field, value, seen
):
    public, forum = session_uid(app, world.public_id), session_uid(app, world.forum_id)
    before_public, before_personal = public_events(client, world), personal_events(client, world)
    auth.organiser()
    form = shown_form(client, venue_url(world) + "/edit")
    form[field] = [value]
    assert client.post(venue_url(world) + "/edit", data=form).status_code == 302
    auth.logout()

    after_public, after_personal = public_events(client, world), personal_events(client, world)
    _changed(before_public[public], after_public[public], raised=True)
    _changed(before_personal[public], after_personal[public], raised=True)
    _changed(before_personal[forum], after_personal[forum], raised=True)  # the mayor's forum
    assert seen in after_public[public].to_ical()


def test_saving_a_venue_unchanged_or_its_capacity_moves_nothing(app, client, auth, world):
    public = session_uid(app, world.public_id)
    before = public_events(client, world)[public]
    auth.organiser()
    form = shown_form(client, venue_url(world) + "/edit")
    form["capacity"] = ["1200"]
    assert client.post(venue_url(world) + "/edit", data=form).status_code == 302
    auth.logout()
    _changed(before, public_events(client, world)[public], raised=False)


def test_deleting_a_venue_is_a_place_change_of_its_sessions(app, client, auth, world):
    public = session_uid(app, world.public_id)
    before = public_events(client, world)[public]
    auth.organiser()
    assert client.post(venue_url(world) + "/delete").status_code == 302
    auth.logout()
    after = public_events(client, world)[public]
    _changed(before, after, raised=True)
    assert "LOCATION" not in after and "GEO" not in after


# --- item 2: a deleted itinerary item stays, cancelled ----------------------------------


def items_url(app, world) -> str:
    with app.app_context():
        item = db.session.get(ItineraryItem, world.pickup_id)
        return f"/organiser/festivals/{world.slug}/itineraries/{item.delegation_id}/items"


def test_a_deleted_itinerary_item_stays_in_the_feed_as_cancelled(app, client, auth, world):
    uid = item_uid(app, world.pickup_id)
    url = f"/feeds/{world.mayor_token}.ics"
    first = client.get(url)
    before = events_by_uid(parse_both(first.data)[0])[uid]
    assert str(before["STATUS"]) == "CONFIRMED"
    items = items_url(app, world)
    auth.organiser()
    assert client.post(f"{items}/{world.pickup_id}/delete").status_code == 302
    # Gone from the organiser's page: it is deleted there.
    page = client.get(items.removesuffix("/items")).text
    assert f'id="item-{world.pickup_id}"' not in page
    auth.logout()

    # The calendar app revalidates with what it holds: the feed changed.
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    after = events_by_uid(parse_both(again.data)[0])[uid]
    _changed(before, after, raised=True)
    assert str(after["STATUS"]) == "CANCELLED"
    assert after.decoded("DTSTART") == before.decoded("DTSTART")
    # The interpreter never had the mayor's pickup, cancelled or not.
    interpreter = client.get(f"/feeds/{world.interpreter_token}.ics").data
    assert b"Pickup at Shonai Airport" not in interpreter


def test_the_delegate_sees_the_deleted_item_cancelled_in_my_itinerary(app, client, auth, world):
    auth.organiser()
    client.post(f"{items_url(app, world)}/{world.pickup_id}/delete")
    auth.user(world.mayor_user_id)
    page = client.get("/my/itinerary").text
    assert "Pickup at Shonai Airport" in page and "entry-cancelled" in page


def test_itinerary_items_edited_through_the_page(app, client, auth, world):
    uid = item_uid(app, world.pickup_id)
    edit = f"{items_url(app, world)}/{world.pickup_id}/edit"
    auth.organiser()
    steps = [({"notes": ["Look for the festival sign."]}, False), ({"start_time": ["15:30"]}, True)]
    steps.append(({"location": ["Shonai Airport, gate 2"]}, True))
    for change, raised in steps:
        before = personal_events(client, world)[uid]
        form = shown_form(client, edit)
        form.update(change)
        assert client.post(edit, data=form).status_code == 302
        _changed(before, personal_events(client, world)[uid], raised=raised)


# --- the update check: sessions -----------------------------------------------------------


def test_each_kind_of_session_change_through_the_organiser_pages(app, client, auth, world):
    """Time, place and status raise SEQUENCE in both feeds; words do not."""
    uid = session_uid(app, world.public_id)
    base = f"/organiser/festivals/{world.slug}/programme/{world.public_id}"
    auth.organiser()
    changes = [
        ({"description": ["New words for the symposium."]}, False),
        ({"speakers": ["Sato Yuki\nFatima Al-Zahra\nGiulia Bianchi"]}, False),
        ({"start_time": ["10:30"], "end_time": ["12:00"]}, True),  # time
        ({"venue_id": [""]}, True),  # place
    ]
    for change, raised in changes:
        before_public = public_events(client, world)
        before_personal = personal_events(client, world)
        form = shown_form(client, base + "/edit")
        form.update(change)
        form["save_anyway"] = ["y"]
        assert client.post(base + "/edit", data=form).status_code == 302, change
        _changed(before_public[uid], public_events(client, world)[uid], raised=raised)
        _changed(before_personal[uid], personal_events(client, world)[uid], raised=raised)
    # Status: cancelled, then back.
    for action, status in (("cancel", "CANCELLED"), ("reinstate", "CONFIRMED")):
        before = public_events(client, world)[uid]
        assert client.post(f"{base}/{action}").status_code == 302
        after = public_events(client, world)[uid]
        _changed(before, after, raised=True)
        assert str(after["STATUS"]) == status


# --- item 3: Last-Modified is never in the future -------------------------------------------


def test_last_modified_is_never_after_the_date_header(app, client, world, monkeypatch):
    from festival.calendar import cache

    # Half a second into a second: rounding up would give the next one.
    monkeypatch.setattr(cache.time, "time", lambda: 1_800_000_000.5)
    for url in (
        f"/festivals/{world.slug}/programme.ics",
        f"/feeds/{world.mayor_token}.ics",
        f"/festivals/{world.slug}/schedule.xml",
        f"/festivals/{world.slug}/sessions/{world.public_id}.ics",
    ):
        response = client.get(url)
        last_modified = parsedate_to_datetime(response.headers["Last-Modified"])
        assert last_modified <= datetime.fromtimestamp(1_800_000_000.5, UTC), url


def test_two_versions_in_one_second_never_give_a_stale_304(app, client, world, monkeypatch):
    from festival.calendar import cache, fastpath

    now = [1_800_000_000.2]
    monkeypatch.setattr(cache.time, "time", lambda: now[0])
    monkeypatch.setattr(fastpath, "clock", lambda: now[0])  # the fast path's memo too
    url = f"/festivals/{world.slug}/programme.ics"
    first = client.get(url)
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.public_other_id)
        session.title = "Closing ceremony and farewell"
        db.session.commit()
    now[0] += 0.5  # the same second
    changed = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status_code == 200 and b"farewell" in changed.data
    assert parsedate_to_datetime(changed.headers["Last-Modified"]).timestamp() <= now[0]
    now[0] += 1  # a second later the date tells the versions apart again
    later = client.get(url)
    assert parsedate_to_datetime(later.headers["Last-Modified"]).timestamp() <= now[0]
    again = client.get(url, headers={"If-Modified-Since": later.headers["Last-Modified"]})
    assert again.status_code == 304


# --- item 7: feeds never touch the session; gzip in any case -------------------------------


def test_session_files_exports_and_revoked_feeds_never_touch_the_session(app, client, auth, world):
    from festival.calendar.services import regenerate_feed_secret
    from festival.registration.models import Delegate

    with app.app_context():
        regenerate_feed_secret(db.session.get(Delegate, world.mayor_id))
        db.session.commit()
    auth.user(world.mayor_user_id)
    for url, status in (
        (f"/festivals/{world.slug}/sessions/{world.public_id}.ics", 200),
        (f"/festivals/{world.slug}/schedule.xml", 200),
        (f"/festivals/{world.slug}/schedule.json", 200),
        (f"/feeds/{world.mayor_token}.ics", 404),  # the link renewed above
    ):
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == status, url
            assert "Set-Cookie" not in response.headers, url
            assert "Cookie" not in response.headers.get("Vary", ""), url


@pytest.mark.parametrize("encoding", ["GZIP", "Gzip, deflate", "br, GZip;q=0.5"])
def test_gzip_is_given_whatever_the_case_of_accept_encoding(client, world, encoding):
    import gzip

    for url in (
        f"/festivals/{world.slug}/programme.ics",
        f"/festivals/{world.slug}/sessions/{world.public_id}.ics",
        f"/festivals/{world.slug}/schedule.xml",
    ):
        plain = client.get(url)
        for _ in range(2):  # built, then from memory
            packed = client.get(url, headers={"Accept-Encoding": encoding})
            assert packed.headers.get("Content-Encoding") == "gzip", (url, encoding)
            assert gzip.decompress(packed.data) == plain.data


# --- item 6: a session's languages keep their order --------------------------------------


def test_saving_a_session_keeps_the_order_of_its_languages(app, client, auth, world):
    uid = session_uid(app, world.public_id)
    before = public_events(client, world)[uid]
    base = f"/organiser/festivals/{world.slug}/programme/{world.public_id}/edit"
    auth.organiser()
    form = shown_form(client, base)
    assert form["languages"] == ["en", "ja"]  # the boxes' order, not the session's
    form["save_anyway"] = ["y"]
    assert client.post(base, data=form).status_code == 302
    with app.app_context():
        assert db.session.get(ProgrammeSession, world.public_id).languages == ["ja", "en"]
    after = public_events(client, world)[uid]
    assert str(after["DESCRIPTION"]) == str(before["DESCRIPTION"])  # Japanese, English
    _changed(before, after, raised=False)
    # A language ticked anew comes after the session's own.
    form["languages"] = ["en", "fr", "ja"]
    assert client.post(base, data=form).status_code == 302
    with app.app_context():
        assert db.session.get(ProgrammeSession, world.public_id).languages == ["ja", "en", "fr"]


# --- items 4 and 5: the public pages offer subscriptions, and only links that work -------


def test_the_public_programme_offers_a_subscription_not_a_copy(client, world):
    page = client.get(f"/festivals/{world.slug}/programme").text
    feed = f"festival.test/festivals/{world.slug}/programme.ics"
    assert f'href="webcal://{feed}"' in page
    assert "calendar.google.com/calendar/render?cid=webcal%3A%2F%2F" in page
    assert "outlook.live.com/calendar/0/addfromweb?url=http" in page
    assert f'value="http://{feed}"' in page  # the address to copy
    assert '<svg role="img"' in page and "feed-qr-code" in page  # the QR code
    assert "Subscribe in your calendar (.ics)" not in page  # the old one-off link


def test_a_cancelled_sessions_page_offers_nothing_to_add(app, client, auth, world):
    auth.organiser()
    client.post(f"/organiser/festivals/{world.slug}/programme/{world.public_other_id}/cancel")
    auth.logout()
    page = client.get(f"/festivals/{world.slug}/sessions/{world.public_other_id}").text
    assert "This session is cancelled: there is nothing to add." in page
    assert "calendar.google.com" not in page and "outlook.live.com" not in page
    assert f"/sessions/{world.public_other_id}.ics" not in page
    # A session that takes place keeps its three ways.
    other = client.get(f"/festivals/{world.slug}/sessions/{world.public_id}").text
    assert f"/sessions/{world.public_id}.ics" in other and "calendar.google.com" in other


def test_every_calendar_link_on_a_delegate_only_session_page_works(app, client, auth, world):
    import re

    auth.user(world.mayor_user_id)
    page = client.get(f"/festivals/{world.slug}/sessions/{world.forum_id}")
    assert page.status_code == 200 and "Mayors" in page.text
    ics_links = re.findall(r'href="([^"]+\.ics)"', page.text)
    for href in ics_links:
        assert client.get(href).status_code == 200, href
    assert f"/sessions/{world.forum_id}.ics" not in page.text
    assert "calendar.google.com" in page.text  # still addable, by hand
