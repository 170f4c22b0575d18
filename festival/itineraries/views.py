"""Itineraries: the organiser plans each delegation's; a delegate reads their own.

Blueprints: ``itineraries_admin`` (organisers, per festival) and
``itineraries`` (the signed-in delegate's "My itinerary").
"""

from __future__ import annotations

from datetime import time, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from festival.calendar.services import itinerary_version
from festival.core import memo
from festival.core.access import festival_or_404, organiser_blueprint
from festival.core.i18n import format_skeleton
from festival.core.pagination import paginate
from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries import services
from festival.itineraries.forms import ItemForm
from festival.itineraries.labels import item_kind_label
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.delegates import current_delegate_or_404
from festival.programme.forms import ConfirmForm
from festival.programme.times import time_range
from festival.registration.models import Delegation

bp = Blueprint("itineraries", __name__)

# Itineraries kept rendered per process: ~15 KB each, so a few megabytes.
MEMO_ITINERARIES = 500
admin_bp = organiser_blueprint("itineraries_admin", __name__, "/festivals/<slug>/itineraries")

bp.add_app_template_global(item_kind_label, "item_kind_label")


@bp.app_template_global()
def itinerary_when(entry: object, festival: Festival) -> str:
    """ "All day", "All day, until Fri 18 Jun", "14:00" or "10:00–11:30", in the
    festival's zone, for an Entry or an ItineraryItem."""
    tz = festival.tz
    starts_at, ends_at = entry.starts_at, entry.ends_at  # type: ignore[attr-defined]
    if entry.all_day:  # type: ignore[attr-defined]
        end_local = ends_at.astimezone(tz)
        last = end_local.date() - timedelta(days=1 if end_local.time() == time(0) else 0)
        if last > starts_at.astimezone(tz).date():
            day = format_skeleton("MMMEd", last, locale=str(get_locale() or "en"))
            return _("All day, until %(day)s", day=day)
        return _("All day")
    if ends_at == starts_at:
        return f"{starts_at.astimezone(tz):%H:%M}"
    return time_range(starts_at, ends_at, tz)


# --- the delegate ---------------------------------------------------------------


@bp.get("/my/itinerary")
@login_required
def my_itinerary() -> str:
    """One timeline by day: my sessions, my delegation's items and my own."""
    slug = request.args.get("festival") or request.args.get("slug")
    delegate, all_delegates = current_delegate_or_404(slug)
    festival = delegate.delegation.festival

    def render_days() -> str:
        entries = services.itinerary_for(delegate)
        return render_template(
            "itineraries/_days.html",
            festival=festival,
            days=services.entries_by_day(entries, festival),
        )

    # The days are rendered once per version of the itinerary (the same stamp
    # as the personal feed's): a delegate looks at it far more often than it changes.
    key = (delegate.id, str(get_locale()), itinerary_version(delegate))
    return render_template(
        "itineraries/my_itinerary.html",
        festival=festival,
        delegate=delegate,
        all_delegates=all_delegates,
        days_html=Markup(memo.cached("my-itinerary", key, render_days, MEMO_ITINERARIES)),  # noqa: S704  (rendered by Jinja)
    )


# --- the organiser --------------------------------------------------------------


def _delegation_or_404(festival: Festival, delegation_id: int) -> Delegation:
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or delegation.festival_id != festival.id:
        abort(404)
    return delegation


def _item_or_404(delegation: Delegation, item_id: int) -> ItineraryItem:
    item = db.session.get(ItineraryItem, item_id)
    if item is None or item.delegation_id != delegation.id:
        abort(404)
    return item


@admin_bp.get("")
def index(slug: str) -> str:
    """Accepted delegations with how many items their itinerary has, and clashes."""
    festival = festival_or_404(slug)
    q = request.args.get("q", "").strip()[:100]
    page = paginate(services.delegations_query(festival, q))
    ids = [d.id for d in page.items]
    items = services.items_of(ids)
    delegates = services.delegates_of(ids)
    sessions = services.enrolled_spans([d for people in delegates.values() for d in people])
    clashes = {
        delegation_id: len(
            services.delegation_clashes(items.get(delegation_id, []), people, sessions)
        )
        for delegation_id, people in delegates.items()
    }
    return render_template(
        "itineraries/admin/index.html",
        festival=festival,
        page=page,
        q=q,
        item_counts={k: len(v) for k, v in items.items()},
        delegate_counts={k: len(v) for k, v in delegates.items()},
        clashes=clashes,
    )


def _delegation_page(
    festival: Festival, delegation: Delegation, form: ItemForm, status: int = 200
) -> tuple[str, int]:
    delegates = services.delegation_delegates(delegation)
    items = services.delegation_items(delegation)
    sessions = services.enrolled_spans(delegates)
    page = render_template(
        "itineraries/admin/delegation.html",
        festival=festival,
        delegation=delegation,
        delegates=delegates,
        days=services.group_items_by_day(items, festival),
        clashes=services.delegation_clashes(items, delegates, sessions),
        session_counts={d_id: len(s) for d_id, s in sessions.items()},
        form=form,
        confirm=ConfirmForm(),
    )
    return page, status


@admin_bp.get("/<int:delegation_id>")
def delegation(slug: str, delegation_id: int) -> tuple[str, int]:
    festival = festival_or_404(slug)
    delegation = _delegation_or_404(festival, delegation_id)
    form = ItemForm()
    form.set_people(services.delegation_delegates(delegation))
    form.start_date.data = festival.starts_on
    form.kind.data = ItemKind.VISIT.value
    return _delegation_page(festival, delegation, form)


@admin_bp.post("/<int:delegation_id>/items")
def add_item(slug: str, delegation_id: int) -> Response | tuple[str, int]:
    festival = festival_or_404(slug)
    delegation = _delegation_or_404(festival, delegation_id)
    form = ItemForm()
    form.set_people(services.delegation_delegates(delegation))
    if form.validate_on_submit():
        times = form.schedule(festival.tz)
        if times:
            item = services.create_item(delegation, form.values(*times))
            db.session.commit()
            flash(_("“%(title)s” added to the itinerary.", title=item.title), "success")
            return redirect(
                url_for("itineraries_admin.delegation", slug=slug, delegation_id=delegation.id)
                + f"#item-{item.id}"
            )
    return _delegation_page(festival, delegation, form, 422)


@admin_bp.route("/<int:delegation_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(slug: str, delegation_id: int, item_id: int) -> str | Response | tuple[str, int]:
    festival = festival_or_404(slug)
    delegation = _delegation_or_404(festival, delegation_id)
    item = _item_or_404(delegation, item_id)
    form = ItemForm()
    form.set_people(services.delegation_delegates(delegation))
    if request.method == "GET":
        form.fill_from(item, festival.tz)
    elif form.validate_on_submit():
        times = form.schedule(festival.tz)
        if times:
            services.update_item(item, form.values(*times))
            db.session.commit()
            flash(_("“%(title)s” saved.", title=item.title), "success")
            return redirect(
                url_for("itineraries_admin.delegation", slug=slug, delegation_id=delegation.id)
                + f"#item-{item.id}"
            )
    page = render_template(
        "itineraries/admin/edit.html",
        festival=festival,
        delegation=delegation,
        item=item,
        form=form,
    )
    return (page, 422) if request.method == "POST" else page


@admin_bp.post("/<int:delegation_id>/items/<int:item_id>/delete")
def delete_item(slug: str, delegation_id: int, item_id: int) -> Response:
    festival = festival_or_404(slug)
    delegation = _delegation_or_404(festival, delegation_id)
    item = _item_or_404(delegation, item_id)
    if ConfirmForm().validate_on_submit():
        title = item.title
        services.delete_item(item)
        db.session.commit()
        flash(_("“%(title)s” removed from the itinerary.", title=title), "success")
    return redirect(url_for("itineraries_admin.delegation", slug=slug, delegation_id=delegation.id))
