"""Organiser pages: impression forms, their questions, who was sent what,
the results and the printable report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response as BaseResponse

from festival.core.access import organiser_blueprint
from festival.core.dates import format_moment
from festival.core.forms import add_error, required
from festival.core.limits import row_id
from festival.core.pagination import load_rows, paginate, paginate_keys, url_with_args
from festival.core.view_helpers import form_ids, private_download
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.impressions import report, results, sending, services
from festival.impressions.forms import KIND_LABELS, FormSettingsForm, QuestionForm, answer_form
from festival.impressions.models import (
    ImpressionForm,
    ImpressionInvite,
    QuestionKind,
)
from festival.impressions.services import ImpressionError
from festival.programme.models import ProgrammeSession

bp = organiser_blueprint("impressions_admin", __name__, "/festivals/<slug>/impressions")
load_festival_from_url(bp)


def _form_or_404(form_id: int) -> ImpressionForm:
    form = services.festival_form(g.festival, form_id)
    if form is None:
        abort(404)
    return form


def _back_to(form: ImpressionForm) -> BaseResponse:
    return redirect(url_for(".edit_form", form_id=form.id))


# --- overview ---------------------------------------------------------------


@bp.get("")
def index() -> ResponseReturnValue:
    """Every session side by side: its form, response rate and average rating."""
    festival = g.festival
    sort = request.args.get("sort", "start")
    sort = sort if sort in results.SORTS else "start"
    descending = request.args.get("desc") == "1"
    q = request.args.get("q", "").strip()
    query = results.comparison_query(festival, sort, descending, q)
    page = paginate_keys(query, ProgrammeSession.id)

    def sessions() -> list[ProgrammeSession]:
        load_rows(page, query, ProgrammeSession.id)
        return list(page.items)

    def render_rows(**shown: Any) -> str:
        return render_template(
            "impressions/_comparison_rows.html", festival=festival, filtered=bool(q), **shown
        )

    comparison = results.comparison(festival, page.items, bool(q), sessions, render_rows)
    closing = db.session.scalar(
        db.select(ImpressionForm).where(
            ImpressionForm.festival_id == festival.id, ImpressionForm.session_id.is_(None)
        )
    )
    closing_stats = results.form_stats([closing.id])[closing.id] if closing else None
    return render_template(
        "impressions/index.html",
        festival=festival,
        page=page,
        comparison=comparison,
        closing=closing,
        closing_stats=closing_stats,
        sort=sort,
        descending=descending,
        q=q,
    )


@bp.post("/forms")
def create_form() -> ResponseReturnValue:
    session = None
    if request.form.get("session_id"):
        session_id = request.form.get("session_id", type=int) or 0
        session = festival_row_or_404(ProgrammeSession, g.festival, session_id)
    try:
        form = services.create_form(g.festival, session)
    except ImpressionError as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("Impression form created with the default questions."), "success")
    return _back_to(form)


@bp.post("/forms/defaults")
def create_missing_forms() -> ResponseReturnValue:
    count = services.create_missing_forms(g.festival)
    db.session.commit()
    flash(
        ngettext("%(num)s impression form created.", "%(num)s impression forms created.", count),
        "success",
    )
    return redirect(url_for(".index"))


# --- one form: settings and questions -----------------------------------------


@bp.route("/forms/<int:form_id>", methods=["GET", "POST"])
def edit_form(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    settings = _settings(form, submitted=request.method == "POST")
    if request.method == "POST":
        if settings.validate_on_submit():
            form.title = required(settings.title.data).strip()
            form.delay_minutes = required(settings.delay_minutes.data)
            form.closes_at = settings.closes_at_utc
            db.session.commit()
            flash(_("Form settings saved."), "success")
            return _back_to(form)
        return _edit_page(form, settings=settings), 422
    return _edit_page(form, settings=settings)


def _settings(form: ImpressionForm, *, submitted: bool) -> FormSettingsForm:
    """The settings form: what was submitted, or the form's current values
    (the closing time shown in the festival's zone)."""
    tz = g.festival.tz
    if submitted:
        return FormSettingsForm(tz=tz, event_ends_at=form.event_ends_at)
    closes = form.closes_at.astimezone(tz).replace(tzinfo=None) if form.closes_at else None
    initial = {"title": form.title, "delay_minutes": form.delay_minutes, "closes_at": closes}
    return FormSettingsForm(formdata=None, data=initial, tz=tz, event_ends_at=form.event_ends_at)


def _edit_page(
    form: ImpressionForm,
    *,
    settings: FormSettingsForm | None = None,
    new_question: QuestionForm | None = None,
) -> str:
    return render_template(
        "impressions/edit.html",
        festival=g.festival,
        form=form,
        settings=settings or _settings(form, submitted=False),
        new_question=new_question or QuestionForm(formdata=None, kind=QuestionKind.RATING.value),
        kind_labels=KIND_LABELS,
        has_responses=services.has_responses(form),
        has_quote=any(q.is_quote for q in form.questions),
    )


@bp.post("/forms/<int:form_id>/delete")
def delete_form(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    if form.sent_at is not None or db.session.scalar(
        db.select(ImpressionInvite.id).where(ImpressionInvite.form_id == form.id).limit(1)
    ):
        flash(_("This form was sent already: it can no longer be deleted."), "error")
        return _back_to(form)
    db.session.delete(form)
    db.session.commit()
    flash(_("Impression form deleted."), "success")
    return redirect(url_for(".index"))


@bp.post("/forms/<int:form_id>/questions")
def add_question(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    question_form = QuestionForm()
    if not question_form.validate_on_submit():
        return _edit_page(form, new_question=question_form), 422
    services.add_question(
        form,
        kind=QuestionKind(question_form.kind.data),
        text=required(question_form.text.data),
        required=question_form.required.data,
        choices=question_form.option_list(),
    )
    db.session.commit()
    flash(_("Question added."), "success")
    return _back_to(form)


@bp.post("/forms/<int:form_id>/questions/quote")
def restore_quote(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    try:
        services.restore_quote_question(form)
    except ImpressionError as error:
        flash(str(error), "error")
        return _back_to(form)
    db.session.commit()
    flash(_("The quote question is back at the end of the form."), "success")
    return _back_to(form)


def _question_or_404(form: ImpressionForm, question_id: int) -> Any:
    question = next((q for q in form.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


@bp.route("/forms/<int:form_id>/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(form_id: int, question_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    question = _question_or_404(form, question_id)
    if request.method == "GET":
        question_form = QuestionForm(
            data={
                "kind": question.kind.value,
                "text": question.text,
                "choices": "\n".join(question.choices),
                "required": question.required,
            }
        )
    else:
        question_form = QuestionForm()
        if question_form.validate_on_submit():
            try:
                services.update_question(
                    question,
                    kind=QuestionKind(question_form.kind.data),
                    text=required(question_form.text.data),
                    required=question_form.required.data,
                    choices=question_form.option_list(),
                )
            except ImpressionError as error:
                add_error(question_form.kind, str(error))
            else:
                db.session.commit()
                flash(_("Question saved."), "success")
                return _back_to(form)
        status = 409 if question_form.kind.errors and not question_form.text.errors else 422
        return _question_page(form, question, question_form), status
    return _question_page(form, question, question_form)


def _question_page(form: ImpressionForm, question: Any, question_form: QuestionForm) -> str:
    return render_template(
        "impressions/question.html",
        festival=g.festival,
        form=form,
        question=question,
        question_form=question_form,
    )


@bp.post("/forms/<int:form_id>/questions/<int:question_id>/move")
def move_question(form_id: int, question_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    question = _question_or_404(form, question_id)
    if services.move_question(question, request.form.get("direction", "")):
        db.session.commit()
    return redirect(url_for(".edit_form", form_id=form.id, _anchor=f"question-{question.id}"))


@bp.post("/forms/<int:form_id>/questions/<int:question_id>/delete")
def delete_question(form_id: int, question_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    services.remove_question(_question_or_404(form, question_id))
    db.session.commit()
    flash(_("Question removed."), "success")
    return _back_to(form)


@bp.get("/forms/<int:form_id>/preview")
def preview(form_id: int) -> ResponseReturnValue:
    """The form as a delegate sees it (nothing can be submitted)."""
    form = _form_or_404(form_id)
    return render_template(
        "impressions/answer.html",
        festival=g.festival,
        form=form,
        answers_form=answer_form(form.questions, formdata=None),
        preview=True,
        closed=False,
        response=None,
    )


# --- sending ------------------------------------------------------------------


@bp.get("/forms/<int:form_id>/invites")
def invites(form_id: int) -> ResponseReturnValue:
    """Who was sent the form, reminded, and who answered."""
    form = _form_or_404(form_id)
    q = request.args.get("q", "").strip()
    answered = request.args.get("answered", "")
    page = paginate(sending.invites_query(form, q, answered))
    responses, messages = sending.invite_details(form, page.items)
    stats = results.form_stats([form.id])[form.id]
    return render_template(
        "impressions/invites.html",
        festival=g.festival,
        form=form,
        page=page,
        responses=responses,
        messages=messages,
        stats=stats,
        q=q,
        answered=answered,
        closed=form.is_closed(),
        moment=_moments(g.festival.tz),
    )


def _moments(tz: tzinfo) -> Callable[[datetime], str]:
    """``|moment(tz)``, written once per instant: the worker sends a form
    to everyone at the same instant, so a page of 50 shares one."""
    return lru_cache(maxsize=None)(lambda value: format_moment(value, tz))


@bp.post("/forms/<int:form_id>/send")
def send_now(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    starts_at = sending.not_started_yet(form)
    if starts_at is not None and request.form.get("confirm_early") != "1":
        # Sent before the session, attendees would be asked about what has
        # not happened: a page (409) asks first, "Send anyway" or "Cancel".
        page = render_template(
            "impressions/confirm_send.html",
            festival=g.festival,
            form=form,
            starts_at=starts_at,
            back=url_for(".invites", form_id=form.id),
        )
        return page, 409
    try:
        count = sending.send_now(form)
    except ImpressionError as error:
        flash(str(error), "error")
        return redirect(url_for(".invites", form_id=form.id))
    db.session.commit()
    if count:
        flash(
            ngettext(
                "The form was sent to %(num)s attendee.",
                "The form was sent to %(num)s attendees.",
                count,
            ),
            "success",
        )
    else:
        flash(_("Every attendee has the form already: nobody new to send it to."), "info")
    return redirect(url_for(".invites", form_id=form.id))


@bp.post("/forms/<int:form_id>/invites/<int:invite_id>/resend")
def resend(form_id: int, invite_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    invite = db.session.get(ImpressionInvite, invite_id)
    if invite is None or invite.form_id != form.id:
        abort(404)
    try:
        sending.resend(invite)
    except ImpressionError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The link was sent again to %(name)s.", name=invite.delegate.list_name), "success")
    return redirect(url_with_args(".invites", form_id=form.id))


# --- results and report -----------------------------------------------------------


@bp.get("/forms/<int:form_id>/results")
def form_results(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    return render_template(
        "impressions/results.html",
        festival=g.festival,
        form=form,
        results=results.form_results(form),
    )


@bp.get("/forms/<int:form_id>/results.csv")
def results_csv(form_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    body = results.results_csv(results.form_results(form))
    filename = f"impressions-{g.festival.slug}-{form.id}.csv"
    return private_download(body.encode("utf-8"), filename, "text/csv")


@bp.route("/forms/<int:form_id>/quotes", methods=["GET", "POST"])
def quotes(form_id: int) -> ResponseReturnValue:
    """Pick the quotes that go in the report, and their order."""
    form = _form_or_404(form_id)
    # "By precedence" numbers the ticked quotes in their authors' order of
    # precedence, whatever the numbers typed.
    by_precedence = request.method == "POST" and "by_precedence" in request.form
    candidates = report.quote_candidates(form, by_precedence=by_precedence)
    if request.method == "POST":
        picked = set(form_ids("picked"))
        positions = {}
        for response in [] if by_precedence else candidates:
            # A position is a number like an id; anything else keeps the current order.
            position = row_id(request.form.get(f"position-{response.id}", "").strip())
            if position is not None:
                positions[response.id] = position
        count = report.save_selection(candidates, picked, positions)
        db.session.commit()
        flash(
            ngettext(
                "%(num)s quote in the report for this event.",
                "%(num)s quotes in the report for this event.",
                count,
            ),
            "success",
        )
        return redirect(url_for(".quotes", form_id=form.id))
    return render_template(
        "impressions/quotes.html",
        festival=g.festival,
        form=form,
        candidates=candidates,
        signature=report.signature,
    )


@bp.post("/forms/<int:form_id>/quotes/<int:response_id>/move")
def move_quote(form_id: int, response_id: int) -> ResponseReturnValue:
    form = _form_or_404(form_id)
    if report.move_quote(
        report.quote_candidates(form), response_id, request.form.get("direction", "")
    ):
        db.session.commit()
    return redirect(url_for(".quotes", form_id=form.id, _anchor=f"quote-{response_id}"))


@bp.get("/report")
def print_report() -> ResponseReturnValue:
    """The printable impressions report (A4)."""
    return render_template(
        "impressions/report.html", festival=g.festival, body=report.report_html(g.festival)
    )
