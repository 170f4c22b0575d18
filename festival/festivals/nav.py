"""The sub-navigation of a festival's organiser pages.

Each domain's page is listed here by endpoint; an entry appears only once
its blueprint is registered, so the menu never links to a missing page.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

# (endpoint, label); every endpoint takes the festival's ``slug``.
FESTIVAL_PAGES = [
    ("festivals_admin.overview", _l("Overview")),
    ("festivals_admin.venues", _l("Venues")),
    ("invitations_admin.index", _l("Invitations")),
    ("delegations.index", _l("Delegations")),
    ("logistics.arrivals", _l("Logistics")),
    ("transfers.board", _l("Transfers")),
    ("programme_admin.sessions", _l("Programme")),
    ("itineraries_admin.index", _l("Itineraries")),
    ("attendance.index", _l("Check-in")),
    ("impressions_admin.index", _l("Impressions")),
    ("reports_admin.compose", _l("Published report")),
    ("booths_admin.index", _l("Booths")),
    ("protocol.index", _l("Protocol")),
    ("content.index", _l("Translations")),
]


def festival_nav(slug: str) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) for each page that exists, for ``slug``."""
    return [
        (endpoint, url_for(endpoint, slug=slug), str(label))
        for endpoint, label in FESTIVAL_PAGES
        if endpoint in current_app.view_functions
    ]
