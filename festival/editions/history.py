"""Each city's history across the editions: invited, came, with whom.

A city *was invited* to an edition when it had an invitation there that
left the drafts; it *came* when its delegation there has at least one
active delegate (pending or confirmed). Whom it came with is read by name
only while the edition keeps its people: a purged edition (its delegates
anonymised, festival.delegations.purge) shows how many, never who.

Other domains add their own columns to a city's history through
:func:`register_facet` (the booths of the exchange event, the impressions
published in a report): each gives, in one query, a count per edition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import Invitation, InvitationStatus
from festival.registration import names
from festival.registration.models import ACTIVE_STATUSES, Delegate, Delegation


@dataclass(frozen=True)
class Facet:
    """A column another domain adds to the history: ``counts(city_id)`` gives
    {festival id: count} in one query (say, booths: festival.booths)."""

    key: str
    label: Any  # a lazy string
    counts: Callable[[int], dict[int, int]]


# Hooks: "booths" (the exchange event's booths) and "published" (quotes in
# a published report) are expected from their branches; none is required.
FACETS: dict[str, Facet] = {}


def register_facet(facet: Facet) -> None:
    """Add (or replace) a column of every city's history."""
    FACETS[facet.key] = facet


def came_pairs() -> sa.Select[int, int]:
    """(festival id, city id) of every delegation with an active delegate."""
    active = (
        sa.select(Delegate.id)
        .where(Delegate.delegation_id == Delegation.id, Delegate.status.in_(ACTIVE_STATUSES))
        .exists()
    )
    return sa.select(Delegation.festival_id, Delegation.city_id).where(active)


def invited_pairs() -> sa.Select[int, int]:
    """(festival id, city id) of every invitation that left the drafts."""
    return sa.select(Invitation.festival_id, Invitation.city_id).where(
        Invitation.status != InvitationStatus.DRAFT
    )


@dataclass(frozen=True)
class Tally:
    """How often a city was invited and came, over every edition."""

    invited: int = 0
    came: int = 0


def tallies(city_ids: list[int]) -> dict[int, Tally]:
    """City id -> :class:`Tally`, for a page of cities: one aggregate query."""
    if not city_ids:
        return {}
    came = came_pairs().subquery()
    rows = db.session.execute(
        sa.select(
            Invitation.city_id,
            sa.func.count(Invitation.id).filter(Invitation.status != InvitationStatus.DRAFT),
            sa.func.count(came.c.city_id),
        )
        .outerjoin(
            came,
            sa.and_(
                came.c.city_id == Invitation.city_id, came.c.festival_id == Invitation.festival_id
            ),
        )
        .where(Invitation.city_id.in_(city_ids))
        .group_by(Invitation.city_id)
    )
    return {city_id: Tally(invited, came_count) for city_id, invited, came_count in rows}


@dataclass
class EditionEntry:
    """One edition in a city's history."""

    festival: Festival
    status: InvitationStatus
    delegates: int = 0  # active ones
    names: list[str] = field(default_factory=list)  # empty once purged
    purged: int = 0  # active delegates whose data is gone
    facets: dict[str, int] = field(default_factory=dict)

    @property
    def came(self) -> bool:
        return self.delegates > 0


def city_history(city: City) -> list[EditionEntry]:
    """The city's editions, newest first: two queries, plus one per facet."""
    rows = db.session.execute(
        sa.select(Festival, Invitation.status)
        .join(Invitation, Invitation.festival_id == Festival.id)
        .where(Invitation.city_id == city.id)
        .order_by(Festival.starts_on.desc(), Festival.id.desc())
    )
    entries = {festival.id: EditionEntry(festival, status) for festival, status in rows}
    people = db.session.execute(
        sa.select(Delegation.festival_id, Delegate)
        .join(Delegate, Delegate.delegation_id == Delegation.id)
        .where(Delegation.city_id == city.id, Delegate.status.in_(ACTIVE_STATUSES))
        .order_by(Delegate.is_head.desc(), *Delegate.name_ordering(), Delegate.id)
    )
    for festival_id, person in people:
        entry = entries.get(festival_id)
        if entry is None:
            continue
        entry.delegates += 1
        if person.anonymised_at is not None:
            entry.purged += 1
        else:
            entry.names.append(names.list_name(person))
    for facet in FACETS.values():
        for festival_id, count in facet.counts(city.id).items():
            if festival_id in entries:
                entries[festival_id].facets[facet.key] = count
    return list(entries.values())


def previous_edition(festival: Festival) -> Festival | None:
    """The edition before ``festival`` (the latest that started earlier)."""
    return db.session.scalar(
        sa.select(Festival)
        .where(Festival.starts_on < festival.starts_on)
        .order_by(Festival.starts_on.desc(), Festival.id.desc())
        .limit(1)
    )


# The starting points of a new invitation list (invitations' "Invite cities").
HISTORY_FILTERS = ("came_last", "never_came")


def history_condition(festival: Festival, which: str) -> sa.ColumnElement[bool] | None:
    """Cities that came to the previous edition ("came_last"), or that an
    earlier edition invited and that never came to any ("never_came")."""
    if which == "came_last":
        previous = previous_edition(festival)
        if previous is None:
            return sa.false()
        came = came_pairs().where(Delegation.festival_id == previous.id)
        return City.id.in_(sa.select(came.subquery().c.city_id))
    if which == "never_came":
        earlier = sa.select(Festival.id).where(Festival.starts_on < festival.starts_on)
        invited = invited_pairs().where(Invitation.festival_id.in_(earlier)).subquery()
        ever = came_pairs().subquery()
        return sa.and_(
            City.id.in_(sa.select(invited.c.city_id)), City.id.not_in(sa.select(ever.c.city_id))
        )
    return None
