"""The public programme's rendered days, kept against a version stamp.

Rendering a day of the programme (a hundred sessions and their picture)
costs far more than the queries behind it, and it is the same for every
visitor. So the HTML of the day sections, and the list of days, are kept
in this process under a key that holds the festival's version stamp: one
aggregate query over its public sessions (count, latest change, sum of ids
and of sequences: an added, edited, moved or deleted session changes it),
the festival's own last change and its venues' names. Any change makes a
new key, so nothing stale is ever served; old keys fall out of the LRU.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import Audience, ProgrammeSession

T = TypeVar("T")


def stamp(festival: Festival) -> tuple[object, ...]:
    """What the public programme's HTML depends on (one query, plus the venues)."""
    row = db.session.execute(
        sa.select(
            sa.func.count(ProgrammeSession.id),
            sa.func.max(ProgrammeSession.updated_at),
            sa.func.coalesce(sa.func.sum(ProgrammeSession.id), 0),
            sa.func.coalesce(sa.func.sum(ProgrammeSession.sequence), 0),
        ).where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.audience == Audience.PUBLIC,
        )
    ).one()
    venues = tuple(sorted((v.id, v.name) for v in festival.venues))
    return (festival.id, festival.updated_at, venues, *row)


def cached(key: tuple[object, ...], make: Callable[[], T]) -> T:
    """The programme's days and their HTML, in the app's stamp-keyed memo."""
    return memo.cached("programme", key, make)
