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
from festival.programme import services as programme
from festival.programme.models import ProgrammeSession
from tests.calendar_helpers import ARABIC, JAPANESE, build_world

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


@needs_schemas
def test_schedule_xml_is_valid_against_the_xsd(client, world):
    import xmlschema

    response = client.get(f"/festivals/{world.slug}/schedule.xml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    xmlschema.XMLSchema(str(XSD)).validate(response.data.decode("utf-8"))


@needs_schemas
def test_schedule_json_is_valid_against_the_json_schema(client, world):
    import jsonschema

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
    assert event["language"] == "ja"
    assert event["url"].endswith(f"/festivals/{world.slug}/sessions/{world.public_id}")
    assert uuid.UUID(event["guid"]).version == 5
    day = next(d for d in conference["days"] if d["date"] == "2027-06-15")
    assert day["day_start"] == "2027-06-15T00:00:00+09:00"


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


def test_cancelled_sessions_leave_the_schedule(app, client, world):
    with app.app_context():
        programme.cancel_session(db.session.get(ProgrammeSession, world.public_other_id))
        db.session.commit()
    root = ET.fromstring(client.get(f"/festivals/{world.slug}/schedule.xml").data)  # noqa: S314 (our own output)
    assert [int(e.get("id")) for e in root.iter("event")] == [world.public_id]


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
