"""Sign-in forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from festival.auth.services import PASSWORD_MIN_LENGTH
from festival.core.forms import Form


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class LoginLinkRequestForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("E-mail me a sign-in link"))


class ConfirmForm(Form):
    """A form with only a button (and its CSRF token)."""

    submit = SubmitField(_l("Continue"))


class ChangePasswordForm(Form):
    """The organiser's own password: the current one, then the new one twice."""

    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            # WTForms fills in %(min)d.
            Length(min=PASSWORD_MIN_LENGTH, message=_l("Use at least %(min)d characters.")),
            Length(max=200),
        ],
    )
    new_password_again = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
    )
    submit = SubmitField(_l("Change password"))
