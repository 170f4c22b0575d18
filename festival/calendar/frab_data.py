"""From a festival's public sessions to the plain :class:`frab.Schedule`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from importlib import metadata

from flask import current_app
from flask_babel import gettext as _

from festival.calendar import frab
from festival.calendar.events import (
    Phrases,
    SessionLike,
    VenueLike,
    programme_page_url,
    session_page_url,
    speaker_names,
)
from festival.calendar.identity import named_uuid, stable_uuid
from festival.core.content import lazy as content_lazy
from festival.core.content import pick
from festival.core.urls import external_url
from festival.festivals.models import Festival
from festival.programme.models import SessionStatus


def acronym(slug: str) -> str:
    """The festival's slug as the schemas want an acronym: [a-z0-9_], 4 or more."""
    text = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return text if len(text) >= 4 else f"{text}_fest"


def ascii_slug(text: str, limit: int = 60) -> str:
    """ "Mayors' Forum" -> "mayors-forum"; text with no Latin letters gives ""."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:limit].strip("-")


def event_slug(festival_acronym: str, session_id: int, title: str) -> str:
    """Unique and stable in shape: <acronym>-<id>-<title words>."""
    return f"{festival_acronym}-{session_id}-{ascii_slug(title) or 'session'}"


def _generator_version() -> str:
    try:
        return metadata.version("festival")
    except metadata.PackageNotFoundError:
        return "0"


def _room_guid(festival: Festival, venue_id: int | None) -> str:
    return named_uuid("venue", festival.id, venue_id or "none")


def _person_guid(festival: Festival, name: str) -> str:
    return named_uuid("speaker", festival.id, name.casefold())


# When one festival day becomes the next, as frab's own ``day_change``: a
# session starting at 01:00 belongs to the evening before, and days never
# overlap (a day runs from this hour to the same hour the next day).
DAY_CHANGE = time(4, 0)


def _day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, DAY_CHANGE, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), DAY_CHANGE, tzinfo=tz)
    return start, end


def festival_day(start: datetime) -> date:
    """The day a session belongs to: the day of its local start, less the day change."""
    return (start.replace(tzinfo=None) - timedelta(hours=DAY_CHANGE.hour)).date()


def person(line: str) -> tuple[str, str]:
    """A speaker's line split into name and affiliation.

    "Keiko Sato, Tsuruoka Creative City Office" and "Keiko Sato (Tsuruoka)"
    are ("Keiko Sato", "Tsuruoka..."): conference apps list persons by name.
    """
    name, sep, rest = line.partition(" (")
    if sep and rest.endswith(")"):
        return name.strip(), rest[:-1].strip()
    name, _comma, affiliation = line.partition(",")
    return name.strip(), affiliation.strip()


def _languages(session: SessionLike, default: str) -> list[str]:
    """The session's spoken languages, then the languages of its title."""
    codes = list(session.languages or [])
    written = [default, *sorted(getattr(session, "title_i18n", None) or {})]
    return codes + [code for code in written if code not in codes]


# Booths are events of their own in the export; their ids live far above the
# sessions' (the format wants unique positive integers, guids do the rest).
BOOTH_ID_BASE = 1_000_000_000


@dataclass(frozen=True)
class BoothItem:
    """A booth of the exchange event, as the export lists it: a sub-item of its session."""

    id: int
    session_id: int
    created_at: datetime
    title: str
    description: str
    cities: tuple[str, ...]
    stand: str = ""
    staff: tuple[str, ...] = ()
    title_i18n: Mapping[str, str] = field(default_factory=dict)
    description_i18n: Mapping[str, str] = field(default_factory=dict)


def _booth_events(
    festival: Festival,
    session: SessionLike,
    event: frab.Event,
    booths: Sequence[BoothItem],
    room: frab.Room,
    lang: str,
) -> list[frab.Event]:
    """The session's booths as events in their own room, at the session's time.

    Conference apps have no sub-events: a room of its own beside the
    session's keeps them together, and each says which session it belongs to.
    """
    default = festival.content_language
    short = acronym(festival.slug)
    events = []
    for booth in booths:
        title = pick(booth.title, booth.title_i18n, lang, default).text
        if booth.stand:
            title = f"{booth.stand}: {title}"
        if session.status == SessionStatus.CANCELLED:
            title = Phrases.current().cancelled % {"title": title}
        cities = ", ".join(booth.cities)
        events.append(
            frab.Event(
                id=BOOTH_ID_BASE + booth.id,
                guid=str(stable_uuid("booth", booth.id, booth.created_at)),
                start=event.start,
                end=event.end,
                room=room.name,
                slug=f"{short}-booth-{booth.id}-{ascii_slug(booth.title) or 'booth'}",
                url=external_url("booths.index", slug=festival.slug) + f"#booth-{booth.id}",
                title=title,
                type="booth",
                track=event.track,
                language=event.language,
                abstract=pick(booth.description, booth.description_i18n, lang, default).text,
                description=_("%(cities)s, at %(session)s", cities=cities, session=session.title),
                persons=tuple(
                    frab.Person(name, _person_guid(festival, name), booth.cities[0])
                    for name in booth.staff
                ),
            )
        )
    return events


def schedule(
    festival: Festival,
    venues: Mapping[int, VenueLike],
    sessions: Sequence[SessionLike],
    version: str,
    booths: Sequence[BoothItem] = (),
) -> frab.Schedule:
    """The schedule of public ``sessions``, a day per festival day.

    A session belongs to the day on which it starts, in the festival's time,
    a day running from :data:`DAY_CHANGE` to the same hour the next day. A
    cancelled session stays, marked cancelled in its title (the format has
    no status), so apps that kept it show the change. The "to be announced"
    room appears only on the days it holds a session. ``booths`` of a
    listed session come as events of their own, in a room named for them.
    """
    tz = festival.tz
    words = Phrases.current()
    short = acronym(festival.slug)
    default = festival.content_language
    tba = frab.Room(_("Venue to be announced"), _room_guid(festival, None))
    rooms_by_venue: dict[int | None, frab.Room] = {}
    for venue in sorted(venues.values(), key=lambda v: (v.name, v.id)):
        name = pick(venue.name, getattr(venue, "name_i18n", None), words.lang, default).text
        rooms_by_venue[venue.id] = frab.Room(name, _room_guid(festival, venue.id), venue.capacity)
    events_by_day: dict[date, list[tuple[frab.Room, frab.Event]]] = {}
    for session in sessions:
        room = rooms_by_venue.get(session.venue_id, tba)
        start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
        interpretation = session.interpretation or ""
        # The title in the requested language (the slug keeps the default's: stable).
        title = pick(session.title, getattr(session, "title_i18n", None), words.lang, default).text
        plain_title = title
        if session.status == SessionStatus.CANCELLED:
            title = words.cancelled % {"title": title}
        speakers = pick(
            session.speakers, getattr(session, "speakers_i18n", None), words.lang, default
        ).text
        persons = [person(line) for line in speaker_names(speakers)]
        event = frab.Event(
            id=session.id,
            guid=str(stable_uuid("session", session.id, session.created_at)),
            start=start,
            end=end,
            room=room.name,
            slug=event_slug(short, session.id, session.title),
            url=session_page_url(festival, session.id),
            title=title,
            type=str(getattr(session.type, "value", session.type)),
            track=words.type_labels.get(getattr(session.type, "value", session.type), ""),
            # Every language, the main one first, as a Content-Language list:
            # the spoken ones, then those its content is written in.
            language=", ".join(_languages(session, default)) or None,
            abstract=pick(
                session.description, getattr(session, "description_i18n", None), words.lang, default
            ).text,
            description=words.interpretation % {"what": interpretation} if interpretation else "",
            persons=tuple(
                frab.Person(name, _person_guid(festival, name), affiliation)
                for name, affiliation in persons
                if name
            ),
        )
        events_by_day.setdefault(festival_day(start), []).append((room, event))
        its_booths = [b for b in booths if b.session_id == session.id]
        if its_booths:
            booth_room = frab.Room(
                _("Booths: %(session)s", session=plain_title),
                named_uuid("booths", festival.id, session.id),
            )
            rooms_by_venue[-session.id] = booth_room
            for booth_event in _booth_events(
                festival, session, event, its_booths, booth_room, words.lang
            ):
                events_by_day[festival_day(start)].append((booth_room, booth_event))

    used = {room.guid for pairs in events_by_day.values() for room, _event in pairs}
    rooms = tuple(r for r in [*rooms_by_venue.values(), tba] if r.guid in used)
    first = min([festival.starts_on, *events_by_day])
    last = max([festival.ends_on, *events_by_day])
    days = []
    for index, day in enumerate(
        (first + timedelta(days=n) for n in range((last - first).days + 1)), start=1
    ):
        pairs = events_by_day.get(day, [])
        day_start, day_end = _day_bounds(day, tz)
        per_room = tuple(
            (room, tuple(event for r, event in pairs if r.guid == room.guid)) for room in rooms
        )
        # A real room may stand empty for a day; "to be announced" may not.
        per_room = tuple((room, events) for room, events in per_room if events or room != tba)
        days.append(frab.Day(index, day, day_start, day_end, per_room))

    return frab.Schedule(
        version=version,
        url=external_url("calendar.schedule_xml", slug=festival.slug),
        base_url=current_app.config["SERVER_URL"] + "/",
        conference_url=programme_page_url(festival),
        title=str(content_lazy(festival, "name")),
        acronym=short,
        start=festival.starts_on,
        end=festival.ends_on,
        time_zone=festival.timezone,
        rooms=rooms,
        days=tuple(days),
        generator_version=_generator_version(),
    )
