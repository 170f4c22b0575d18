"""The organiser's "notify attendees" checkbox (templates/changes/_notify.html)."""

from __future__ import annotations

from flask import request


def notify_checked() -> bool:
    """Whether the page shows the box ticked: always at first, then as posted."""
    return request.method != "POST" or wants_notify()


def wants_notify() -> bool:
    """Whether the organiser left "tell the people concerned" ticked."""
    return request.form.get("notify") == "1"
