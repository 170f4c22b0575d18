"""Booths for heads of delegation (apply, confirm a partnership, pick staff,
add images) and for visitors (the list and the floor plan).

The organisers' pages are in :mod:`festival.booths.views`. A head of
delegation reaches only their own city's booth and the booths that name
their city as a partner; anything else is a 404, as if it did not exist.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from festival.booths import floorplan, labels, services
from festival.booths.forms import AnswerForm, BoothForm, ImageForm, StaffForm
from festival.booths.models import Booth, BoothImage, BoothStatus, PartnerStatus
from festival.booths.services import BoothData, BoothError
from festival.core.content import localized
from festival.core.forms import add_error
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.festivals.models import Festival
from festival.programme.delegates import delegate_for_festival
from festival.programme.eligibility import may_attend
from festival.programme.forms import choices
from festival.programme.models import Audience, ProgrammeSession
from festival.registration.models import Delegate

bp = Blueprint("booths", __name__)
load_festival_from_url(bp)

bp.add_app_template_global(labels.status_label, "booth_status_label")
bp.add_app_template_global(labels.partner_label, "booth_partner_label")
bp.add_app_template_global(labels.needs, "booth_needs")
bp.add_app_template_global(labels.stand_label, "booth_stand_label")
bp.add_app_template_global(labels.staff_names, "booth_staff_names")
bp.add_app_template_global(services.confirmed_partner_cities, "booth_partner_cities")


# --- who is asking ------------------------------------------------------------------


def _is_organiser() -> bool:
    return bool(current_user.is_authenticated and current_user.is_organiser)


def _head_or_404() -> Delegate:
    """The signed-in head of delegation at this festival; anyone else gets a 404."""
    delegate = delegate_for_festival(g.festival)
    if delegate is None or not delegate.is_head:
        abort(404)
    return delegate


def _exchange_or_404() -> ProgrammeSession:
    session = services.exchange_session(g.festival)
    if session is None:
        abort(404)
    return session


def _own_booth_or_404(booth_id: int, head: Delegate) -> Booth:
    booth = festival_row_or_404(Booth, g.festival, booth_id)
    if booth.delegation_id != head.delegation_id:
        abort(404)
    return booth


def _visible_exchange_or_404(festival: Festival) -> ProgrammeSession:
    """The exchange event, if this visitor may see its session."""
    session = _exchange_or_404()
    if session.audience == Audience.PUBLIC or _is_organiser():
        return session
    delegate = delegate_for_festival(festival)
    if delegate is not None and may_attend(session, delegate):
        return session
    abort(404)


# --- the head of delegation's page ---------------------------------------------------


@bp.get("/festivals/<slug>/my/booth")
@login_required
def mine() -> ResponseReturnValue:
    """The city's own booth (or the way to apply) and the partnerships it is asked to join."""
    head = _head_or_404()
    session = _exchange_or_404()
    booth = services.booth_of(head.delegation, session)
    requests = services.partner_requests(head.delegation)
    staff_forms = {}
    for item in [*([booth] if booth else []), *(p.booth for p in requests)]:
        if head.delegation_id in services.booth_delegation_ids(item):
            staff_forms[item.id] = _staff_form(item, head)
    return render_template(
        "booths/mine.html",
        festival=g.festival,
        session=session,
        head=head,
        booth=booth,
        requests=requests,
        staff_forms=staff_forms,
        answer_form=AnswerForm(),
        image_form=ImageForm(),
    )


def _partner_choices(head: Delegate) -> list[tuple[int, str]]:
    return [
        (d.id, d.city.name)
        for d in services.festival_delegations(g.festival)
        if d.id != head.delegation_id
    ]


def _data(form: BoothForm) -> BoothData:
    return BoothData(
        title=(form.title.data or "").strip(),
        description=(form.description.data or "").strip(),
        needs_power=bool(form.needs_power.data),
        needs_table=bool(form.needs_table.data),
        needs_tasting=bool(form.needs_tasting.data),
        needs_notes=(form.needs_notes.data or "").strip(),
        partner_ids=list(form.partners.data or []),
    )


@bp.route("/festivals/<slug>/my/booth/apply", methods=["GET", "POST"])
@login_required
def apply() -> ResponseReturnValue:
    """Apply for a booth at the exchange event."""
    head = _head_or_404()
    session = _exchange_or_404()
    # A city that applied already is shown its booth's link; what it types
    # here is refused with a message, and kept on the page.
    existing = services.booth_of(head.delegation, session)
    form = BoothForm()
    form.partners.choices = choices(_partner_choices(head))
    if form.validate_on_submit():
        try:
            services.apply(head.delegation, session, _data(form))
        except BoothError as error:
            db.session.rollback()
            add_error(form.title if existing else form.partners, str(error))
        else:
            db.session.commit()
            flash(_("Your application is sent: the organisers will review it."), "success")
            return redirect(url_for(".mine"))
    return render_template(
        "booths/apply.html",
        festival=g.festival,
        session=session,
        form=form,
        booth=None,
        existing=existing,
    ), (422 if form.errors else 200)


@bp.route("/festivals/<slug>/my/booth/<int:booth_id>/edit", methods=["GET", "POST"])
@login_required
def edit(booth_id: int) -> ResponseReturnValue:
    """Change the project, its partners or its needs."""
    head = _head_or_404()
    booth = _own_booth_or_404(booth_id, head)
    form = BoothForm(obj=booth)
    form.partners.choices = choices(_partner_choices(head))
    if request.method == "GET":
        form.partners.data = [p.delegation_id for p in booth.partners]
    if form.validate_on_submit():
        try:
            services.update(booth, _data(form))
        except BoothError as error:
            db.session.rollback()
            add_error(form.partners, str(error))
        else:
            db.session.commit()
            flash(_("Your booth is saved."), "success")
            return redirect(url_for(".mine"))
    return render_template(
        "booths/apply.html", festival=g.festival, session=booth.session, form=form, booth=booth
    ), (422 if form.errors else 200)


@bp.post("/festivals/<slug>/my/booth/<int:booth_id>/answer")
@login_required
def answer(booth_id: int) -> BaseResponse:
    """A partner city's head confirms or declines the partnership."""
    head = _head_or_404()
    booth = festival_row_or_404(Booth, g.festival, booth_id)
    if not any(p.delegation_id == head.delegation_id for p in booth.partners):
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    services.answer_partner(booth, head.delegation, form.answer.data == "confirm")
    db.session.commit()
    if form.answer.data == "confirm":
        flash(_("You are a partner of this booth: pick who will stand at it."), "success")
    else:
        flash(_("You declined the partnership."), "success")
    return redirect(url_for(".mine"))


def _staff_form(booth: Booth, head: Delegate) -> StaffForm:
    form = StaffForm(prefix=f"b{booth.id}")
    people = services.staff_candidates(head.delegation)
    form.staff.choices = choices((d.id, labels.person_name(d)) for d in people)
    if request.method == "GET":
        form.staff.data = [
            s.delegate_id for s in booth.staff if s.delegate.delegation_id == head.delegation_id
        ]
    return form


@bp.post("/festivals/<slug>/my/booth/<int:booth_id>/staff")
@login_required
def staff(booth_id: int) -> BaseResponse:
    """The people of the head's delegation who stand at the booth."""
    head = _head_or_404()
    booth = festival_row_or_404(Booth, g.festival, booth_id)
    if head.delegation_id not in services.booth_delegation_ids(booth):
        abort(404)
    form = _staff_form(booth, head)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.staff.errors) or _("Please try again."), "error")
        return redirect(url_for(".mine"))
    services.set_staff(booth, head.delegation, form.staff.data or [])
    db.session.commit()
    flash(_("The booth's staff is saved."), "success")
    return redirect(url_for(".mine"))


@bp.post("/festivals/<slug>/my/booth/<int:booth_id>/images")
@login_required
def add_image(booth_id: int) -> ResponseReturnValue:
    head = _head_or_404()
    booth = _own_booth_or_404(booth_id, head)
    form = ImageForm()
    if form.validate_on_submit():
        try:
            services.add_image(
                booth, form.image.data.read(services.MAX_IMAGE_BYTES + 1), form.alt.data or ""
            )
        except BoothError as error:
            db.session.rollback()
            add_error(form.image, str(error))
        else:
            db.session.commit()
            flash(_("The image is added."), "success")
            return redirect(url_for(".mine"))
    errors = [str(e) for e in (*form.image.errors, *form.alt.errors)]
    flash(" ".join(errors) or _("Please try again."), "error")
    return redirect(url_for(".mine"))


@bp.post("/festivals/<slug>/my/booth/<int:booth_id>/images/<int:image_id>/delete")
@login_required
def delete_image(booth_id: int, image_id: int) -> BaseResponse:
    head = _head_or_404()
    booth = _own_booth_or_404(booth_id, head)
    image = next((i for i in booth.images if i.id == image_id), None)
    if image is None:
        abort(404)
    booth.images.remove(image)
    db.session.commit()
    flash(_("The image is removed."), "success")
    return redirect(url_for(".mine"))


# --- visitors --------------------------------------------------------------------


def floor_plan_svg(festival: Festival, booths: list[Booth], link: bool = False) -> Markup:
    """The floor plan with ``booths`` on their stands, for this festival."""
    lang = str(get_locale())
    halls = [
        floorplan.Hall(h.id, h.name, h.row_count, h.column_count) for h in services.halls(festival)
    ]
    placed = {
        (b.hall_id, b.stand): floorplan.Stand(
            localized(b, "title", lang, festival.content_language).text,
            b.delegation.city.name,
            f"#booth-{b.id}" if link else "",
        )
        for b in booths
        if b.hall_id is not None and b.stand is not None
    }
    return floorplan.svg(halls, placed, _("Floor plan: %(festival)s", festival=festival.name))


def booths_for_session(item: ProgrammeSession) -> list[Booth] | None:
    """The accepted booths when ``item`` is its festival's exchange event, else None
    (the session page's booths section, without the programme knowing booths)."""
    if item.type.value != "exchange":
        return None
    exchange = services.exchange_session(item.festival)
    if exchange is None or exchange.id != item.id:
        return None
    return services.accepted_booths(item)


bp.add_app_template_global(booths_for_session, "booths_for_session")


def exchange_for_head(delegate: Delegate) -> ProgrammeSession | None:
    """The exchange event, for the head of delegation's page to offer a booth."""
    if not delegate.is_head:
        return None
    return services.exchange_session(delegate.delegation.festival)


bp.add_app_template_global(exchange_for_head, "booth_exchange_for_head")


@bp.get("/festivals/<slug>/booths")
def index() -> ResponseReturnValue:
    """The exchange event's booths: the floor plan, then each booth."""
    festival = g.festival
    session = _visible_exchange_or_404(festival)
    booths = services.accepted_booths(session)
    return render_template(
        "booths/index.html",
        festival=festival,
        session=session,
        booths=booths,
        plan=floor_plan_svg(festival, booths),
    )


@bp.get("/festivals/<slug>/booths/map.svg")
def map_svg() -> Response:
    """The floor plan alone, to print or to show on a screen at the door."""
    festival = g.festival
    session = _visible_exchange_or_404(festival)
    body = floor_plan_svg(festival, services.accepted_booths(session), link=False)
    return Response(body, mimetype="image/svg+xml")


@bp.get("/festivals/<slug>/booths/images/<int:image_id>")
def image(image_id: int) -> Response:
    """A booth's image: public once the booth is accepted; before, for its cities' heads."""
    row = db.session.get(BoothImage, image_id)
    if row is None or row.booth.festival_id != g.festival.id:
        abort(404)
    booth = row.booth
    if booth.status != BoothStatus.ACCEPTED and not _is_organiser():
        delegate = delegate_for_festival(g.festival)
        mine = (
            delegate is not None
            and delegate.is_head
            and (
                delegate.delegation_id == booth.delegation_id
                or any(
                    p.delegation_id == delegate.delegation_id and p.status != PartnerStatus.DECLINED
                    for p in booth.partners
                )
            )
        )
        if not mine:
            abort(404)
    response = Response(row.data, mimetype=row.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    return response
