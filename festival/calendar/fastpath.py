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

Which URL is which feed comes from the app's URL map (the same rules
Flask routes by), so a route that changes cannot leave the fast path
answering for an old URL. Feeds neither read nor write the visitor's
session: :class:`FeedSessionInterface` gives their requests an empty
session that is never saved.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from cachetools import TTLCache
from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, MapAdapter, RequestRedirect
from werkzeug.wsgi import get_path_info

from festival.calendar import http
from festival.calendar.cache import feed_store
from festival.calendar.services import PreparedFeed
from festival.core.security import SECURITY_HEADERS

STAMP_TTL_SECONDS = 1.0
MAX_ENTRIES = 20_000

_STATUS = {200: "200 OK", 304: "304 Not Modified"}

# Tests move this clock; production reads the monotonic one.
clock: Callable[[], float] = time.monotonic

MemoKey = tuple[object, ...]


def _programme_key(view_args: Mapping[str, Any], args: Mapping[str, str]) -> MemoKey:
    return ("programme", view_args["slug"], args.get("lang"))


def _personal_key(view_args: Mapping[str, Any], args: Mapping[str, str]) -> MemoKey:
    return ("personal", view_args["token"])


# The feeds served through the memo, by endpoint: their memo key from the
# matched route's arguments and the query (the one definition, used by the
# views and by the middleware alike).
MEMO_KEYS: dict[str, Callable[[Mapping[str, Any], Mapping[str, str]], MemoKey]] = {
    "calendar.programme_ics": _programme_key,
    "calendar.personal_feed": _personal_key,
}
# Every feed (for calendar apps, not browsers): answered without a session.
FEED_ENDPOINTS = frozenset(
    {*MEMO_KEYS, "calendar.session_ics", "calendar.schedule_xml", "calendar.schedule_json"}
)


@dataclass
class _Entry:
    generation: int
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


def clear(app: Flask | None = None) -> None:
    """Empty this app's memo (or the current app's), as a restart would.

    Tests that share one app call this between tests.
    """
    forget_all()
    memo = _memo(app)
    with _lock:
        memo.clear()


@event.listens_for(Session, "after_commit")
def _after_commit(_session: Session) -> None:
    # Any commit may change a feed (a session, a venue, an enrolment, a
    # renewed link); telling which would cost more than recomputing stamps.
    forget_all()


def _memo(app: Flask | None = None) -> TTLCache[MemoKey, _Entry]:
    """This app's memos (each app has its own database, hence its own feeds).

    Each lives :data:`STAMP_TTL_SECONDS` on :data:`clock`; the least recently
    used go first past :data:`MAX_ENTRIES`.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    memo = app.extensions.get("calendar_feed_memo")
    if memo is None:
        made: TTLCache[MemoKey, _Entry] = TTLCache(
            MAX_ENTRIES, STAMP_TTL_SECONDS, timer=lambda: clock()
        )
        memo = app.extensions.setdefault("calendar_feed_memo", made)
    return memo  # type: ignore[no-any-return]


def _lookup(key: MemoKey, app: Flask | None = None) -> _Entry | None:
    memo = _memo(app)
    with _lock:
        entry = memo.get(key)
        if entry is not None and entry.generation != _generation:
            del memo[key]
            return None
        return entry


def _remember(key: MemoKey, feed: PreparedFeed, mimetype: str, generation: int) -> _Entry:
    since = feed_store().last_modified(feed.key, feed.etag)
    last_modified = datetime.fromtimestamp(since, UTC)
    security = list(SECURITY_HEADERS.items())

    def headers(etag: str) -> list[tuple[str, str]]:
        return http.feed_headers(last_modified, feed.public, [("ETag", f'"{etag}"'), *security])

    entry = _Entry(
        generation=generation,
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
    return entry


def _bytes(feed: PreparedFeed) -> bytes:
    """The feed's bytes from the shared cache, built (and cached) when missing."""
    store = feed_store()
    body = store.get(feed.etag)
    if body is None:
        body = feed.build()
        store.put(feed.etag, body)
    return body


def serve(prepare: Callable[[], PreparedFeed], mimetype: str = http.ICS_MIMETYPE) -> Response:
    """This request's feed (one of :data:`MEMO_KEYS`): 304, or 200 with the bytes.

    ``prepare`` (queries: the feed's stamp) runs only when this process has
    no memo younger than a second for the feed's URL; it may abort with a
    404, which is not remembered.
    """
    assert request.endpoint is not None and request.view_args is not None
    key = MEMO_KEYS[request.endpoint](request.view_args, request.args)
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
    return Response(answer.body, status=answer.status, headers=answer.headers)


# --- routing, before Flask ------------------------------------------------------

# Where the route of a request, once matched, is kept in its WSGI environ.
_ROUTE_KEY = "festival.calendar.feed_route"


class FeedRoutes:
    """The feed endpoints' routes, matched against the app's URL map.

    One adapter, bound once (matching reads the map, which Flask fills as
    blueprints register), answers for every request; the route found is
    kept in the request's environ, so the session interface and the
    middleware match each request once.
    """

    def __init__(self, url_map: Map) -> None:
        # Host and subdomain do not route here (no host or subdomain matching).
        self._adapter: MapAdapter = url_map.bind("localhost")

    def match(self, environ: dict[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
        """The feed endpoint and its arguments for this request, or None."""
        if _ROUTE_KEY in environ:
            return environ[_ROUTE_KEY]  # type: ignore[no-any-return]
        route: tuple[str, Mapping[str, Any]] | None = None
        try:
            endpoint, view_args = self._adapter.match(
                get_path_info(environ), method=environ.get("REQUEST_METHOD", "GET")
            )
        except (HTTPException, RequestRedirect):  # not found, another method, a slash
            pass
        else:
            if endpoint in FEED_ENDPOINTS:
                route = (str(endpoint), view_args)
        environ[_ROUTE_KEY] = route
        return route


class FeedSession(SecureCookieSession):
    """The session of a feed request: empty, and never saved.

    Writes (a CSRF token on the 404 page, Flask-Login restoring a
    remember-me cookie) are allowed and dropped, so a feed never sets a
    cookie and never says ``Vary: Cookie``: shared caches keep one copy for
    everyone.
    """


class FeedSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie sessions, except that feed requests get a :class:`FeedSession`."""

    def __init__(self, routes: FeedRoutes) -> None:
        self.routes = routes

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if self.routes.match(request.environ) is not None:
            return FeedSession()
        return super().open_session(app, request)

    def is_null_session(self, obj: object) -> bool:
        # Flask saves no null session (and so adds no cookie and no Vary).
        return isinstance(obj, FeedSession) or super().is_null_session(obj)


def _query_args(environ: dict[str, Any]) -> Mapping[str, str]:
    """The query's first value per name, parsed as Flask's ``request.args`` is."""
    query = environ.get("QUERY_STRING")
    if not query:
        return {}
    pairs = parse_qsl(
        query.encode("latin1").decode(), keep_blank_values=True, errors="werkzeug.url_quote"
    )
    first: dict[str, str] = {}
    for name, value in pairs:
        first.setdefault(name, value)
    return first


class FeedFastPath:
    """WSGI middleware: a feed whose memo is fresh and holds its bytes (or a
    conditional request it answers with a 304) is served before Flask runs.

    Flask's request machinery (context, session, hooks) costs several times
    what serving remembered bytes does; a calendar app polling an unchanged
    feed needs none of it. Anything else (a miss, a stale memo, another URL)
    goes to Flask, whose view fills the memo. Only keys a view stored are
    ever answered, so a URL Flask refuses (a NUL in it) is never answered
    here. The response carries the same headers as the view's (security
    headers included).
    """

    def __init__(self, app: Flask, wsgi_app: Callable[..., Any], routes: FeedRoutes) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.routes = routes

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            route = self.routes.match(environ)
            memo_key = MEMO_KEYS.get(route[0]) if route is not None else None
            if route is not None and memo_key is not None:
                entry = _lookup(memo_key(route[1], _query_args(environ)), self.app)
                answer = _answer(entry, environ, self.app) if entry is not None else None
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
    """Put the fast path in front of the app, and feeds' sessions aside (once)."""
    if isinstance(app.wsgi_app, FeedFastPath):
        return
    routes = FeedRoutes(app.url_map)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = FeedSessionInterface(routes)
    app.wsgi_app = FeedFastPath(app, app.wsgi_app, routes)  # type: ignore[method-assign]
