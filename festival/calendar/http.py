"""Serving a prepared feed: validators, 304s and the cache."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Request, Response, request

from festival.calendar.cache import feed_store
from festival.calendar.services import PreparedFeed
from festival.core.logs import RedactSecretLinks

ICS_MIMETYPE = "text/calendar; charset=utf-8"
# Clients poll every few minutes to hours; a 304 costs a few small queries.
PUBLIC_CACHE_CONTROL = "public, max-age=300"
PRIVATE_CACHE_CONTROL = "private, max-age=300"


def _not_modified(req: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match decides when present; else If-Modified-Since."""
    if req.if_none_match:
        return req.if_none_match.contains_weak(etag)
    since = req.if_modified_since
    return since is not None and last_modified <= since


def serve(feed: PreparedFeed, mimetype: str = ICS_MIMETYPE) -> Response:
    """200 with the feed's bytes, or 304 when the client's copy is current.

    The 304 is decided from the version stamp alone: the feed is not built.
    The bytes come from the cache when this version was built before.
    """
    store = feed_store()
    last_modified = datetime.fromtimestamp(store.last_modified(feed.key, feed.etag), UTC)
    headers = {
        "Cache-Control": PUBLIC_CACHE_CONTROL if feed.public else PRIVATE_CACHE_CONTROL,
    }
    if not feed.public:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    if _not_modified(request, feed.etag, last_modified):
        response = Response(status=304, headers=headers)
    else:
        body = store.get(feed.etag)
        if body is None:
            body = feed.build()
            store.put(feed.etag, body)
        response = Response(body, headers=headers, content_type=mimetype)
        if feed.filename:
            response.headers["Content-Disposition"] = f'attachment; filename="{feed.filename}"'
    response.set_etag(feed.etag)
    response.last_modified = last_modified
    return response


# Keeping feed tokens out of the logs is festival.core.logs's job (for every
# secret link); the old name stays for callers of this module.
RedactFeedTokens = RedactSecretLinks
