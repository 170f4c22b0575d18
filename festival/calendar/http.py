"""Serving a prepared feed: validators, 304s, gzip and the cache.

A feed has two representations: its bytes, and the same bytes gzipped for
clients that ask for it (every calendar app does; a 600-session programme
is 340 KB, 40 KB gzipped). Each has its own strong ETag (the gzipped one
ends in ``-gz``), as RFC 9110 asks of different content codings; either
one in If-None-Match means the client holds the current version, so a 304.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Response, request
from werkzeug.datastructures import Accept
from werkzeug.http import http_date, parse_accept_header, parse_date, parse_etags

from festival.calendar.cache import FeedStore, feed_store
from festival.calendar.services import PreparedFeed

ICS_MIMETYPE = "text/calendar; charset=utf-8"
# Clients poll every few minutes to hours; a 304 costs a few small queries.
PUBLIC_CACHE_CONTROL = "public, max-age=300"
# A personal feed (a delegate's hotel, pickups; its URL is the secret):
# "private" keeps it out of shared caches, and "no-cache" makes the device
# ask again each time, so a renewed link or a moved session shows at once.
# Not "no-store": calendar apps keep the events anyway, and no-store would
# stop HTTP stacks from keeping the ETag, so every poll would fetch the
# whole feed instead of a 304 from the fast path.
PRIVATE_CACHE_CONTROL = "private, no-cache"
GZIP_SUFFIX = "-gz"
# Level 6 is zlib's default: 9 would save 2% more for twice the time.
GZIP_LEVEL = 6


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header admits gzip (``gzip;q=0`` does not).

    Content-codings are case-insensitive (RFC 9110 8.4.1): ``GZIP`` counts.
    """
    if not accept_encoding:
        return False
    accept_encoding = accept_encoding.lower()
    if "q=" not in accept_encoding:  # the usual "gzip, deflate, br": no parsing
        return "gzip" in accept_encoding or accept_encoding.strip() == "*"
    return parse_accept_header(accept_encoding, Accept).quality("gzip") > 0


def not_modified(
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    last_modified: datetime | None,
) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since
    (when there is a ``last_modified``: a page has only its ETag).

    ``etag`` is the version's ETag without quotes; its gzip twin counts too.
    """
    if if_none_match:
        if if_none_match == f'"{etag}"':  # what calendar apps send back: no parsing
            return True
        tags = parse_etags(if_none_match)
        return tags.contains_weak(etag) or tags.contains_weak(etag + GZIP_SUFFIX)
    if if_modified_since and last_modified is not None:
        since = parse_date(if_modified_since)
        return since is not None and last_modified <= since
    return False


def gzipped(store: FeedStore, etag: str, body: bytes) -> bytes:
    """The gzipped bytes of the version ``etag``, compressed once and cached."""
    key = etag + GZIP_SUFFIX
    packed = store.get(key)
    if packed is None:
        # mtime=0: the same version always gzips to the same bytes.
        packed = gzip.compress(body, GZIP_LEVEL, mtime=0)
        store.put(key, packed)
    return packed


@dataclass
class Answer:
    """A feed response as WSGI wants it: status, header list and body."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def feed_headers(
    last_modified: datetime, public: bool, extra: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """The headers every answer for this version carries, 200 or 304."""
    headers = [
        ("Cache-Control", PUBLIC_CACHE_CONTROL if public else PRIVATE_CACHE_CONTROL),
        ("Last-Modified", http_date(last_modified)),
        # Shared caches keep the gzipped and the plain copy apart.
        ("Vary", "Accept-Encoding"),
    ]
    if not public:
        headers.append(("X-Robots-Tag", "noindex, nofollow"))
    headers.extend(extra)
    return headers


def body_headers(
    mimetype: str, filename: str | None, length: int, gzip_: bool
) -> list[tuple[str, str]]:
    headers = [("Content-Type", mimetype), ("Content-Length", str(length))]
    if gzip_:
        headers.append(("Content-Encoding", "gzip"))
    if filename:
        headers.append(("Content-Disposition", f'attachment; filename="{filename}"'))
    return headers


def serve(feed: PreparedFeed, mimetype: str = ICS_MIMETYPE) -> Response:
    """200 with the feed's bytes, or 304 when the client's copy is current.

    The 304 is decided from the version stamp alone: the feed is not built.
    The bytes come from the cache when this version was built before.
    """
    store = feed_store()
    since = store.last_modified(feed.key, feed.etag)
    last_modified = datetime.fromtimestamp(since.at, UTC)
    use_gzip = accepts_gzip(request.headers.get("Accept-Encoding"))
    etag = feed.etag + (GZIP_SUFFIX if use_gzip else "")
    headers = feed_headers(last_modified, feed.public, [("ETag", f'"{etag}"')])
    if not_modified(
        request.headers.get("If-None-Match"),
        request.headers.get("If-Modified-Since"),
        feed.etag,
        last_modified if since.validates else None,
    ):
        return Response(status=304, headers=headers)
    body = store.get(feed.etag)
    if body is None:
        body = feed.build()
        store.put(feed.etag, body)
    if use_gzip:
        body = gzipped(store, feed.etag, body)
    headers += body_headers(mimetype, feed.filename, len(body), use_gzip)
    return Response(body, headers=headers)
