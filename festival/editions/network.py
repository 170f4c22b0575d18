"""The network across editions: how many cities came, with how many
delegates, from how many countries and creative fields, and how many of the
impression forms sent were answered. Purged editions count as before: the
purge keeps each delegate's row, status and answers, only not who they are.

Five aggregate queries, whatever the number of editions or people.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from festival.cities.models import City
from festival.editions.history import came_pairs
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionForm, ImpressionInvite, ImpressionResponse
from festival.registration.models import ACTIVE_STATUSES, Delegate, Delegation

# The overview charts show at most this many editions (the latest).
EDITIONS_SHOWN = 10


@dataclass(frozen=True)
class EditionCounts:
    festival: Festival
    cities: int = 0
    delegates: int = 0
    countries: int = 0
    fields: int = 0
    invites: int = 0  # impression forms sent to a person
    answers: int = 0

    @property
    def answer_rate(self) -> int | None:
        """Answers per form sent, in percent (None: nothing sent)."""
        return round(100 * self.answers / self.invites) if self.invites else None


def _per_festival(query: sa.Select) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}


def edition_counts(up_to: Festival) -> list[EditionCounts]:
    """The editions up to ``up_to`` (itself included), oldest first."""
    festivals = list(
        db.session.scalars(
            sa.select(Festival)
            .where(Festival.starts_on <= up_to.starts_on)
            .order_by(Festival.starts_on.desc(), Festival.id.desc())
            .limit(EDITIONS_SHOWN)
        )
    )[::-1]
    ids = [f.id for f in festivals]
    came = came_pairs().where(Delegation.festival_id.in_(ids)).subquery()
    places = _per_festival(
        sa.select(
            came.c.festival_id,
            sa.func.count(sa.distinct(came.c.city_id)),
            sa.func.count(sa.distinct(City.country_code)),
            sa.func.count(sa.distinct(City.creative_field)),
        )
        .join(City, City.id == came.c.city_id)
        .group_by(came.c.festival_id)
    )
    people = _per_festival(
        sa.select(Delegation.festival_id, sa.func.count(Delegate.id))
        .join(Delegate, Delegate.delegation_id == Delegation.id)
        .where(
            Delegation.festival_id.in_(ids),
            Delegate.status.in_(ACTIVE_STATUSES),
            Delegate.is_accompanying.is_(False),
        )
        .group_by(Delegation.festival_id)
    )
    invites = _per_festival(
        sa.select(ImpressionForm.festival_id, sa.func.count(ImpressionInvite.id))
        .join(ImpressionInvite, ImpressionInvite.form_id == ImpressionForm.id)
        .where(ImpressionForm.festival_id.in_(ids))
        .group_by(ImpressionForm.festival_id)
    )
    answers = _per_festival(
        sa.select(ImpressionForm.festival_id, sa.func.count(ImpressionResponse.id))
        .join(ImpressionResponse, ImpressionResponse.form_id == ImpressionForm.id)
        .where(ImpressionForm.festival_id.in_(ids))
        .group_by(ImpressionForm.festival_id)
    )
    counts = []
    for festival in festivals:
        cities, countries, fields = places.get(festival.id, (0, 0, 0))
        counts.append(
            EditionCounts(
                festival,
                cities=cities,
                delegates=people.get(festival.id, (0,))[0],
                countries=countries,
                fields=fields,
                invites=invites.get(festival.id, (0,))[0],
                answers=answers.get(festival.id, (0,))[0],
            )
        )
    return counts


def edition_label(festival: Festival) -> str:
    """A short label for an edition in a chart: its year, with the name if
    two editions share a year."""
    return str(festival.starts_on.year)


def chart_series(counts: list[EditionCounts]) -> dict[str, list[tuple[str, int]]]:
    """{measure: [(edition label, value), ...]} for the overview's charts."""
    years = [edition_label(c.festival) for c in counts]
    labels = [
        year if years.count(year) == 1 else f"{year} {c.festival.slug}"
        for year, c in zip(years, counts, strict=True)
    ]
    return {
        "cities": [(label, c.cities) for label, c in zip(labels, counts, strict=True)],
        "delegates": [(label, c.delegates) for label, c in zip(labels, counts, strict=True)],
        "countries": [(label, c.countries) for label, c in zip(labels, counts, strict=True)],
        "fields": [(label, c.fields) for label, c in zip(labels, counts, strict=True)],
        "answer_rate": [
            (label, c.answer_rate or 0) for label, c in zip(labels, counts, strict=True)
        ],
    }
