"""The fast path: an unchanged feed (or public page) served without the database.

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

Public pages that are the same for every visitor who is not signed in
(the public programme) take the same path: :func:`register_page` names
the endpoint, :func:`serve_page` answers it in the view and remembers it.
Such a page is keyed by its route, its query string and the language the
visitor would read it in (their browser's: a visitor with a session or
remember-me cookie is never answered here, so neither a chosen language
nor a signed-in user is involved), its ETag is its bytes' hash, and a
commit or a second makes it stale as a feed's memo does.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from cachetools import TTLCache
from flask import Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie
from werkzeug.routing import Map, MapAdapter, RequestRedirect
from werkzeug.wsgi import get_path_info

from festival.calendar import http
from festival.calendar.cache import feed_store
from festival.calendar.services import PreparedFeed
from festival.core import memo
from festival.core.i18n import browser_language
from festival.core.security import SECURITY_HEADERS

STAMP_TTL_SECONDS = 1.0
MAX_ENTRIES = 20_000

_STATUS = {200: "200 OK", 304: "304 Not Modified"}

# Tests move this clock; production reads the monotonic one.
clock: Callable[[], float] = time.monotonic

MemoKey = tuple[object, ...]
# A request's memo key from the app, the matched route's arguments and the
# WSGI environ; None when this request may not be answered from the memo.
KeyFunction = Callable[[Flask, Mapping[str, Any], Mapping[str, Any]], "MemoKey | None"]


def _programme_key(app: Flask, view_args: Mapping[str, Any], environ: Mapping[str, Any]) -> MemoKey:
    return ("programme", view_args["slug"], _query_args(environ).get("lang"))


def _personal_key(app: Flask, view_args: Mapping[str, Any], environ: Mapping[str, Any]) -> MemoKey:
    return ("personal", view_args["token"])


# What is served through the memo, by endpoint: the memo key from the
# matched route and the request (the one definition, used by the views and
# by the middleware alike). The feeds here; pages add theirs (register_page).
MEMO_KEYS: dict[str, KeyFunction] = {
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
    # None for a page, or a feed whose date is shared: its ETag alone validates.
    last_modified: datetime | None
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
    extensions = (app or current_app).extensions
    memo: TTLCache[MemoKey, _Entry] | None = extensions.get("calendar_feed_memo")
    if memo is None:
        made: TTLCache[MemoKey, _Entry] = TTLCache(
            MAX_ENTRIES, STAMP_TTL_SECONDS, timer=lambda: clock()
        )
        memo = extensions.setdefault("calendar_feed_memo", made)
    return memo


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
    last_modified = datetime.fromtimestamp(since.at, UTC)
    security = list(SECURITY_HEADERS.items())

    def headers(etag: str) -> list[tuple[str, str]]:
        return http.feed_headers(last_modified, feed.public, [("ETag", f'"{etag}"'), *security])

    entry = _Entry(
        generation=generation,
        etag=feed.etag,
        # A date shared with the version before proves nothing: the ETag decides.
        last_modified=last_modified if since.validates else None,
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
    # The app itself, not the proxy: key functions receive it. (Flask types the
    # proxy current_app as the app, which has no _get_current_object.)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = MEMO_KEYS[request.endpoint](app, request.view_args, request.environ)
    assert key is not None  # a feed's key always exists
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


# --- public pages -------------------------------------------------------------

HTML_MIMETYPE = "text/html; charset=utf-8"
# The programme changes at any time and must show at once: a browser or a
# shared cache asks again each time (a 304 from the fast path, mostly).
PAGE_CACHE_CONTROL = "no-cache"
# A page differs by language (the browser's) and for visitors with cookies.
PAGE_VARY = "Accept-Encoding, Accept-Language, Cookie"
# Rendered pages kept per version (core.memo): a few languages and filters
# of a few festivals' programmes, each about 100 KB plus its gzip.
PAGE_MEMO_ENTRIES = 128


def anonymous_page_key(
    app: Flask, view_args: Mapping[str, Any], environ: Mapping[str, Any]
) -> MemoKey | None:
    """A public page's key for a visitor with neither session nor remember-me
    cookie (else None: their page is the app's to render).

    The key holds what such a page's bytes depend on besides the data: the
    route, the whole query string (filters, day, and the language switch's
    way back) and the language the visitor's browser asks for.
    """
    cookie_header = environ.get("HTTP_COOKIE")
    if cookie_header:
        cookies = parse_cookie(cookie_header)
        if app.config["SESSION_COOKIE_NAME"] in cookies or (
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
        ):
            return None
    language = browser_language(environ.get("HTTP_ACCEPT_LANGUAGE"), tuple(app.config["LANGUAGES"]))
    return (
        "page",
        tuple(sorted(view_args.items())),
        language,
        environ.get("QUERY_STRING", ""),
    )


def register_page(endpoint: str, key: KeyFunction = anonymous_page_key) -> None:
    """Let the fast path answer ``endpoint`` (a page whose view calls
    :func:`serve_page`) from the memo."""
    MEMO_KEYS[endpoint] = key


@dataclass
class _Page:
    """A rendered page: its bytes, their hash (the ETag) and their gzip."""

    body: bytes
    etag: str
    gzipped: bytes


def _rendered(render: Callable[[], str]) -> _Page:
    body = render().encode()
    # mtime=0: the same bytes always gzip alike.
    packed = gzip.compress(body, http.GZIP_LEVEL, mtime=0)
    return _Page(body, hashlib.blake2b(body, digest_size=16).hexdigest(), packed)


def serve_page(version: Callable[[], Hashable], render: Callable[[], str]) -> Response | None:
    """This request's page from the memo (a 304, or a 200 with its bytes),
    rendered once per ``version()`` of the data behind it; None when the
    request may not be answered so (a visitor with a session or remember-me
    cookie): the view then renders as usual.

    ``version`` (the stamp's queries) runs on each request that reaches the
    view; ``render`` once per version, key and process. For the next second
    the same key's requests are answered before Flask runs.
    """
    # The app itself, not the proxy: key functions receive it. (Flask types the
    # proxy current_app as the app, which has no _get_current_object.)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    routes: FeedRoutes | None = app.extensions.get("fastpath_routes")
    # The route as matched before Flask ran: a blueprint's url_value_preprocessor
    # may have taken arguments (the slug) off request.view_args since.
    route = routes.match(request.environ) if routes is not None else None
    key = MEMO_KEYS[route[0]](app, route[1], request.environ) if route is not None else None
    if key is None:
        return None
    # Read before the stamp's queries: a commit meanwhile makes this memo stale.
    generation = _generation
    page = memo.cached(
        "fastpath_pages", (key, version()), lambda: _rendered(render), PAGE_MEMO_ENTRIES
    )
    security = list(SECURITY_HEADERS.items())

    def headers(etag: str) -> list[tuple[str, str]]:
        return [
            ("Cache-Control", PAGE_CACHE_CONTROL),
            ("Vary", PAGE_VARY),
            ("ETag", f'"{etag}"'),
            *security,
        ]

    entry = _Entry(
        generation=generation,
        etag=page.etag,
        last_modified=None,
        headers=headers(page.etag),
        gzip_headers=headers(page.etag + http.GZIP_SUFFIX),
        filename=None,
        mimetype=HTML_MIMETYPE,
        body=page.body,
        gzipped=page.gzipped,
    )
    with _lock:
        _memo(app)[key] = entry
    answer = _answer(entry, request.environ, app)
    assert answer is not None  # the entry holds the bytes
    return Response(answer.body, status=answer.status, headers=answer.headers)


# --- routing, before Flask ------------------------------------------------------

# Where the route of a request, once matched, is kept in its WSGI environ.
_ROUTE_KEY = "festival.calendar.feed_route"


class FeedRoutes:
    """The fast path's routes (feeds, and pages with a memo key), matched
    against the app's URL map.

    One adapter, bound once (matching reads the map, which Flask fills as
    blueprints register), answers for every request; the route found is
    kept in the request's environ, so the session interface and the
    middleware match each request once.
    """

    def __init__(self, url_map: Map) -> None:
        # Host and subdomain do not route here (no host or subdomain matching).
        self._adapter: MapAdapter = url_map.bind("localhost")

    def match(self, environ: dict[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
        """The feed's or page's endpoint and its arguments for this request, or None."""
        if _ROUTE_KEY in environ:
            return environ[_ROUTE_KEY]
        route: tuple[str, Mapping[str, Any]] | None = None
        try:
            endpoint, view_args = self._adapter.match(
                get_path_info(environ), method=environ.get("REQUEST_METHOD", "GET")
            )
        except (HTTPException, RequestRedirect):  # not found, another method, a slash
            pass
        else:
            if endpoint in FEED_ENDPOINTS or endpoint in MEMO_KEYS:
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

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        route = self.routes.match(request.environ)
        if route is not None and route[0] in FEED_ENDPOINTS:
            return FeedSession()
        return super().open_session(app, request)

    def is_null_session(self, obj: object) -> bool:
        # Flask saves no null session (and so adds no cookie and no Vary).
        return isinstance(obj, FeedSession) or super().is_null_session(obj)


def _query_args(environ: Mapping[str, Any]) -> Mapping[str, str]:
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
    """WSGI middleware: a feed or page whose memo is fresh and holds its
    bytes (or a conditional request it answers with a 304) is served before
    Flask runs.

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
            key = memo_key(self.app, route[1], environ) if memo_key and route else None
            if key is not None:
                entry = _lookup(key, self.app)
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
    app.extensions["fastpath_routes"] = routes
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = FeedSessionInterface(routes)
    # (mypy takes wsgi_app for a method; wrapping it is Flask's documented way.)
    app.wsgi_app = FeedFastPath(app, app.wsgi_app, routes)  # type: ignore[method-assign]
