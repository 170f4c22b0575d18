"""The itinerary item form: times typed in the festival's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from festival.core.forms import Form, add_error, required
from festival.itineraries.labels import ITEM_KIND_LABELS
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.forms import TIME_FORMATS, choices, int_or_none
from festival.programme.times import NonexistentLocalTime, day_start, local, to_utc
from festival.registration.models import Delegate


class ItemForm(Form):
    kind = SelectField(
        _l("Kind"), choices=choices((k.value, label) for k, label in ITEM_KIND_LABELS.items())
    )
    delegate_id = SelectField(_l("For"), coerce=int_or_none)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    all_day = BooleanField(
        _l("All day (a hotel stay, a free day)"),
        description=_l("Then only the dates count: from the first day to the last, both included."),
    )
    start_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Time"), validators=[Optional()], format=TIME_FORMATS)
    end_date = DateField(
        _l("Until (date)"),
        validators=[Optional()],
        description=_l("Leave empty when it ends on the same day."),
    )
    end_time = TimeField(
        _l("Until (time)"),
        validators=[Optional()],
        format=TIME_FORMATS,
        description=_l("Leave empty for a moment, such as a pickup time."),
    )
    location = StringField(_l("Place"), validators=[Length(max=400)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save"))

    def set_people(self, delegates: list[Delegate]) -> None:
        self.delegate_id.choices = choices(
            [("", _("The whole delegation")), *((d.id, d.list_name) for d in delegates)]
        )

    def fill_from(self, item: ItineraryItem, tz: ZoneInfo) -> None:
        starts, ends = local(item.starts_at, tz), local(item.ends_at, tz)
        self.kind.data = item.kind.value
        self.delegate_id.data = item.delegate_id
        self.title.data = item.title
        self.all_day.data = item.all_day
        self.start_date.data = starts.date()
        self.location.data = item.location
        self.notes.data = item.notes
        if item.all_day:
            last = (
                (ends - timedelta(days=1)).date()
                if ends.time() == datetime.min.time()
                else ends.date()
            )
            self.end_date.data = last if last > starts.date() else None
            return
        self.start_time.data = starts.time()
        if ends != starts:
            self.end_time.data = ends.time()
            self.end_date.data = ends.date() if ends.date() != starts.date() else None

    def schedule(self, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """Start and end in UTC, or None with the errors on the fields.

        All-day: from midnight of the first day to midnight after the last.
        Timed without an end: a moment (end equals start).
        """
        first = required(self.start_date.data)
        last = self.end_date.data or first
        if self.all_day.data:
            if last < first:
                add_error(self.end_date, _("The last day cannot be before the first."))
                return None
            return day_start(first, tz), day_start(last + timedelta(days=1), tz)
        if self.start_time.data is None:
            add_error(self.start_time, _("Give a time, or tick “All day”."))
            return None
        try:
            starts = to_utc(first, self.start_time.data, tz)
        except NonexistentLocalTime:
            add_error(
                self.start_time,
                _("This time does not exist in %(zone)s (the clocks change).", zone=tz.key),
            )
            return None
        if self.end_time.data is None:
            if self.end_date.data and self.end_date.data != first:
                add_error(self.end_time, _("Give the time it ends on that day."))
                return None
            return starts, starts
        try:
            ends = to_utc(last, self.end_time.data, tz)
        except NonexistentLocalTime:
            add_error(
                self.end_time,
                _("This time does not exist in %(zone)s (the clocks change).", zone=tz.key),
            )
            return None
        if ends < starts:
            add_error(self.end_time, _("It cannot end before it starts."))
            return None
        return starts, ends

    def values(self, starts: datetime, ends: datetime) -> dict[str, Any]:
        return {
            "kind": ItemKind(self.kind.data),
            "delegate_id": self.delegate_id.data,
            "title": required(self.title.data).strip(),
            "all_day": bool(self.all_day.data),
            "starts_at": starts,
            "ends_at": ends,
            "location": (self.location.data or "").strip(),
            "notes": (self.notes.data or "").strip(),
        }
