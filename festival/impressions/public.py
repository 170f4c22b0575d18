"""The delegate's side: ``/impressions/<token>``, the form from the e-mail.

No sign-in: the secret link is the key, and it opens that one person's
response only. The page speaks the delegate's language (unless they picked
another one with the language switch).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from festival.core.dates import format_clock, format_moment
from festival.core.types import utcnow
from festival.extensions import db
from festival.impressions import services
from festival.impressions.forms import answer_form
from festival.impressions.models import ImpressionInvite
from festival.impressions.services import ImpressionError
from festival.reports import services as report_services

bp = Blueprint("impressions", __name__)


@bp.app_template_filter("local_time")
def local_time(value: datetime | None, tz: ZoneInfo, with_date: bool = True) -> str:
    """A time in the festival's zone with the zone (core.dates), since
    delegates read it from many zones; ``with_date=False``: the time only."""
    if not with_date:
        return format_clock(value, tz)
    return format_moment(value, tz, zone=True)


def _locale_for(invite: ImpressionInvite) -> str:
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    locale = invite.delegate.locale
    return locale if locale is not None and locale in languages else languages[0]


@bp.route("/impressions/<token>", methods=["GET", "POST"])
def answer(token: str) -> ResponseReturnValue:
    invite = services.invite_by_token(token)
    if invite is None:
        abort(404)
    with force_locale(_locale_for(invite)):
        response = _answer(invite, token)
    # A private page: no copy in shared caches or the browser's history cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _answer(invite: ImpressionInvite, token: str) -> BaseResponse:
    form = invite.form
    now = utcnow()
    closed = form.is_closed(now)
    existing = services.response_of(invite)
    if request.method == "GET" or closed:
        answers_form = answer_form(
            form.questions,
            existing.answers if existing else None,
            consent=existing.consent_to_quote if existing else False,
            formdata=None,
        )
        status = 200
        if request.method == "POST":
            # Closed while the page was open: say so, and keep nothing.
            flash(_("This form has closed: your changes were not saved."), "error")
            status = 409
        return _page(invite, answers_form, existing, closed=closed, status=status)
    answers_form = answer_form(form.questions)
    if not answers_form.validate_on_submit():
        return _page(invite, answers_form, existing, closed=False, status=422)
    try:
        saved = services.save_response(
            invite,
            answers_form.answers(),
            consent_to_quote=bool(answers_form.has_quote and answers_form.consent_to_quote.data),
            now=now,
        )
    except ImpressionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _page(invite, answers_form, existing, closed=True, status=409)
    if not saved.consent_to_quote:
        # Unticking the box is a withdrawal: off the public report at once.
        report_services.remove_published(saved.id)
    db.session.commit()
    closes = form.effective_closes_at
    if existing is None:
        flash(_("Thank you! Your impressions are saved."), "success")
    else:
        flash(_("Your changes are saved."), "success")
    if closes is not None:
        when = local_time(closes, form.festival.tz)
        flash(_("You can change your answers until %(when)s.", when=when), "info")
    return redirect(url_for("impressions.answer", token=token), 303)


@bp.post("/impressions/<token>/withdraw")
def withdraw_consent(token: str) -> ResponseReturnValue:
    """The author takes back their consent to be quoted, at any time (even
    once the form has closed): the quote leaves the public report at once."""
    invite = services.invite_by_token(token)
    if invite is None:
        abort(404)
    response = services.response_of(invite)
    with force_locale(_locale_for(invite)):
        if response is not None and response.consent_to_quote:
            report_services.withdraw_consent(response)
            db.session.commit()
            flash(_("You withdrew your consent: your sentence will not be published."), "success")
    return redirect(url_for("impressions.answer", token=token), 303)


def _page(
    invite: ImpressionInvite, answers_form, existing, *, closed: bool, status: int
) -> Response:
    form = invite.form
    body = render_template(
        "impressions/answer.html",
        festival=form.festival,
        form=form,
        invite=invite,
        delegate=invite.delegate,
        answers_form=answers_form,
        response=existing,
        closed=closed,
        preview=False,
        format_answer=services.format_answer,
        published=existing is not None and report_services.is_published(existing.id),
    )
    return make_response(body, status)
