"""The queries behind the organiser's lists: a fixed number per page, whatever the size."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from festival.cities.models import City, CityKind, CreativeField
from festival.core.search import ESCAPE, contains
from festival.editions.history import HISTORY_FILTERS, history_condition
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import Invitation, InvitationStatus


@dataclass(frozen=True)
class CityFilter:
    """What the organiser typed to narrow a list of cities."""

    q: str = ""
    country: str = ""
    field: str = ""
    kind: str = ""  # city, organisation, press, speaker (City.kind)
    # Where a new list starts from, on "Invite cities" (festival.editions.history):
    # "came_last" (came to the previous edition), "never_came" (invited before).
    past: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CityFilter:
        get = args.get
        field = get("field", "").strip()
        kind = get("kind", "").strip()
        past = get("past", "").strip()
        return cls(
            past=past if past in HISTORY_FILTERS else "",
            q=get("q", "").strip()[:100],
            country=get("country", "").strip().upper()[:2],
            field=field if field in {f.value for f in CreativeField} else "",
            kind=kind if kind in {k.value for k in CityKind} else "",
        )

    def query_args(self) -> dict[str, str]:
        """The filter as query-string arguments (only those given)."""
        args = {
            "q": self.q,
            "country": self.country,
            "field": self.field,
            "kind": self.kind,
            "past": self.past,
        }
        return {key: value for key, value in args.items() if value}

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        where: list[sa.ColumnElement[bool]] = []
        if self.q:
            like = contains(self.q)
            where.append(
                sa.or_(
                    City.name.ilike(like, escape=ESCAPE),
                    City.contact_email.ilike(like, escape=ESCAPE),
                )
            )
        if self.country:
            where.append(City.country_code == self.country)
        if self.field:
            where.append(City.creative_field == self.field)
        if self.kind:
            where.append(City.kind == self.kind)
        return where


def _not_invited(festival: Festival) -> sa.ColumnElement[bool]:
    invited = sa.select(Invitation.id).where(
        Invitation.festival_id == festival.id, Invitation.city_id == City.id
    )
    return ~invited.exists()


def _history(festival: Festival, where: CityFilter) -> list[sa.ColumnElement[bool]]:
    """The filter's condition on the cities' past editions, if it has one."""
    condition = history_condition(festival, where.past) if where.past else None
    return [] if condition is None else [condition]


def uninvited_cities(festival: Festival, where: CityFilter) -> sa.Select:
    """Cities matching the filter that this festival has not invited yet, by name."""
    return (
        sa.select(City)
        .where(_not_invited(festival), *where.conditions(), *_history(festival, where))
        .order_by(City.name, City.country_code)
    )


def uninvited_city_ids(festival: Festival, where: CityFilter) -> list[int]:
    """Ids for "invite every city matching the filter" (one query)."""
    return list(
        db.session.scalars(
            sa.select(City.id).where(
                _not_invited(festival), *where.conditions(), *_history(festival, where)
            )
        )
    )


def invited_count(festival: Festival, where: CityFilter) -> int:
    """How many cities matching the filter are already invited."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Invitation)
            .join(City, City.id == Invitation.city_id)
            .where(
                Invitation.festival_id == festival.id,
                *where.conditions(),
                *_history(festival, where),
            )
        )
        or 0
    )


def city_countries() -> list[str]:
    """Every country some city is in (for the filter's list)."""
    return list(db.session.scalars(sa.select(City.country_code).distinct()))


def invited_countries(festival: Festival) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(City.country_code)
            .join(Invitation, Invitation.city_id == City.id)
            .where(Invitation.festival_id == festival.id)
            .distinct()
        )
    )


def invitations(festival: Festival, where: CityFilter, status: str = "") -> sa.Select:
    """The festival's invitations, each with its city, for one list page."""
    query = (
        sa.select(Invitation)
        .join(Invitation.city)
        .options(contains_eager(Invitation.city))
        .where(Invitation.festival_id == festival.id, *where.conditions())
        .order_by(City.name, City.country_code, Invitation.id)
    )
    if status in {s.value for s in InvitationStatus}:
        query = query.where(Invitation.status == status)
    return query
