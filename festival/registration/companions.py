"""The page where a head of delegation, or a delegate, registers someone
accompanying a delegate (a spouse, an assistant): outside the quota, see
festival.registration.accompanying. A delegate of another city gets a 404."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from festival.extensions import db
from festival.registration import access, accompanying, services
from festival.registration.forms import default_nights, details_form
from festival.registration.models import Delegate, DelegateRole
from festival.registration.public import _festival_args, _render, require_delegate, show_error

bp = Blueprint("companions", __name__)
bp.before_request(require_delegate)

TEMPLATE = "registration/companion_new.html"


def _principal_or_404(delegate_id: int) -> tuple[Delegate, Delegate]:
    """(the delegate to accompany, the signed-in delegate's own record): the
    person themselves or their head; anyone else gets a 404."""
    found = access.visible_delegate(current_user, delegate_id)
    if found is None or not accompanying.can_be_accompanied(found[0]):
        abort(404)
    return found


@bp.route("/my/delegation/members/<int:delegate_id>/accompanying/new", methods=["GET", "POST"])
def new(delegate_id: int) -> ResponseReturnValue:
    """Register an accompanying person of ``delegate_id``."""
    principal, own = _principal_or_404(delegate_id)
    invitation = own.delegation.invitation
    form = details_form(invitation.festival, with_consent=False, third_person=True)
    context = {"form": form, "principal": principal, "accompanying": True}
    if request.method == "GET":
        form.locale.data = principal.locale
        form.role.data = DelegateRole.OTHER.value
        form.needs_room.data = True
        form.shares_room_with.data = principal.full_name
        form.check_in_on.data = principal.check_in_on or default_nights(invitation.festival)[0]
        form.check_out_on.data = principal.check_out_on or default_nights(invitation.festival)[1]
        return _render(TEMPLATE, own, 200, **context)
    if not services.is_open(invitation):
        form.validate()
        error = services.closed_message(invitation)
        return _render(TEMPLATE, own, 409, general_error=error, **context)
    if not form.validate_on_submit():
        return _render(TEMPLATE, own, 422, **context)
    try:
        person = accompanying.add_accompanying(own, principal, form.delegate_values())
    except services.RegistrationError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        general_error = show_error(form, error)
        return _render(TEMPLATE, own, error.status, general_error=general_error, **context)
    name, email, of = person.display_name, person.email, principal.display_name
    db.session.commit()
    flash(
        _(
            "%(name)s is registered as accompanying %(principal)s. We have e-mailed %(email)s "
            "a link to check and confirm their details.",
            name=name,
            principal=of,
            email=email,
        ),
        "success",
    )
    endpoint = "registration.delegation" if own.is_head else "registration.details"
    return redirect(url_for(endpoint, **_festival_args(own)))
