"""The one form of the calendar domain: renewing a personal feed link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from festival.core.forms import Form


class RegenerateFeedForm(Form):
    confirm = BooleanField(
        _l("I understand that the current link will stop working"),
        validators=[
            DataRequired(
                message=_l(
                    "Tick this box to confirm: calendars using the current link stop updating."
                )
            )
        ],
    )
    next = HiddenField()
