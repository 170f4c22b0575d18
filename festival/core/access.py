"""Who may see what: the guards every organiser page and private page use."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response


def require_organiser() -> Response | None:
    """``before_request`` hook: anonymous users sign in; anyone else gets a 404.

    A delegate is told nothing, not even that the page exists.
    """
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.is_organiser:
        abort(404)
    return None


def organiser_blueprint(name: str, import_name: str, url_prefix: str = "") -> Blueprint:
    """A blueprint whose every route is for organisers only, under /organiser."""
    bp = Blueprint(name, import_name, url_prefix="/organiser" + url_prefix)
    bp.before_request(require_organiser)
    return bp
