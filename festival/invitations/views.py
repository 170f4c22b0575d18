"""Organiser pages: a festival's invitations, inviting cities, resending, revoking."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from festival.cities.models import City
from festival.cities.reference import country_choices, field_choices
from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.core.limits import row_id
from festival.core.pagination import paginate
from festival.core.view_helpers import MAX_CARRIED_IDS, carried_ids, form_ids, id_args
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.festivals.models import Festival
from festival.invitations import queries, services
from festival.invitations.downloads import invitations_table
from festival.invitations.forms import (
    InviteForm,
    QuotaForm,
    RevokeForm,
    SendForm,
    default_deadline,
)
from festival.invitations.labels import BAR_ORDER, STATUS_LABELS, deadline_text, status_bar
from festival.invitations.models import Invitation, InvitationStatus
from festival.logistics.exports import download
from festival.registration.services import places_taken

bp = organiser_blueprint("invitations_admin", __name__, "/festivals/<slug>/invitations")
load_festival_from_url(bp)

PICKER_PER_PAGE = 100


# Pages and e-mails alike write deadlines with this filter.
bp.add_app_template_filter(deadline_text, "deadline")


def _invitation_or_404(festival: Festival, invitation_id: int) -> Invitation:
    return festival_row_or_404(
        Invitation, festival, invitation_id, sa.orm.joinedload(Invitation.city)
    )


@bp.get("")
def index() -> ResponseReturnValue:
    festival = g.festival
    where = queries.CityFilter.from_args(request.args)
    status = request.args.get("status", "")
    counts = services.status_counts(festival)
    return render_template(
        "invitations/index.html",
        festival=festival,
        counts=counts,
        total=sum(counts.values()),
        bar=status_bar(counts),
        labels=STATUS_LABELS,
        statuses=InvitationStatus,
        legend=BAR_ORDER,
        page=paginate(queries.invitations(festival, where, status)),
        where=where,
        status=status,
        countries=country_choices(queries.invited_countries(festival)),
    )


@bp.get("/download.<fmt>")
def index_download(fmt: str) -> ResponseReturnValue:
    """The list of invitations as CSV or XLSX, with the page's filters (every page)."""
    festival = g.festival
    if fmt not in ("csv", "xlsx"):
        abort(404)
    where = queries.CityFilter.from_args(request.args)
    rows = db.session.scalars(queries.invitations(festival, where, request.args.get("status", "")))
    table = invitations_table(rows, festival.tz, festival.timezone)
    return download([table], fmt, f"{festival.slug}-invitations")


def _render_new(festival: Festival, form: InviteForm, status: int = 200) -> ResponseReturnValue:
    where = queries.CityFilter.from_args(request.args)
    page = db.paginate(
        queries.uninvited_cities(festival, where),
        per_page=PICKER_PER_PAGE,
        max_per_page=PICKER_PER_PAGE,
    )
    selected = carried_ids(form.city_ids.data or [])
    shown = {city.id for city in page.items}
    # Answering a POST (errors): the filter boxes show what was typed in
    # them, applied or not; the list stays under the filter applied.
    typed = where
    if request.method == "POST":
        typed = queries.CityFilter(
            q=request.form.get("q", ""),
            country=request.form.get("country", ""),
            field=request.form.get("field", ""),
            kind=request.form.get("kind", ""),
            past=request.form.get("past", ""),
        )
    html = render_template(
        "invitations/new.html",
        festival=festival,
        form=form,
        page=page,
        where=where,
        typed=typed,
        already_invited=queries.invited_count(festival, where),
        countries=country_choices(queries.city_countries()),
        fields=field_choices(),
        selected=set(selected),
        # Ticked under another filter or page: kept as hidden fields.
        selected_elsewhere=[city_id for city_id in selected if city_id not in shown],
    )
    return html, status


def _move_picker(festival: Festival) -> Response:
    """A filter, a page or "tick every city shown" pressed on the picker: back
    to it by GET with the ticks (and the quota and deadline typed) carried in
    the query string, so nothing ticked or typed is lost, JavaScript or not."""
    navigate = request.form.get("navigate", "")
    ticked = form_ids("city_ids")
    if navigate == "tick_shown":
        ticked += form_ids("shown")
    kept = carried_ids(ticked)
    if len(set(ticked)) > len(kept):
        flash(
            _(
                "Only %(num)s ticked cities can be kept across filters and pages; to invite "
                "more, tick “every city matching the filter”.",
                num=MAX_CARRIED_IDS,
            ),
            "warning",
        )
    page: int | None = None
    if navigate == "filter":
        where = queries.CityFilter.from_args(request.form)
    elif navigate == "clear":
        where = queries.CityFilter()
    else:  # another page, or the ticks of this one: the filter applied stays
        where = queries.CityFilter.from_args(request.args)
        page = row_id(request.form.get("page") or request.args.get("page", ""))
    args: dict[str, Any] = {
        **where.query_args(),
        "page": page if page and page > 1 else None,
        "city": kept,
        "quota": request.form.get("quota", "")[:10] or None,
        "deadline": request.form.get("deadline", "")[:20] or None,
    }
    return redirect(url_for(".new", slug=festival.slug, **args))


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    festival = g.festival
    form = InviteForm(tz=festival.tz)
    if request.method == "GET":
        form.deadline.data = default_deadline(festival)
        # Ticks carried from another filter or page; "Invite" from a city's
        # page arrives with that city ticked.
        form.city_ids.data = carried_ids(id_args("city"))
        for carried in (form.quota, form.deadline):
            if carried.name in request.args:
                carried.process(request.args)
        return _render_new(festival, form)
    if request.form.get("navigate") or "page" in request.form:
        return _move_picker(festival)
    if not form.validate():
        return _render_new(festival, form, 422)
    if form.select_all.data:
        city_ids = queries.uninvited_city_ids(festival, queries.CityFilter.from_args(request.args))
    else:
        city_ids = form.city_ids.data or []
    known = set(db.session.scalars(sa.select(City.id).where(City.id.in_(city_ids))))
    if not known:
        add_error(form.city_ids, _("No city matches: choose at least one city."))
        return _render_new(festival, form, 422)
    try:
        result = services.invite_cities(
            festival,
            known,
            quota=required(form.quota.data),
            deadline=form.deadline_utc(),
            send=not form.save_draft.data,
        )
    except services.AlreadyInvited as error:
        db.session.rollback()
        if error.city_names:
            message = _(
                "Already invited to this festival: %(cities)s. Untick them, or open "
                "their invitations in the list to resend them.",
                cities=", ".join(error.city_names),
            )
        else:
            message = _("Some of these cities were invited a moment ago. Please try again.")
        add_error(form.city_ids, message)
        return _render_new(festival, form, 409)
    db.session.commit()
    _flash_result(result)
    return redirect(url_for(".index", slug=festival.slug))


def _flash_result(result: services.InviteResult) -> None:
    if result.sent:
        flash(
            ngettext(
                "%(num)s invitation sent.",
                "%(num)s invitations sent.",
                result.sent,
            ),
            "success",
        )
    if result.drafts:
        flash(
            ngettext(
                "%(num)s invitation saved as a draft.",
                "%(num)s invitations saved as drafts.",
                result.drafts,
            ),
            "info",
        )
    if result.without_email:
        flash(
            _(
                "No contact e-mail for %(cities)s: saved as drafts. Add an address to the "
                "city, then send the invitation from its page.",
                cities=", ".join(result.without_email),
            ),
            "warning",
        )


def _render_show(
    festival: Festival,
    invitation: Invitation,
    form: SendForm,
    status: int = 200,
    quota_form: QuotaForm | None = None,
) -> ResponseReturnValue:
    delegation = invitation.delegation
    accepted = invitation.status == InvitationStatus.ACCEPTED and delegation is not None
    if accepted and quota_form is None:
        quota_form = QuotaForm(formdata=None, quota=invitation.quota)
    html = render_template(
        "invitations/show.html",
        festival=festival,
        invitation=invitation,
        form=form,
        quota_form=quota_form if accepted else None,
        taken=places_taken(delegation.id) if delegation is not None else None,
        labels=STATUS_LABELS,
        messages=services.messages_for(invitation),
        can_send=invitation.status in services.SENDABLE,
        can_revoke=invitation.status in services.REVOCABLE,
    )
    return html, status


@bp.get("/<int:invitation_id>")
def show(invitation_id: int) -> ResponseReturnValue:
    festival = g.festival
    invitation = _invitation_or_404(festival, invitation_id)
    form = SendForm(tz=festival.tz, quota=invitation.quota)
    form.deadline.data = invitation.deadline.astimezone(festival.tz).replace(tzinfo=None)
    return _render_show(festival, invitation, form)


@bp.post("/<int:invitation_id>/send")
def send(invitation_id: int) -> ResponseReturnValue:
    festival = g.festival
    invitation = _invitation_or_404(festival, invitation_id)
    form = SendForm(tz=festival.tz)
    if not form.validate():
        return _render_show(festival, invitation, form, 422)
    was_draft = invitation.status == InvitationStatus.DRAFT
    try:
        services.send_invitation(invitation, quota=form.quota.data, deadline=form.deadline_utc())
    except services.NoAddress:
        flash(
            _("%(city)s has no contact e-mail: add one first.", city=invitation.city.name),
            "error",
        )
        return _render_show(festival, invitation, form, 409)
    except services.InvitationError:
        db.session.rollback()
        flash(_("This invitation has been answered: it can no longer be sent."), "error")
        return redirect(url_for(".show", slug=festival.slug, invitation_id=invitation_id))
    db.session.commit()
    if was_draft:
        flash(_("Invitation sent to %(city)s.", city=invitation.city.name), "success")
    else:
        flash(
            _(
                "Invitation sent again to %(city)s with a new link; the old link no longer works.",
                city=invitation.city.name,
            ),
            "success",
        )
    return redirect(url_for(".show", slug=festival.slug, invitation_id=invitation_id))


@bp.post("/<int:invitation_id>/quota")
def change_quota(invitation_id: int) -> ResponseReturnValue:
    """An accepted invitation's quota: up, or down to the places taken."""
    festival = g.festival
    invitation = _invitation_or_404(festival, invitation_id)
    form = QuotaForm()
    send_form = SendForm(formdata=None, tz=festival.tz, quota=invitation.quota)
    if invitation.status != InvitationStatus.ACCEPTED:
        flash(_("Only an accepted invitation's quota can be changed here."), "error")
        return redirect(url_for(".show", slug=festival.slug, invitation_id=invitation_id))
    if not form.validate():
        return _render_show(festival, invitation, send_form, 422, quota_form=form)
    try:
        changed = services.change_quota(invitation, required(form.quota.data))
    except services.QuotaBelowTaken as error:
        db.session.rollback()
        add_error(
            form.quota,
            ngettext(
                "The delegation has taken %(num)s place already: the quota cannot be lower.",
                "The delegation has taken %(num)s places already: the quota cannot be lower.",
                error.taken,
            ),
        )
        invitation = _invitation_or_404(festival, invitation_id)
        return _render_show(festival, invitation, send_form, 422, quota_form=form)
    db.session.commit()
    if changed:
        flash(
            ngettext(
                "The quota of %(city)s is now %(num)s place; the delegation is told by e-mail.",
                "The quota of %(city)s is now %(num)s places; the delegation is told by e-mail.",
                invitation.quota,
                city=invitation.city.name,
            ),
            "success",
        )
    return redirect(url_for(".show", slug=festival.slug, invitation_id=invitation_id))


@bp.route("/<int:invitation_id>/revoke", methods=["GET", "POST"])
def revoke(invitation_id: int) -> ResponseReturnValue:
    festival = g.festival
    invitation = _invitation_or_404(festival, invitation_id)
    form = RevokeForm()
    if invitation.status not in services.REVOCABLE:
        flash(_("This invitation can no longer be revoked."), "error")
        return redirect(url_for(".show", slug=festival.slug, invitation_id=invitation_id))
    if form.validate_on_submit():
        try:
            services.revoke_invitation(invitation)
        except services.InvitationError:
            db.session.rollback()
            flash(_("The city answered in the meantime: the invitation was not revoked."), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Invitation to %(city)s revoked: its link no longer works.",
                    city=invitation.city.name,
                ),
                "success",
            )
        return redirect(url_for(".show", slug=festival.slug, invitation_id=invitation_id))
    return render_template(
        "invitations/revoke.html", festival=festival, invitation=invitation, form=form
    )
