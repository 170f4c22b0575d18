"""The signed-in delegate's "My itinerary" (blueprint ``itineraries``).

The organiser plans each delegation's itinerary in :mod:`festival.itineraries.views`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Protocol

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from festival.calendar.services import itinerary_version
from festival.core import memo
from festival.core.dates import format_clock, format_day
from festival.festivals.models import Festival
from festival.itineraries import services
from festival.itineraries.labels import item_kind_label
from festival.programme.delegates import current_delegate_or_404
from festival.programme.times import time_range

bp = Blueprint("itineraries", __name__)

# Itineraries kept rendered per process: ~15 KB each, so a few megabytes.
MEMO_ITINERARIES = 500

bp.add_app_template_global(item_kind_label, "item_kind_label")


class _Timed(Protocol):
    """An itinerary Entry or an ItineraryItem."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...

    @property
    def all_day(self) -> bool: ...


@bp.app_template_global()
def itinerary_when(entry: _Timed, festival: Festival) -> str:
    """ "All day", "All day, until Fri 18 Jun", "14:00" or "10:00–11:30", in the
    festival's zone, for an Entry or an ItineraryItem."""
    tz = festival.tz
    starts_at, ends_at = entry.starts_at, entry.ends_at
    if entry.all_day:
        end_local = ends_at.astimezone(tz)
        last = end_local.date() - timedelta(days=1 if end_local.time() == time(0) else 0)
        if last > starts_at.astimezone(tz).date():
            day = format_day(last, short=True)
            return _("All day, until %(day)s", day=day)
        return _("All day")
    if ends_at == starts_at:
        return format_clock(starts_at, tz)
    return time_range(starts_at, ends_at, tz)


@bp.get("/my/itinerary")
@login_required
def my_itinerary() -> ResponseReturnValue:
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
            clashes=services.entry_clashes(entries),
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
