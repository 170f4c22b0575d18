"""Festival editions and venues: the operations the organiser pages call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort

from festival.core.content import content_languages
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.invitations.models import Invitation
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate, Delegation

FESTIVAL_FIELDS = (
    "name",
    "slug",
    "starts_on",
    "ends_on",
    "timezone",
    "host_city",
    "languages",
    "contact_email",
    "visa_signatory_name",
    "visa_signatory_title",
)
VENUE_FIELDS = ("name", "address", "latitude", "longitude", "capacity")
# What calendars show of a venue (LOCATION, GEO): a change is a place change
# of every session held there.
VENUE_PLACE_FIELDS = ("name", "address", "latitude", "longitude")


def slug_taken(slug: str, exclude_id: int | None = None) -> bool:
    """Whether another festival already has this slug."""
    query = sa.select(Festival.id).where(Festival.slug == slug)
    if exclude_id is not None:
        query = query.where(Festival.id != exclude_id)
    return db.session.scalar(query.limit(1)) is not None


def save_festival(festival: Festival, data: dict[str, Any]) -> Festival:
    """Copy the form's values onto ``festival`` (new or not) and flush."""
    for name in FESTIVAL_FIELDS:
        setattr(festival, name, data[name])
    festival.name = festival.name.strip()
    festival.host_city = festival.host_city.strip()
    festival.contact_email = (festival.contact_email or "").strip() or None
    festival.visa_signatory_name = festival.visa_signatory_name or None
    festival.visa_signatory_title = festival.visa_signatory_title or None
    if data.get("accompanying_limit") is not None:
        festival.accompanying_limit = data["accompanying_limit"]
    festival.digest_at = data.get("digest_at") or time(18, 0)
    _content_languages(festival, data.get("content_language"), data.get("content_languages"))
    db.session.add(festival)
    db.session.flush()
    return festival


def _content_languages(festival: Festival, default: Any, offered: Any) -> None:
    """The default content language and those offered, among the configured
    ones; the default is always offered. Not sent (an older form): unchanged."""
    configured = list(content_languages())
    if default in configured:
        festival.content_language = default
    elif not festival.content_language:
        festival.content_language = configured[0]
    if offered:
        chosen = [c for c in configured if c in offered or c == festival.content_language]
        festival.content_languages = chosen


def sessions_outside(
    festival_id: int, starts_on: date, ends_on: date, tz: ZoneInfo
) -> list[ProgrammeSession]:
    """The festival's sessions that would start before ``starts_on`` or end
    after ``ends_on`` (days in ``tz``), in time order: what new dates must not
    leave behind."""
    first = datetime.combine(starts_on, time(0), tzinfo=tz).astimezone(UTC)
    after_last = datetime.combine(ends_on + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .where(
                ProgrammeSession.festival_id == festival_id,
                sa.or_(ProgrammeSession.starts_at < first, ProgrammeSession.ends_at > after_last),
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def festivals_with_venue_counts() -> list[tuple[Festival, int]]:
    """Every festival, newest first, with its number of venues: one query."""
    venues = (
        sa.select(sa.func.count(Venue.id))
        .where(Venue.festival_id == Festival.id)
        .correlate(Festival)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Festival, venues).order_by(Festival.starts_on.desc(), Festival.id.desc())
    )
    return [(festival, count) for festival, count in rows]


@dataclass
class Overview:
    """Counts at a glance; a block is empty when its table has no rows yet."""

    venues: int = 0
    invitations: dict[str, int] = field(default_factory=dict)
    delegates: dict[str, int] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)


def _by_status(query: sa.Select[Any, int]) -> dict[str, int]:
    return {
        str(getattr(status, "value", status)): count for status, count in db.session.execute(query)
    }


def overview(festival: Festival) -> Overview:
    """The festival's counts, four aggregate queries whatever its size."""
    venues = db.session.scalar(
        sa.select(sa.func.count()).select_from(Venue).where(Venue.festival_id == festival.id)
    )
    invitations = _by_status(
        sa.select(Invitation.status, sa.func.count())
        .where(Invitation.festival_id == festival.id)
        .group_by(Invitation.status)
    )
    delegates = _by_status(
        sa.select(Delegate.status, sa.func.count())
        .join(Delegation, Delegate.delegation_id == Delegation.id)
        .where(Delegation.festival_id == festival.id)
        .group_by(Delegate.status)
    )
    sessions = _by_status(
        sa.select(ProgrammeSession.status, sa.func.count())
        .where(ProgrammeSession.festival_id == festival.id)
        .group_by(ProgrammeSession.status)
    )
    return Overview(venues or 0, invitations, delegates, sessions)


def venue_name_taken(festival_id: int, name: str, exclude_id: int | None = None) -> bool:
    """Whether the festival has another venue of this name (case-insensitive)."""
    wanted = " ".join(name.split()).casefold()
    query = sa.select(Venue.id, Venue.name).where(Venue.festival_id == festival_id)
    if exclude_id is not None:
        query = query.where(Venue.id != exclude_id)
    return any(
        " ".join(other.split()).casefold() == wanted for _id, other in db.session.execute(query)
    )


def save_venue(venue: Venue, data: dict[str, Any]) -> Venue:
    """Copy the form's values onto ``venue`` (new or not) and flush.

    A new name, address or position moves every session held there, as
    moving each session would: their SEQUENCE rises, so calendar clients
    take the new LOCATION and GEO.
    """
    before = {name: getattr(venue, name) for name in VENUE_PLACE_FIELDS}
    for name in VENUE_FIELDS:
        setattr(venue, name, data[name])
    venue.name = " ".join(venue.name.split())
    venue.address = (venue.address or "").strip()
    db.session.add(venue)
    if venue.id is not None and any(
        getattr(venue, name) != before[name] for name in VENUE_PLACE_FIELDS
    ):
        _sessions_moved(venue)
    db.session.flush()
    return venue


def _sessions_moved(venue: Venue, **values: Any) -> None:
    """The venue's sessions changed place: SEQUENCE and updated_at move on
    (one UPDATE, whatever their number), with ``values`` set too."""
    db.session.execute(
        sa.update(ProgrammeSession)
        .where(ProgrammeSession.venue_id == venue.id)
        .values(sequence=ProgrammeSession.sequence + 1, updated_at=utcnow(), **values)
    )


def venue_or_404(festival: Festival, venue_id: int) -> Venue:
    """The festival's venue, or a 404 (a venue of another festival is not found)."""
    venue = db.session.scalar(
        sa.select(Venue).where(Venue.id == venue_id, Venue.festival_id == festival.id)
    )
    if venue is None:
        abort(404)
    return venue


def sessions_at(venue: Venue) -> int:
    """How many programme sessions take place at ``venue``."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ProgrammeSession)
            .where(ProgrammeSession.venue_id == venue.id)
        )
        or 0
    )


def venue_session_counts(festival: Festival) -> dict[int, int]:
    """Venue id -> number of sessions there, for the festival: one query."""
    rows = db.session.execute(
        sa.select(ProgrammeSession.venue_id, sa.func.count())
        .where(ProgrammeSession.festival_id == festival.id, ProgrammeSession.venue_id.is_not(None))
        .group_by(ProgrammeSession.venue_id)
    )
    return {venue_id: count for venue_id, count in rows if venue_id is not None}


def delete_venue(venue: Venue) -> None:
    """Delete ``venue``; its sessions keep their times and lose their place."""
    # Explicit, not left to ON DELETE SET NULL: SQLite does not enforce it
    # unless foreign keys are switched on. Losing the place is a place change.
    _sessions_moved(venue, venue_id=None)
    db.session.delete(venue)
    db.session.flush()
