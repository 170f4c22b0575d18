"""Values kept in this process against a version stamp.

A page part that is the same for every visitor (the programme's days, the
menus above a long list) is computed once per version of the data behind
it: the key holds that version's stamp (counts, latest changes), so any
change makes a new key and nothing stale is served; old keys fall out of an
LRU. Each kind of value has its own LRU (``namespace``), so thousands of
delegates' itineraries cannot push the programme's pages out; each app has
its own stores (each test has its own database).

A value that costs a worker a noticeable time to make (the interpreters'
coverage of every session: ~0.4 s at ten times the usual size) is also
kept in Redis when REDIS_URL is set (:func:`shared`): the first of the app
servers' workers to need it makes it, the others read it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from cachetools import LRUCache
from flask import Flask, current_app

MAX_ENTRIES = 512
T = TypeVar("T")
log = logging.getLogger(__name__)

# A shared value outlives its version by at most this long in Redis (a
# version's key is never asked for again once the data has moved on).
SHARED_TTL_SECONDS = 24 * 3600

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


def shared(
    namespace: str,
    key: Hashable,
    make: Callable[[], T],
    *,
    encode: Callable[[T], str],
    decode: Callable[[str], T],
    max_entries: int = MAX_ENTRIES,
) -> T:
    """:func:`cached`, and with REDIS_URL kept in Redis too, as the text
    ``encode`` makes of it (``decode`` reads it back): a worker that has not
    made the value yet takes the one another worker made. ``key`` must be
    made of values whose repr is the same in every process (numbers, text,
    dates, tuples of them), as a version stamp is. Redis trouble costs only
    the sharing: the value is made here."""

    def from_redis() -> T:
        client = redis_client()
        if client is None:
            return make()
        name = _shared_name(namespace, key)
        try:
            kept = client.get(name)
        except Exception as error:  # noqa: BLE001  (any Redis trouble: make it here)
            log.warning("memo: Redis unavailable (%s); not shared", type(error).__name__)
            return make()
        if kept is not None:
            try:
                return decode(kept.decode("utf-8"))
            except ValueError:  # not what encode wrote (UnicodeError, JSON): make it again
                log.warning("memo: unreadable shared value %s; made again", name)
        value = make()
        try:
            client.set(name, encode(value).encode("utf-8"), ex=SHARED_TTL_SECONDS)
        except Exception as error:  # noqa: BLE001
            log.warning("memo: Redis unavailable (%s); not shared", type(error).__name__)
        return value

    return cached(namespace, key, from_redis, max_entries)


def redis_client(app: Flask | None = None) -> Any:
    """The app's Redis client (REDIS_URL), made once, answering within a
    second or raising; None without REDIS_URL."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    client = app.extensions.get("festival_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        app.extensions["festival_redis"] = client
    return client


def site_namespace(app: Flask | None = None) -> str:
    """A name for this site (its database) in a Redis that several sites,
    or test runs, may share: their keys never mix."""
    database = str((app or current_app).config.get("SQLALCHEMY_DATABASE_URI", ""))
    return hashlib.sha256(database.encode("utf-8")).hexdigest()[:12]


def _shared_prefix() -> str:
    return f"festival:memo:{site_namespace()}:"


def _shared_name(namespace: str, key: Hashable) -> str:
    digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]
    return f"{_shared_prefix()}{namespace}:{digest}"


def clear(app: Flask | None = None) -> None:
    """Forget every value of every namespace (this app's, or the current
    one's), those it shares in Redis included."""
    with _lock:
        for store in _stores(app).values():
            store.clear()
    with (app or current_app).app_context():
        client = redis_client()
        if client is not None:
            for name in client.scan_iter(match=_shared_prefix() + "*", count=1000):
                client.delete(name)


def version_columns(model: Any) -> tuple[sa.ColumnElement[Any], ...]:
    """A stamp's columns for the rows of ``model`` a query selects: how many,
    the sum of their ids (one removed and another added still moves it) and
    their latest change (``updated_at``)."""
    return (sa.func.count(model.id), sa.func.sum(model.id), sa.func.max(model.updated_at))
