"""The feeds' fast path: an unchanged feed served without touching the database.

A calendar app polls its feeds every few minutes, and most polls find
nothing new. Computing a feed's version stamp costs a few queries (plus
the connection checkout and its ping), which is most of a poll's time. So
each process keeps, per feed URL, the outcome of the last stamp: the ETag,
Last-Modified and, once needed, the bytes; for :data:`STAMP_TTL_SECONDS`
(one second) a request for the same URL is answered from it, without a
query.

Freshness: a change committed through this process clears the memo at once
(SQLAlchemy ``after_commit``), so the next fetch sees it. A change made by
another process (another gunicorn worker, the worker, a CLI command) is
seen at most one second later. A renewed personal link likewise keeps
working for at most a second in the other processes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, current_app, request
from flask.globals import request_ctx
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.calendar import http
from festival.calendar.cache import feed_store
from festival.calendar.services import PreparedFeed
from festival.core.security import SECURITY_HEADERS

STAMP_TTL_SECONDS = 1.0
MAX_ENTRIES = 20_000

_STATUS = {200: "200 OK", 304: "304 Not Modified"}

# Tests move this clock; production reads the monotonic one.
clock: Callable[[], float] = time.monotonic


@dataclass
class _Entry:
    generation: int
    expires: float
    etag: str
    last_modified: datetime
    # Headers for a 304 of each representation (plain, gzipped): built once.
    headers: list[tuple[str, str]]
    gzip_headers: list[tuple[str, str]]
    filename: str | None
    mimetype: str
    body: bytes | None = None  # kept once a 200 needed them
    gzipped: bytes | None = None


_lock = threading.Lock()
# Raised by every commit in this process; a memo from an older generation is stale.
_generation = 0


def forget_all() -> None:
    """Make every memo stale: the next fetch of each feed computes its stamp again."""
    global _generation
    with _lock:
        _generation += 1


@event.listens_for(Session, "after_commit")
def _after_commit(_session: Session) -> None:
    # Any commit may change a feed (a session, a venue, an enrolment, a
    # renewed link); telling which would cost more than recomputing stamps.
    forget_all()


def _memo(app: Flask | None = None) -> OrderedDict[tuple[object, ...], _Entry]:
    """This app's memos (each app has its own database, hence its own feeds)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    memo = app.extensions.get("calendar_feed_memo")
    if memo is None:
        memo = app.extensions.setdefault("calendar_feed_memo", OrderedDict())
    return memo  # type: ignore[no-any-return]


def _lookup(key: tuple[object, ...], app: Flask | None = None) -> _Entry | None:
    memo = _memo(app)
    with _lock:
        entry = memo.get(key)
        if entry is None:
            return None
        if entry.generation != _generation or entry.expires <= clock():
            del memo[key]
            return None
        return entry


def _remember(
    key: tuple[object, ...], feed: PreparedFeed, mimetype: str, generation: int
) -> _Entry:
    since = feed_store().last_modified(feed.key, feed.etag)
    last_modified = datetime.fromtimestamp(since, UTC)
    security = list(SECURITY_HEADERS.items())

    def headers(etag: str) -> list[tuple[str, str]]:
        return http.feed_headers(last_modified, feed.public, [("ETag", f'"{etag}"'), *security])

    entry = _Entry(
        generation=generation,
        expires=clock() + STAMP_TTL_SECONDS,
        etag=feed.etag,
        last_modified=last_modified,
        headers=headers(feed.etag),
        gzip_headers=headers(feed.etag + http.GZIP_SUFFIX),
        filename=feed.filename,
        mimetype=mimetype,
    )
    memo = _memo()
    with _lock:
        memo[key] = entry
        memo.move_to_end(key)
        while len(memo) > MAX_ENTRIES:
            memo.popitem(last=False)
    return entry


def _bytes(feed: PreparedFeed) -> bytes:
    """The feed's bytes from the shared cache, built (and cached) when missing."""
    store = feed_store()
    body = store.get(feed.etag)
    if body is None:
        body = feed.build()
        store.put(feed.etag, body)
    return body


def serve(
    key: tuple[object, ...],
    prepare: Callable[[], PreparedFeed],
    mimetype: str = http.ICS_MIMETYPE,
) -> Response:
    """The feed named by ``key`` (its URL's parts): 304, or 200 with the bytes.

    ``prepare`` (queries: the feed's stamp) runs only when this process has
    no memo younger than a second for ``key``; it may abort with a 404,
    which is not remembered.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    feed: PreparedFeed | None = None
    entry = _lookup(key)
    if entry is None:
        # Read before the stamp's queries: a commit meanwhile makes this memo stale.
        generation = _generation
        feed = prepare()
        entry = _remember(key, feed, mimetype, generation)
    answer = _answer(entry, request.environ, app)
    if answer is None:  # a 200, and the memo has no bytes yet
        if feed is None:
            # A memo made by a 304: its build closure is gone with its request.
            generation = _generation
            feed = prepare()
            entry = _remember(key, feed, mimetype, generation)
        # Kept in the memo: the next second's fetches send the same bytes.
        entry.body = _bytes(feed)
        answer = _answer(entry, request.environ, app)
    assert answer is not None  # the memo holds the bytes
    _without_session()
    return Response(answer.body, status=answer.status, headers=answer.headers)


def _without_session() -> None:
    """Feeds neither read nor write the visitor's session.

    Flask-Login's after-request hook looks into the session on every
    response, which makes Flask add ``Vary: Cookie`` (and would let a shared
    cache keep one copy per cookie); a null session is never saved.
    """
    null = current_app.session_interface.make_null_session(current_app)
    # Flask 3.1 keeps the opened session here (``session`` is a read-only property).
    request_ctx._session = null  # noqa: SLF001


# --- before Flask -------------------------------------------------------------


def _key_for(environ: dict[str, Any]) -> tuple[object, ...] | None:
    """The memo key the views use for this URL, or None for any other URL."""
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    if "\x00" in path or "%00" in query or not path.endswith(".ics"):
        return None  # a NUL is Flask's 400 (festival.core.incoming)
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "festivals" and parts[3] == "programme.ics":
        lang = parse_qs(query, keep_blank_values=True).get("lang", [None])[0]
        return ("programme", parts[2], lang)
    if len(parts) == 3 and parts[1] == "feeds":
        return ("personal", parts[2][: -len(".ics")])
    return None


class FeedFastPath:
    """WSGI middleware: a feed whose memo is fresh and holds its bytes (or a
    conditional request it answers with a 304) is served before Flask runs.

    Flask's request machinery (context, session, hooks) costs several times
    what serving remembered bytes does; a calendar app polling an unchanged
    feed needs none of it. Anything else (a miss, a stale memo, another URL)
    goes to Flask, whose view fills the memo. The response carries the same
    headers as the view's (security headers included).
    """

    def __init__(self, app: Flask, wsgi_app: Callable[..., Any]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            key = _key_for(environ)
            entry = _lookup(key, self.app) if key is not None else None
            if entry is not None:
                answer = _answer(entry, environ, self.app)
                if answer is not None:
                    start_response(_STATUS[answer.status], answer.headers)
                    return [] if method == "HEAD" else [answer.body]
        return self.wsgi_app(environ, start_response)


def _answer(entry: _Entry, environ: dict[str, Any], app: Flask) -> http.Answer | None:
    """304 or 200 for this request from the memo; None when the bytes are missing."""
    use_gzip = http.accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
    headers = entry.gzip_headers if use_gzip else entry.headers
    if http.not_modified(
        environ.get("HTTP_IF_NONE_MATCH"),
        environ.get("HTTP_IF_MODIFIED_SINCE"),
        entry.etag,
        entry.last_modified,
    ):
        return http.Answer(304, headers, b"")
    if entry.body is None:
        return None
    body = entry.body
    if use_gzip:
        if entry.gzipped is None:
            entry.gzipped = http.gzipped(feed_store(app), entry.etag, entry.body)
        body = entry.gzipped
    return http.Answer(
        200,
        headers + http.body_headers(entry.mimetype, entry.filename, len(body), use_gzip),
        body,
    )


def install(app: Flask) -> None:
    """Put the fast path in front of the app (once)."""
    if not isinstance(app.wsgi_app, FeedFastPath):
        app.wsgi_app = FeedFastPath(app, app.wsgi_app)  # type: ignore[method-assign]
