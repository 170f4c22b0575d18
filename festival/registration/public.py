"""The registration page a head of delegation reaches from an accepted invitation.

The invitation view (festival.invitations.public) finds the invitation by
its secret token and, once it is accepted, hands GET and POST of
/invitations/<token> to :func:`registration_page`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user

from festival.auth.services import send_login_link
from festival.core.types import utcnow
from festival.extensions import db
from festival.invitations.models import Invitation
from festival.registration.forms import DetailsForm, default_nights, details_form
from festival.registration.models import DelegateRole
from festival.registration.services import (
    RegistrationError,
    closed_message,
    is_open,
    register_head,
)


def show_error(form: DetailsForm, error: RegistrationError) -> str | None:
    """Put ``error`` at its field; return it when it belongs to the whole form."""
    if error.field and error.field in form._fields:
        form[error.field].errors = list(form[error.field].errors) + [error.message]
        return None
    return error.message


def _prefill(form: DetailsForm, invitation: Invitation) -> None:
    city = invitation.city
    form.full_name.data = city.contact_name or ""
    form.email.data = city.contact_email or ""
    form.role.data = DelegateRole.OFFICIAL.value
    locale = str(get_locale() or "")
    form.locale.data = locale if locale in ("en", "ja", "fr") else city.preferred_language
    form.needs_room.data = True
    form.check_in_on.data, form.check_out_on.data = default_nights(invitation.festival)


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

    form = details_form(festival)
    context = {"invitation": invitation, "festival": festival, "token": token}
    if request.method == "GET":
        _prefill(form, invitation)
        if not is_open(invitation):
            return render_template(
                "registration/register.html",
                form=form,
                closed=closed_message(invitation),
                **context,
            ), 410
        return render_template("registration/register.html", form=form, **context)

    if not is_open(invitation):
        form.validate()
        return render_template(
            "registration/register.html",
            form=form,
            general_error=closed_message(invitation),
            **context,
        ), 409
    if not form.validate_on_submit():
        return render_template("registration/register.html", form=form, **context), 422
    try:
        delegate, new_login = register_head(invitation, form.delegate_values())
    except RegistrationError as error:
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
