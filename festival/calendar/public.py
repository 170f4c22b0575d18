"""The calendar blueprint: .ics feeds, the frab exports, renewing a personal link.

The URLs are part of the public contract (calendar apps keep them for
years); the endpoint names are used by the programme and itinerary pages.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from festival.calendar import fastpath, links, services
from festival.calendar.forms import RegenerateFeedForm
from festival.calendar.http import serve
from festival.calendar.links import subscribe_links
from festival.core.urls import safe_next
from festival.extensions import db
from festival.festivals.access import festival_or_404
from festival.festivals.models import Festival
from festival.registration.models import Delegate, Delegation

bp = Blueprint("calendar", __name__)
# Unchanged feeds are answered before Flask runs (see fastpath.FeedFastPath).
# (The setup state's app is typed as Flask's base class; it is the Flask app.)
bp.record_once(lambda state: fastpath.install(cast(Flask, state.app)))
# The views look their festival up themselves (no load_festival_from_url):
# the fast path keys a feed by the slug in the view's arguments, and a feed
# it answers from memory must not cost the festival's query.


@bp.get("/festivals/<slug>/programme.ics")
def programme_ics(slug: str) -> ResponseReturnValue:
    """Every public session of the festival, to subscribe to."""
    lang = request.args.get("lang")

    def prepare() -> services.PreparedFeed:
        festival = festival_or_404(slug)
        return services.programme_feed(festival, services.feed_locale(festival, lang))

    return fastpath.serve(prepare)


@bp.get("/festivals/<slug>/sessions/<int:session_id>.ics")
def session_ics(slug: str, session_id: int) -> ResponseReturnValue:
    """One public session, as a file to add to a calendar."""
    festival = festival_or_404(slug)
    session = services.public_session(festival, session_id)
    if session is None:
        abort(404)
    locale = services.feed_locale(festival, request.args.get("lang"))
    return serve(services.session_download(festival, session, locale))


@bp.get("/feeds/<token>.ics")
def personal_feed(token: str) -> ResponseReturnValue:
    """A delegate's whole itinerary; the token is the only key (calendar apps
    cannot sign in). A wrong or renewed token is a 404, like any unknown URL."""

    def prepare() -> services.PreparedFeed:
        delegate = services.delegate_for_token(token)
        if delegate is None:
            abort(404)
        return services.personal_feed(delegate)

    return fastpath.serve(prepare)


@bp.get("/festivals/<slug>/schedule.xml")
def schedule_xml(slug: str) -> ResponseReturnValue:
    """The public programme in the frab schedule.xml format (Giggity, EventFahrplan)."""
    festival = festival_or_404(slug)
    locale = services.feed_locale(festival, request.args.get("lang"))
    return serve(
        services.schedule_feed(festival, locale, "xml"), mimetype="application/xml; charset=utf-8"
    )


@bp.get("/festivals/<slug>/schedule.json")
def schedule_json(slug: str) -> ResponseReturnValue:
    """The same in the frab/c3voc schedule.json format."""
    festival = festival_or_404(slug)
    locale = services.feed_locale(festival, request.args.get("lang"))
    return serve(services.schedule_feed(festival, locale, "json"), mimetype="application/json")


def _delegate_for_current_user_or_404(delegate_id: int) -> Delegate:
    """The delegate record if it is the signed-in person's own (or they organise)."""
    delegate = db.session.scalar(
        sa.select(Delegate)
        .options(joinedload(Delegate.delegation).joinedload(Delegation.festival))
        .where(Delegate.id == delegate_id)
    )
    if delegate is None or delegate.anonymised_at is not None:
        abort(404)
    if not (current_user.is_organiser or delegate.user_id == current_user.id):
        abort(404)
    return delegate


@bp.post("/feeds/regenerate/<int:delegate_id>")
@login_required
def regenerate_feed(delegate_id: int) -> ResponseReturnValue:
    """Give the delegate a new personal feed link; the old one stops working."""
    delegate = _delegate_for_current_user_or_404(delegate_id)
    form = RegenerateFeedForm()
    if not form.validate_on_submit():
        return render_template(
            "calendar/regenerate.html",
            form=form,
            delegate=delegate,
            cancel_url=safe_next(form.next.data),
        ), 422
    services.regenerate_feed_secret(delegate)
    db.session.commit()
    flash(
        _(
            "Your calendar link has been renewed. The old link no longer works: "
            "subscribe again with the new one on each device."
        ),
        "success",
    )
    return redirect(safe_next(form.next.data) or url_for("core.index"))


@bp.app_template_global("calendar_subscribe_links")
def calendar_subscribe_links(delegate: Delegate) -> dict[str, str | Markup]:
    """For templates/calendar/_subscribe.html: the delegate's feed links and QR code."""
    return subscribe_links(delegate)


@bp.app_template_global("programme_subscribe_links")
def programme_subscribe_links(festival: Festival) -> dict[str, str | Markup]:
    """For the public programme: its feed's subscribe links and QR code."""
    return links.programme_subscribe_links(festival)
