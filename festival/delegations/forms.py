"""Forms for the organisers' decisions on registrations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from festival.core.forms import Form


class ConfirmForm(Form):
    """Confirm a registration; the message, if any, goes into the e-mail."""

    message = TextAreaField(
        _l("Message to the delegate (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Added to the confirmation e-mail, e.g. a practical detail."),
    )


class DeclineForm(Form):
    """Decline a registration: the delegate reads the reason in the e-mail."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Give a reason: the delegate reads it in the e-mail.")),
            Length(max=2000),
        ],
        description=_l("Sent to the delegate, so write it for them."),
    )


class AnonymiseForm(Form):
    """Remove one person's personal data now (they asked, or the law says so)."""

    confirm = BooleanField(
        _l("I understand: names, contact, needs, travel and rooms are removed for good."),
        validators=[DataRequired(message=_l("Tick the box to confirm: this cannot be undone."))],
    )
