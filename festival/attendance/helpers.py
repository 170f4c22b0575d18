"""Organiser pages for check-in helpers: accounts that can check people in
at one festival's doors (the door app, festival.attendance.door) and open
nothing else."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from festival.auth.models import User, UserRole
from festival.auth.services import normalise_email, user_by_email
from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival

from .forms import ButtonForm, HelperForm

bp = organiser_blueprint("checkin_helpers", __name__, "/festivals/<slug>/check-in/helpers")
load_festival_from_url(bp)


def create_helper(festival: Festival, email: str, password: str) -> User | None:
    """A new helper for ``festival``, or None when the e-mail has an account."""
    if user_by_email(email) is not None:
        return None
    user = User(email=normalise_email(email), role=UserRole.HELPER, helper_festival_id=festival.id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def _helpers(festival: Festival) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == UserRole.HELPER, User.helper_festival_id == festival.id)
            .order_by(User.email)
        )
    )


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The festival's helpers, and a form to add one."""
    festival = g.festival
    form = HelperForm()
    status = 200
    if form.validate_on_submit():
        email = required(form.email.data)
        if create_helper(festival, email, required(form.password.data)) is not None:
            db.session.commit()
            flash(_("%(email)s can now sign in and check people in.", email=email), "success")
            return redirect(url_for(".index"), code=303)
        add_error(form.email, _("This e-mail already has an account."))
    if form.is_submitted():
        status = 422
    page = render_template(
        "attendance/helpers.html",
        festival=festival,
        helpers=_helpers(festival),
        form=form,
        button_form=ButtonForm(),
    )
    return page, status


@bp.post("/<int:user_id>/switch")
def switch(user_id: int) -> ResponseReturnValue:
    """Turn a helper's account off (a lost phone) or on again."""
    festival = g.festival
    user = db.session.get(User, user_id)
    if user is None or not user.is_helper or user.helper_festival_id != festival.id:
        abort(404)
    user.is_active_flag = not user.is_active_flag
    user.end_sessions()
    db.session.commit()
    return redirect(url_for(".index"), code=303)
