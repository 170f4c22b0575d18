"""The organiser's "notify attendees" checkbox (templates/changes/_notify.html)
and the delegate's evening e-mail."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SubmitField

from festival.core.forms import Form


def notify_checked() -> bool:
    """Whether the page shows the box ticked: always at first, then as posted."""
    return request.method != "POST" or wants_notify()


def wants_notify() -> bool:
    """Whether the organiser left "tell the people concerned" ticked."""
    return request.form.get("notify") == "1"


class DigestForm(Form):
    """The delegate's evening e-mail, on their details page."""

    daily_digest = BooleanField(_l("E-mail me my next day's plans the evening before"))
    submit = SubmitField(_l("Save this choice"))
