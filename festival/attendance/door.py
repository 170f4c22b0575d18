"""The door app: check-in that keeps working offline (issue #14).

Under /check-in/<slug>/ (not /organiser: a check-in helper, who may open
nothing else, works here too). The page is an installable web app: its
service worker (served from this folder, so its scope is this folder and
no ``Service-Worker-Allowed`` header is needed) keeps the page and its
scripts; the door list (offline.door_list) goes to the device's IndexedDB
when a session is opened, and check-ins made offline come back through
``sync``, once each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response

from festival.core import content
from festival.core.dates import format_clock
from festival.core.forms import required
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.festivals.models import Festival
from festival.programme.models import ProgrammeSession, SessionStatus

from . import lists, offline, services
from .forms import CodeForm
from .labels import AUDIENCES, places_label

bp = Blueprint("door", __name__, url_prefix="/check-in/<slug>")
# The worker script and the manifest hold nothing private: a browser fetches
# them on its own, and the installed app's start must not need a sign-in.
PUBLIC_ENDPOINTS = {"door.service_worker", "door.manifest"}
bp.add_app_template_global(places_label)


@bp.before_request
def _signed_in_door_staff() -> Response | None:
    """Organisers, and check-in helpers; anyone else a 404 (sign-in first)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not (current_user.is_organiser or current_user.is_helper):
        abort(404)
    return None


load_festival_from_url(bp)


@bp.before_request
def _helper_of_this_festival() -> None:
    """A helper works at one festival's doors: another's is a 404."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    if current_user.is_helper and current_user.helper_festival_id != g.festival.id:
        abort(404)


def _sessions_or_404(ids: list[int]) -> list[ProgrammeSession]:
    """The festival's sessions ``ids`` (in time order); any other is a 404."""
    wanted = sorted(set(ids))
    if not wanted or len(wanted) > offline.MAX_SESSIONS:
        abort(404)
    found = list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .where(ProgrammeSession.id.in_(wanted), ProgrammeSession.festival_id == g.festival.id)
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )
    if len(found) != len(wanted):
        abort(404)
    return found


@bp.get("/")
def index() -> ResponseReturnValue:
    """The festival's days and sessions: open one, or a whole day, at a door."""
    festival = g.festival
    today = utcnow().astimezone(festival.tz).date()
    days = lists.festival_days(festival)
    by_day: dict[date, list[DoorLink]] = {d: [] for d in days}
    for local_day, link in door_links(festival):
        by_day.setdefault(local_day, []).append(link)
    return render_template(
        "attendance/door_index.html",
        festival=festival,
        today=today,
        by_day=by_day,
        days=days,
    )


@dataclass(frozen=True)
class DoorLink:
    """One session on the door app's index, ready to write."""

    url: str
    starts_at: str  # ISO 8601, UTC, for <time datetime>
    clock: str  # wall-clock start in the festival's zone
    title: Markup
    cancelled: bool


def door_links(festival: Festival) -> list[tuple[date, DoorLink]]:
    """Every session of the festival in time order, with its local day.

    Only the five columns the index shows are read (600 sessions at ten
    times the scale: whole rows decoded eight JSON columns each), and the
    per-row helpers (url_for, the clock's pattern, the reader's language)
    are worked out once per page, not once per session.
    """
    rows = db.session.execute(
        sa.select(
            ProgrammeSession.id,
            ProgrammeSession.starts_at,
            ProgrammeSession.title,
            ProgrammeSession.title_i18n,
            ProgrammeSession.status,
        )
        .where(ProgrammeSession.festival_id == festival.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.title, ProgrammeSession.id)
    )
    # "…/sessions/0" without its "0": the same URL as url_for gives each id.
    url_prefix = url_for(".session", session_id=0)[:-1]
    lang = str(get_locale())
    default_lang = content.current_default_language()
    organiser = bool(current_user.is_organiser)
    zone = festival.tz
    clocks: dict[tuple[int, int], str] = {}
    links = []
    for session_id, starts_at, title, title_i18n, status in rows:
        local = starts_at.astimezone(zone)
        clock = clocks.get((local.hour, local.minute))
        if clock is None:
            clock = clocks[(local.hour, local.minute)] = format_clock(local)
        text = content.pick(title, title_i18n, lang, default_lang)
        link = DoorLink(
            url=f"{url_prefix}{session_id}",
            starts_at=starts_at.isoformat(),
            clock=clock,
            title=content.render(text, organiser),
            cancelled=status == SessionStatus.CANCELLED,
        )
        links.append((local.date(), link))
    return links


@bp.get("/sessions/<int:session_id>")
def session(session_id: int) -> ResponseReturnValue:
    """The door app for one session."""
    return _door_page(_sessions_or_404([session_id]))


@bp.get("/days/<day>")
def day(day: str) -> ResponseReturnValue:
    """The door app for every session of a festival day."""
    festival = g.festival
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    sessions = db.session.scalars(lists.sessions_query(festival, day=when)).all()
    if not sessions:
        abort(404)
    return _door_page(list(sessions)[: offline.MAX_SESSIONS])


def _door_page(sessions: list[ProgrammeSession]) -> ResponseReturnValue:
    festival = g.festival
    ids = [s.id for s in sessions]
    counts = lists.counts_by_session(ids)
    return render_template(
        "attendance/door.html",
        festival=festival,
        sessions=sessions,
        counts=counts,
        places={s.id: places_label(counts[s.id], s.capacity) for s in sessions},
        list_url=url_for(".door_list", s=ids),
        code_form=CodeForm(formdata=None),
        # The early check-in question's threshold, asked on the device too.
        doors_open_minutes=int(services.DOORS_OPEN.total_seconds() // 60),
        audiences=AUDIENCES,
    )


@bp.get("/list.json")
def door_list() -> ResponseReturnValue:
    """What the door needs offline, for the sessions ``?s=`` it opened."""
    ids = [int(v) for v in request.args.getlist("s") if v.isdigit() and len(v) < 10]
    sessions = _sessions_or_404(ids)
    response = Response(offline.door_list(g.festival, sessions), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/token")
def token() -> ResponseReturnValue:
    """A fresh CSRF token for the upload: the page may have been opened
    from the device's cache hours ago, its own token expired."""
    response = jsonify({"token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sync")
def sync() -> ResponseReturnValue:
    """The device's waiting check-ins (JSON, CSRF token in ``X-CSRFToken``)."""
    try:
        batch = offline.parse_batch(request.get_json(silent=True))
    except offline.BadBatch as error:
        return jsonify({"error": str(error)}), 400
    answers = offline.sync(g.festival, batch)
    if answers is None:
        abort(404)
    db.session.commit()
    session_ids = sorted({item.session_id for item in batch})
    counts = lists.counts_by_session(session_ids)
    return jsonify(
        {
            "results": answers,
            "counts": {
                str(sid): {
                    "checked_in": c.checked_in,
                    "enrolled": c.enrolled,
                    "walk_ins": c.walk_ins,
                }
                for sid, c in counts.items()
            },
        }
    )


@bp.post("/sessions/<int:session_id>/code")
def typed_code(session_id: int) -> ResponseReturnValue:
    """The typed-code form without JavaScript (online only)."""
    festival = g.festival
    programme_session = festival_row_or_404(ProgrammeSession, festival, session_id)
    form = CodeForm()
    if form.validate_on_submit():
        result = services.check_in_by_code(festival, programme_session, required(form.code.data))
        db.session.commit()
        ok = result.outcome in (services.Outcome.CHECKED_IN, services.Outcome.WALK_IN)
        flash(result.message, "success" if ok else "error")
    else:
        flash(_("Type the code printed under the QR code."), "error")
    return redirect(url_for(".session", session_id=session_id), code=303)


@bp.get("/sw.js")
def service_worker() -> ResponseReturnValue:
    """The service worker, scoped to this festival's door pages."""
    body = render_template("attendance/door_sw.js", festival=g.festival)
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> ResponseReturnValue:
    """The web app manifest: installs the door pages as an app."""
    festival = g.festival
    icons = [
        {
            "src": url_for("static", filename=f"icons/door-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    icons.append(
        {
            "src": url_for("static", filename="icons/door.svg"),
            "sizes": "any",
            "type": "image/svg+xml",
        }
    )
    response = jsonify(
        {
            "name": _("Check-in · %(festival)s", festival=festival.name),
            "short_name": _("Check-in"),
            "start_url": url_for(".index"),
            "scope": url_for(".index"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1e6b52",
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response
