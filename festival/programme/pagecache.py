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

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app

from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import Audience, ProgrammeSession

MAX_ENTRIES = 512
T = TypeVar("T")

_lock = threading.Lock()


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


def _store() -> OrderedDict[tuple[object, ...], object]:
    # Per app: each app (each test) has its own database.
    store = current_app.extensions.get("programme_page_cache")
    if store is None:
        store = current_app.extensions.setdefault("programme_page_cache", OrderedDict())
    return store  # type: ignore[no-any-return]


def cached(key: tuple[object, ...], make: Callable[[], T]) -> T:
    """``make()``'s value for ``key``, made once while the key stays in the LRU."""
    store = _store()
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        store[key] = value
        while len(store) > MAX_ENTRIES:
            store.popitem(last=False)
    return value
