"""Site-wide pages: health check, language switch, error pages.

The home page (``core.index``) lists the festivals, so the festivals domain
adds it to this blueprint (festival/festivals/public.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from festival.core import memo
from festival.core.urls import safe_next
from festival.extensions import csrf, db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    answer = {"status": "ok", "database": "ok"}
    if current_app.config.get("REDIS_URL"):
        # Still 200 without Redis: rate limits and feed caches fall back to
        # each process's memory, and the site keeps working.
        answer["redis"] = _redis_state()
    return answer, 200


def _redis_state() -> str:
    """ "ok", or "degraded" when Redis does not answer within a second."""
    import redis

    client = memo.redis_client()
    try:
        client.ping()
    except redis.RedisError:
        current_app.logger.warning("health check: Redis does not answer")
        return "degraded"
    return "ok"


@bp.post("/language")
@csrf.exempt  # checked below: a token, or for a visitor not signed in, the Origin
def set_language() -> ResponseReturnValue:
    """Switch the interface language (the session's, and a signed-in user's own).

    A visitor who is not signed in gets the switch without a CSRF token, so
    public pages carry no per-visitor token and can be answered from one
    copy (the public programme's fast path); the request must then come
    from this site's own pages (Sec-Fetch-Site, else Origin: what browsers
    send and another site cannot forge). Changing a signed-in user's
    language (kept on the account, for their e-mails too) takes the token.
    """
    if current_app.config["WTF_CSRF_ENABLED"] and (
        current_user.is_authenticated or not _posted_from_this_site()
    ):
        csrf.protect()
    code = request.form.get("locale", "")
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))


def _posted_from_this_site() -> bool:
    """Whether the browser says this POST comes from one of this site's pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin in {
        request.host_url.rstrip("/"),
        current_app.config["SERVER_URL"],
    }


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    # Only the statuses a person meets get a page of ours; the rest keep
    # Werkzeug's response (405 with its Allow header, for instance).
    if error.code in (400, 403, 404, 410, 413, 429):
        return render_template("errors/error.html", error=error), error.code
    return error


@bp.app_errorhandler(500)
def server_error(error: Exception) -> ResponseReturnValue:
    db.session.rollback()
    return render_template("errors/error.html", error=None), 500
