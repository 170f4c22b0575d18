"""The delegate's choice of the evening e-mail (blueprint ``changes``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from festival.changes.forms import DigestForm
from festival.extensions import db
from festival.programme.delegates import current_delegate_or_404

bp = Blueprint("changes", __name__)


@bp.post("/my/digest")
@login_required
def digest_preference() -> ResponseReturnValue:
    """Turn the evening e-mail of the next day's plans on or off (any time,
    unlike the details, which close at the deadline)."""
    delegate, _all = current_delegate_or_404(request.args.get("festival"))
    form = DigestForm()
    if form.validate_on_submit():
        delegate.daily_digest = bool(form.daily_digest.data)
        db.session.commit()
        if delegate.daily_digest:
            flash(_("You will get your next day's plans by e-mail each evening."), "success")
        else:
            flash(_("You will no longer get your next day's plans by e-mail."), "success")
    slug = delegate.delegation.festival.slug
    return redirect(url_for("registration.details", festival=slug) + "#digest")
