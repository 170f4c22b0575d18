"""From sessions and itinerary items to the plain values ics.py renders.

Called inside ``force_locale``: the words people read (calendar names,
categories, "Speakers: ...") are in the feed's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from festival.calendar.ics import FeedEvent, FeedMeta, build_calendar
from festival.calendar.identity import stable_uuid
from festival.core.content import lazy as content_lazy
from festival.core.content import localized, pick
from festival.core.i18n import language_name
from festival.core.urls import external_url
from festival.festivals.models import Festival
from festival.itineraries.labels import item_kind_label
from festival.itineraries.services import Entry
from festival.programme.labels import session_type_label
from festival.programme.models import Audience, SessionStatus, SessionType
from festival.registration.models import Delegate

# The delegate's "My itinerary" page, by the names the itineraries domain may use.
ITINERARY_ENDPOINTS = ("itineraries.mine", "itineraries.my_itinerary", "itineraries.itinerary")


def render(meta: FeedMeta, events: list[FeedEvent]) -> bytes:
    return build_calendar(meta, events)


# --- URLs ---------------------------------------------------------------------


def _site(path: str) -> str:
    return current_app.config["SERVER_URL"] + path


def programme_page_url(festival: Festival) -> str:
    return _site(f"/festivals/{festival.slug}/programme")


def session_page_url(festival: Festival, session_id: int) -> str:
    return _site(f"/festivals/{festival.slug}/sessions/{session_id}")


def itinerary_page_url(festival: Festival) -> str:
    """The delegate's itinerary page (sign-in needed): the link for private entries."""
    for endpoint in ITINERARY_ENDPOINTS:
        if endpoint in current_app.view_functions:
            try:
                return external_url(endpoint, slug=festival.slug)
            except BuildError:
                continue
    return programme_page_url(festival)


# --- calendars ----------------------------------------------------------------


def _years(festival: Festival) -> tuple[int, ...]:
    return (festival.starts_on.year, festival.ends_on.year)


def _lang_arg(festival: Festival) -> dict[str, str]:
    """``?lang=`` for a feed in a language other than the festival's default."""
    lang = str(get_locale() or "")
    return {"lang": lang} if lang != festival.all_content_languages[0] else {}


def programme_meta(festival: Festival) -> FeedMeta:
    return FeedMeta(
        timezone=festival.timezone,
        name=_("%(festival)s: programme", festival=content_lazy(festival, "name")),
        description=_(
            "The public programme of %(festival)s in %(city)s. Times are in %(zone)s.",
            festival=content_lazy(festival, "name"),
            city=festival.host_city,
            zone=festival.timezone,
        ),
        url=programme_page_url(festival),
        source=external_url("calendar.programme_ics", slug=festival.slug, **_lang_arg(festival)),
        years=_years(festival),
    )


def download_meta(festival: Festival) -> FeedMeta:
    """A file to import once: no name, so clients add the event to a calendar
    the person already has rather than making a new one."""
    return FeedMeta(timezone=festival.timezone, years=_years(festival))


def personal_meta(festival: Festival, delegate: Delegate) -> FeedMeta:
    # No SOURCE: it would repeat the secret link inside every copy of the data.
    return FeedMeta(
        timezone=festival.timezone,
        name=_("%(festival)s: my itinerary", festival=content_lazy(festival, "name")),
        description=_(
            "The itinerary of %(name)s at %(festival)s: sessions, transfers, hotel "
            "and visits. Times are in %(zone)s. This link is personal: do not share it.",
            name=delegate.display_name,
            festival=content_lazy(festival, "name"),
            zone=festival.timezone,
        ),
        url=itinerary_page_url(festival),
        years=_years(festival),
    )


# --- events -------------------------------------------------------------------


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


class VenueLike(Protocol):
    """A Venue, or the copy of one that feeds keep between requests (read only)."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def latitude(self) -> float | None: ...

    @property
    def longitude(self) -> float | None: ...

    @property
    def capacity(self) -> int | None: ...


def _location(venue: VenueLike | None, lang: str = "", default: str = "") -> str:
    if venue is None:
        return ""
    name = pick(venue.name, getattr(venue, "name_i18n", None), lang, default).text
    address = pick(venue.address, getattr(venue, "address_i18n", None), lang, default).text
    return ", ".join(part for part in (name, address) if part)


def _geo(venue: VenueLike | None) -> tuple[float, float] | None:
    if venue is None or venue.latitude is None or venue.longitude is None:
        return None
    return (venue.latitude, venue.longitude)


def speaker_names(speakers: str) -> list[str]:
    """Speakers are typed one per line."""
    return [line.strip() for line in (speakers or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class Phrases:
    """The words a feed repeats for every event, translated once per build
    (gettext per event cost more than building the whole calendar)."""

    speakers: str
    languages: str
    interpretation: str
    cancelled: str
    type_labels: dict[str, str]
    site: str  # SERVER_URL, read once
    lang: str = "en"  # the content language to show (festival.core.content)

    @classmethod
    def current(cls) -> Phrases:
        """In the locale in force (call inside ``force_locale``)."""
        return cls(
            # No arguments: the translated template, filled in per event.
            speakers=_("Speakers: %(names)s"),
            languages=_("Languages: %(languages)s"),
            interpretation=_("Interpretation: %(what)s"),
            cancelled=_("Cancelled: %(title)s"),
            type_labels={t.value: session_type_label(t) for t in SessionType},
            site=current_app.config["SERVER_URL"],
            lang=str(get_locale() or "en"),
        )


class SessionLike(Protocol):
    """A ProgrammeSession, or a row of its columns (what the feeds load); read only."""

    @property
    def id(self) -> int: ...

    @property
    def title(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...

    @property
    def venue_id(self) -> int | None: ...

    @property
    def description(self) -> str: ...

    @property
    def speakers(self) -> str: ...

    @property
    def languages(self) -> list[str]: ...

    @property
    def interpretation(self) -> str: ...

    @property
    def audience(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def sequence(self) -> int: ...

    @property
    def created_at(self) -> datetime: ...

    @property
    def updated_at(self) -> datetime: ...


def session_event(
    session: SessionLike,
    festival: Festival,
    venue: VenueLike | None,
    private_url: str | None = None,
    phrases: Phrases | None = None,
    seat: str | None = None,
) -> FeedEvent:
    """A session as a VEVENT. A restricted session links to the itinerary page
    (``private_url``): its public page does not exist for everyone. ``seat``
    ("Table 3, seat 5") is the person's own, in a personal feed."""
    words = phrases or Phrases.current()
    tz = festival.tz
    if session.audience == Audience.PUBLIC or private_url is None:
        url = f"{words.site}/festivals/{festival.slug}/sessions/{session.id}"
    else:
        url = private_url
    cancelled = session.status == SessionStatus.CANCELLED
    details = []
    speakers = pick(
        session.speakers,
        getattr(session, "speakers_i18n", None),
        words.lang,
        festival.content_language,
    ).text
    names = speaker_names(speakers)
    if names:
        details.append(words.speakers % {"names": ", ".join(names)})
    if session.languages:
        languages = ", ".join(map(language_name, session.languages))
        details.append(words.languages % {"languages": languages})
    if session.interpretation:
        details.append(words.interpretation % {"what": session.interpretation})
    if seat:
        details.append(seat)
    # The same UID in every language: one event, several renderings.
    default = festival.content_language
    title = pick(session.title, getattr(session, "title_i18n", None), words.lang, default).text
    summary = title
    if cancelled:
        # Several clients show STATUS:CANCELLED no differently: say it in words.
        summary = words.cancelled % {"title": title}
    session_type = getattr(session.type, "value", session.type)
    return FeedEvent(
        uid=str(stable_uuid("session", session.id, session.created_at)),
        summary=summary,
        start=session.starts_at.astimezone(tz),
        end=session.ends_at.astimezone(tz),
        stamp=session.updated_at,
        created=session.created_at,
        sequence=session.sequence or 0,
        cancelled=cancelled,
        description=_paragraphs(
            pick(
                session.description,
                getattr(session, "description_i18n", None),
                words.lang,
                festival.content_language,
            ).text,
            "\n".join(details),
            url,
        ),
        location=_location(venue, words.lang, festival.content_language),
        geo=_geo(venue),
        url=url,
        categories=(words.type_labels.get(session_type, str(session_type)),),
    )


def entry_event(entry: Entry, festival: Festival, page_url: str, lang: str = "") -> FeedEvent:
    """An itinerary item (pickup, hotel, visit) as a private VEVENT.

    All-day entries are dates with the exclusive end itineraries computed;
    a moment (a pickup at 14:00) has no DTEND, since RFC 5545 wants DTEND
    after DTSTART.
    """
    tz = festival.tz
    lang = lang or festival.content_language
    start: date | datetime
    end: date | datetime | None
    if entry.all_day and entry.start_date and entry.end_date:
        start, end = entry.start_date, entry.end_date
    else:
        start = entry.starts_at.astimezone(tz)
        end = entry.ends_at.astimezone(tz) if entry.ends_at > entry.starts_at else None
    created = entry.created_at or entry.updated_at
    if entry.uid_kind is not None:  # a flight or a pickup: no item row of its own
        uid = stable_uuid(entry.uid_kind, entry.uid_id or 0, created)
    else:
        uid = stable_uuid("itinerary-item", entry.item_id or 0, created)
    return FeedEvent(
        uid=str(uid),
        summary=localized(entry, "title", lang, festival.content_language).text,
        start=start,
        end=end,
        stamp=entry.updated_at,
        created=entry.created_at,
        sequence=entry.sequence,
        cancelled=entry.status == "cancelled",
        description=_paragraphs(
            localized(entry, "description", lang, festival.content_language).text, page_url
        ),
        location=localized(entry, "location", lang, festival.content_language).text,
        geo=(entry.latitude, entry.longitude)
        if entry.latitude is not None and entry.longitude is not None
        else None,
        url=page_url,
        categories=(item_kind_label(entry.kind),),
        transparent=entry.all_day,
        private=True,
    )


def sort_key(value: date | datetime) -> str:
    """Dates and times in one order (dates first on their day): deterministic bytes."""
    return value.isoformat()
