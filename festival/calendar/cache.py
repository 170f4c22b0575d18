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
from collections import OrderedDict
from typing import Protocol

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


def _next_since(previous: int | None) -> int:
    now = math.ceil(time.time())
    return now if previous is None else max(now, previous + 1)


class MemoryStore:
    """A thread-safe LRU bounded by the total size of the bodies it keeps."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_feeds: int = 20_000) -> None:
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._since: OrderedDict[str, tuple[str, int]] = OrderedDict()
        self._size = 0
        self._max_bytes = max_bytes
        self._max_feeds = max_feeds
        self._lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self._max_bytes:
            return
        with self._lock:
            old = self._bodies.pop(etag, None)
            if old is not None:
                self._size -= len(old)
            self._bodies[etag] = body
            self._size += len(body)
            while self._size > self._max_bytes:
                _key, evicted = self._bodies.popitem(last=False)
                self._size -= len(evicted)

    def last_modified(self, feed_key: str, etag: str) -> int:
        with self._lock:
            seen = self._since.get(feed_key)
            if seen is not None and seen[0] == etag:
                self._since.move_to_end(feed_key)
                return seen[1]
            since = _next_since(seen[1] if seen else None)
            self._since[feed_key] = (etag, since)
            self._since.move_to_end(feed_key)
            while len(self._since) > self._max_feeds:
                self._since.popitem(last=False)
            return since


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
