"""Response headers every page sends."""

from __future__ import annotations

from flask import Flask, Response, request, session
from flask_login import current_user

# No inline script or style anywhere: templates link static files only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "geolocation=(), microphone=()",
}


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    return response


def is_secret_link() -> bool:
    """Whether this request's URL holds a secret (every such route names it
    ``token``: /invitations/, /impressions/, /login/link/, /feeds/)."""
    return "token" in (request.view_args or {})


def keep_private_pages_out_of_caches(response: Response) -> Response:
    """``Cache-Control: no-store`` on every page behind a sign-in or a secret
    link, so no browser history, shared computer or proxy keeps a copy.

    A view that chose its own Cache-Control keeps it (the public feeds, the
    personal feed, downloads); so do anonymous public pages. The secret link
    and the session's user id are checked first: neither needs the signed-in
    user, whom a commit in the view has expired (asking ``current_user``
    would load them again, one query more for every form sent). Only a
    visitor with neither is asked for, for a remember-me cookie.
    """
    if "Cache-Control" in response.headers:
        return response
    if is_secret_link() or "_user_id" in session or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    app.after_request(keep_private_pages_out_of_caches)
