"""Organiser pages: the exchange event, the applications, halls and stands."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from festival.booths import services
from festival.booths.forms import ExchangeForm, HallForm, PlaceForm, ReviewForm
from festival.booths.models import Booth, BoothHall, BoothStatus
from festival.booths.public import floor_plan_svg
from festival.booths.services import BoothError
from festival.core.access import organiser_blueprint
from festival.core.forms import add_error
from festival.core.limits import row_id
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url

bp = organiser_blueprint("booths_admin", __name__, "/festivals/<slug>/booths")
load_festival_from_url(bp)


def _exchange_form() -> ExchangeForm:
    form = ExchangeForm()
    form.set_sessions([(s.id, s.title) for s in services.exchange_candidates(g.festival)])
    return form


def _hall_pairs() -> list[tuple[int, str]]:
    return [(h.id, f"{h.name} (1–{h.stands})") for h in services.halls(g.festival)]


@bp.get("")
def index() -> ResponseReturnValue:
    """The exchange event, every application and the floor plan."""
    festival = g.festival
    session = services.exchange_session(festival)
    exchange_form = _exchange_form()
    if session is not None and request.method == "GET":
        exchange_form.session_id.data = session.id
    booths = services.all_booths(festival)
    accepted = [b for b in booths if b.status == BoothStatus.ACCEPTED]
    return render_template(
        "booths/admin_index.html",
        festival=festival,
        session=session,
        exchange_form=exchange_form,
        booths=booths,
        halls=services.halls(festival),
        hall_form=HallForm(),
        plan=floor_plan_svg(festival, accepted, link=False),
    )


@bp.post("/exchange")
def set_exchange() -> BaseResponse:
    """Choose which session of the programme is the exchange event."""
    form = _exchange_form()
    if form.validate_on_submit() and form.session_id.data is not None:
        session = services.exchange_candidates(g.festival)
        chosen = next((s for s in session if s.id == form.session_id.data), None)
        if chosen is None:
            flash(_("Choose an exchange session of this festival."), "error")
        else:
            try:
                services.set_exchange_session(g.festival, chosen)
            except BoothError as error:
                db.session.rollback()
                flash(str(error), "error")
            else:
                db.session.commit()
                flash(_("The exchange event is set."), "success")
    else:
        flash(_("Choose an exchange session of this festival."), "error")
    return redirect(url_for(".index"))


@bp.post("/halls")
def add_hall() -> ResponseReturnValue:
    """A new hall: rows × stands per row, numbered row by row."""
    form = HallForm()
    if form.validate_on_submit():
        try:
            services.add_hall(
                g.festival,
                (form.name.data or "").strip(),
                form.rows.data or 1,
                form.columns.data or 1,
            )
        except BoothError as error:
            db.session.rollback()
            add_error(form.name, str(error))
        else:
            db.session.commit()
            flash(_("The hall is added."), "success")
            return redirect(url_for(".index"))
    festival = g.festival
    booths = services.all_booths(festival)
    accepted = [b for b in booths if b.status == BoothStatus.ACCEPTED]
    session = services.exchange_session(festival)
    exchange_form = _exchange_form()
    if session is not None:
        exchange_form.session_id.data = session.id
    return render_template(
        "booths/admin_index.html",
        festival=festival,
        session=session,
        exchange_form=exchange_form,
        booths=booths,
        halls=services.halls(festival),
        hall_form=form,
        plan=floor_plan_svg(festival, accepted, link=False),
    ), 422


@bp.post("/halls/<int:hall_id>/delete")
def delete_hall(hall_id: int) -> BaseResponse:
    hall = festival_row_or_404(BoothHall, g.festival, row_id(hall_id) or 0)
    services.delete_hall(hall)
    db.session.commit()
    flash(_("The hall is removed; its booths are no longer placed."), "success")
    return redirect(url_for(".index"))


def _booth_page(
    booth: Booth, review: ReviewForm, place: PlaceForm, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "booths/admin_booth.html",
        festival=g.festival,
        booth=booth,
        review_form=review,
        place_form=place,
    ), status


def _place_form(booth: Booth) -> PlaceForm:
    form = PlaceForm()
    form.set_halls(_hall_pairs())
    if request.method == "GET":
        form.hall_id.data, form.stand.data = booth.hall_id, booth.stand
    return form


@bp.get("/<int:booth_id>")
def show(booth_id: int) -> ResponseReturnValue:
    """One application: the project, its partners and staff; review and placement."""
    booth = festival_row_or_404(Booth, g.festival, row_id(booth_id) or 0)
    review = ReviewForm()
    if booth.status != BoothStatus.PENDING:
        review.decision.data = "accept" if booth.status == BoothStatus.ACCEPTED else "decline"
    review.note.data = booth.review_note
    return _booth_page(booth, review, _place_form(booth))


@bp.post("/<int:booth_id>/review")
def review(booth_id: int) -> ResponseReturnValue:
    booth = festival_row_or_404(Booth, g.festival, row_id(booth_id) or 0)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _booth_page(booth, form, _place_form(booth), 422)
    services.review(booth, form.decision.data == "accept", (form.note.data or "").strip())
    db.session.commit()
    flash(_("The decision is saved."), "success")
    return redirect(url_for(".show", booth_id=booth.id))


@bp.post("/<int:booth_id>/place")
def place(booth_id: int) -> ResponseReturnValue:
    booth = festival_row_or_404(Booth, g.festival, row_id(booth_id) or 0)
    form = _place_form(booth)
    review = ReviewForm(formdata=None, data={"note": booth.review_note})
    if not form.validate_on_submit():
        return _booth_page(booth, review, form, 422)
    hall = None
    if form.hall_id.data is not None:
        hall = festival_row_or_404(BoothHall, g.festival, form.hall_id.data)
        if form.stand.data is None:
            add_error(form.stand, _("Give the stand's number."))
            return _booth_page(booth, review, form, 422)
    try:
        services.place(booth, hall, form.stand.data if hall else None)
    except BoothError as error:
        db.session.rollback()
        add_error(form.stand, str(error))
        return _booth_page(booth, review, form, 422)
    db.session.commit()
    flash(_("The booth's place is saved."), "success")
    return redirect(url_for(".index"))


@bp.get("/map.svg")
def map_svg() -> Response:
    """The floor plan to print, every accepted booth on its stand."""
    festival = g.festival
    accepted = [b for b in services.all_booths(festival) if b.status == BoothStatus.ACCEPTED]
    return Response(floor_plan_svg(festival, accepted, link=False), mimetype="image/svg+xml")


@bp.get("/print")
def print_plan() -> ResponseReturnValue:
    """The floor plan and the list of stands on one printable page."""
    festival = g.festival
    accepted = [b for b in services.all_booths(festival) if b.status == BoothStatus.ACCEPTED]
    if not accepted and not services.halls(festival):
        abort(404)
    return render_template(
        "booths/print.html",
        festival=festival,
        booths=[b for b in accepted if b.hall_id is not None],
        plan=floor_plan_svg(festival, accepted, link=False),
    )
