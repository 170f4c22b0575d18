"""Organiser pages: the order of precedence and why, city readings and
places, per-person overrides, a session's speaking order and photo
line-up (its seating plan: festival.protocol.plans, on this blueprint).

Organisers only (organiser_blueprint); every person, city and session is
looked up within the festival in the URL, so another festival's is a 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from festival.cities.models import City
from festival.core import memo
from festival.core.access import organiser_blueprint
from festival.core.forms import required
from festival.core.pagination import paginate, paginate_list
from festival.core.search import ESCAPE, contains
from festival.extensions import db
from festival.festivals.access import festival_row_or_404, load_festival_from_url
from festival.programme.models import ProgrammeSession
from festival.programme.times import time_range
from festival.protocol import drawings, labels, lineups, precedence
from festival.protocol.forms import (
    CityForm,
    OverrideForm,
    SettingsForm,
    SlotForm,
)
from festival.protocol.models import (
    CityProtocol,
    EqualRankRule,
    PrecedenceOverride,
)
from festival.registration.models import Delegate, DelegateRole, Delegation

bp = organiser_blueprint("protocol", __name__, "/festivals/<slug>/protocol")
load_festival_from_url(bp)

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


def _settings_form(stamp: str, formdata: Any = None) -> SettingsForm:
    festival = g.festival
    settings = precedence.current_settings(festival)
    form = SettingsForm(formdata, obj=settings)
    form.set_choices(
        sorted(set(festival.languages or []) | {"ja", "en", "fr"}),
        list(memo.cached("protocol-host-choices", (festival.id, stamp), _mayors, max_entries=8)),
    )
    return form


def _mayors() -> tuple[tuple[int, str], ...]:
    """The festival's confirmed mayors by name, for the host's menu (1,600 at
    ten times the scale: kept per precedence stamp, which follows them)."""
    rows = db.session.execute(
        sa.select(
            Delegate.id,
            *Delegate.name_columns(),
        )
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(
            Delegation.festival_id == g.festival.id,
            Delegate.confirmed_role == DelegateRole.MAYOR,
        )
    )
    named = [(row.id, labels.person_name(row)) for row in rows]
    return tuple(sorted(named, key=lambda pair: pair[1].casefold()))


@bp.get("")
def index() -> ResponseReturnValue:
    """The order of precedence with why each person stands there: a page at
    a time, searchable, or the whole order to print (``?all=1``)."""
    stamp = precedence.ranks_stamp(g.festival)
    return _precedence_page(stamp, _settings_form(stamp))


def _precedence_page(stamp: str, form: SettingsForm) -> str:
    festival = g.festival
    q = request.args.get("q", "").strip()[:200]
    standings = precedence.printed_standings(festival, stamp)
    if q:
        standings = precedence.matching(standings, q)
    # The whole order is thousands of lines at ten times the scale (2 MB):
    # shown on request, to print.
    printing = request.args.get("all") == "1"
    page = None if printing else paginate_list(standings)
    return render_template(
        "protocol/index.html",
        festival=festival,
        standings=standings if page is None else page.items,
        page=page,
        q=q,
        anyone=bool(standings) or bool(q),
        settings=precedence.current_settings(festival),
        form=form,
    )


@bp.post("/settings")
def settings() -> ResponseReturnValue:
    festival = g.festival
    stamp = precedence.ranks_stamp(festival)
    form = _settings_form(stamp, request.form)
    if not form.validate():
        return _precedence_page(stamp, form), 400
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
        return redirect(_place_in_order(delegate.id))
    status = 400 if form.errors else 200
    return render_template(
        "protocol/person.html", festival=festival, delegate=delegate, form=form
    ), status


def _place_in_order(delegate_id: int) -> str:
    """The page of the order of precedence that shows this person, at their line."""
    rank = precedence.precedence_order(g.festival).get(delegate_id)
    per_page = current_app.config["PER_PAGE"]
    page = (rank - 1) // per_page + 1 if rank else None
    return url_for(".index", page=page if page and page > 1 else None) + f"#p{delegate_id}"


@bp.get("/cities")
def cities() -> ResponseReturnValue:
    """The festival's cities, a page at a time and searchable: their name
    and reading in the host's script and manual places."""
    festival = g.festival
    q = request.args.get("q", "").strip()[:200]
    query = (
        sa.select(City.id)
        .join(Delegation, Delegation.city_id == City.id)
        .outerjoin(
            CityProtocol,
            sa.and_(CityProtocol.city_id == City.id, CityProtocol.festival_id == festival.id),
        )
        .where(Delegation.festival_id == festival.id)
        .order_by(
            CityProtocol.manual_position.is_(None),
            CityProtocol.manual_position,
            City.name,
            City.id,
        )
    )
    if q:
        like = contains(q)
        query = query.where(
            sa.or_(
                City.name.ilike(like, escape=ESCAPE),
                CityProtocol.local_name.ilike(like, escape=ESCAPE),
                CityProtocol.reading.ilike(like, escape=ESCAPE),
            )
        )
    page = paginate(query)
    # The page's cities with their protocol rows, in the page's order.
    found = {
        city.id: (city, info)
        for city, info in db.session.execute(
            sa.select(City, CityProtocol)
            .outerjoin(
                CityProtocol,
                sa.and_(CityProtocol.city_id == City.id, CityProtocol.festival_id == festival.id),
            )
            .where(City.id.in_(page.items))
        )
    }
    rows = [found[city_id] for city_id in page.items]
    return render_template("protocol/cities.html", festival=festival, rows=rows, page=page, q=q)


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


def session_or_404(session_id: int) -> ProgrammeSession:
    """The festival's session with this id, or a 404."""
    return festival_row_or_404(ProgrammeSession, g.festival, session_id)


@bp.get("/sessions")
def sessions() -> ResponseReturnValue:
    """The festival's sessions, a page at a time and searchable, each with
    its speaking order, photo line-up and seating plan."""
    festival = g.festival
    q = request.args.get("q", "").strip()[:200]
    query = (
        sa.select(ProgrammeSession)
        .where(ProgrammeSession.festival_id == festival.id)
        .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
    )
    if q:
        query = query.where(ProgrammeSession.title.ilike(contains(q), escape=ESCAPE))
    page = paginate(query)
    return render_template(
        "protocol/sessions.html", festival=festival, sessions=page.items, page=page, q=q
    )


@bp.route("/sessions/<int:session_id>/speaking", methods=["GET", "POST"])
def speaking(session_id: int) -> ResponseReturnValue:
    """The printable running order: one slot per principal, by precedence."""
    festival = g.festival
    session = session_or_404(session_id)
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
    session = session_or_404(session_id)
    return render_template(
        "protocol/photo.html", festival=g.festival, session=session, lineup=_lineup(session)
    )


@bp.get("/sessions/<int:session_id>/photo.svg")
def photo_svg(session_id: int) -> ResponseReturnValue:
    session = session_or_404(session_id)
    svg = drawings.lineup_svg(
        _lineup(session),
        _("Photo line-up: %(title)s", title=session.title),
        _("As the camera sees it; the number is the order of precedence; the host at the centre."),
    )
    return Response(svg, mimetype="image/svg+xml")
