"""Values kept in this process against a version stamp.

A page part that is the same for every visitor (the programme's days, the
menus above a long list) is computed once per version of the data behind
it: the key holds that version's stamp (counts, latest changes), so any
change makes a new key and nothing stale is served; old keys fall out of an
LRU. Each kind of value has its own LRU (``namespace``), so thousands of
delegates' itineraries cannot push the programme's pages out; each app has
its own stores (each test has its own database).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from cachetools import LRUCache
from flask import Flask, current_app

MAX_ENTRIES = 512
T = TypeVar("T")

# cachetools' caches are not thread-safe: every read and write takes this lock.
_lock = threading.Lock()


def _stores(app: Flask | None = None) -> dict[str, LRUCache[Hashable, object]]:
    extensions = (app or current_app).extensions
    stores: dict[str, LRUCache[Hashable, object]] = extensions.setdefault("festival_memo", {})
    return stores


def _store(namespace: str, max_entries: int) -> LRUCache[Hashable, object]:
    stores = _stores()
    store = stores.get(namespace)
    if store is None:
        store = stores.setdefault(namespace, LRUCache(max_entries))
    return store


def cached(
    namespace: str, key: Hashable, make: Callable[[], T], max_entries: int = MAX_ENTRIES
) -> T:
    """``make()``'s value for ``key``, made once while the key stays in the
    ``namespace``'s LRU (at most ``max_entries`` values, as given on the
    namespace's first use)."""
    store = _store(namespace, max_entries)
    with _lock:
        if key in store:
            # The namespace's values all come from its ``make``: a T (and now the most recent).
            return cast(T, store[key])
    value = make()
    with _lock:
        store[key] = value
    return value


def clear(app: Flask | None = None) -> None:
    """Forget every value of every namespace (this app's, or the current one's)."""
    with _lock:
        for store in _stores(app).values():
            store.clear()


def version_columns(model: Any) -> tuple[sa.ColumnElement[Any], ...]:
    """A stamp's columns for the rows of ``model`` a query selects: how many,
    the sum of their ids (one removed and another added still moves it) and
    their latest change (``updated_at``)."""
    return (sa.func.count(model.id), sa.func.sum(model.id), sa.func.max(model.updated_at))
