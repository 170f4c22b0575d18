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
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from festival.core.urls import safe_next
from festival.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
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

    client = current_app.extensions.get("healthz_redis")
    if client is None:
        client = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=1.0, socket_timeout=1.0
        )
        current_app.extensions["healthz_redis"] = client
    try:
        client.ping()
    except redis.RedisError:
        current_app.logger.warning("health check: Redis does not answer")
        return "degraded"
    return "ok"


@bp.post("/language")
def set_language() -> Response:
    code = request.form.get("locale", "")
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    # Only the statuses a person meets get a page of ours; the rest keep
    # Werkzeug's response (405 with its Allow header, for instance).
    if error.code in (400, 403, 404, 410, 413, 429):
        return render_template("errors/error.html", error=error), error.code
    return error


@bp.app_errorhandler(500)
def server_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    return render_template("errors/error.html", error=None), 500
