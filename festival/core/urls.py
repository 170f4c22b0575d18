"""Absolute URLs for e-mails and feeds, and safe redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL on SERVER_URL, usable outside a request (worker, CLI)."""
    if has_request_context():
        path = url_for(endpoint, _external=False, **values)
    else:
        # url_for needs SERVER_NAME outside a request; the path is all we need.
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["SERVER_URL"] + path


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
