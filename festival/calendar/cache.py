"""Where built feeds are kept, keyed by their version stamp.

Two things are stored:

- the bytes of a built feed under its ETag (which is derived from the feed's
  version stamp), so an unchanged feed is served without building it again;
- per feed, the ETag last seen and since when: that instant is the feed's
  HTTP Last-Modified. It cannot come from the rows alone, because deleting a
  session or un-enrolling changes the feed without moving any updated_at.
  Each time the ETag changes, Last-Modified moves forward by at least one
  second, so a client revalidating with If-Modified-Since never gets a 304
  for content it has not seen.

With REDIS_URL set, both live in Redis and every app server shares them;
otherwise in this process's memory (a byte-bounded LRU), which is right for
one process. A Redis failure falls back to memory rather than failing the
feed.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from typing import Protocol

from cachetools import LRUCache
from flask import Flask, current_app

log = logging.getLogger(__name__)

BODY_TTL_SECONDS = 7 * 24 * 3600
SINCE_TTL_SECONDS = 90 * 24 * 3600
_PREFIX = "festival:calendar:"


class FeedStore(Protocol):
    def get(self, etag: str) -> bytes | None: ...

    def put(self, etag: str, body: bytes) -> None: ...

    def last_modified(self, feed_key: str, etag: str) -> int:
        """Seconds since the epoch at which ``feed_key`` became ``etag``."""
        ...

    def clear(self) -> None:
        """Forget every feed kept."""
        ...


def _next_since(previous: int | None) -> int:
    now = math.ceil(time.time())
    return now if previous is None else max(now, previous + 1)


class MemoryStore:
    """Two thread-safe LRUs: the bodies, bounded by their total size, and the
    feeds' Last-Modified, bounded by their number."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_feeds: int = 20_000) -> None:
        self._bodies: LRUCache[str, bytes] = LRUCache(max_bytes, getsizeof=len)
        self._since: LRUCache[str, tuple[str, int]] = LRUCache(max_feeds)
        # cachetools' caches are not thread-safe (a read reorders the LRU).
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            return self._bodies.get(etag)

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self._bodies.maxsize:
            return  # would evict everything else (cachetools refuses it anyway)
        with self._lock:
            self._bodies[etag] = body

    def last_modified(self, feed_key: str, etag: str) -> int:
        with self._lock:
            seen = self._since.get(feed_key)
            if seen is not None and seen[0] == etag:
                return seen[1]
            since = _next_since(seen[1] if seen else None)
            self._since[feed_key] = (etag, since)
            return since

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._since.clear()


class RedisStore:
    """The same, shared by every app server through Redis.

    Keys carry a namespace (by default a hash of the database URL), so two
    sites, or two test runs, sharing one Redis never mix their feeds.
    """

    def __init__(self, url: str, namespace: str = "") -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._prefix = f"{_PREFIX}{namespace}:" if namespace else _PREFIX

    def get(self, etag: str) -> bytes | None:
        value = self._redis.get(self._prefix + "body:" + etag)
        return value if isinstance(value, bytes) else None

    def put(self, etag: str, body: bytes) -> None:
        self._redis.set(self._prefix + "body:" + etag, body, ex=BODY_TTL_SECONDS)

    def last_modified(self, feed_key: str, etag: str) -> int:
        key = self._prefix + "since:" + feed_key
        raw = self._redis.get(key)
        previous: int | None = None
        if isinstance(raw, bytes) and b" " in raw:
            seen_etag, _, seen_since = raw.decode("ascii").partition(" ")
            if seen_etag == etag:
                return int(seen_since)
            previous = int(seen_since)
        since = _next_since(previous)
        self._redis.set(key, f"{etag} {since}", ex=SINCE_TTL_SECONDS)
        return since

    def clear(self) -> None:
        for key in self._redis.scan_iter(match=self._prefix + "*", count=1000):
            self._redis.delete(key)


class FallbackStore:
    """Redis when it answers, this process's memory when it does not."""

    def __init__(self, primary: FeedStore, fallback: MemoryStore) -> None:
        self._primary = primary
        self._fallback = fallback

    def _call(self, method: str, *args: object) -> object:
        try:
            return getattr(self._primary, method)(*args)
        except Exception as error:  # noqa: BLE001  (any Redis trouble: serve anyway)
            # The keys hold no token (delegate ids and hashes only).
            log.warning(
                "calendar cache: Redis unavailable (%s); using memory", type(error).__name__
            )
            return getattr(self._fallback, method)(*args)

    def get(self, etag: str) -> bytes | None:
        return self._call("get", etag)  # type: ignore[return-value]

    def put(self, etag: str, body: bytes) -> None:
        self._call("put", etag, body)

    def last_modified(self, feed_key: str, etag: str) -> int:
        return self._call("last_modified", feed_key, etag)  # type: ignore[return-value]

    def clear(self) -> None:
        self._fallback.clear()
        self._call("clear")


def feed_store(app: Flask | None = None) -> FeedStore:
    """The app's store, made on first use from REDIS_URL."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("calendar_feed_store")
    if store is None:
        url = app.config.get("REDIS_URL")
        memory = MemoryStore()
        database = str(app.config.get("SQLALCHEMY_DATABASE_URI", ""))
        namespace = hashlib.sha256(database.encode("utf-8")).hexdigest()[:12]
        store = FallbackStore(RedisStore(url, namespace), memory) if url else memory
        app.extensions["calendar_feed_store"] = store
    return store


def clear(app: Flask | None = None) -> None:
    """Forget every feed this app's store keeps (in Redis too: its namespace only)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("calendar_feed_store")
    if store is not None:
        store.clear()
