"""The check-in forms: a typed code, and the one-button check-in / undo."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from festival.core.forms import Form


class CodeForm(Form):
    """Type the code printed under the QR code (the fallback to scanning)."""

    code = StringField(
        _l("Check-in code"),
        validators=[DataRequired(_l("Type the code printed under the QR code.")), Length(max=40)],
        description=_l("8 letters and digits, like ABCD-EFGH; dashes and case do not matter."),
    )
    next = HiddenField()
    submit = SubmitField(_l("Check in"))


class ButtonForm(Form):
    """A check-in or undo button: only the CSRF token and where to go back."""

    next = HiddenField()


class HelperForm(Form):
    """A check-in helper's account: door staff who may only check people in."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(_l("Give an e-mail address.")), Email(), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=10, max=200, message=_l("At least 10 characters.")),
        ],
    )
    submit = SubmitField(_l("Create the helper"))
