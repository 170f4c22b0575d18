"""Organiser pages: a new edition from the last one (form, preview, confirm)."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.editions import copying
from festival.editions import facets as _facets  # noqa: F401  (the history columns of booths and reports)
from festival.editions.forms import EditionForm
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival
from festival.festivals.services import slug_taken
from festival.festivals.slugs import SLUG_MAX_LENGTH, free_slug, slug_from_name

bp = organiser_blueprint("editions", __name__, "/festivals/<slug>/new-edition")
load_festival_from_url(bp)

# The suggested dates: 52 weeks on, the same weekdays a year later.
NEXT_YEAR = timedelta(weeks=52)


def _suggest(form: EditionForm, source: Festival) -> None:
    """Next year's name, short name and dates, for the organiser to change."""
    year, later = str(source.starts_on.year), str(source.starts_on.year + 1)
    name = source.name.replace(year, later) if year in source.name else f"{source.name} {later}"
    form.name.data = name
    base = slug_from_name(name, SLUG_MAX_LENGTH) or f"festival-{later}"
    form.slug.data = free_slug(base, slug_taken)
    form.starts_on.data = source.starts_on + NEXT_YEAR
    form.ends_on.data = source.ends_on + NEXT_YEAR


def _page(form: EditionForm, plan: copying.CopyPlan | None, status: int) -> ResponseReturnValue:
    return render_template("editions/new.html", festival=g.festival, form=form, plan=plan), status


@bp.route("", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    source = g.festival
    form = EditionForm()
    if request.method == "GET":
        _suggest(form, source)
        return _page(form, None, 200)
    if not form.validate():
        return _page(form, None, 422)
    starts_on, ends_on = required(form.starts_on.data), required(form.ends_on.data)
    try:
        plan = copying.plan_copy(source, starts_on, ends_on)
    except copying.ProgrammeTooLong as error:
        add_error(
            form.ends_on,
            ngettext(
                "The programme of %(name)s runs over %(num)d day, more than the new dates hold.",
                "The programme of %(name)s runs over %(num)d days, more than the new dates hold.",
                error.days,
                name=source.name,
            ),
        )
        return _page(form, None, 422)
    if not form.confirm.data:
        return _page(form, plan, 200)
    try:
        edition = copying.copy_edition(
            source, required(form.name.data), required(form.slug.data), starts_on, ends_on
        )
        db.session.commit()
    except IntegrityError:
        # Another organiser took the short name between the check and the copy.
        db.session.rollback()
        add_error(form.slug, _("Another festival already uses %(slug)s.", slug=form.slug.data))
        return _page(form, plan, 409)
    flash(
        _(
            "%(name)s was created from %(source)s: check its programme, then send the "
            "invitations (they are drafts).",
            name=edition.name,
            source=source.name,
        ),
        "success",
    )
    return redirect(url_for("festivals_admin.overview", slug=edition.slug))
