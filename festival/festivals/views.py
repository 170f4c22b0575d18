"""Organiser pages for festival editions and their venues."""

from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from festival.core.access import organiser_blueprint
from festival.editions import network
from festival.extensions import db
from festival.festivals import services
from festival.festivals.access import load_festival_from_url
from festival.festivals.forms import FestivalForm, VenueForm
from festival.festivals.models import Festival, Venue
from festival.festivals.nav import festival_nav
from festival.festivals.zones import festival_offsets, timezone_options, utc_offset
from festival.logistics.counting import BarChart, bar_chart

bp = organiser_blueprint("festivals_admin", __name__)
load_festival_from_url(bp)
# The festival menu, for every organiser page of a festival (festivals/_nav.html).
bp.add_app_template_global(festival_nav, "festival_nav")


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    return render_template(
        "festivals/dashboard.html", festivals=services.festivals_with_venue_counts()
    )


def _festival_form_page(form: FestivalForm, festival: Festival | None) -> tuple[str, int]:
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "festivals/form.html",
        form=form,
        festival=festival,
        timezones=timezone_options(form.starts_on.data),
    )
    return page, status


@bp.route("/festivals/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    form = FestivalForm()
    if request.method == "GET":
        form.languages.data = ["en", "ja", "fr"]
    if not form.validate_on_submit():
        return _festival_form_page(form, None)
    festival = services.save_festival(Festival(), form.data)
    db.session.commit()
    flash(_("%(name)s was created. Add its venues next.", name=festival.name), "success")
    return redirect(url_for("festivals_admin.overview", slug=festival.slug))


@bp.route("/festivals/<slug>/edit", methods=["GET", "POST"])
def edit() -> ResponseReturnValue:
    festival = g.festival
    form = FestivalForm(obj=festival, festival_id=festival.id)
    if not form.validate_on_submit():
        return _festival_form_page(form, festival)
    services.save_festival(festival, form.data)
    db.session.commit()
    flash(_("%(name)s was saved.", name=festival.name), "success")
    return redirect(url_for("festivals_admin.overview", slug=festival.slug))


def _small_chart(items: list[tuple[str, int]]) -> BarChart:
    """The overview's charts: logistics' bar chart, narrower (several side by side)."""
    return bar_chart(items, width=340, label_width=110, bar_height=16, gap=6)


@bp.get("/festivals/<slug>/")
def overview() -> ResponseReturnValue:
    festival = g.festival
    editions = network.edition_counts(festival)
    return render_template(
        "festivals/overview.html",
        festival=festival,
        counts=services.overview(festival),
        offsets=festival_offsets(festival.timezone, festival.starts_on, festival.ends_on),
        editions=editions,
        series=network.chart_series(editions),
        bar_chart=_small_chart,
    )


@bp.route("/festivals/<slug>/venues", methods=["GET", "POST"])
def venues() -> ResponseReturnValue:
    festival = g.festival
    form = VenueForm(festival_id=festival.id)
    if form.validate_on_submit():
        venue = services.save_venue(Venue(festival=festival), form.data)
        db.session.commit()
        flash(_("%(name)s was added.", name=venue.name), "success")
        return redirect(url_for("festivals_admin.venues", slug=festival.slug))
    page = render_template(
        "festivals/venues.html",
        festival=festival,
        venues=festival.venues,
        session_counts=services.venue_session_counts(festival),
        form=form,
    )
    return page, (422 if form.is_submitted() else 200)


@bp.route("/festivals/<slug>/venues/<int:venue_id>/edit", methods=["GET", "POST"])
def edit_venue(venue_id: int) -> ResponseReturnValue:
    festival = g.festival
    venue = services.venue_or_404(festival, venue_id)
    form = VenueForm(obj=venue, festival_id=festival.id, venue_id=venue.id)
    if form.validate_on_submit():
        services.save_venue(venue, form.data)
        db.session.commit()
        flash(_("%(name)s was saved.", name=venue.name), "success")
        return redirect(url_for("festivals_admin.venues", slug=festival.slug))
    page = render_template("festivals/venue_form.html", festival=festival, venue=venue, form=form)
    return page, (422 if form.is_submitted() else 200)


@bp.route("/festivals/<slug>/venues/<int:venue_id>/delete", methods=["GET", "POST"])
def delete_venue(venue_id: int) -> ResponseReturnValue:
    festival = g.festival
    venue = services.venue_or_404(festival, venue_id)
    if request.method == "POST":
        name = venue.name
        services.delete_venue(venue)
        db.session.commit()
        flash(_("%(name)s was deleted.", name=name), "success")
        return redirect(url_for("festivals_admin.venues", slug=festival.slug))
    return render_template(
        "festivals/venue_delete.html",
        festival=festival,
        venue=venue,
        sessions=services.sessions_at(venue),
    )


@bp.app_template_filter("utc_offset")
def utc_offset_filter(zone: str, on: date | None = None) -> str:
    """``{{ festival.timezone|utc_offset(festival.starts_on) }}`` -> "UTC+09:00"."""
    return utc_offset(zone, on)
