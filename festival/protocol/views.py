"""Organiser pages: the order of precedence and why, city readings and
places, per-person overrides, a session's speaking order, photo line-up
and seating plan (with its SVG and place cards).

Organisers only (organiser_blueprint); every person, city and session is
looked up within the festival in the URL, so another festival's is a 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from festival.cities.models import City
from festival.core.access import organiser_blueprint
from festival.core.forms import add_error, required
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.programme.models import ProgrammeSession
from festival.programme.times import time_range
from festival.protocol import drawings, labels, lineups, precedence, seating
from festival.protocol.forms import (
    CityForm,
    MoveForm,
    OverrideForm,
    PlanForm,
    SettingsForm,
    SlotForm,
    SwapForm,
)
from festival.protocol.models import (
    CityProtocol,
    EqualRankRule,
    LayoutKind,
    PrecedenceOverride,
    TableShape,
)
from festival.registration.models import Delegate, DelegateRole, Delegation

bp = organiser_blueprint("protocol", __name__, "/festivals/<slug>/protocol")
load_festival_from_url(bp)

TABLES_PER_PAGE = 30

# A guest's seat on their itinerary page ("Table 3, seat 5").
bp.add_app_template_global(labels.seat_label, "seat_label")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "person_name": labels.person_name,
        "card_lines": labels.card_lines,
        "class_label": labels.class_label,
        "rule_label": labels.rule_label,
        "table_label": labels.table_label,
        "seat_label": labels.seat_label,
        "diet_text": labels.diet_text,
        "time_range": time_range,
    }


# --- precedence ---------------------------------------------------------------


def _settings_form(formdata: Any = None) -> SettingsForm:
    festival = g.festival
    settings = precedence.current_settings(festival)
    form = SettingsForm(formdata, obj=settings)
    mayors = db.session.execute(
        sa.select(Delegate.id, Delegate.full_name)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegation.festival_id == festival.id, Delegate.confirmed_role == DelegateRole.MAYOR)
        .order_by(Delegate.full_name)
    )
    form.set_choices(
        sorted(set(festival.languages or []) | {"ja", "en", "fr"}),
        [(r.id, labels.person_name(r)) for r in mayors],
    )
    return form


@bp.get("")
def index() -> ResponseReturnValue:
    """The order of precedence, printable, with why each person stands there."""
    festival = g.festival
    return render_template(
        "protocol/index.html",
        festival=festival,
        standings=precedence.standings(festival),
        settings=precedence.current_settings(festival),
        form=_settings_form(),
    )


@bp.post("/settings")
def settings() -> ResponseReturnValue:
    festival = g.festival
    form = _settings_form(request.form)
    if not form.validate():
        return render_template(
            "protocol/index.html",
            festival=festival,
            standings=precedence.standings(festival),
            settings=precedence.current_settings(festival),
            form=form,
        ), 400
    row = precedence.settings_for(festival)
    host = form.host_delegate_id.data
    if host is not None:
        precedence_person(host)  # a 404 for someone else's delegate
    row.rule = EqualRankRule(form.rule.data)
    row.language = required(form.language.data)
    row.host_delegate_id = host
    precedence.bump(festival)
    db.session.commit()
    flash(_("The order of precedence was updated."), "success")
    return redirect(url_for(".index"))


def precedence_person(delegate_id: int) -> Delegate:
    """The festival's delegate with this id, or a 404."""
    delegate = db.session.scalar(
        sa.select(Delegate)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegate.id == delegate_id, Delegation.festival_id == g.festival.id)
    )
    if delegate is None:
        abort(404)
    return delegate


@bp.route("/people/<int:delegate_id>", methods=["GET", "POST"])
def person(delegate_id: int) -> ResponseReturnValue:
    """One person's override: another class, a place within it, and why."""
    festival = g.festival
    delegate = precedence_person(delegate_id)
    row = db.session.scalar(
        sa.select(PrecedenceOverride).where(PrecedenceOverride.delegate_id == delegate.id)
    )
    form = OverrideForm(obj=row)
    if form.validate_on_submit():
        if form.rank_class.data is None and form.position.data is None and not form.note.data:
            if row is not None:
                db.session.delete(row)
        else:
            if row is None:
                row = PrecedenceOverride(festival_id=festival.id, delegate_id=delegate.id)
                db.session.add(row)
            row.rank_class = form.rank_class.data
            row.position = form.position.data
            row.note = form.note.data or ""
        precedence.bump(festival)
        db.session.commit()
        flash(_("%(name)s: precedence saved.", name=labels.person_name(delegate)), "success")
        return redirect(url_for(".index") + f"#p{delegate.id}")
    status = 400 if form.errors else 200
    return render_template(
        "protocol/person.html", festival=festival, delegate=delegate, form=form
    ), status


@bp.get("/cities")
def cities() -> ResponseReturnValue:
    """The festival's cities: their name and reading in the host's script and manual places."""
    festival = g.festival
    rows = db.session.execute(
        sa.select(City, CityProtocol)
        .join(Delegation, Delegation.city_id == City.id)
        .outerjoin(
            CityProtocol,
            sa.and_(CityProtocol.city_id == City.id, CityProtocol.festival_id == festival.id),
        )
        .where(Delegation.festival_id == festival.id)
        .order_by(CityProtocol.manual_position.is_(None), CityProtocol.manual_position, City.name)
    ).all()
    return render_template("protocol/cities.html", festival=festival, rows=rows)


@bp.route("/cities/<int:city_id>", methods=["GET", "POST"])
def city(city_id: int) -> ResponseReturnValue:
    festival = g.festival
    found = db.session.scalar(
        sa.select(City)
        .join(Delegation, Delegation.city_id == City.id)
        .where(City.id == city_id, Delegation.festival_id == festival.id)
    )
    if found is None:
        abort(404)
    row = db.session.scalar(
        sa.select(CityProtocol).where(
            CityProtocol.city_id == found.id, CityProtocol.festival_id == festival.id
        )
    )
    form = CityForm(obj=row)
    if form.validate_on_submit():
        if row is None:
            row = CityProtocol(festival_id=festival.id, city_id=found.id)
            db.session.add(row)
        row.local_name = (form.local_name.data or "").strip() or None
        row.reading = (form.reading.data or "").strip() or None
        row.manual_position = form.manual_position.data
        precedence.bump(festival)
        db.session.commit()
        flash(_("%(city)s saved.", city=found.name), "success")
        return redirect(url_for(".cities"))
    status = 400 if form.errors else 200
    return render_template("protocol/city.html", festival=festival, city=found, form=form), status


# --- sessions: speaking order and photo line-up ---------------------------------------


def _session(session_id: int) -> ProgrammeSession:
    return festival_row_or_404(ProgrammeSession, g.festival, session_id)


@bp.get("/sessions")
def sessions() -> ResponseReturnValue:
    festival = g.festival
    rows = db.session.scalars(
        sa.select(ProgrammeSession)
        .where(ProgrammeSession.festival_id == festival.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    ).all()
    return render_template("protocol/sessions.html", festival=festival, sessions=rows)


@bp.route("/sessions/<int:session_id>/speaking", methods=["GET", "POST"])
def speaking(session_id: int) -> ResponseReturnValue:
    """The printable running order: one slot per principal, by precedence."""
    festival = g.festival
    session = _session(session_id)
    row = lineups.speaking_settings(festival, session)
    form = SlotForm(obj=row)
    if form.validate_on_submit():
        row.slot_minutes = required(form.slot_minutes.data)
        row.offset_minutes = required(form.offset_minutes.data)
        db.session.add(row)
        db.session.commit()
        flash(_("The running order was updated."), "success")
        return redirect(url_for(".speaking", session_id=session.id))
    slots = lineups.running_order(
        lineups.principals(festival, session),
        session.starts_at,
        session.ends_at,
        row.slot_minutes,
        row.offset_minutes,
    )
    status = 400 if form.errors else 200
    return render_template(
        "protocol/speaking.html", festival=festival, session=session, form=form, slots=slots
    ), status


def _lineup(session: ProgrammeSession) -> list[precedence.Standing]:
    return lineups.photo_lineup(lineups.principals(g.festival, session))


@bp.get("/sessions/<int:session_id>/photo")
def photo(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    return render_template(
        "protocol/photo.html", festival=g.festival, session=session, lineup=_lineup(session)
    )


@bp.get("/sessions/<int:session_id>/photo.svg")
def photo_svg(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    svg = drawings.lineup_svg(
        _lineup(session),
        _("Photo line-up: %(title)s", title=session.title),
        _("As the camera sees it; the number is the order of precedence; the host at the centre."),
    )
    return Response(svg, mimetype="image/svg+xml")


# --- seating -------------------------------------------------------------------------


def _plan(session: ProgrammeSession) -> Any:
    plan = seating.plan_of(session)
    if plan is None:
        abort(404)
    return plan


def _options(people: list[tuple[int, str]]) -> Markup:
    """``<option>`` tags joined here: thousands of guests, one string."""
    html = "".join(f'<option value="{i}">{escape(name)}</option>' for i, name in people)
    return Markup(html)  # noqa: S704  (every name escaped above)


def _seating_page(session: ProgrammeSession, **forms: Any) -> str:
    festival = g.festival
    plan = seating.plan_of(session)
    context: dict[str, Any] = {"festival": festival, "session": session, "plan": plan}
    if plan is None:
        context["plan_form"] = forms.get("plan_form") or PlanForm(
            head_seats=10, count=5, seats=8, formdata=None
        )
        return render_template("protocol/seating_new.html", **context)
    count, seats, seated = seating.table_count(plan)
    pages = max(1, -(-count // TABLES_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    first = (page - 1) * TABLES_PER_PAGE + 1
    views = seating.plan_tables(plan, range(first, first + TABLES_PER_PAGE))
    unseated = seating.unseated_guests(festival, plan)
    on_page = [(g_.person.id, labels.person_name(g_.person)) for v in views for g_ in v.guests]
    choices = on_page + [(p.id, labels.person_name(p)) for p in unseated]
    context.update(
        tables=views,
        counts=(count, seats, seated),
        page=page,
        pages=pages,
        unseated=unseated,
        guest_options=_options(choices),
        seated_options=_options(on_page),
        move_form=forms.get("move_form") or MoveForm(formdata=None),
        swap_form=forms.get("swap_form") or SwapForm(formdata=None),
        plan_form=forms.get("plan_form")
        or PlanForm(formdata=None, obj=None, head_seats=10, count=5, seats=8),
    )
    return render_template("protocol/seating.html", **context)


@bp.get("/sessions/<int:session_id>/seating")
def seating_plan(session_id: int) -> ResponseReturnValue:
    return _seating_page(_session(session_id))


@bp.post("/sessions/<int:session_id>/seating")
def create_plan(session_id: int) -> ResponseReturnValue:
    """Make (or make anew) the session's tables, then seat the guests."""
    festival = g.festival
    session = _session(session_id)
    form = PlanForm()
    if not form.validate():
        return _seating_page(session, plan_form=form), 400
    plan = seating.create_plan(
        festival,
        session,
        layout=LayoutKind(form.layout.data),
        head_shape=TableShape(form.head_shape.data),
        head_seats=required(form.head_seats.data),
        count=required(form.count.data),
        shape=TableShape(form.shape.data),
        seats=required(form.seats.data),
        mix=bool(form.mix.data),
    )
    _report_unseated(seating.auto_place(festival, plan))
    db.session.commit()
    return redirect(url_for(".seating_plan", session_id=session.id))


def _report_unseated(unseated: list[int]) -> None:
    if unseated:
        flash(
            ngettext(
                "Guests were placed; %(num)s guest found no seat: add tables or seats.",
                "Guests were placed; %(num)s guests found no seat: add tables or seats.",
                len(unseated),
            ),
            "warning",
        )
    else:
        flash(_("Every guest was placed by precedence."), "success")


@bp.post("/sessions/<int:session_id>/seating/auto")
def auto_place(session_id: int) -> ResponseReturnValue:
    """Seat everyone anew by precedence (hand changes are replaced)."""
    session = _session(session_id)
    _report_unseated(seating.auto_place(g.festival, _plan(session)))
    db.session.commit()
    return redirect(url_for(".seating_plan", session_id=session.id))


_SEATING_ERRORS = {
    "guest": lambda: _("This person is not a guest of the session (or has no seat)."),
    "table": lambda: _("There is no table or row with this number."),
    "seat": lambda: _("There is no seat with this number at that table."),
    "swap": lambda: _("Pick two different guests who both have a seat."),
}


@bp.post("/sessions/<int:session_id>/seating/move")
def move(session_id: int) -> ResponseReturnValue:
    """Put a guest in a seat; whoever sat there takes the guest's old seat."""
    session = _session(session_id)
    plan = _plan(session)
    form = MoveForm()
    if form.validate():
        try:
            seating.move(
                plan,
                required(form.delegate_id.data),
                required(form.table.data),
                required(form.seat.data),
            )
        except seating.SeatingError as error:
            field = {"guest": form.delegate_id, "table": form.table}.get(str(error), form.seat)
            add_error(field, _SEATING_ERRORS[str(error)]())
        else:
            db.session.commit()
            flash(_("Seat changed."), "success")
            return redirect(
                url_for(".seating_plan", session_id=session.id, page=request.args.get("page"))
            )
    db.session.rollback()
    return _seating_page(session, move_form=form), 400


@bp.post("/sessions/<int:session_id>/seating/swap")
def swap(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    plan = _plan(session)
    form = SwapForm()
    if form.validate():
        try:
            seating.swap(plan, required(form.first_id.data), required(form.second_id.data))
        except seating.SeatingError as error:
            add_error(form.second_id, _SEATING_ERRORS[str(error)]())
        else:
            db.session.commit()
            flash(_("Seats swapped."), "success")
            return redirect(
                url_for(".seating_plan", session_id=session.id, page=request.args.get("page"))
            )
    db.session.rollback()
    return _seating_page(session, swap_form=form), 400


@bp.post("/sessions/<int:session_id>/seating/unseat/<int:delegate_id>")
def unseat(session_id: int, delegate_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    try:
        seating.unseat(_plan(session), delegate_id)
    except seating.SeatingError:
        abort(404)
    db.session.commit()
    flash(_("The guest has no seat now."), "success")
    return redirect(url_for(".seating_plan", session_id=session.id, page=request.args.get("page")))


@bp.get("/sessions/<int:session_id>/seating/plan.svg")
def plan_svg(session_id: int) -> ResponseReturnValue:
    """The whole plan, printable: tables, seats, names and dietary needs."""
    session = _session(session_id)
    views = seating.plan_tables(_plan(session))
    return Response(drawings.plan_svg(views, session.title), mimetype="image/svg+xml")


@bp.get("/sessions/<int:session_id>/seating/cards")
def cards(session_id: int) -> ResponseReturnValue:
    """Place cards: one folded A4 tent card per seated guest (or one table's)."""
    session = _session(session_id)
    plan = _plan(session)
    number = request.args.get("table", type=int)
    views = seating.plan_tables(plan, [number] if number else None)
    return render_template(
        "protocol/cards.html", festival=g.festival, session=session, tables=views, table=number
    )
