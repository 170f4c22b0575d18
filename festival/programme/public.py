"""The programme as the public and delegates see it, and where they enrol.

The organiser's pages are in :mod:`festival.programme.views` (blueprint
``programme_admin``).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from festival.calendar import fastpath
from festival.core import dates
from festival.core.content import localized
from festival.core.types import utcnow
from festival.core.urls import external_url, safe_next
from festival.core.view_helpers import day_arg, form_ids, id_arg
from festival.extensions import db
from festival.festivals.access import load_festival_from_url
from festival.festivals.models import Festival
from festival.programme import enrolment, labels, myrows, pagecache, services, waitlist
from festival.programme.delegates import current_delegate_or_404, delegate_for_festival
from festival.programme.eligibility import may_attend
from festival.programme.forms import ConfirmForm
from festival.programme.links import add_to_calendar_links, optional_url
from festival.programme.models import Audience, ProgrammeSession, SessionStatus, SessionType
from festival.programme.timeline import day_timeline
from festival.programme.times import local_day, time_range, utc_offset_label, zone_label
from festival.registration.labels import role_label
from festival.registration.models import Delegate
from festival.reports.services import publication_of

bp = Blueprint("programme", __name__)
load_festival_from_url(bp)
# The public programme is the same for every visitor who is not signed in:
# answered per version, language and query string by the feeds' fast path.
fastpath.register_page("programme.programme")


@bp.app_template_global()
def session_type_label(value: str) -> str:
    return labels.session_type_label(value)


@bp.app_template_global()
def audience_label(value: str) -> str:
    return labels.audience_label(value)


@bp.app_template_global()
def session_status_label(value: str) -> str:
    return labels.status_label(value)


bp.add_app_template_global(optional_url, "optional_url")
bp.add_app_template_global(utcnow, "now_utc")


@bp.app_template_global()
def session_time_range(item: ProgrammeSession, festival: Festival) -> str:
    """ "10:00–11:30" in the festival's zone."""
    return time_range(item.starts_at, item.ends_at, festival.tz)


@bp.app_template_global()
def day_label(value: date | datetime, skeleton: str = "MMMEd", tz: ZoneInfo | None = None) -> str:
    """A day (or an instant, in ``tz``) from a CLDR skeleton in the reader's
    language: "Tue, Jun 15", "6月15日(火)", "mar. 15 juin"."""
    if skeleton == dates.CLOCK and isinstance(value, datetime):
        return dates.format_clock(value, tz)
    if "EEEE" in skeleton or "MMMM" in skeleton:
        return dates.format_day(value, tz, full=True)  # a heading: in words
    return dates.format_day(value, tz, short="y" not in skeleton)


bp.add_app_template_global(role_label, "delegate_role_label")


@bp.app_template_global()
def utc_offset(festival: Festival, day: date | None = None) -> str:
    """The festival zone's UTC offset on ``day`` (default: its first day)."""
    return utc_offset_label(festival.tz, day or festival.starts_on)


@bp.app_template_global()
def festival_zone(festival: Festival, day: date | None = None) -> str:
    """ "Asia/Tokyo (UTC+09:00)"."""
    return zone_label(festival.tz, day or festival.starts_on)


def feed_links(festival: Festival) -> dict[str, str | None]:
    """Links to the calendar domain's feeds and exports, where they exist, in
    the reader's language when the festival writes its content in it (the
    plain URL is the default language's)."""
    reader = str(get_locale() or "")
    languages = festival.all_content_languages
    extra = {"lang": reader} if reader in languages[1:] else {}
    return {
        "ics": optional_url("calendar.programme_ics", slug=festival.slug, **extra),
        "xml": optional_url("calendar.schedule_xml", slug=festival.slug, **extra),
        "json": optional_url("calendar.schedule_json", slug=festival.slug, **extra),
    }


@bp.get("/festivals/<slug>/programme")
def programme() -> ResponseReturnValue:
    """Public sessions one day at a time, with filters and a picture of the day.

    A whole festival's programme (hundreds of sessions) is too long for a
    phone and slow to render; the print layout still has every day. A
    visitor without a session gets the page from the fast path: rendered
    once per version of the programme (and day, for the day it opens on),
    language and query string.
    """
    festival = g.festival
    page = fastpath.serve_page(
        lambda: (pagecache.stamp(festival), local_day(utcnow(), festival.tz)), _programme_page
    )
    return page if page is not None else _programme_page()


def _programme_page() -> str:
    festival = g.festival
    session_type = request.args.get("type", "")
    if session_type not in {t.value for t in SessionType}:
        session_type = ""
    venue_id = id_arg("venue")
    filters: dict[str, Any] = {
        "public_only": True,
        "session_type": session_type or None,
        "venue_id": venue_id,
    }
    print_layout = request.args.get("layout") == "print"
    venues = festival.venues
    if print_layout:
        return render_template(
            "programme/print.html",
            festival=festival,
            days=services.by_day(services.festival_sessions(festival, **filters), festival),
            session_type=session_type,
            venue_id=venue_id,
        )
    # The day sections are the same for every visitor: rendered once per
    # version of the programme, language and filters (pagecache).
    key = (pagecache.stamp(festival), session_type, venue_id)
    all_days = pagecache.cached(("days", *key), lambda: services.session_days(festival, **filters))
    day = _chosen_day(all_days, festival)

    def render_days() -> Markup:
        sessions = services.festival_sessions(festival, day=day, **filters)
        days = services.by_day(sessions, festival)
        lang = str(get_locale())
        venue_names = {v.id: localized(v, "name", lang).text for v in venues}
        titles = {s.id: localized(s, "title", lang).text for s in sessions}
        # Autoescaped template output: safe to insert as it is.
        return Markup(  # noqa: S704
            render_template(
                "programme/_days.html",
                festival=festival,
                days=days,
                timelines={
                    d: day_timeline(i, venue_names, d, festival.tz, titles=titles) for d, i in days
                },
                filtered=bool(session_type or venue_id),
            )
        )

    days_html = pagecache.cached(("html", *key, str(get_locale()), day), render_days)
    return render_template(
        "programme/programme.html",
        festival=festival,
        days_html=days_html,
        all_days=all_days,
        current_day=day,
        venues=venues,
        types=list(SessionType),
        session_type=session_type,
        venue_id=venue_id,
        feeds=feed_links(festival),
        filtered=bool(session_type or venue_id),
        report_published=publication_of(festival) is not None,
    )


def _chosen_day(days: list[date], festival: Festival) -> date | None:
    """``?day=`` if it has sessions, else today (festival zone) if it has, else the first."""
    asked = day_arg()
    if asked in days:
        return asked
    today = local_day(utcnow(), festival.tz)
    if today in days:
        return today
    return days[0] if days else None


def _visible_session_or_404(
    festival: Festival, session_id: int
) -> tuple[ProgrammeSession, Delegate | None]:
    """The session if this visitor may see it, and their delegate record.

    Public sessions are for everyone; others for organisers and the delegates
    allowed to attend. Anyone else gets a 404, as if it did not exist.
    """
    session = services.session_or_none(festival, session_id)
    if session is None:
        abort(404)
    delegate = delegate_for_festival(festival)
    if session.audience == Audience.PUBLIC:
        return session, delegate
    if current_user.is_authenticated and current_user.is_organiser:
        return session, delegate
    if delegate is not None and may_attend(session, delegate):
        return session, delegate
    abort(404)


@bp.get("/festivals/<slug>/sessions/<int:session_id>")
def session(session_id: int) -> ResponseReturnValue:
    """One session, with "add to calendar" links (and enrolment for delegates)."""
    festival = g.festival
    item, delegate = _visible_session_or_404(festival, session_id)
    location = (
        ", ".join(x for x in (item.venue.name, item.venue.address) if x) if item.venue else ""
    )
    page_url = external_url("programme.session", slug=festival.slug, session_id=item.id)
    links = add_to_calendar_links(
        item.title,
        item.starts_at,
        item.ends_at,
        details=item.description,
        location=location,
        url=page_url,
    )
    enrolled = taken = waiting = None
    if delegate is not None and may_attend(item, delegate):
        enrolled = enrolment.is_enrolled(item, delegate)
        taken = services.enrolment_counts([item.id]).get(item.id, 0)
        waiting = None if enrolled else waitlist.position(item, delegate)
    return render_template(
        "programme/session.html",
        festival=festival,
        item=item,
        day=local_day(item.starts_at, festival.tz),
        location=location,
        links=links,
        ics_url=optional_url("calendar.session_ics", slug=festival.slug, session_id=item.id),
        delegate=delegate,
        enrolled=enrolled,
        taken=taken,
        waiting=waiting,
        form=ConfirmForm(),
    )


@bp.get("/my/programme")
@login_required
def my_programme() -> ResponseReturnValue:
    """The sessions a delegate may attend, one day at a time, to enrol in or leave.

    The rows' shared part is rendered once per version of the programme,
    language and day (:mod:`festival.programme.myrows`); a request adds the
    delegate's part: enrolled or not, places taken, the button.
    """
    delegate, all_delegates = current_delegate_or_404(request.args.get("festival"))
    festival = delegate.delegation.festival
    stamp = myrows.programme_stamp(festival)
    session_days = myrows.session_days(festival, stamp)
    visible, mine = myrows.visible_and_enrolled(delegate)
    all_days = myrows.days_of(visible, session_days)
    day = _chosen_day(all_days, festival)
    rows = [r for r in myrows.day_rows(festival, stamp, day) if r.id in visible] if day else []
    return render_template(
        "programme/my_programme.html",
        festival=festival,
        delegate=delegate,
        all_delegates=all_delegates,
        all_days=all_days,
        current_day=day,
        rows_html=myrows.rows_html(
            rows,
            mine,
            myrows.places_taken(festival, day) if rows and day else {},
            utcnow(),
            # One query whatever the day: the delegate's sessions and items.
            enrolment.enrolled_clashes(enrolment.busy_spans(delegate)) if mine else {},
        ),
        mine=mine,
        mine_per_day=Counter(session_days[i] for i in mine if i in session_days),
    )


@bp.post("/my/programme")
@login_required
def my_programme_seat() -> ResponseReturnValue:
    """Enrol in or leave the session whose button was pressed on My programme
    (one form per day: the button's name says which, its value the session)."""
    delegate, _all = current_delegate_or_404(request.args.get("festival"))
    festival = delegate.delegation.festival
    action = "enrol" if "enrol" in request.form else "leave"
    session_ids = form_ids(action)  # a number that could be no session's id is left out
    item = services.session_or_none(festival, session_ids[0]) if session_ids else None
    if item is None or not may_attend(item, delegate):
        abort(404)
    if action == "enrol":
        clash_page = _clash_page(item, delegate, {"enrol": str(item.id)})
        if clash_page is not None:
            return clash_page
        _enrol_and_say(item, delegate)
    else:
        _leave_and_say(item, delegate)
    return _back(item.id)


def _clash_page(
    item: ProgrammeSession, delegate: Delegate, fields: dict[str, str]
) -> ResponseReturnValue | None:
    """When enrolling in ``item`` would overlap the delegate's other sessions
    or itinerary items and they have not confirmed yet: a page (409) that
    names the clash and offers "Enrol anyway" (the same POST, ``fields``
    and ``confirm_overlap=1``) or "Cancel". None when there is nothing to ask."""
    if request.form.get("confirm_overlap") == "1":
        return None
    if item.status != SessionStatus.SCHEDULED or item.ends_at <= utcnow():
        return None  # enrol() says why not
    if enrolment.is_enrolled(item, delegate):
        return None
    clashes = enrolment.clashes_with(item, delegate)
    if not clashes:
        return None
    back = safe_next(request.form.get("next")) or url_for(
        "programme.session", slug=delegate.delegation.festival.slug, session_id=item.id
    )
    page = render_template(
        "programme/confirm_overlap.html",
        festival=delegate.delegation.festival,
        item=item,
        clashes=clashes,
        action=request.full_path,
        fields={**fields, "next": back},
        back=back,
    )
    return page, 409


def _back(session_id: int) -> Response:
    target = safe_next(request.form.get("next"))
    return redirect(target or url_for("programme.session", session_id=session_id))


def _enrol_and_say(item: ProgrammeSession, delegate: Delegate) -> None:
    outcome = enrolment.enrol(item, delegate)
    db.session.commit()
    message, category = enrolment.enrol_outcome_message(outcome, item.title)
    flash(message, category)


def _leave_and_say(item: ProgrammeSession, delegate: Delegate) -> None:
    if item.starts_at <= utcnow():
        flash(_("“%(title)s” has already started; ask the organisers.", title=item.title), "error")
    elif enrolment.unenrol(item, delegate):
        db.session.commit()
        flash(_("You have left “%(title)s”.", title=item.title), "success")
    else:
        flash(_("You were not enrolled in “%(title)s”.", title=item.title), "info")


@bp.post("/festivals/<slug>/sessions/<int:session_id>/enrol")
@login_required
def enrol(session_id: int) -> ResponseReturnValue:
    festival = g.festival
    delegate = delegate_for_festival(festival)
    item = services.session_or_none(festival, session_id)
    if delegate is None or item is None or not may_attend(item, delegate):
        abort(404)
    clash_page = _clash_page(item, delegate, {})
    if clash_page is not None:
        return clash_page
    _enrol_and_say(item, delegate)
    return _back(session_id)


@bp.post("/festivals/<slug>/sessions/<int:session_id>/unenrol")
@login_required
def unenrol(session_id: int) -> ResponseReturnValue:
    festival = g.festival
    delegate = delegate_for_festival(festival)
    item = services.session_or_none(festival, session_id)
    if delegate is None or item is None or not may_attend(item, delegate):
        abort(404)
    _leave_and_say(item, delegate)
    return _back(session_id)


def _waiting_session_or_404(session_id: int) -> tuple[ProgrammeSession, Delegate]:
    festival = g.festival
    delegate = delegate_for_festival(festival)
    item = services.session_or_none(festival, session_id)
    if delegate is None or item is None or not may_attend(item, delegate):
        abort(404)
    return item, delegate


@bp.post("/festivals/<slug>/sessions/<int:session_id>/waiting-list")
@login_required
def join_waiting_list(session_id: int) -> ResponseReturnValue:
    """A full session's "join the waiting list"."""
    item, delegate = _waiting_session_or_404(session_id)
    outcome = waitlist.join(item, delegate)
    db.session.commit()
    messages = {
        waitlist.Waiting.JOINED: (
            _(
                "You are number %(position)s on the waiting list of “%(title)s”: "
                "we will e-mail you if a place frees.",
                position=waitlist.position(item, delegate),
                title=item.title,
            ),
            "success",
        ),
        waitlist.Waiting.ALREADY: (
            _("You are already enrolled or on the waiting list of “%(title)s”.", title=item.title),
            "info",
        ),
        waitlist.Waiting.ENROLLED: (
            _("A place was free: you are enrolled in “%(title)s”.", title=item.title),
            "success",
        ),
        waitlist.Waiting.CLOSED: (
            _("“%(title)s” is cancelled or over: there is no waiting list.", title=item.title),
            "error",
        ),
    }
    flash(*messages[outcome])
    return _back(session_id)


@bp.post("/festivals/<slug>/sessions/<int:session_id>/waiting-list/leave")
@login_required
def leave_waiting_list(session_id: int) -> ResponseReturnValue:
    item, delegate = _waiting_session_or_404(session_id)
    if waitlist.leave(item, delegate):
        db.session.commit()
        flash(_("You have left the waiting list of “%(title)s”.", title=item.title), "success")
    else:
        flash(_("You were not on the waiting list of “%(title)s”.", title=item.title), "info")
    return _back(session_id)
