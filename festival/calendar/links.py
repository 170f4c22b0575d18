"""Links to subscribe to a feed (a delegate's, or a festival's public programme):
webcal://, https, Google, Outlook, a QR code."""

from __future__ import annotations

import functools
from urllib.parse import quote, urlencode

import segno
from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from festival.calendar.services import personal_token
from festival.core.content import lazy as content_lazy
from festival.core.urls import external_url
from festival.festivals.models import Festival
from festival.registration.models import Delegate

GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/render"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"


def webcal(url: str) -> str:
    """The same feed with the scheme calendar apps open as a subscription."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme) :]
    return url


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str, title: str) -> Markup:
    """The URL as an inline SVG QR code (attributes only: no style, so the CSP allows it).

    Kept per (link, title): encoding costs ~30 ms, and a delegate's link only
    changes when renewed (a renewed link is a new key).
    """
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=4, border=2, title=title, svgclass="feed-qr-code", lineclass=None)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 (segno's own markup)


def feed_subscribe_links(https: str, name: str, qr_title: str) -> dict[str, str | Markup]:
    """The ways to subscribe to the feed at ``https`` (templates/calendar/_macros.html)."""
    outlook = urlencode({"url": https, "name": name}, quote_via=quote)
    return {
        "https": https,
        "webcal": webcal(https),
        "google": f"{GOOGLE_SUBSCRIBE}?{urlencode({'cid': webcal(https)}, quote_via=quote)}",
        "outlook": f"{OUTLOOK_SUBSCRIBE}?{outlook}",
        "qr_svg": qr_svg(webcal(https), qr_title),
    }


def subscribe_links(delegate: Delegate) -> dict[str, str | Markup]:
    """Everything templates/calendar/_subscribe.html shows for ``delegate``."""
    https = external_url("calendar.personal_feed", token=personal_token(delegate))
    name = _(
        "%(festival)s: my itinerary", festival=content_lazy(delegate.delegation.festival, "name")
    )
    links = feed_subscribe_links(https, name, _("QR code of your calendar link"))
    links["regenerate"] = url_for("calendar.regenerate_feed", delegate_id=delegate.id)
    return links


def programme_subscribe_links(festival: Festival) -> dict[str, str | Markup]:
    """The public programme's feed, to subscribe to: it follows every change
    (a download is a copy that never does)."""
    # The feed in the reader's language when the festival writes in it; the
    # plain URL is the default language's.
    reader = str(get_locale() or "")
    extra = {"lang": reader} if reader in festival.all_content_languages[1:] else {}
    https = external_url("calendar.programme_ics", slug=festival.slug, **extra)
    name = _("%(festival)s: programme", festival=content_lazy(festival, "name"))
    return feed_subscribe_links(https, name, _("QR code of the programme's calendar link"))
