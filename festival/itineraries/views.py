"""Itineraries as the organiser plans them, per festival and delegation
(blueprint ``itineraries_admin``).

The delegate reads their own in :mod:`festival.itineraries.public`.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from festival.changes import services as changes
from festival.changes.forms import notify_checked, wants_notify
from festival.core.access import organiser_blueprint
from festival.core.pagination import paginate
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival
from festival.itineraries import services
from festival.itineraries.forms import ItemForm
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.forms import ConfirmForm
from festival.registration.models import Delegation

bp = organiser_blueprint("itineraries_admin", __name__, "/festivals/<slug>/itineraries")
load_festival_from_url(bp)


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


@bp.get("")
def index() -> ResponseReturnValue:
    """Accepted delegations with how many items their itinerary has, and clashes."""
    festival = g.festival
    q = request.args.get("q", "").strip()[:100]
    page = paginate(services.delegations_query(festival, q))
    ids = [d.id for d in page.items]
    # Plain rows of what is counted and compared, not whole items and delegates.
    items = services.item_spans_of(ids)
    delegates = services.active_ids_of(ids)
    sessions = services.enrolled_spans_of(
        [i for people in delegates.values() for i in people], beside_items=True
    )
    clashes = {
        delegation_id: services.clash_count(items.get(delegation_id, []), people, sessions)
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
        active_count=sum(d.status in ACTIVE_STATUSES for d in delegates),
        notify=notify_checked(),
        form=form,
        confirm=ConfirmForm(),
    )
    return page, status


def _told(count: int) -> None:
    if count:
        flash(
            ngettext(
                "%(num)s person will be told by e-mail.",
                "%(num)s people will be told by e-mail.",
                count,
            ),
            "info",
        )


@bp.get("/<int:delegation_id>")
def delegation(delegation_id: int) -> ResponseReturnValue:
    festival = g.festival
    delegation = _delegation_or_404(festival, delegation_id)
    form = ItemForm()
    form.set_people(services.delegation_delegates(delegation))
    form.start_date.data = festival.starts_on
    form.kind.data = ItemKind.VISIT.value
    return _delegation_page(festival, delegation, form)


@bp.post("/<int:delegation_id>/items")
def add_item(delegation_id: int) -> ResponseReturnValue:
    festival = g.festival
    delegation = _delegation_or_404(festival, delegation_id)
    form = ItemForm()
    form.set_people(services.delegation_delegates(delegation))
    if form.validate_on_submit():
        times = form.schedule(festival.tz)
        if times:
            item = services.create_item(delegation, form.values(*times))
            if wants_notify():
                _told(changes.item_changed(item, changes.NEW_ITEM))
            db.session.commit()
            flash(_("“%(title)s” added to the itinerary.", title=item.title), "success")
            return redirect(
                url_for("itineraries_admin.delegation", delegation_id=delegation.id)
                + f"#item-{item.id}"
            )
    return _delegation_page(festival, delegation, form, 422)


@bp.route("/<int:delegation_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
def edit_item(delegation_id: int, item_id: int) -> ResponseReturnValue:
    festival = g.festival
    delegation = _delegation_or_404(festival, delegation_id)
    item = _item_or_404(delegation, item_id)
    form = ItemForm()
    form.set_people(services.delegation_delegates(delegation))
    if request.method == "GET":
        form.fill_from(item, festival.tz)
    elif form.validate_on_submit():
        times = form.schedule(festival.tz)
        if times:
            before = changes.snapshot_item(item)
            services.update_item(item, form.values(*times))
            if wants_notify():
                _told(changes.item_changed(item, before))
            db.session.commit()
            flash(_("“%(title)s” saved.", title=item.title), "success")
            return redirect(
                url_for("itineraries_admin.delegation", delegation_id=delegation.id)
                + f"#item-{item.id}"
            )
    page = render_template(
        "itineraries/admin/edit.html",
        festival=festival,
        delegation=delegation,
        item=item,
        form=form,
        concerned=changes.item_audience(item),
        notify=notify_checked(),
    )
    return (page, 422) if request.method == "POST" else page


@bp.post("/<int:delegation_id>/items/<int:item_id>/delete")
def delete_item(delegation_id: int, item_id: int) -> ResponseReturnValue:
    festival = g.festival
    delegation = _delegation_or_404(festival, delegation_id)
    item = _item_or_404(delegation, item_id)
    if ConfirmForm().validate_on_submit():
        title = item.title
        if wants_notify():
            _told(changes.item_changed(item, changes.snapshot_item(item), deleted=True))
        services.delete_item(item)
        db.session.commit()
        flash(_("“%(title)s” removed from the itinerary.", title=title), "success")
    return redirect(url_for("itineraries_admin.delegation", delegation_id=delegation.id))
