"""The feeds' data: what goes in each feed, its version stamp, and its events.

Each feed is prepared in two steps so a conditional GET costs little:

1. :class:`PreparedFeed` holds the feed's identity and an ETag computed from
   a cheap version stamp (a few aggregate queries: counts, max(updated_at),
   sums of ids and sequences of the rows that make up the feed, plus the
   festival and its venues);
2. its ``build`` callable loads the rows and renders the bytes, and runs
   only when the client's copy is stale and no cached copy matches.

The number of queries does not depend on the number of sessions.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.orm import joinedload

from festival.calendar import events as ev
from festival.calendar.tokens import feed_token, token_delegate_id, token_is_valid
from festival.core import memo
from festival.core.tokens import secret_key, secret_keys
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.itineraries.models import CancelledItem, ItineraryItem
from festival.itineraries.services import itinerary_for
from festival.programme.eligibility import ACTIVE_STATUSES, visible_to_bound
from festival.programme.models import Attendance, Audience, ProgrammeSession
from festival.protocol.labels import seat_label
from festival.registration.models import Delegate, Delegation
from festival.transfers.models import Escort, Passenger, Transfer, Vehicle

# Bump when the bytes built from the same data change (a new property, a
# reworded description), so cached copies and ETags are not reused.
FORMAT_VERSION = "3"


@dataclass(frozen=True)
class PreparedFeed:
    """A feed whose version is known and whose bytes are built on demand."""

    key: str  # identity of the feed (no secret in it): "programme:3:en"
    etag: str  # strong ETag value, without quotes
    build: Callable[[], bytes]
    public: bool  # Cache-Control: public, or private for a personal feed
    filename: str | None = None  # set: sent as a download (attachment)


def _etag(*parts: object) -> str:
    text = repr((FORMAT_VERSION, current_app.config["SERVER_URL"], *parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def feed_locale(festival: Festival, requested: str | None = None) -> str:
    """The language of a public feed: ``?lang=`` if the festival writes its
    content in it (or the app speaks it), else the festival's default content
    language: one feed per content language, the plain URL the default's."""
    languages = [*festival.all_content_languages, *current_app.config["LANGUAGES"]]
    if requested in languages:
        return str(requested)
    return festival.all_content_languages[0]


# --- loading ------------------------------------------------------------------


@dataclass(frozen=True)
class VenueInfo:
    """What feeds show of a venue, kept between requests (not an ORM row)."""

    id: int
    name: str
    address: str
    latitude: float | None
    longitude: float | None
    capacity: int | None
    name_i18n: dict[str, str] | None = None
    address_i18n: dict[str, str] | None = None


def _venues(festival: Festival) -> dict[int, VenueInfo]:
    """The festival's venues by id, read once per version of the festival: a
    venue's change touches its festival (festival.festivals.models)."""

    def load() -> dict[int, VenueInfo]:
        rows = db.session.scalars(sa.select(Venue).where(Venue.festival_id == festival.id))
        return {
            v.id: VenueInfo(
                v.id,
                v.name,
                v.address,
                v.latitude,
                v.longitude,
                v.capacity,
                v.name_i18n,
                v.address_i18n,
            )
            for v in rows
        }

    return memo.cached("calendar-venues", (festival.id, festival.updated_at), load)


def _venues_stamp(venues: Mapping[int, ev.VenueLike]) -> tuple[object, ...]:
    # Venues have no updated_at; they are few, so their content is the stamp.
    return tuple(
        (v.id, v.name, v.address, v.latitude, v.longitude, _i18n_stamp(v))
        for v in sorted(venues.values(), key=id_)
    )


def _i18n_stamp(venue: ev.VenueLike) -> tuple[object, ...]:
    """A venue's translations, as part of the feeds' stamps (a renamed room in
    Japanese changes the Japanese feed)."""
    return tuple(
        tuple(sorted((getattr(venue, f, None) or {}).items()))
        for f in ("name_i18n", "address_i18n")
    )


def id_(row: ev.VenueLike) -> int:
    return row.id


def _public_sessions_filter(festival: Festival) -> list[sa.ColumnElement[bool]]:
    return [
        ProgrammeSession.festival_id == festival.id,
        ProgrammeSession.audience == Audience.PUBLIC,
    ]


def _rows_stamp(
    model: type[ProgrammeSession] | type[ItineraryItem] | type[CancelledItem],
    *where: sa.ColumnElement[bool],
) -> sa.Select[*tuple[Any, ...]]:
    """count, max(updated_at), sum(id), sum(sequence) of ``model``'s rows matching."""
    return sa.select(
        sa.func.count(model.id),
        sa.func.max(model.updated_at),
        sa.func.coalesce(sa.func.sum(model.id), 0),
        sa.func.coalesce(sa.func.sum(model.sequence), 0),
    ).where(*where)


def public_sessions_stamp(festival: Festival) -> tuple[object, ...]:
    """One aggregate query: changes whenever a public session is added, edited or removed."""
    row = db.session.execute(_rows_stamp(ProgrammeSession, *_public_sessions_filter(festival)))
    return tuple(row.one())


# The columns a feed reads: rows of these load several times faster than
# ORM objects, which matters at 600 sessions.
_S = ProgrammeSession
SESSION_COLUMNS = (
    _S.id,
    _S.title,
    _S.type,
    _S.starts_at,
    _S.ends_at,
    _S.venue_id,
    _S.description,
    _S.speakers,
    _S.languages,
    _S.interpretation,
    _S.audience,
    _S.status,
    _S.sequence,
    _S.created_at,
    _S.updated_at,
    # Translations ride with the row: no query per session, whatever the language.
    _S.title_i18n,
    _S.description_i18n,
    _S.speakers_i18n,
)


def public_sessions(festival: Festival) -> Sequence[ev.SessionLike]:
    """The festival's public sessions (cancelled ones too), in time order."""
    return db.session.execute(
        sa.select(*SESSION_COLUMNS)
        .where(*_public_sessions_filter(festival))
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()


# --- the public programme -----------------------------------------------------


def programme_feed(festival: Festival, locale: str) -> PreparedFeed:
    """/festivals/<slug>/programme.ics: every public session, cancelled ones included."""
    venues = _venues(festival)
    stamp = (festival.updated_at, _venues_stamp(venues), public_sessions_stamp(festival))

    def build() -> bytes:
        sessions = public_sessions(festival)
        with force_locale(locale):
            words = ev.Phrases.current()
            events = [
                ev.session_event(s, festival, venues.get(s.venue_id or 0), phrases=words)
                for s in sessions
            ]
            return ev.render(ev.programme_meta(festival), events)

    key = f"programme:{festival.id}:{locale}"
    return PreparedFeed(key, _etag(key, stamp), build, public=True)


def public_session(festival: Festival, session_id: int) -> ProgrammeSession | None:
    """A public session of this festival (venue loaded), or None."""
    return db.session.scalar(
        sa.select(ProgrammeSession)
        .options(joinedload(ProgrammeSession.venue))
        .where(ProgrammeSession.id == session_id, *_public_sessions_filter(festival))
    )


def session_download(festival: Festival, session: ProgrammeSession, locale: str) -> PreparedFeed:
    """/festivals/<slug>/sessions/<id>.ics: one public session, as a file to import."""
    venue = session.venue
    stamp = (
        festival.updated_at,
        session.updated_at,
        session.sequence,
        _venues_stamp({venue.id: venue} if venue else {}),
    )

    def build() -> bytes:
        with force_locale(locale):
            return ev.render(
                ev.download_meta(festival), [ev.session_event(session, festival, venue)]
            )

    key = f"session:{session.id}:{locale}"
    return PreparedFeed(
        key, _etag(key, stamp), build, public=True, filename=f"session-{session.id}.ics"
    )


# --- personal feeds -----------------------------------------------------------


def delegate_for_token(token: str) -> Delegate | None:
    """The delegate whose current feed token this is (delegation and festival
    loaded), or None: a malformed, forged or revoked token, or a forgotten person."""
    delegate_id = token_delegate_id(token)
    if delegate_id is None:
        return None
    delegate = db.session.scalar(
        sa.select(Delegate)
        .options(joinedload(Delegate.delegation).joinedload(Delegation.festival))
        .where(Delegate.id == delegate_id)
    )
    if delegate is None or delegate.anonymised_at is not None:
        return None
    if not token_is_valid(secret_keys(), token, delegate.id, delegate.feed_secret):
        return None
    return delegate


def personal_token(delegate: Delegate) -> str:
    """The token of the delegate's feed link, made under the current SECRET_KEY."""
    return feed_token(secret_key(), delegate.id, delegate.feed_secret)


def regenerate_feed_secret(delegate: Delegate) -> None:
    """A new feed secret: the old personal link stops working at once."""
    import secrets

    delegate.feed_secret = secrets.token_hex(16)
    delegate.updated_at = utcnow()
    db.session.flush()


def itinerary_stamp(delegate: Delegate) -> tuple[object, ...]:
    """One query: the enrolled sessions the delegate may attend, their items
    and their deleted items."""
    if delegate.status not in ACTIVE_STATUSES:
        return ("inactive",)
    row = db.session.execute(
        _itinerary_stamp_statement(delegate.is_confirmed_mayor, delegate.is_accompanying),
        {
            "festival_id": delegate.delegation.festival_id,
            "delegation_id": delegate.delegation_id,
            "delegate_id": delegate.id,
        },
    ).one()
    return tuple(row)


@functools.cache
def _itinerary_stamp_statement(mayor: bool, accompanying: bool = False) -> sa.Select[Any]:
    """The stamp's query, built once per kind of delegate (a confirmed mayor
    or not; a delegate's page view runs it, and building it each time cost
    more than running it)."""
    delegate_id = sa.bindparam("delegate_id", type_=sa.Integer)
    delegation_id = sa.bindparam("delegation_id", type_=sa.Integer)
    sessions = (
        sa.select(
            sa.func.count(ProgrammeSession.id),
            sa.func.max(ProgrammeSession.updated_at),
            sa.func.max(Attendance.enrolled_at),
            sa.func.coalesce(sa.func.sum(ProgrammeSession.id), 0),
            sa.func.coalesce(sa.func.sum(ProgrammeSession.sequence), 0),
        )
        .join(Attendance, Attendance.session_id == ProgrammeSession.id)
        .where(
            ProgrammeSession.festival_id == sa.bindparam("festival_id", type_=sa.Integer),
            Attendance.delegate_id == delegate_id,
            visible_to_bound(mayor, accompanying),
        )
        .subquery()
    )
    items = _rows_stamp(
        ItineraryItem,
        ItineraryItem.delegation_id == delegation_id,
        sa.or_(ItineraryItem.delegate_id.is_(None), ItineraryItem.delegate_id == delegate_id),
    ).subquery()
    # Deleted items stay in the feed as cancelled: a deletion must move the stamp.
    cancelled = _rows_stamp(
        CancelledItem,
        CancelledItem.delegation_id == delegation_id,
        sa.or_(CancelledItem.delegate_id.is_(None), CancelledItem.delegate_id == delegate_id),
    ).subquery()
    # Pickups: a car moved, re-assigned or renamed (its driver's phone) moves the stamp.
    pickups = (
        sa.select(
            sa.func.count(Passenger.id),
            sa.func.coalesce(sa.func.sum(Passenger.sequence), 0),
            sa.func.max(Passenger.updated_at),
            sa.func.max(Transfer.updated_at),
            sa.func.max(Vehicle.updated_at),
            sa.func.max(Escort.updated_at),
        )
        .select_from(Passenger)
        .outerjoin(Transfer, Transfer.id == Passenger.transfer_id)
        .outerjoin(Vehicle, Vehicle.id == Transfer.vehicle_id)
        .outerjoin(Escort, Escort.id == Transfer.escort_id)
        .where(Passenger.delegate_id == delegate_id)
        .subquery()
    )
    # One-row aggregates side by side: joins on TRUE, not a cartesian warning.
    return sa.select(sessions, items, cancelled, pickups).select_from(
        sessions.join(items, sa.true()).join(cancelled, sa.true()).join(pickups, sa.true())
    )


def itinerary_version(
    delegate: Delegate, venues: dict[int, VenueInfo] | None = None
) -> tuple[object, ...]:
    """What a delegate's itinerary (the feed and the "My itinerary" page)
    depends on: the festival, the person, the venues, their sessions and
    items (two queries; none for ``venues`` when given)."""
    festival = delegate.delegation.festival
    if venues is None:
        venues = _venues(festival)
    return (
        festival.updated_at,
        delegate.updated_at,
        delegate.status,
        # The role that decides the sessions (an approved change of role
        # also moves updated_at; this keeps the stamp honest on its own).
        delegate.confirmed_role,
        _venues_stamp(venues),
        itinerary_stamp(delegate),
    )


def _sessions_by_id(ids: list[int]) -> dict[int, ev.SessionLike]:
    if not ids:
        return {}
    rows = db.session.execute(sa.select(*SESSION_COLUMNS).where(ProgrammeSession.id.in_(ids)))
    return {row.id: row for row in rows}


def personal_feed(delegate: Delegate) -> PreparedFeed:
    """/feeds/<token>.ics: the delegate's whole itinerary, in their language."""
    festival = delegate.delegation.festival
    locale = delegate.locale if delegate.locale in current_app.config["LANGUAGES"] else None
    locale = locale or feed_locale(festival)
    venues = _venues(festival)
    stamp = itinerary_version(delegate, venues)

    def build() -> bytes:
        # The one definition of a delegate's itinerary (the "My itinerary" page
        # reads it too); the sessions' speakers and audience come in one more query.
        with force_locale(locale):  # the flights' titles are written in it
            entries = itinerary_for(delegate)
        sessions = _sessions_by_id([e.session_id for e in entries if e.session_id])
        with force_locale(locale):
            page = ev.itinerary_page_url(festival)
            words = ev.Phrases.current()
            events = []
            for entry in entries:
                session = sessions.get(entry.session_id or 0)
                if session is not None:
                    venue = venues.get(session.venue_id or 0)
                    seat = seat_label(*entry.seat) if entry.seat else None
                    events.append(
                        ev.session_event(
                            session, festival, venue, private_url=page, phrases=words, seat=seat
                        )
                    )
                else:
                    events.append(ev.entry_event(entry, festival, page, words.lang))
            events.sort(key=lambda e: (ev.sort_key(e.start), e.uid))
            return ev.render(ev.personal_meta(festival, delegate), events)

    key = f"delegate:{delegate.id}:{locale}"
    return PreparedFeed(key, _etag(key, stamp), build, public=False)


# --- the frab export ----------------------------------------------------------


def schedule_feed(festival: Festival, locale: str, kind: str) -> PreparedFeed:
    """schedule.xml or schedule.json (frab): the public sessions, cancelled ones marked."""
    from festival.booths import exports as booth_exports
    from festival.calendar import frab, frab_data

    venues = _venues(festival)
    stamp = (
        festival.updated_at,
        _venues_stamp(venues),
        public_sessions_stamp(festival),
        booth_exports.booths_stamp(festival),
    )

    def build() -> bytes:
        sessions = public_sessions(festival)
        booths = booth_exports.booth_items(festival)
        with force_locale(locale):
            schedule = frab_data.schedule(festival, venues, sessions, version_of(stamp), booths)
        return frab.schedule_xml(schedule) if kind == "xml" else frab.schedule_json(schedule)

    key = f"frab-{kind}:{festival.id}:{locale}"
    return PreparedFeed(key, _etag(key, stamp), build, public=True)


def version_of(stamp: tuple[object, ...]) -> str:
    """A schedule version people can read: the latest change, plus a short hash."""
    latest = max(
        (
            value
            for value in _flatten(stamp)
            if isinstance(value, datetime) and value.tzinfo is not None
        ),
        default=datetime(1970, 1, 1, tzinfo=UTC),
    )
    digest = hashlib.sha256(repr(stamp).encode("utf-8")).hexdigest()[:8]
    return f"{latest.astimezone(UTC):%Y-%m-%d %H:%M} ({digest})"


def _flatten(value: object) -> list[object]:
    if isinstance(value, tuple):
        return [leaf for part in value for leaf in _flatten(part)]
    return [value]
