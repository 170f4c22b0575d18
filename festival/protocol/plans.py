"""Organiser pages: a session's seating plan, adjusted by hand with forms
(move, swap, unseat; no JavaScript needed), its printable SVG and place
cards. Routes on the protocol blueprint (festival.protocol.views), which
guards them and loads the festival; blueprints.py imports this module.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from festival.core.forms import add_error, required
from festival.core.view_helpers import id_arg
from festival.extensions import db
from festival.programme.models import ProgrammeSession
from festival.protocol import drawings, labels, seating
from festival.protocol.forms import MoveForm, PlanForm, SwapForm
from festival.protocol.models import LayoutKind, SeatingPlan, TableShape
from festival.protocol.views import bp, session_or_404

TABLES_PER_PAGE = 30


# --- seating -------------------------------------------------------------------------


def _plan(session: ProgrammeSession) -> SeatingPlan:
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
    return _seating_page(session_or_404(session_id))


@bp.post("/sessions/<int:session_id>/seating")
def create_plan(session_id: int) -> ResponseReturnValue:
    """Make (or make anew) the session's tables, then seat the guests."""
    festival = g.festival
    session = session_or_404(session_id)
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
    session = session_or_404(session_id)
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
    session = session_or_404(session_id)
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
    session = session_or_404(session_id)
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
    session = session_or_404(session_id)
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
    session = session_or_404(session_id)
    views = seating.plan_tables(_plan(session))
    return Response(drawings.plan_svg(views, session.title), mimetype="image/svg+xml")


@bp.get("/sessions/<int:session_id>/seating/cards")
def cards(session_id: int) -> ResponseReturnValue:
    """Place cards: one folded A4 tent card per seated guest (or one table's)."""
    session = session_or_404(session_id)
    plan = _plan(session)
    number = id_arg("table")  # a table's number: as bounded as a row's id
    views = seating.plan_tables(plan, [number] if number else None)
    return render_template(
        "protocol/cards.html", festival=g.festival, session=session, tables=views, table=number
    )
