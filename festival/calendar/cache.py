"""Where built feeds are kept, keyed by their version stamp.

Two things are stored:

- the bytes of a built feed under its ETag (which is derived from the feed's
  version stamp), so an unchanged feed is served without building it again;
- per feed, the ETag last seen and since when: that instant is the feed's
  HTTP Last-Modified. It cannot come from the rows alone, because deleting a
  session or un-enrolling changes the feed without moving any updated_at.
  It is the current second rounded down, never later than the response's
  Date (RFC 9110 8.8.2). A version that follows another within the same
  second shares its date, so its date proves nothing: :class:`Since` says
  so (``validates`` false) and If-Modified-Since gets no 304 for it until
  a later request, in a later second, dates it afresh. A client
  revalidating by date thus never gets a 304 for content it has not seen.

With REDIS_URL set, both live in Redis and every app server shares them;
otherwise in this process's memory (a byte-bounded LRU), which is right for
one process. A Redis failure falls back to memory rather than failing the
feed.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, NamedTuple, Protocol

from cachetools import LRUCache
from flask import Flask, current_app

from festival.core import memo

log = logging.getLogger(__name__)

BODY_TTL_SECONDS = 7 * 24 * 3600
SINCE_TTL_SECONDS = 90 * 24 * 3600
_PREFIX = "festival:calendar:"


class Since(NamedTuple):
    """When a feed became its current version, to the second."""

    at: int  # seconds since the epoch, never in the future
    # False while an earlier version of the feed had the same second: a
    # client's If-Modified-Since of that second may hold either.
    validates: bool = True


class FeedStore(Protocol):
    def get(self, etag: str) -> bytes | None: ...

    def put(self, etag: str, body: bytes) -> None: ...

    def last_modified(self, feed_key: str, etag: str) -> Since:
        """When ``feed_key`` became ``etag``."""
        ...

    def clear(self) -> None:
        """Forget every feed kept."""
        ...


def _since(seen: Since | None, same_version: bool) -> Since | None:
    """The date of the version seen (``same_version``) or of a new one; None
    when the version seen keeps the date it has."""
    now = int(time.time())  # rounded down: never after the response's Date
    if same_version:
        assert seen is not None
        # A date shared with the version before: a later second proves it.
        return None if seen.validates or now <= seen.at else Since(now)
    return Since(now, validates=seen is None or now > seen.at)


class MemoryStore:
    """Two thread-safe LRUs: the bodies, bounded by their total size, and the
    feeds' Last-Modified, bounded by their number."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_feeds: int = 20_000) -> None:
        self._bodies: LRUCache[str, bytes] = LRUCache(max_bytes, getsizeof=len)
        self._since: LRUCache[str, tuple[str, Since]] = LRUCache(max_feeds)
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

    def last_modified(self, feed_key: str, etag: str) -> Since:
        with self._lock:
            seen = self._since.get(feed_key)
            same = seen is not None and seen[0] == etag
            since = _since(seen[1] if seen else None, same)
            if since is None:
                assert seen is not None
                return seen[1]
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

    def last_modified(self, feed_key: str, etag: str) -> Since:
        key = self._prefix + "since:" + feed_key
        raw = self._redis.get(key)
        seen: Since | None = None
        seen_etag = None
        if isinstance(raw, bytes) and b" " in raw:
            # "<etag> <seconds> <validates: 1 or 0>" (older entries lack the last)
            seen_etag, at, *flag = raw.decode("ascii").split(" ")
            seen = Since(int(at), flag != ["0"])
        since = _since(seen, seen_etag == etag)
        if since is None:
            assert seen is not None
            return seen
        value = f"{etag} {since.at} {int(since.validates)}"
        self._redis.set(key, value, ex=SINCE_TTL_SECONDS)
        return since

    def clear(self) -> None:
        for key in self._redis.scan_iter(match=self._prefix + "*", count=1000):
            self._redis.delete(key)


class FallbackStore:
    """Redis when it answers, this process's memory when it does not."""

    def __init__(self, primary: FeedStore, fallback: MemoryStore) -> None:
        self._primary = primary
        self._fallback = fallback

    def _call(self, method: str, *args: object) -> Any:  # what the FeedStore method returns
        try:
            return getattr(self._primary, method)(*args)
        except Exception as error:  # noqa: BLE001  (any Redis trouble: serve anyway)
            # The keys hold no token (delegate ids and hashes only).
            log.warning(
                "calendar cache: Redis unavailable (%s); using memory", type(error).__name__
            )
            return getattr(self._fallback, method)(*args)

    def get(self, etag: str) -> bytes | None:
        return self._call("get", etag)

    def put(self, etag: str, body: bytes) -> None:
        self._call("put", etag, body)

    def last_modified(self, feed_key: str, etag: str) -> Since:
        return self._call("last_modified", feed_key, etag)

    def clear(self) -> None:
        self._fallback.clear()
        self._call("clear")


def feed_store(app: Flask | None = None) -> FeedStore:
    """The app's store, made on first use from REDIS_URL."""
    app = app or current_app
    store = app.extensions.get("calendar_feed_store")
    if store is None:
        url = app.config.get("REDIS_URL")
        memory = MemoryStore()
        store = FallbackStore(RedisStore(url, memo.site_namespace(app)), memory) if url else memory
        app.extensions["calendar_feed_store"] = store
    return store


def clear(app: Flask | None = None) -> None:
    """Forget every feed this app's store keeps (in Redis too: its namespace only)."""
    app = app or current_app
    store = app.extensions.get("calendar_feed_store")
    if store is not None:
        store.clear()
