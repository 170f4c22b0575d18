"""Organisers edit a delegate's data; every change goes into the history.

The delegate's own form, with the passport fields and without the consent
box, open after the registration deadline too. The history of the record
(who changed which field, when) shows on the delegate's organiser page;
the delegate sees what the organisers changed on their own details page.
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.access import organiser_blueprint
from festival.delegations import services
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.registration import services as registration
from festival.registration.forms import details_form

bp = organiser_blueprint("delegate_edits", __name__, "/festivals/<slug>")
load_festival_from_url(bp)


@bp.route("/delegates/<int:delegate_id>/edit", methods=["GET", "POST"])
def edit(delegate_id: int) -> ResponseReturnValue:
    """The organisers' form for one delegate's data."""
    festival = g.festival
    person = services.delegate_or_404(festival, delegate_id)
    if person.anonymised_at is not None:
        flash(_("This person's data was removed."), "info")
        return redirect(url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id))
    form = details_form(festival, with_consent=False, third_person=True, with_visa=True)
    form.organiser_view = True
    context = {"festival": festival, "delegate": person, "form": form}
    if request.method == "GET":
        form.load(person)
        return render_template("delegations/edit.html", **context)
    if not form.validate_on_submit():
        return render_template("delegations/edit.html", **context), 422
    try:
        registration.update_details(
            person, form.delegate_values(), by_self=False, by=current_user, by_organiser=True
        )
    except registration.RegistrationError as error:
        db.session.rollback()
        general_error = None
        if error.field and error.field in form._fields:
            form[error.field].errors = list(form[error.field].errors) + [error.message]
        else:
            general_error = error.message
        return render_template(
            "delegations/edit.html", general_error=general_error, **context
        ), error.status
    name = person.display_name
    db.session.commit()
    flash(_("The details of %(name)s are saved.", name=name), "success")
    return redirect(url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id))
