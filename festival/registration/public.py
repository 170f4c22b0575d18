"""Registration as delegates see it: the head's registration page and the
delegate's own pages under /my (their delegation, their details, their data).

The head reaches the registration page from an accepted invitation: the
invitation view (festival.invitations.public) finds the invitation by its
secret token and hands GET and POST of /invitations/<token> to
:func:`registration_page`.

Only the person and their head of delegation see a delegate's data under /my
(organisers have their own pages); anyone else gets a 404, so a delegate of
another city cannot even tell that a record exists.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from markupsafe import Markup

from festival.auth.forms import ConfirmForm
from festival.auth.services import send_login_link
from festival.core import memo
from festival.core.i18n import INTERFACE_LANGUAGES
from festival.core.types import utcnow
from festival.core.view_helpers import private_download
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import Invitation
from festival.registration import access, history, services
from festival.registration.airports import search_airports
from festival.registration.export import personal_data
from festival.registration.forms import (
    DeletionForm,
    DetailsForm,
    default_nights,
    details_form,
)
from festival.registration.labels import HELPERS
from festival.registration.models import ACTIVE_STATUSES, Delegate, DelegateRole
from festival.registration.names import default_name_order, split_full_name

bp = Blueprint("registration", __name__)

PUBLIC_ENDPOINTS = {"registration.privacy", "registration.airports"}


@bp.app_context_processor
def registration_helpers() -> dict[str, object]:
    """``registration.role(...)`` and friends, in every template (e-mails too)."""
    return {"registration": HELPERS}


@bp.before_request
def require_delegate() -> ResponseReturnValue | None:
    """Delegates sign in by e-mailed link; organisers go to their own pages."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.request_login_link"))
    if current_user.is_organiser:
        return redirect(url_for("festivals_admin.dashboard"))
    return None


def show_error(form: DetailsForm, error: services.RegistrationError) -> str | None:
    """Put ``error`` at its field; return it when it belongs to the whole form."""
    if error.field and error.field in form._fields:
        form[error.field].errors = list(form[error.field].errors) + [error.message]
        return None
    return error.message


def _own_record() -> Delegate:
    """The signed-in delegate's record: for ``?festival=<slug>``, else the newest."""
    records = access.delegate_records(current_user)
    slug = request.args.get("festival")
    if slug:
        records = [r for r in records if r.delegation.festival.slug == slug]
    if not records:
        abort(404)
    return records[0]


def _head_record() -> Delegate:
    record = _own_record()
    if not record.is_head:
        abort(404)
    return record


def _festival_args(record: Delegate) -> dict[str, Any]:
    """Keep ``?festival=`` on links only for someone in several festivals."""
    slug = request.args.get("festival")
    return {"festival": slug} if slug else {}


def _render(
    template: str, record: Delegate, status: int = 200, **context: object
) -> tuple[str, int]:
    invitation = record.delegation.invitation
    context.setdefault("editable", services.is_open(invitation))
    return render_template(
        template,
        record=record,
        delegation=record.delegation,
        festival=record.delegation.festival,
        invitation=invitation,
        closed=services.closed_message(invitation),
        args=_festival_args(record),
        **context,
    ), status


@bp.get("/my")
def home() -> ResponseReturnValue:
    records = access.delegate_records(current_user)
    if len(records) != 1 and not request.args.get("festival"):
        return render_template("registration/choose.html", records=records)
    record = _own_record()
    endpoint = "registration.delegation" if record.is_head else "registration.details"
    return redirect(url_for(endpoint, **_festival_args(record)))


@bp.get("/my/delegation")
def delegation() -> ResponseReturnValue:
    record = _own_record()
    people = record.delegation.delegates if record.is_head else [record]
    taken = sum(
        1
        for d in record.delegation.delegates
        if d.status in ACTIVE_STATUSES and not d.is_accompanying  # outside the quota
    )
    return _render(
        "registration/delegation.html",
        record,
        people=people,
        taken=taken,
        quota=record.delegation.invitation.quota,
        action_form=ConfirmForm(),
    )


@bp.route("/my/delegation/members/new", methods=["GET", "POST"])
def add_member() -> ResponseReturnValue:
    head = _head_record()
    invitation = head.delegation.invitation
    # The member's whole details form, in one trip: the member confirms later.
    form = details_form(invitation.festival, with_consent=False, third_person=True)
    if request.method == "GET":
        form.locale.data = head.locale
        form.name_order.data = default_name_order(head.delegation.city.country_code).value
        form.role.data = DelegateRole.OFFICIAL.value
        form.needs_room.data = True
        form.check_in_on.data, form.check_out_on.data = default_nights(invitation.festival)
        return _render("registration/member_new.html", head, form=form)
    if not services.is_open(invitation):
        form.validate()
        error = services.closed_message(invitation)
        return _render("registration/member_new.html", head, 409, form=form, general_error=error)
    if not form.validate_on_submit():
        return _render("registration/member_new.html", head, 422, form=form)
    try:
        member = services.add_member(head, form.delegate_values())
    except services.RegistrationError as error:
        db.session.rollback()
        general_error = show_error(form, error)
        return _render(
            "registration/member_new.html",
            head,
            error.status,
            form=form,
            general_error=general_error,
        )
    name, email = member.display_name, member.email
    db.session.commit()
    flash(
        _(
            "%(name)s is added. We have e-mailed %(email)s a link to check and confirm "
            "their details.",
            name=name,
            email=email,
        ),
        "success",
    )
    return redirect(url_for("registration.delegation", **_festival_args(head)))


def _member_or_404(delegate_id: int) -> tuple[Delegate, Delegate]:
    found = access.visible_delegate(current_user, delegate_id)
    if found is None:
        abort(404)
    return found


@bp.route("/my/delegation/members/<int:delegate_id>", methods=["GET", "POST"])
def member(delegate_id: int) -> ResponseReturnValue:
    target, own = _member_or_404(delegate_id)
    if target.id == own.id:
        return redirect(url_for("registration.details", **_festival_args(own)))
    return _details_page(target, own, "registration/member.html", by_self=False)


@bp.route("/my/details", methods=["GET", "POST"])
def details() -> ResponseReturnValue:
    record = _own_record()
    return _details_page(record, record, "registration/details.html", by_self=True)


def _details_page(
    target: Delegate, own: Delegate, template: str, *, by_self: bool
) -> ResponseReturnValue:
    """The details form of ``target``: read-only after the deadline."""
    invitation = target.delegation.invitation
    festival = target.delegation.festival
    form = details_form(festival, with_consent=by_self, third_person=not by_self, with_visa=by_self)
    # What the organisers changed, for the person's own page only.
    changes = history.changes_of(target, organisers_only=True) if by_self else []
    if request.method == "GET":
        form.load(target)
        return _render(template, own, target=target, form=form, changes=changes)
    if not services.is_open(invitation):
        form.validate()
        error = services.closed_message(invitation)
        return _render(
            template, own, 409, target=target, form=form, general_error=error, changes=changes
        )
    if not form.validate_on_submit():
        return _render(template, own, 422, target=target, form=form, changes=changes)
    try:
        awaiting = services.update_details(
            target, form.delegate_values(), by_self=by_self, by=current_user
        )
    except services.RegistrationError as error:
        db.session.rollback()
        general_error = show_error(form, error)
        return _render(
            template,
            own,
            error.status,
            target=target,
            form=form,
            general_error=general_error,
            changes=changes,
        )
    db.session.commit()
    flash(_("Saved. You can change these details until the deadline."), "success")
    if awaiting:
        # The same words whoever the address belongs to.
        flash(
            _(
                "To sign in with %(email)s from now on, follow the link we have e-mailed there. "
                "Until then, you sign in with your current address.",
                email=awaiting,
            ),
            "info",
        )
    if by_self:
        return redirect(url_for("registration.details", **_festival_args(own)))
    return redirect(url_for("registration.delegation", **_festival_args(own)))


@bp.post("/my/delegation/members/<int:delegate_id>/withdraw")
def withdraw(delegate_id: int) -> ResponseReturnValue:
    target, own = _member_or_404(delegate_id)
    if not own.is_head or target.id == own.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_member(own, target)
    except services.RegistrationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("registration.delegation", **_festival_args(own)))
    name = target.display_name
    db.session.commit()
    flash(_("%(name)s is withdrawn; the place is free again.", name=name), "info")
    return redirect(url_for("registration.delegation", **_festival_args(own)))


@bp.post("/my/delegation/members/<int:delegate_id>/resend")
def resend(delegate_id: int) -> ResponseReturnValue:
    target, own = _member_or_404(delegate_id)
    if not own.is_head or target.id == own.id or target.status not in ACTIVE_STATUSES:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.invite_member(target, own)
    email = target.email
    db.session.commit()
    flash(_("A new sign-in link is on its way to %(email)s.", email=email), "info")
    return redirect(url_for("registration.delegation", **_festival_args(own)))


@bp.get("/my/data.json")
def export() -> ResponseReturnValue:
    """Everything we hold about the signed-in delegate, as a JSON download."""
    record = _own_record()
    body = json.dumps(personal_data(record), ensure_ascii=False, indent=2, sort_keys=True)
    filename = f"my-data-{record.delegation.festival.slug}.json"
    return private_download(body, filename, "application/json")


@bp.route("/my/deletion", methods=["GET", "POST"])
def deletion() -> ResponseReturnValue:
    record = _own_record()
    form = DeletionForm()
    if request.method == "POST" and record.deletion_requested_at is None:
        if not form.validate_on_submit():
            return _render("registration/deletion.html", record, 422, form=form)
        access.request_deletion(record, form.reason.data)
        db.session.commit()
        flash(_("Your request is recorded; the organisers have been told."), "success")
        return redirect(url_for("registration.deletion", **_festival_args(record)))
    return _render("registration/deletion.html", record, form=form)


@bp.get("/airports")
def airports() -> ResponseReturnValue:
    """Airports that answer to ``?q=`` (a code, a name or a city), for the
    travel fields' suggestions as you type. Public: the registration form is
    filled before anyone signs in, and the list is public data."""
    typed = (request.args.get("q") or "")[:100]
    found = search_airports(typed, limit=10)
    body = [
        {"code": a.code, "name": a.name, "city": a.city, "country": a.country, "tz": a.tz}
        for a in found
    ]
    response = jsonify(body)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    """The privacy notice the registration form links to."""
    festival = None
    slug = request.args.get("festival")
    if slug:
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == slug))
    return render_template(
        "registration/privacy.html",
        festival=festival,
        languages=current_app.config["LANGUAGES"],
    )


# --- the head registers from an accepted invitation --------------------------------


def _prefill(form: DetailsForm, invitation: Invitation) -> None:
    city = invitation.city
    order = default_name_order(city.country_code, city.preferred_language)
    form.name_order.data = order.value
    form.family_name.data, form.given_names.data = split_full_name(city.contact_name or "", order)
    form.email.data = city.contact_email or ""
    form.role.data = DelegateRole.OFFICIAL.value
    locale = str(get_locale() or "")
    form.locale.data = locale if locale in INTERFACE_LANGUAGES else city.preferred_language
    form.needs_room.data = True
    form.check_in_on.data, form.check_out_on.data = default_nights(invitation.festival)


def _blank_fields(form: DetailsForm, invitation: Invitation) -> Markup:
    """The registration form's fields as first shown (``form`` prefilled by
    :func:`_prefill`, no errors), kept per version of what they are made of:
    the festival (dates), the city (the prefilled contact) and the language.
    Half of the page's time went to rendering its ~30 fields and their menus
    of languages and countries; the CSRF token is outside them."""
    city, festival = invitation.city, invitation.festival
    key = (city.id, city.updated_at, festival.id, festival.updated_at, str(get_locale()))
    html = memo.cached(
        "registration-form",
        key,
        lambda: render_template("registration/_register_fields.html", form=form, festival=festival),
        max_entries=256,
    )
    return Markup(html)  # noqa: S704  (autoescaped template output)


def registration_page(invitation: Invitation, token: str) -> ResponseReturnValue:
    """GET and POST of /invitations/<token> once the invitation is accepted."""
    delegation = invitation.delegation
    if delegation is None:
        abort(404)
    festival = invitation.festival
    head = delegation.head
    if head is not None:
        if current_user.is_authenticated and current_user.id == head.user_id:
            return redirect(url_for("registration.delegation"))
        return render_template(
            "registration/already_registered.html", invitation=invitation, festival=festival
        )

    form = details_form(festival, with_visa=True)
    context = {"invitation": invitation, "festival": festival, "token": token}
    if request.method == "GET":
        _prefill(form, invitation)
        if not services.is_open(invitation):
            return render_template(
                "registration/register.html",
                form=form,
                closed=services.closed_message(invitation),
                **context,
            ), 410
        return render_template(
            "registration/register.html",
            form=form,
            fields=_blank_fields(form, invitation),
            **context,
        )

    if not services.is_open(invitation):
        form.validate()
        return render_template(
            "registration/register.html",
            form=form,
            general_error=services.closed_message(invitation),
            **context,
        ), 409
    if not form.validate_on_submit():
        return render_template("registration/register.html", form=form, **context), 422
    try:
        delegate, new_login = services.register_head(invitation, form.delegate_values())
    except services.RegistrationError as error:
        db.session.rollback()
        general_error = show_error(form, error)
        return render_template(
            "registration/register.html", form=form, general_error=general_error, **context
        ), error.status

    user = delegate.user
    if user is not None and (
        new_login or (current_user.is_authenticated and current_user.id == user.id)
    ):
        user.last_login_at = utcnow()
        db.session.commit()
        login_user(user)
        flash(_("Thank you: you are registered as head of delegation."), "success")
        return redirect(url_for("registration.delegation"))
    # The address already has a login: prove it is yours by the e-mailed link.
    # An address we may not attach (staff, another city) is answered alike,
    # with no link: nothing tells the visitor whose address it is.
    if user is not None:
        send_login_link(user)
    db.session.commit()
    return render_template("registration/check_mail.html", email=delegate.email, **context)
