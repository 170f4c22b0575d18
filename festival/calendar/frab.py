"""The frab / c3voc conference schedule (schedule.xml, schedule.json), from plain values.

The format conference apps read (Giggity, EventFahrplan, ConfClerk): days,
then rooms (our venues), then events with a guid, a local start ("10:00"),
a duration ("01:30"), a slug and their persons (our speakers). Both
builders take a :class:`Schedule` and return UTF-8 bytes; the same input
gives the same bytes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

JSON_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
# What the JSON schema accepts as a zone name ("Area/City" or "UTC").
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


@dataclass(frozen=True)
class Person:
    name: str
    guid: str
    affiliation: str = ""  # kept apart from the name (JSON: the person's biography)


@dataclass(frozen=True)
class Room:
    name: str
    guid: str
    capacity: int | None = None


@dataclass(frozen=True)
class Event:
    id: int
    guid: str
    start: datetime  # aware, in the festival's zone
    end: datetime
    room: str
    slug: str
    url: str
    title: str
    type: str
    track: str
    language: str | None
    abstract: str
    description: str
    persons: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Day:
    index: int  # from 1
    date: date
    start: datetime
    end: datetime
    # Every room of the schedule, in order, with that day's events (maybe none).
    rooms: tuple[tuple[Room, tuple[Event, ...]], ...]


@dataclass(frozen=True)
class Schedule:
    version: str
    url: str  # where this schedule.xml is published
    base_url: str
    conference_url: str
    title: str
    acronym: str
    start: date
    end: date
    time_zone: str
    rooms: tuple[Room, ...]
    days: tuple[Day, ...]
    generator: str = "festival"
    generator_version: str = "0"
    timeslot_duration: str = "00:15"


def duration(start: datetime, end: datetime) -> str:
    """ "01:30" for an hour and a half."""
    minutes = max(0, int((end - start).total_seconds() // 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- XML ----------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, text: str | None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text or ""
    return element


def _event_xml(parent: ET.Element, event: Event) -> None:
    element = ET.SubElement(parent, "event", {"guid": event.guid, "id": str(event.id)})
    _text(element, "date", event.start.isoformat())
    _text(element, "start", f"{event.start:%H:%M}")
    _text(element, "duration", duration(event.start, event.end))
    _text(element, "room", event.room)
    _text(element, "slug", event.slug)
    _text(element, "url", event.url)
    _text(element, "title", event.title)
    _text(element, "subtitle", "")
    _text(element, "track", event.track)
    _text(element, "type", event.type)
    _text(element, "language", event.language or "")
    _text(element, "abstract", event.abstract)
    _text(element, "description", event.description)
    persons = ET.SubElement(element, "persons")
    for person in event.persons:
        _text(persons, "person", person.name, guid=person.guid)
    ET.SubElement(element, "links")


def schedule_xml(schedule: Schedule) -> bytes:
    """schedule.xml, valid against the c3voc schedule.xml.xsd."""
    root = ET.Element("schedule")
    ET.SubElement(
        root, "generator", {"name": schedule.generator, "version": schedule.generator_version}
    )
    _text(root, "url", schedule.url)
    _text(root, "version", schedule.version)
    conference = ET.SubElement(root, "conference")
    _text(conference, "title", schedule.title)
    _text(conference, "acronym", schedule.acronym)
    _text(conference, "start", schedule.start.isoformat())
    _text(conference, "end", schedule.end.isoformat())
    _text(conference, "days", str(len(schedule.days)))
    _text(conference, "timeslot_duration", schedule.timeslot_duration)
    _text(conference, "base_url", schedule.base_url)
    _text(conference, "url", schedule.conference_url)
    _text(conference, "time_zone_name", schedule.time_zone)
    for day in schedule.days:
        day_element = ET.SubElement(
            root,
            "day",
            {
                "index": str(day.index),
                "date": day.date.isoformat(),
                "start": day.start.isoformat(),
                "end": day.end.isoformat(),
            },
        )
        for room, events in day.rooms:
            room_element = ET.SubElement(
                day_element, "room", {"name": room.name, "guid": room.guid}
            )
            for event in events:
                _event_xml(room_element, event)
    ET.indent(root, space="  ")
    # To a str first: ElementTree's byte encoder writes through a slow codec
    # wrapper (a third of the time of a 450-event schedule).
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")


# --- JSON ---------------------------------------------------------------------


def _person_json(person: Person) -> dict[str, str]:
    document = {"name": person.name, "guid": person.guid}
    if person.affiliation:
        document["biography"] = person.affiliation
    return document


def _event_json(event: Event) -> dict[str, object]:
    return {
        "guid": event.guid,
        "id": event.id,
        "date": event.start.isoformat(),
        "start": f"{event.start:%H:%M}",
        "end": event.end.isoformat(),
        "duration": duration(event.start, event.end),
        "room": event.room,
        "slug": event.slug,
        "url": event.url,
        "title": event.title,
        "subtitle": "",
        "track": event.track,
        "type": event.type,
        "language": event.language,
        "abstract": event.abstract,
        "description": event.description,
        # name + guid: the "pretalx" person shape (the "frab" one wants a numeric id).
        "persons": [_person_json(p) for p in event.persons],
        "links": [],
        "attachments": [],
    }


def schedule_json(schedule: Schedule) -> bytes:
    """schedule.json, valid against the c3voc JSON schema."""
    document = {
        "$schema": JSON_SCHEMA_URL,
        "generator": {"name": schedule.generator, "version": schedule.generator_version},
        "schedule": {
            "url": schedule.url.removesuffix(".xml") + ".json",
            "version": schedule.version,
            "base_url": schedule.base_url,
            "conference": {
                "acronym": schedule.acronym,
                "title": schedule.title,
                "start": schedule.start.isoformat(),
                "end": schedule.end.isoformat(),
                "daysCount": len(schedule.days),
                "timeslot_duration": schedule.timeslot_duration,
                **(
                    {"time_zone_name": schedule.time_zone}
                    if _ZONE_NAME.match(schedule.time_zone)
                    else {}
                ),
                "url": schedule.conference_url,
                "rooms": [
                    {"name": room.name, "guid": room.guid, "capacity": room.capacity}
                    for room in schedule.rooms
                ],
                "days": [
                    {
                        "index": day.index,
                        "date": day.date.isoformat(),
                        "day_start": day.start.isoformat(),
                        "day_end": day.end.isoformat(),
                        "rooms": {
                            room.name: [_event_json(event) for event in events]
                            for room, events in day.rooms
                        },
                    }
                    for day in schedule.days
                ],
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
