"""schedule.xml and schedule.json: the frab format conference apps read.

Validated against the published c3voc schemas. Those are under the EUPL and
their README asks that they not be copied into this project, so the tests
read them from ``FRAB_SCHEMA_DIR`` or ``../shared/data/frab`` beside the
repository, and skip the schema checks (only those) when neither exists.
"""

from __future__ import annotations

import json
import os
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from festival.calendar.frab_data import acronym, ascii_slug, event_slug
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme import services as programme
from festival.programme.models import ProgrammeSession
from tests.calendar_helpers import ARABIC, JAPANESE, build_world
from tests.factories import make_session

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = Path(os.environ.get("FRAB_SCHEMA_DIR") or REPO.parent / "shared" / "data" / "frab")
XSD = SCHEMA_DIR / "schedule.xml.xsd"
JSON_SCHEMA = SCHEMA_DIR / "schedule.schema.json"
needs_schemas = pytest.mark.skipif(
    not (XSD.exists() and JSON_SCHEMA.exists()),
    reason=f"frab schemas not found in {SCHEMA_DIR} (set FRAB_SCHEMA_DIR to the c3voc "
    "validator folder: they are EUPL-licensed and not copied into the project)",
)


@pytest.fixture
def world(app):
    return build_world(app)


def _everything_at_once(app, world) -> None:
    """Affiliations, three languages, a cancelled session and one past midnight."""
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.public_id)
        session.speakers = "Keiko Sato, Tsuruoka Creative City Office\nChen Yu (Chengdu)"
        session.languages = ["ja", "en", "fr"]
        programme.cancel_session(db.session.get(ProgrammeSession, world.public_other_id))
        make_session(
            session.festival,
            title="Night market",
            starts_at=datetime(2027, 6, 15, 16, 0, tzinfo=UTC),
            ends_at=datetime(2027, 6, 15, 17, 0, tzinfo=UTC),
        )
        db.session.commit()


@needs_schemas
def test_schedule_xml_is_valid_against_the_xsd(app, client, world):
    import xmlschema

    _everything_at_once(app, world)
    response = client.get(f"/festivals/{world.slug}/schedule.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    xmlschema.XMLSchema(str(XSD)).validate(response.data.decode("utf-8"))


@needs_schemas
def test_schedule_json_is_valid_against_the_json_schema(app, client, world):
    import jsonschema

    _everything_at_once(app, world)
    response = client.get(f"/festivals/{world.slug}/schedule.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(response.json), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_schedule_json_has_the_public_sessions_in_local_time(app, client, world):
    document = client.get(f"/festivals/{world.slug}/schedule.json").json
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == "gastronomy_2027"
    assert conference["time_zone_name"] == "Asia/Tokyo"
    assert conference["daysCount"] == len(conference["days"]) == 5  # 14 to 18 June
    assert [room["name"] for room in conference["rooms"]] == [
        "Civic Hall, Main Auditorium",
        "Venue to be announced",
    ]
    events = [
        event
        for day in conference["days"]
        for room_events in day["rooms"].values()
        for event in room_events
    ]
    assert {e["id"] for e in events} == {world.public_id, world.public_other_id}
    assert "Mayors' Forum" not in json.dumps(document)
    event = next(e for e in events if e["id"] == world.public_id)
    assert event["title"] == JAPANESE and ARABIC in event["abstract"]
    assert event["date"] == "2027-06-15T10:00:00+09:00"
    assert datetime.fromisoformat(event["date"]).astimezone(UTC) == datetime(
        2027, 6, 15, 1, tzinfo=UTC
    )
    assert event["start"] == "10:00" and event["duration"] == "01:30"
    assert event["room"] == "Civic Hall, Main Auditorium"
    assert [p["name"] for p in event["persons"]] == ["Sato Yuki", "Fatima Al-Zahra"]
    assert event["language"] == "ja, en"  # every language, the main one first
    assert event["url"].endswith(f"/festivals/{world.slug}/sessions/{world.public_id}")
    assert uuid.UUID(event["guid"]).version == 5
    day = next(d for d in conference["days"] if d["date"] == "2027-06-15")
    # Days change at 04:00, as frab's day_change: they never overlap.
    assert day["day_start"] == "2027-06-15T04:00:00+09:00"
    assert day["day_end"] == "2027-06-16T04:00:00+09:00"


def test_guids_are_stable_and_the_same_in_both_formats(app, client, world):
    def guids() -> dict[str, str]:
        root = ET.fromstring(client.get(f"/festivals/{world.slug}/schedule.xml").data)  # noqa: S314 (our own output)
        return {e.findtext("title"): e.get("guid") for e in root.iter("event")}

    before = guids()
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.public_other_id)
        programme.update_session(session, {"title": "Closing ceremony and farewell"})
        db.session.commit()
    after = guids()
    assert after["Closing ceremony and farewell"] == before["Closing ceremony"]
    document = client.get(f"/festivals/{world.slug}/schedule.json").json
    json_guids = {
        e["title"]: e["guid"]
        for d in document["schedule"]["conference"]["days"]
        for events in d["rooms"].values()
        for e in events
    }
    assert json_guids == after


def _xml(client, world) -> ET.Element:
    return ET.fromstring(client.get(f"/festivals/{world.slug}/schedule.xml").data)  # noqa: S314 (our own output)


def _json_events(client, world) -> list[dict]:
    document = client.get(f"/festivals/{world.slug}/schedule.json").json
    return [
        e
        for d in document["schedule"]["conference"]["days"]
        for events in d["rooms"].values()
        for e in events
    ]


def test_a_cancelled_session_stays_in_the_schedule_marked_cancelled(app, client, auth, world):
    guid = {e.findtext("title"): e.get("guid") for e in _xml(client, world).iter("event")}
    auth.organiser()
    cancel = f"/organiser/festivals/{world.slug}/programme/{world.public_other_id}/cancel"
    assert client.post(cancel).status_code == 302
    auth.logout()
    events = {int(e.get("id")): e for e in _xml(client, world).iter("event")}
    assert set(events) == {world.public_id, world.public_other_id}
    cancelled = events[world.public_other_id]
    assert cancelled.findtext("title") == "Cancelled: Closing ceremony"
    assert cancelled.get("guid") == guid["Closing ceremony"]  # the same event, marked
    [in_json] = [e for e in _json_events(client, world) if e["id"] == world.public_other_id]
    assert in_json["title"] == "Cancelled: Closing ceremony"


def test_days_never_overlap_and_a_late_session_belongs_to_its_evening(app, client, world):
    with app.app_context():
        festival = db.session.get(Festival, world.festival_id)
        # 23:30 to 01:30 and 01:00 to 02:00 in Tokyo, on the night of the 15th.
        make_session(
            festival,
            title="Night market",
            starts_at=datetime(2027, 6, 15, 14, 30, tzinfo=UTC),
            ends_at=datetime(2027, 6, 15, 16, 30, tzinfo=UTC),
        )
        make_session(
            festival,
            title="Late sake",
            starts_at=datetime(2027, 6, 15, 16, 0, tzinfo=UTC),
            ends_at=datetime(2027, 6, 15, 17, 0, tzinfo=UTC),
        )
        db.session.commit()
    root = _xml(client, world)
    days = root.findall("day")
    spans = [
        (datetime.fromisoformat(d.get("start")), datetime.fromisoformat(d.get("end"))) for d in days
    ]
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        assert end <= next_start
    fifteenth = next(d for d in days if d.get("date") == "2027-06-15")
    titles = {e.findtext("title") for e in fifteenth.iter("event")}
    assert {"Night market", "Late sake"} <= titles  # 01:00 is still the evening of the 15th


def test_the_to_be_announced_room_only_on_days_it_holds_a_session(client, world):
    for day in _xml(client, world).findall("day"):
        for room in day.findall("room"):
            if room.get("name") == "Venue to be announced":
                assert room.findall("event"), day.get("date")
    document = client.get(f"/festivals/{world.slug}/schedule.json").json
    for day in document["schedule"]["conference"]["days"]:
        assert day["rooms"].get("Venue to be announced", [None]), day["date"]


def test_persons_are_names_and_every_language_is_given(app, client, auth, world):
    base = f"/organiser/festivals/{world.slug}/programme/{world.public_id}/edit"
    auth.organiser()
    page = client.get(base).text
    assert "Sato Yuki" in page
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.public_id)
        session.speakers = "Keiko Sato, Tsuruoka Creative City Office\nChen Yu (Chengdu)\nAnna"
        session.languages = ["ja", "en", "fr"]
        db.session.commit()
    event = next(
        e for e in _xml(client, world).iter("event") if int(e.get("id")) == world.public_id
    )
    assert [p.text for p in event.find("persons")] == ["Keiko Sato", "Chen Yu", "Anna"]
    assert event.findtext("language") == "ja, en, fr"
    [in_json] = [e for e in _json_events(client, world) if e["id"] == world.public_id]
    assert [(p["name"], p.get("biography")) for p in in_json["persons"]] == [
        ("Keiko Sato", "Tsuruoka Creative City Office"),
        ("Chen Yu", "Chengdu"),
        ("Anna", None),
    ]


def test_exports_revalidate_with_304(client, world):
    for name in ("schedule.xml", "schedule.json"):
        url = f"/festivals/{world.slug}/{name}"
        first = client.get(url)
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert client.get(url).data == first.data
    assert client.get("/festivals/nope/schedule.xml").status_code == 404


def test_slugs_and_acronyms_fit_the_schemas():
    assert acronym("gastronomy-2027") == "gastronomy_2027"
    assert acronym("ab") == "ab_fest"
    assert ascii_slug("Mayors' Forum: Café & Crème") == "mayors-forum-cafe-creme"
    assert ascii_slug(JAPANESE) == ""
    assert event_slug("gastronomy_2027", 12, JAPANESE) == "gastronomy_2027-12-session"
