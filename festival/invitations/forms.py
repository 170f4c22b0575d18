"""Forms: inviting cities, (re)sending one invitation, a city's answer."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from festival.core.forms import Form, required
from festival.core.limits import coerce_row_id
from festival.core.types import utcnow
from festival.festivals.models import Festival

QUOTA_MIN, QUOTA_MAX = 1, 50
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def default_deadline(festival: Festival) -> datetime:
    """A sensible reply-by date, in the festival's zone: a month before it
    opens, or two weeks from now if that has passed. Naive, for the form."""
    tz = festival.tz
    month_before = datetime.combine(festival.starts_on - timedelta(days=30), datetime.min.time())
    candidate = month_before.replace(hour=23, minute=59, tzinfo=tz)
    if candidate <= utcnow() + timedelta(days=1):
        candidate = (
            (utcnow() + timedelta(days=14))
            .astimezone(tz)
            .replace(hour=23, minute=59, second=0, microsecond=0)
        )
    return candidate.replace(tzinfo=None)


def _in_range(form: FlaskForm, field: IntegerField) -> None:
    """The quota's bounds; a value that is not a number has its own message already."""
    if field.data is None:
        raise StopValidation()
    if not QUOTA_MIN <= field.data <= QUOTA_MAX:
        raise ValidationError(
            _l("Enter a number from %(min)s to %(max)s.", min=QUOTA_MIN, max=QUOTA_MAX)
        )


class _QuotaAndDeadline(Form):
    """Quota and deadline, the deadline typed in the festival's time zone."""

    quota = IntegerField(
        _l("Delegate quota"),
        validators=[
            InputRequired(_l("Enter how many delegates the city may send.")),
            _in_range,
        ],
        default=3,
        render_kw={"min": QUOTA_MIN, "max": QUOTA_MAX, "inputmode": "numeric"},
    )
    deadline = DateTimeLocalField(
        _l("Reply deadline"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(_l("Enter the date and time by which the city must reply."))],
    )

    def __init__(self, *args: Any, tz: ZoneInfo, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tz = tz
        self.deadline.description = _l(
            "In the festival's time zone (%(zone)s).", zone=getattr(tz, "key", str(tz))
        )

    def validate_deadline(self, field: DateTimeLocalField) -> None:
        if field.data is not None and self.deadline_utc() <= utcnow():
            raise ValidationError(_l("The deadline must be in the future."))

    def deadline_utc(self) -> datetime:
        """The deadline typed, as an aware datetime (stored in UTC)."""
        return required(self.deadline.data).replace(tzinfo=self.tz)


class InviteForm(_QuotaAndDeadline):
    """Invite the cities ticked, or every city matching the filter."""

    city_ids = SelectMultipleField(_l("Cities"), coerce=coerce_row_id, validate_choice=False)
    select_all = BooleanField(_l("Invite every city matching the filter"))
    send = SubmitField(_l("Send invitations"))
    save_draft = SubmitField(_l("Save as drafts"))

    def validate_city_ids(self, field: SelectMultipleField) -> None:
        if not self.select_all.data and not field.data:
            raise ValidationError(
                _l("Choose at least one city, or tick “every city matching the filter”.")
            )


class SendForm(_QuotaAndDeadline):
    """Send a draft or resend an invitation, with its quota and deadline."""

    submit = SubmitField(_l("Send"))


class QuotaForm(Form):
    """An accepted invitation's quota: more places, or fewer (not below those taken)."""

    quota = IntegerField(
        _l("Delegate quota"),
        validators=[
            InputRequired(_l("Enter how many delegates the city may send.")),
            _in_range,
        ],
        render_kw={"min": QUOTA_MIN, "max": QUOTA_MAX, "inputmode": "numeric"},
        description=_l("The head of delegation is told by e-mail."),
    )
    submit = SubmitField(_l("Change the quota"))


class RevokeForm(Form):
    submit = SubmitField(_l("Revoke the invitation"))


class AcceptForm(Form):
    accept = SubmitField(_l("Accept the invitation"))


class DeclineForm(Form):
    reason = TextAreaField(
        _l("Reason (optional)"),
        validators=[Length(max=2000, message=_l("Keep it under %(max)s characters."))],
        description=_l("The organisers read it; it helps them plan the next edition."),
    )
    decline = SubmitField(_l("Decline the invitation"))
