"""Organiser pages: delegations and delegates, decisions, visa letters.

Organisers only (organiser_blueprint): anonymous visitors sign in first,
delegates get a 404. Every delegate or delegation is looked up within the
festival in the URL, so an id from another festival is a 404 too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from festival.core import memo
from festival.core.access import organiser_blueprint
from festival.core.forms import required
from festival.core.i18n import language_name
from festival.core.limits import row_id
from festival.core.pagination import load_rows, paginate, paginate_by_key, paginate_keys
from festival.core.view_helpers import MAX_CARRIED_IDS, carried_ids, form_ids, id_args
from festival.delegations import letters, roles, services
from festival.delegations.downloads import delegates_table
from festival.delegations.forms import AnonymiseForm, ConfirmForm, DeclineForm
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival
from festival.logistics.airports import airport_name, at_airport
from festival.logistics.exports import download
from festival.logistics.labels import (
    country_name,
    role_label,
    template_helpers,
)
from festival.logistics.queries import planned_hotels
from festival.protocol import precedence
from festival.registration import history
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation

bp = organiser_blueprint("delegations", __name__, "/festivals/<slug>")
load_festival_from_url(bp)

# The query-string arguments of the list of delegates.
LIST_ARGS = {"q", "city", "country", "role", "status", "deletion", "page"}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        **template_helpers(),
        "at_airport": at_airport,
        "airport_name": airport_name,
        "language_name": language_name,
        "roles": list(DelegateRole),
        "statuses": list(DelegateStatus),
    }


@bp.get("/delegations")
def index() -> ResponseReturnValue:
    """The delegations, by city, with how many of their people are confirmed."""
    festival = g.festival
    q = request.args.get("q", "").strip()[:200]
    country = request.args.get("country", "").strip().upper()[:2]
    kind = request.args.get("kind", "").strip()[:20]
    # The order, the countries and the counts are kept per version of the
    # data they read (two small queries); only the page's rows are loaded.
    stamps = precedence.rank_stamps(festival)
    precedence.refresh_ranks(festival, stamps)
    stamp = (stamps.current, services.delegations_stamp(festival))
    if q or country or kind:
        page = paginate(services.delegations_query(festival, q, country, kind))
    else:
        page = paginate_by_key(
            services.delegations_query(festival, ordered=False),
            Delegation.id,
            keys=services.delegation_order(festival, stamp),
        )
    countries = memo.cached(
        "delegation-countries",
        stamp,
        lambda: services.filter_choices(festival)[1],
        max_entries=services.MEMO_ENTRIES,
    )
    return render_template(
        "delegations/index.html",
        festival=festival,
        page=page,
        summaries=services.delegation_summaries(d.id for d in page.items),
        counts=services.status_counts(festival, stamps.current),
        countries=countries,
        q=q,
        country=country,
        kind=kind,
    )


def _options(pairs: Iterable[tuple[object, str]], selected: object) -> Markup:
    """``<option>`` tags for a long select, joined here: a template loop over
    ~1,600 cities cost tens of milliseconds per page."""
    # Plain str formatting of escaped values: Markup.format is several times slower.
    html = "".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
        f"{escape(label)}</option>"
        for value, label in pairs
    )
    return Markup(html)  # noqa: S704  (every value and label escaped above)


@bp.get("/delegates")
def delegates() -> ResponseReturnValue:
    """Every delegate, searchable and filtered, for review and bulk confirmation."""
    festival = g.festival
    filters = services.DelegateFilters.from_args(request.args)
    stamps = precedence.rank_stamps(festival)
    counts = services.status_counts(festival, stamps.current)
    city_options, country_options = _filter_menus(festival, filters)
    query = services.delegates_query(festival, filters, stamps)
    # Unfiltered, the list holds every delegate, in an order kept per stamp.
    order = None if filters.active else services.delegate_order(query, festival, stamps.current)
    page = paginate_keys(query, Delegate.id, keys=order)
    shown = tuple(page.items)
    # Ticks carried from another filter or page (see select_delegates).
    picked = carried_ids(id_args("picked"))

    def render_rows() -> str:
        load_rows(page, query, Delegate.id)
        return render_template(
            "delegations/_delegate_rows.html",
            festival=festival,
            items=page.items,
            filters=filters,
            picked=set(picked),
        )

    # With nobody ticked, the rows are the same for every organiser: kept
    # per version of the people shown (half of the page's time at 10x).
    rows = (
        render_rows()
        if picked
        else services.delegate_rows(festival, stamps, shown, filters.active, render_rows)
    )
    return render_template(
        "delegations/delegates.html",
        festival=festival,
        page=page,
        rows=Markup(rows),  # noqa: S704  (autoescaped template output)
        filters=filters,
        city_options=city_options,
        country_options=country_options,
        counts=counts,
        picked_elsewhere=[i for i in picked if i not in shown],
    )


@bp.get("/delegates.<fmt>")
def delegates_download(fmt: str) -> ResponseReturnValue:
    """The list of delegates as CSV or XLSX, with the page's filters (every page)."""
    festival = g.festival
    if fmt not in ("csv", "xlsx"):
        abort(404)
    filters = services.DelegateFilters.from_args(request.args)
    people = db.session.scalars(services.delegates_query(festival, filters))
    # Passport data leaves the app only when the organiser ticks the box for it.
    with_passports = request.args.get("passports") == "1"
    table = delegates_table(people, festival.tz, festival.timezone, with_passports=with_passports)
    return download([table], fmt, f"{festival.slug}-delegates")


@bp.post("/delegates/select")
def select_delegates() -> ResponseReturnValue:
    """A filter, a page or "tick every pending delegate shown" pressed above
    the list: back to it by GET with the ticks carried in the query string
    (``picked``), so none is lost, JavaScript or not."""
    festival = g.festival
    navigate = request.form.get("navigate", "")
    ticked = form_ids("delegate")
    if navigate == "tick_shown":
        ticked += form_ids("shown")
    kept = carried_ids(ticked)
    if len(set(ticked)) > len(kept):
        flash(
            _(
                "Only %(num)s ticked delegates can be kept across filters and pages.",
                num=MAX_CARRIED_IDS,
            ),
            "warning",
        )
    args: dict[str, Any]
    if navigate == "filter":
        args = services.DelegateFilters.from_args(request.form).query_args()
    elif navigate == "clear":
        args = {}
    else:  # another page, or the ticks of this one: the filter applied stays
        back = dict(parse_qsl(request.form.get("back", "").lstrip("?")))
        args = services.DelegateFilters.from_args(back).query_args()
        page = row_id(request.form.get("page") or back.get("page", ""))
        if page and page > 1:
            args["page"] = page
    return redirect(url_for("delegations.delegates", slug=festival.slug, picked=kept, **args))


def _filter_menus(festival: Festival, filters: services.DelegateFilters) -> tuple[Markup, Markup]:
    """The city and country menus above the list (a city per delegation:
    ~1,600 options at ten times the usual size), made once per version of
    the delegations and language, not on every page view."""

    def make() -> tuple[Markup, Markup]:
        cities, countries = services.filter_choices(festival)
        return (
            _options(cities, filters.city),
            _options(((c, country_name(c)) for c in countries), filters.country),
        )

    key = (
        services.filter_choices_stamp(festival),
        str(get_locale()),
        filters.city,
        filters.country,
    )
    return memo.cached("delegate-filter-menus", key, make)


@bp.post("/delegates/confirm")
def bulk_confirm() -> ResponseReturnValue:
    """Confirm the pending delegates ticked in the list."""
    festival = g.festival
    # CSRF is checked app-wide (CSRFProtect); the ticked ids are all there is to read.
    ids = form_ids("delegate")
    if not ids:
        flash(_("Tick the delegates to confirm first."), "warning")
    else:
        count = services.bulk_confirm(festival, ids)
        db.session.commit()
        flash(
            ngettext(
                "%(num)s delegate confirmed and told by e-mail.",
                "%(num)s delegates confirmed and told by e-mail.",
                count,
            ),
            "success",
        )
    # Back to the list as it was filtered; only the list's own arguments.
    back = dict(parse_qsl(request.form.get("back", "").lstrip("?")))
    kept: dict[str, Any] = {k: v for k, v in back.items() if k in LIST_ARGS}
    return redirect(url_for("delegations.delegates", slug=festival.slug, **kept))


@bp.get("/delegations/<int:delegation_id>")
def delegation(delegation_id: int) -> ResponseReturnValue:
    """One delegation: its people, their travel, needs and rooms."""
    festival = g.festival
    group = services.delegation_or_404(festival, delegation_id)
    return render_template(
        "delegations/delegation.html",
        festival=festival,
        delegation=group,
        city=group.city,
        planned=planned_hotels(group.id, [d.id for d in group.delegates]),
    )


def _delegate_page(
    festival: Festival,
    delegate: Delegate,
    confirm_form: ConfirmForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
    anonymise_form: AnonymiseForm | None = None,
) -> tuple[str, int]:
    return (
        render_template(
            "delegations/delegate.html",
            festival=festival,
            delegate=delegate,
            city=delegate.delegation.city,
            planned=planned_hotels(delegate.delegation_id, [delegate.id]),
            changes=history.changes_of(delegate),
            confirm_form=confirm_form or ConfirmForm(prefix="confirm", formdata=None),
            decline_form=decline_form or DeclineForm(prefix="decline", formdata=None),
            anonymise_form=anonymise_form or AnonymiseForm(prefix="anonymise", formdata=None),
        ),
        status,
    )


@bp.get("/delegates/<int:delegate_id>")
def delegate(delegate_id: int) -> ResponseReturnValue:
    """One delegate's registration, with the confirm and decline forms."""
    festival = g.festival
    return _delegate_page(festival, services.delegate_or_404(festival, delegate_id))


@bp.post("/delegates/<int:delegate_id>/confirm")
def confirm(delegate_id: int) -> ResponseReturnValue:
    festival = g.festival
    person = services.delegate_or_404(festival, delegate_id)
    form = ConfirmForm(prefix="confirm")
    if not form.validate_on_submit():
        return _delegate_page(festival, person, confirm_form=form, status=422)
    try:
        changed = services.confirm(person, festival, form.message.data)
    except services.DecisionError:
        flash(
            _("This registration was cancelled by the delegate: it cannot be confirmed."), "error"
        )
        return _delegate_page(festival, person, status=409)
    db.session.commit()
    if changed:
        flash(_("%(name)s is confirmed and told by e-mail.", name=person.display_name), "success")
    else:
        flash(_("%(name)s was already confirmed.", name=person.display_name), "info")
    return redirect(_back_to(festival, person))


@bp.post("/delegates/<int:delegate_id>/decline")
def decline(delegate_id: int) -> ResponseReturnValue:
    festival = g.festival
    person = services.delegate_or_404(festival, delegate_id)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return _delegate_page(festival, person, decline_form=form, status=422)
    try:
        changed = services.decline(person, festival, required(form.reason.data))
    except services.DecisionError:
        flash(_("This registration was cancelled by the delegate: nothing to decline."), "error")
        return _delegate_page(festival, person, status=409)
    db.session.commit()
    if changed:
        flash(_("%(name)s is declined and told by e-mail.", name=person.display_name), "success")
    return redirect(url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id))


@bp.post("/delegates/<int:delegate_id>/anonymise")
def anonymise(delegate_id: int) -> ResponseReturnValue:
    """Delete one person's personal data now (e.g. they asked for it)."""
    festival = g.festival
    person = services.delegate_or_404(festival, delegate_id)
    if person.anonymised_at is not None:
        flash(_("This person's data was already removed."), "info")
        return redirect(url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id))
    form = AnonymiseForm(prefix="anonymise")
    if not form.validate_on_submit():
        return _delegate_page(festival, person, anonymise_form=form, status=422)
    services.anonymise(person, festival)
    db.session.commit()
    flash(_("The personal data was removed and the person told by e-mail."), "success")
    return redirect(url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id))


def _back_to(festival: Festival, person: Delegate) -> str:
    """Where a decision returns: the delegation page when it came from there."""
    if request.form.get("from") == "delegation":
        return url_for(
            "delegations.delegation", slug=festival.slug, delegation_id=person.delegation_id
        )
    return url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id)


# -- changes of role -----------------------------------------------------------


@bp.get("/role-changes")
def role_changes() -> ResponseReturnValue:
    """The changes of role delegates proposed, waiting for an organiser's decision."""
    festival = g.festival
    counts = services.status_counts(festival)
    return render_template(
        "delegations/role_changes.html",
        festival=festival,
        page=paginate(roles.role_changes_query(festival), total=counts["role_changes"]),
        counts=counts,
    )


@bp.post("/role-changes/<int:delegate_id>/approve")
def approve_role(delegate_id: int) -> ResponseReturnValue:
    """The proposed role becomes the confirmed one; the delegate is told."""
    return _decide_role(delegate_id, approve=True)


@bp.post("/role-changes/<int:delegate_id>/refuse")
def refuse_role(delegate_id: int) -> ResponseReturnValue:
    """The role goes back to the confirmed one; the delegate is told."""
    return _decide_role(delegate_id, approve=False)


def _decide_role(delegate_id: int, *, approve: bool) -> Response:
    festival = g.festival
    person = services.delegate_or_404(festival, delegate_id)
    # CSRF is checked app-wide (CSRFProtect); the form carries the role the
    # organiser read, so a proposal changed since is not decided unseen.
    seen = request.form.get("role")
    decide = roles.approve if approve else roles.refuse
    if not decide(person, festival, seen):
        flash(
            _(
                "The change of role of %(name)s was decided or changed meanwhile: "
                "here is the list as it is now.",
                name=person.display_name,
            ),
            "info",
        )
    else:
        name, role = person.display_name, role_label(person.confirmed_role)
        db.session.commit()
        if approve:
            flash(
                _("%(name)s is now %(role)s and told by e-mail.", name=name, role=role), "success"
            )
        else:
            flash(
                _("%(name)s stays %(role)s and is told by e-mail.", name=name, role=role), "success"
            )
    return redirect(url_for("delegations.role_changes", slug=festival.slug))


# -- visa letters --------------------------------------------------------------


@bp.get("/delegates/<int:delegate_id>/visa-letter")
def visa_letter(delegate_id: int) -> ResponseReturnValue:
    """A visa invitation letter for one confirmed delegate, ready to print as A4."""
    festival = g.festival
    person = services.delegate_or_404(festival, delegate_id)
    why_not = letters.problem(person)
    return (
        render_template(
            "delegations/visa_letters.html",
            letters=[] if why_not else letters.render_letters(festival, [person]),
            problem=why_not,
            back=url_for("delegations.delegate", slug=festival.slug, delegate_id=person.id),
            **letters.letter_context(festival),
        ),
        409 if why_not else 200,
    )


@bp.get("/delegations/<int:delegation_id>/visa-letters")
def visa_letters(delegation_id: int) -> ResponseReturnValue:
    """The letters of every confirmed member of a delegation, one page each."""
    festival = g.festival
    group = services.delegation_or_404(festival, delegation_id)
    issued = [d for d in group.delegates if not letters.problem(d)]
    skipped = [d for d in group.delegates if letters.problem(d)]
    return render_template(
        "delegations/visa_letters.html",
        letters=letters.render_letters(festival, issued),
        skipped=skipped,
        back=url_for("delegations.delegation", slug=festival.slug, delegation_id=group.id),
        **letters.letter_context(festival),
    )
