"""Organisers' rooming form: a guest's hotel, room and roommate."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from festival.core.forms import Form, SelectChoice
from festival.logistics.labels import ROOM_TYPE_LABELS
from festival.registration.models import RoomType


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class RoomForm(Form):
    """What the organisers booked for one guest (the delegate's form shows
    neither the room type nor the number)."""

    hotel = StringField(_l("Hotel"), validators=[Optional(), Length(max=200)], filters=[_strip])
    room_type = SelectField(
        _l("Room type"),
        choices=[
            SelectChoice("", _l("Not set")),
            *(SelectChoice(t.value, ROOM_TYPE_LABELS[t.value]) for t in RoomType),
        ],
        validators=[Optional()],
    )
    room_number = StringField(
        _l("Room number"), validators=[Optional(), Length(max=20)], filters=[_strip]
    )
    shares_room_with = StringField(
        _l("Shares a room with"),
        validators=[Optional(), Length(max=200)],
        filters=[_strip],
        description=_l("A name in the same delegation, as the rooming list matches it."),
    )
    submit = SubmitField(_l("Save the room"))
