"""Organiser pages for checking delegates in: per session, by list, by
scanning the QR code on a badge or itinerary, or by typing its code; and
the printable badges."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort, flash, g, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.core.pagination import paginate
from festival.core.types import utcnow
from festival.core.view_helpers import current_path, redirect_next
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.festivals.models import Festival
from festival.logistics.exports import download
from festival.programme.eligibility import may_attend
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate, Delegation

from . import codes, labels, lists, services
from .downloads import attendance_table
from .forms import ButtonForm, CodeForm
from .services import Outcome

bp = organiser_blueprint("attendance", __name__, "/festivals/<slug>/check-in")
load_festival_from_url(bp)

BADGES_PER_SHEET = 8  # 2 x 4 on A4
SHEETS_PER_PAGE = 6
FLASH_CATEGORY = {
    Outcome.CHECKED_IN: "success",
    Outcome.WALK_IN: "success",
    Outcome.ALREADY: "info",
    Outcome.NOT_ELIGIBLE: "error",
    Outcome.UNKNOWN: "error",
}


@bp.app_template_global()
def checkin_code(delegate: Delegate) -> str:
    """The delegate's typed check-in code, ``ABCD-EFGH``."""
    return codes.code_for(delegate.id)


@bp.app_template_global()
def checkin_qr(delegate: Delegate, module_px: int = 6) -> Markup:
    """The delegate's check-in QR code, as inline SVG."""
    code = codes.code_for(delegate.id)
    return codes.qr_svg(
        delegate.id, module_px=module_px, title=_("Check-in code %(code)s", code=code)
    )


def _session_or_404(festival: Festival, session_id: int) -> ProgrammeSession:
    return festival_row_or_404(
        ProgrammeSession, festival, session_id, joinedload(ProgrammeSession.venue)
    )


def _delegate_or_404(festival: Festival, delegate_id: int) -> Delegate:
    delegate = db.session.scalar(
        sa.select(Delegate)
        .join(Delegate.delegation)
        .where(Delegate.id == delegate_id, Delegation.festival_id == festival.id)
        .options(joinedload(Delegate.delegation).joinedload(Delegation.city))
    )
    if delegate is None:
        abort(404)
    return delegate


def _search_text() -> str:
    return request.args.get("q", "").strip()[:100]


def _day_arg(festival: Festival) -> date | None:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return None
    return day if festival.starts_on <= day <= festival.ends_on else None


@bp.get("")
def index() -> ResponseReturnValue:
    """Today's sessions (those still running or to come), then all of them."""
    festival = g.festival
    now = utcnow()
    today = now.astimezone(festival.tz).date()
    start_of_day, end_of_day = lists.day_bounds(festival, today)
    # On now, or later today; those that ended within the hour stay for latecomers.
    soon = db.session.scalars(
        lists.sessions_query(festival)
        .where(
            ProgrammeSession.starts_at < end_of_day,
            ProgrammeSession.ends_at >= max(start_of_day, now - timedelta(hours=1)),
        )
        .limit(20)
    ).all()
    q = _search_text()
    day = _day_arg(festival)
    page = paginate(lists.sessions_query(festival, q=q, day=day))
    counts = lists.counts_by_session([s.id for s in soon] + [s.id for s in page.items])
    return render_template(
        "attendance/index.html",
        festival=festival,
        soon=soon,
        today=today,
        page=page,
        counts=counts,
        q=q,
        day=day,
        days=lists.festival_days(festival),
        audiences=labels.AUDIENCES,
    )


@bp.get("/sessions/<int:session_id>")
def session(session_id: int) -> ResponseReturnValue:
    """The session's enrolled delegates, each with a check-in / undo button."""
    festival = g.festival
    programme_session = _session_or_404(festival, session_id)
    q = _search_text()
    state = request.args.get("state", "")
    if state not in ("waiting", "checked_in"):
        state = ""
    page = paginate(lists.enrolled_query(programme_session, q=q, state=state))
    rows = [
        (attendance, may_attend(programme_session, attendance.delegate))
        for attendance in page.items
    ]
    return render_template(
        "attendance/session.html",
        festival=festival,
        session=programme_session,
        page=page,
        rows=rows,
        q=q,
        state=state,
        counts=lists.counts_by_session([session_id])[session_id],
        attendees=lists.attendee_count(programme_session),
        code_form=CodeForm(formdata=None, next=current_path()),
        button_form=ButtonForm(),
        here=current_path(),
        **_labels(),
    )


@bp.get("/sessions/<int:session_id>.<fmt>")
def session_download(session_id: int, fmt: str) -> ResponseReturnValue:
    """The session's attendance as CSV or XLSX, with the page's search and state."""
    festival = g.festival
    if fmt not in ("csv", "xlsx"):
        abort(404)
    programme_session = _session_or_404(festival, session_id)
    state = request.args.get("state", "")
    query = lists.enrolled_query(
        programme_session,
        q=_search_text(),
        state=state if state in ("waiting", "checked_in") else "",
    )
    table = attendance_table(
        programme_session, db.session.scalars(query), festival.tz, festival.timezone
    )
    return download([table], fmt, f"{festival.slug}-attendance-{session_id}")


@bp.get("/sessions/<int:session_id>/find")
def find(session_id: int) -> ResponseReturnValue:
    """Find any delegate of the festival, to check in someone who did not enrol."""
    festival = g.festival
    programme_session = _session_or_404(festival, session_id)
    q = _search_text()
    page = paginate(lists.delegate_search_query(festival, q)) if len(q) >= 2 else None
    rows = []
    if page is not None:
        attendances = lists.attendances_for(programme_session, [d.id for d in page.items])
        rows = [
            (d, attendances.get(d.id), services.refusal(programme_session, d)) for d in page.items
        ]
    return render_template(
        "attendance/find.html",
        festival=festival,
        session=programme_session,
        page=page,
        rows=rows,
        q=q,
        button_form=ButtonForm(),
        here=current_path(),
        **_labels(),
    )


def _labels() -> dict[str, object]:
    return {"audiences": labels.AUDIENCES, "roles": labels.ROLES, "statuses": labels.STATUSES}


def _back(festival: Festival, session_id: int) -> Response:
    fallback = url_for(".session", slug=festival.slug, session_id=session_id)
    return redirect_next(ButtonForm().next.data, fallback, code=303)


@bp.post("/sessions/<int:session_id>/delegates/<int:delegate_id>")
def check_in(session_id: int, delegate_id: int) -> ResponseReturnValue:
    """Check a delegate in (enrolled, or a walk-in)."""
    festival = g.festival
    programme_session = _session_or_404(festival, session_id)
    delegate = _delegate_or_404(festival, delegate_id)
    question = _early_question(programme_session, delegate)
    if question is not None:
        return _confirm_early_page(programme_session, question, {"next": ButtonForm().next.data})
    result = services.check_in(programme_session, delegate)
    db.session.commit()
    flash(result.message, FLASH_CATEGORY[result.outcome])
    return _back(festival, session_id)


def _early_question(programme_session: ProgrammeSession, delegate: Delegate) -> str | None:
    """Ask before checking in ahead of the session, unless already confirmed."""
    if request.form.get("confirm_early") == "1":
        return None
    return services.early_check_in_question(programme_session, delegate)


def _confirm_early_page(
    programme_session: ProgrammeSession, question: str, fields: dict[str, str | None]
) -> ResponseReturnValue:
    """A page (409) asking to confirm an early check-in: "Check in anyway"
    posts the same form again with ``confirm_early=1``; "Cancel" goes back."""
    festival = g.festival
    back = url_for(".session", slug=festival.slug, session_id=programme_session.id)
    page = render_template(
        "attendance/confirm_early.html",
        festival=festival,
        session=programme_session,
        question=question,
        action=request.full_path,
        fields={name: value for name, value in fields.items() if value},
        back=back,
    )
    return page, 409


@bp.post("/sessions/<int:session_id>/delegates/<int:delegate_id>/undo")
def undo(session_id: int, delegate_id: int) -> ResponseReturnValue:
    """Take a check-in back (a mis-tap, or the wrong person)."""
    festival = g.festival
    programme_session = _session_or_404(festival, session_id)
    delegate = _delegate_or_404(festival, delegate_id)
    if services.undo_check_in(programme_session, delegate):
        db.session.commit()
        flash(_("Check-in of %(name)s undone.", name=services.who(delegate)), "info")
    else:
        flash(_("%(name)s was not checked in.", name=services.who(delegate)), "warning")
    return _back(festival, session_id)


@bp.route("/sessions/<int:session_id>/scan", methods=["GET", "POST"])
def scan(session_id: int) -> ResponseReturnValue:
    """The camera scanner, and the typed-code form that works without it."""
    festival = g.festival
    programme_session = _session_or_404(festival, session_id)
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        known = services.delegate_by_code(festival, required(form.code.data))
        question = _early_question(programme_session, known) if known else None
        if question is not None:
            fields = {"code": form.code.data, "next": form.next.data}
            return _confirm_early_page(programme_session, question, fields)
        result = services.check_in_by_code(festival, programme_session, required(form.code.data))
        if result.outcome in (Outcome.CHECKED_IN, Outcome.WALK_IN, Outcome.ALREADY):
            db.session.commit()
            flash(result.message, FLASH_CATEGORY[result.outcome])
            fallback = url_for(".scan", slug=festival.slug, session_id=session_id)
            return redirect_next(form.next.data, fallback, code=303)
        add_error(form.code, result.message)
        status = 409 if result.outcome == Outcome.NOT_ELIGIBLE else 422
    elif form.is_submitted():
        status = 422
    page = render_template(
        "attendance/scan.html",
        festival=festival,
        session=programme_session,
        form=form,
        counts=lists.counts_by_session([session_id])[session_id],
        audiences=labels.AUDIENCES,
    )
    return page, status


@bp.post("/sessions/<int:session_id>/scan/check-in")
def scan_check_in(session_id: int) -> ResponseReturnValue:
    """A code the camera read (form field ``code``): check in, answer JSON."""
    festival = g.festival
    programme_session = _session_or_404(festival, session_id)
    typed = request.form.get("code", "")[:200]
    known = services.delegate_by_code(festival, typed)
    question = _early_question(programme_session, known) if known else None
    if question is not None:
        # Nothing done: the scanner shows the question; the same POST with
        # confirm_early=1 checks them in.
        return jsonify(
            {
                "status": "needs_confirmation",
                "needs_confirmation": True,
                "label": "",
                "message": question,
                "name": known.list_name if known else None,
                "code": codes.code_for(known.id) if known else None,
            }
        ), 409
    result = services.check_in_by_code(festival, programme_session, typed)
    if result.outcome in (Outcome.CHECKED_IN, Outcome.WALK_IN):
        db.session.commit()
    counts = lists.counts_by_session([session_id])[session_id]
    delegate = result.delegate
    payload: dict[str, object] = {
        "status": result.outcome.value,
        "label": str(labels.OUTCOMES[result.outcome]),
        "message": result.message,
        "name": delegate.list_name if delegate else None,
        "native_name": delegate.native_name if delegate else None,
        "city": delegate.delegation.city.name if delegate else None,
        "country": delegate.delegation.city.country_code if delegate else None,
        "code": codes.code_for(delegate.id) if delegate else None,
        "checked_in": counts.checked_in,
        "enrolled": counts.enrolled,
        "count_labels": labels.door_count_labels(counts.checked_in, counts.enrolled),
    }
    http_status = {Outcome.UNKNOWN: 404, Outcome.NOT_ELIGIBLE: 409}.get(result.outcome, 200)
    return jsonify(payload), http_status


@bp.get("/badges")
def badges() -> ResponseReturnValue:
    """A4 sheets of badges (name, native name, position, city, QR code)."""
    festival = g.festival
    q = _search_text()
    include_pending = request.args.get("pending") == "1"
    per_page = BADGES_PER_SHEET * SHEETS_PER_PAGE
    page = db.paginate(
        lists.badges_query(festival, q=q, include_pending=include_pending),
        per_page=per_page,
        max_per_page=per_page,
    )
    items = list(page.items)
    sheets = [items[i : i + BADGES_PER_SHEET] for i in range(0, len(items), BADGES_PER_SHEET)]
    return render_template(
        "attendance/badges.html",
        festival=festival,
        page=page,
        sheets=sheets,
        q=q,
        include_pending=include_pending,
    )
