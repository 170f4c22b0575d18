"""The organiser's programme: sessions by day, create, edit, cancel, enrol."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from festival.changes import services as changes
from festival.changes.forms import notify_checked, wants_notify
from festival.cities.models import City
from festival.core import memo
from festival.core.access import organiser_blueprint
from festival.core.forms import add_error
from festival.core.limits import day_from_text
from festival.core.pagination import paginate_by_key
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival
from festival.interpretation.coverage import Coverage
from festival.interpretation.forms import AssignForm
from festival.interpretation.services import coverage_of, host_interpreters
from festival.interpretation.summary import coverage_stamp
from festival.programme import enrolment, services
from festival.programme.forms import ConfirmForm, EnrolDelegationForm, SessionForm, choices
from festival.programme.models import (
    Attendance,
    Audience,
    ProgrammeSession,
    SessionStatus,
    SessionType,
)
from festival.programme.times import days_between, local_day
from festival.registration.models import Delegate, Delegation

bp = organiser_blueprint("programme_admin", __name__, "/festivals/<slug>/programme")
load_festival_from_url(bp)


def _session_or_404(festival: Festival, session_id: int) -> ProgrammeSession:
    session = services.session_or_none(festival, session_id)
    if session is None:
        abort(404)
    return session


def _default_day(festival: Festival) -> date:
    today = local_day(utcnow(), festival.tz)
    return today if festival.starts_on <= today <= festival.ends_on else festival.starts_on


def _day_counts(festival: Festival) -> dict[date, int]:
    """How many sessions start on each day (one light query)."""
    counts: dict[date, int] = {}
    for starts_at in db.session.scalars(
        sa.select(ProgrammeSession.starts_at).where(ProgrammeSession.festival_id == festival.id)
    ):
        day = local_day(starts_at, festival.tz)
        counts[day] = counts.get(day, 0) + 1
    return counts


@bp.get("")
def sessions() -> ResponseReturnValue:
    """Sessions of one day at a time (or a search across all days)."""
    festival = g.festival
    q = request.args.get("q", "").strip()[:100]
    day_arg = request.args.get("day", "")
    day: date | None
    if day_arg == "all" or (q and not day_arg):
        day = None
    else:
        # A day that cannot be read, or too far out to compute with, shows the default.
        day = (day_from_text(day_arg) if day_arg else None) or _default_day(festival)
    rows = services.festival_sessions(festival, day=day, search=q)
    counts = services.enrolment_counts(s.id for s in rows)
    clash_ids = services.venue_clashes(rows)
    day_counts = _day_counts(festival)
    days = sorted(set(day_counts) | set(days_between(festival.starts_on, festival.ends_on)))
    return render_template(
        "programme/admin/sessions.html",
        festival=festival,
        days=days,
        day_counts=day_counts,
        day=day,
        q=q,
        grouped=services.by_day(rows, festival),
        counts=counts,
        clash_ids=clash_ids,
    )


def _form_choices(form: SessionForm, festival: Festival, session: ProgrammeSession | None) -> None:
    """Fill the form's selects; a stored session keeps its own languages offered."""
    form.set_choices(
        [(v.id, v.name) for v in festival.venues],
        services.accepted_delegations(festival),
        list(festival.languages or []),
        stored_languages=list(session.languages or []) if session is not None else None,
        offered=list(session.interpretation_languages or []) if session is not None else None,
    )


def _edit(festival: Festival, session: ProgrammeSession | None) -> str | Response | tuple[str, int]:
    form = SessionForm()
    if request.method == "GET":
        if session is not None:
            form.fill_from(session, festival.tz)
        else:
            form.start_date.data = _default_day(festival)
            form.audience.data = Audience.PUBLIC.value
            form.type.data = SessionType.THEMATIC.value
    _form_choices(form, festival, session)
    warnings = None
    if form.validate_on_submit():
        times = form.schedule(festival.tz)
        if times and services.outside_festival(festival, *times):
            add_error(
                form.start_date,
                _(
                    "The festival runs from %(first)s to %(last)s (%(zone)s): "
                    "the session must fall within those days.",
                    first=festival.starts_on.isoformat(),
                    last=festival.ends_on.isoformat(),
                    zone=festival.timezone,
                ),
            )
        elif times:
            values = form.values(*times)
            warnings = services.schedule_warnings(
                festival,
                times[0],
                times[1],
                values["venue_id"],
                values["capacity"],
                exclude_id=session.id if session else None,
            )
            if not warnings or form.save_anyway.data:
                if session is None:
                    session = services.create_session(festival, values)
                    flash(_("Session “%(title)s” created.", title=session.title), "success")
                else:
                    before = changes.snapshot_session(session)
                    services.update_session(session, values)
                    flash(_("Session “%(title)s” saved.", title=session.title), "success")
                    _tell(session, before)
                db.session.commit()
                return redirect(
                    url_for("programme_admin.show", slug=festival.slug, session_id=session.id)
                )
    page = render_template(
        "programme/admin/edit.html",
        festival=festival,
        form=form,
        item=session,
        warnings=warnings,
        concerned=changes.session_audience(session) if session is not None else 0,
        notify=notify_checked(),
    )
    if request.method == "POST":
        return page, 409 if warnings else 422
    return page


def _tell(session: ProgrammeSession, before: dict) -> None:
    """Tell the people enrolled what changed, unless the organiser unticked it."""
    if not wants_notify():
        return
    told = changes.session_changed(session, before)
    if told:
        flash(
            ngettext(
                "%(num)s person will be told by e-mail.",
                "%(num)s people will be told by e-mail.",
                told,
            ),
            "info",
        )


@bp.route("/new", methods=["GET", "POST"])
def new_session() -> ResponseReturnValue:
    return _edit(g.festival, None)


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id: int) -> ResponseReturnValue:
    festival = g.festival
    return _edit(festival, _session_or_404(festival, session_id))


@bp.get("/<int:session_id>")
def show(session_id: int) -> ResponseReturnValue:
    """A session, its attendees, and enrolment of whole delegations."""
    festival = g.festival
    session = _session_or_404(festival, session_id)
    # The page's attendees picked on their ids (sorting the whole joined
    # rows of a session of hundreds cost 15 ms), then loaded.
    attendees = paginate_by_key(
        sa.select(Attendance)
        .join(Attendance.delegate)
        .join(Delegate.delegation)
        .join(Delegation.city)
        .options(
            joinedload(Attendance.delegate)
            .joinedload(Delegate.delegation)
            .joinedload(Delegation.city)
        )
        .where(Attendance.session_id == session.id)
        .order_by(City.name, *Delegate.name_ordering(), Attendance.id),
        Attendance.id,
    )
    form = EnrolDelegationForm()
    form.delegation_id.choices = choices(
        [("", _("Choose a delegation")), *services.accepted_delegations(festival)]
    )
    assign_form = AssignForm()
    assign_form.interpreter_id.choices = choices(
        [("", _("Choose an interpreter")), *((i.id, i.name) for i in host_interpreters(festival))]
    )
    return render_template(
        "programme/admin/show.html",
        festival=festival,
        item=session,
        attendees=attendees,
        taken=attendees.total,
        concerned=changes.session_audience(session),
        form=form,
        confirm=ConfirmForm(),
        coverage=_coverage(festival, session),
        assign_form=assign_form,
    )


def _coverage(festival: Festival, session: ProgrammeSession) -> Coverage:
    """The session's interpretation coverage, kept per version of what it is
    computed from (the interpreters page's stamp): at a mayors' session it
    reads every mayor and interpreter of the festival (40 ms at ten times
    the scale), the stamp one query."""
    key = (festival.id, session.id, coverage_stamp(festival))
    return memo.cached(
        "session-coverage", key, lambda: coverage_of(festival, [session])[session.id], 64
    )


@bp.post("/<int:session_id>/cancel")
def cancel(session_id: int) -> ResponseReturnValue:
    festival = g.festival
    session = _session_or_404(festival, session_id)
    before = changes.snapshot_session(session)
    if ConfirmForm().validate_on_submit() and services.cancel_session(session):
        _tell(session, before)
        db.session.commit()
        flash(
            _(
                "“%(title)s” is cancelled; it stays in the feeds, marked cancelled.",
                title=session.title,
            ),
            "success",
        )
    return redirect(url_for("programme_admin.show", slug=festival.slug, session_id=session_id))


@bp.post("/<int:session_id>/reinstate")
def reinstate(session_id: int) -> ResponseReturnValue:
    festival = g.festival
    session = _session_or_404(festival, session_id)
    before = changes.snapshot_session(session)
    if ConfirmForm().validate_on_submit() and services.reinstate_session(session):
        _tell(session, before)
        db.session.commit()
        flash(_("“%(title)s” is back on the programme.", title=session.title), "success")
    return redirect(url_for("programme_admin.show", slug=festival.slug, session_id=session_id))


def _names(delegates: list[Delegate]) -> str:
    return ", ".join(d.list_name for d in delegates)


@bp.post("/<int:session_id>/enrol-delegation")
def enrol_delegation(session_id: int) -> ResponseReturnValue:
    festival = g.festival
    session = _session_or_404(festival, session_id)
    form = EnrolDelegationForm()
    form.delegation_id.choices = choices([("", ""), *services.accepted_delegations(festival)])
    delegation = None
    if form.validate_on_submit() and form.delegation_id.data:
        delegation = db.session.get(Delegation, form.delegation_id.data)
    if delegation is None or delegation.festival_id != festival.id:
        flash(_("Choose a delegation to enrol."), "error")
        return redirect(url_for("programme_admin.show", slug=festival.slug, session_id=session_id))
    if session.status == SessionStatus.CANCELLED:
        flash(_("This session is cancelled: nobody can be enrolled."), "error")
        return redirect(url_for("programme_admin.show", slug=festival.slug, session_id=session_id))
    report = enrolment.enrol_delegation(session, delegation)
    db.session.commit()
    if report.enrolled:
        flash(_("Enrolled: %(names)s.", names=_names(report.enrolled)), "success")
    if report.already:
        flash(_("Already enrolled: %(names)s.", names=_names(report.already)), "info")
    if report.not_allowed:
        flash(
            _(
                "Skipped, not allowed in this session: %(names)s.",
                names=_names(report.not_allowed),
            ),
            "warning",
        )
    if report.full:
        flash(_("Skipped, no place left: %(names)s.", names=_names(report.full)), "error")
    if not (report.enrolled or report.already or report.not_allowed or report.full):
        flash(_("This delegation has nobody registered yet."), "info")
    return redirect(url_for("programme_admin.show", slug=festival.slug, session_id=session_id))


@bp.post("/<int:session_id>/attendees/<int:delegate_id>/remove")
def remove_attendee(session_id: int, delegate_id: int) -> ResponseReturnValue:
    festival = g.festival
    session = _session_or_404(festival, session_id)
    delegate = db.session.get(Delegate, delegate_id)
    if delegate is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and enrolment.unenrol(session, delegate):
        db.session.commit()
        flash(_("%(name)s is no longer enrolled.", name=delegate.list_name), "success")
    return redirect(url_for("programme_admin.show", slug=festival.slug, session_id=session_id))
