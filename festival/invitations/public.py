"""The page a city's contact reaches from the invitation e-mail: /invitations/<token>.

The token is the only credential: it is looked up by its hash and never
logged. Once the invitation is accepted, the same URL is the delegation's
registration page (festival.registration.public).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from festival.core.content import use_content_language
from festival.core.i18n import open_in_language
from festival.extensions import db
from festival.invitations import services
from festival.invitations.forms import AcceptForm, DeclineForm
from festival.invitations.models import Invitation, InvitationStatus
from festival.registration import public as registration

bp = Blueprint("invitations", __name__)

S = InvitationStatus


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def respond(token: str) -> ResponseReturnValue:
    invitation = services.find_by_token(token)
    if invitation is None:
        # Unknown, replaced by a resend, or revoked: all look the same.
        return render_template("invitations/public/not_found.html"), 404
    use_content_language(invitation.festival.content_language)
    if invitation.status == S.ACCEPTED:
        return registration.registration_page(invitation, token)
    # The invitation opens in its own language (the city's), not the
    # browser's; the registration page above is for people with their own.
    open_in_language(invitation.city.preferred_language)
    if services.expire_if_overdue(invitation):
        db.session.commit()
    if invitation.status == S.EXPIRED:
        return render_template("invitations/public/expired.html", invitation=invitation), 410
    if invitation.status == S.DECLINED:
        return render_template("invitations/public/declined.html", invitation=invitation)
    if invitation.status not in services.AWAITING:
        # A draft has no link; anything else is not for the public.
        return render_template("invitations/public/not_found.html"), 404

    accept_form = AcceptForm(prefix="accept")
    decline_form = DeclineForm(prefix="decline")
    if request.method == "POST":
        if accept_form.accept.data and accept_form.validate():
            return _accept(invitation, token)
        if decline_form.decline.data and decline_form.validate():
            return _decline(invitation, token, decline_form.reason.data or "")
        status = 422 if (accept_form.errors or decline_form.errors) else 400
        return _render_open(invitation, accept_form, decline_form, status)

    services.mark_opened(invitation)
    db.session.commit()
    return _render_open(invitation, accept_form, decline_form)


def _render_open(
    invitation: Invitation, accept_form: AcceptForm, decline_form: DeclineForm, status: int = 200
) -> ResponseReturnValue:
    html = render_template(
        "invitations/public/open.html",
        invitation=invitation,
        festival=invitation.festival,
        accept_form=accept_form,
        decline_form=decline_form,
    )
    return html, status


def _accept(invitation: Invitation, token: str) -> ResponseReturnValue:
    try:
        services.accept_invitation(invitation)
    except services.InvitationError:
        db.session.commit()  # keep the expiry it may have recorded
        return redirect(url_for(".respond", token=token))
    db.session.commit()
    flash(_("Thank you: your city will attend. Now register your delegation."), "success")
    return redirect(url_for(".respond", token=token))


def _decline(invitation: Invitation, token: str, reason: str) -> ResponseReturnValue:
    try:
        services.decline_invitation(invitation, reason)
    except services.InvitationError:
        db.session.commit()
        return redirect(url_for(".respond", token=token))
    db.session.commit()
    return redirect(url_for(".respond", token=token))
