"""The day board's rows as the page writes them: every text worked out in
Python, once per distinct value.

Written in the template, a page of 50 transfers asked Babel for a label,
a seat count, a status and a flight time per cell, and url_for twice per
row (~12 ms of the board's ~40 ms at ten times the scale). Here the labels
are translated once per request, each flight time formatted once per
(instant, airport, language) in the process, and the links are one prefix
with each row's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from festival.programme.times import local
from festival.registration.labels import airport_time
from festival.transfers import labels
from festival.transfers.board import BoardTransfer
from festival.transfers.checks import Flag
from festival.transfers.models import Direction, TransferStatus

# An id no row has: url_for builds the link once with it, each row puts its own in.
_SENTINEL = 987654321987


@dataclass(frozen=True)
class BoardLine:
    """One transfer of the board: its texts and links, ready to print."""

    id: int
    attention: bool
    edit_url: str
    time: str
    direction: str
    airport: str
    vehicle: str | None  # its label
    seats: str
    driver: str
    escort: str  # "" without one
    interpreter: str  # "" without one
    people: list[str]
    flags: list[str]
    status: str
    status_url: str  # "" once done: nothing left to press
    next_status: str
    next_label: str


class _Links:
    """``url_for(endpoint, transfer_id=...)`` for many ids, built once."""

    def __init__(self, endpoint: str, slug: str) -> None:
        # The id is the URL's last part that can hold those digits (a slug before it might).
        url = url_for(endpoint, slug=slug, transfer_id=_SENTINEL)
        self.head, _sentinel, self.tail = url.rpartition(str(_SENTINEL))

    def __call__(self, transfer_id: int) -> str:
        return f"{self.head}{transfer_id}{self.tail}"


@lru_cache(maxsize=4096)
def _flight_time(flight_at: datetime | None, code: str | None, locale: str) -> str:
    """A flight's time at its airport in the page's language (``locale``, the
    request's: part of the key). Flights share times, and pages repeat."""
    return airport_time(flight_at, code)


def _people(transfer: BoardTransfer, locale: str) -> list[str]:
    arriving = transfer.direction == Direction.ARRIVAL
    people = []
    for passenger in transfer.passengers:
        d = passenger.delegate
        flight_at = d.arrival_at if arriving else d.departure_at
        flight = d.arrival_flight if arriving else d.departure_flight
        code = d.arrival_airport if arriving else d.departure_airport
        when = _flight_time(flight_at, code, locale)
        parts = [d.list_name, d.city_name]
        if flight:
            parts.append(flight)
        parts.append(when)
        people.append(" · ".join(parts))
    return people


def board_lines(
    rows: list[tuple[BoardTransfer, list[Flag]]], slug: str, tz: ZoneInfo
) -> list[BoardLine]:
    """The board's transfers with their checks, in their order, as :class:`BoardLine`."""
    edit, set_status = _Links("transfers.edit", slug), _Links("transfers.set_status", slug)
    directions = {key: str(text) for key, text in labels.DIRECTIONS.items()}
    statuses = {key: str(text) for key, text in labels.STATUSES.items()}
    flags = {key: str(text) for key, text in labels.FLAGS.items()}
    seats: dict[int, str] = {}
    locale = str(get_locale())
    on_its_way, done = _("On its way"), _("Done")
    lines = []
    for t, row_flags in rows:
        vehicle = t.vehicle
        if vehicle is not None and vehicle.seats not in seats:
            seats[vehicle.seats] = ngettext("%(num)s seat", "%(num)s seats", vehicle.seats)
        if t.interpreter is not None:
            interpreter = _("Interpreter: %(name)s", name=t.interpreter.list_name)
        elif t.host_interpreter is not None:
            interpreter = _("Interpreter: %(name)s", name=t.host_interpreter.name)
        else:
            interpreter = ""
        planned = t.status == TransferStatus.PLANNED
        lines.append(
            BoardLine(
                id=t.id,
                attention=bool(row_flags),
                edit_url=edit(t.id),
                time=local(t.pickup_at, tz).strftime("%H:%M"),
                direction=directions.get(t.direction, str(t.direction)),
                airport=t.airport,
                vehicle=vehicle.label if vehicle else None,
                seats=seats[vehicle.seats] if vehicle else "",
                driver=f"{vehicle.driver_name} {vehicle.driver_phone}" if vehicle else "",
                escort=_("Escort: %(name)s", name=t.escort.name) if t.escort else "",
                interpreter=interpreter,
                people=_people(t, locale),
                flags=[flags.get(flag.code, flag.code) for flag in row_flags],
                status=statuses.get(t.status, str(t.status)),
                status_url="" if t.status == TransferStatus.DONE else set_status(t.id),
                next_status="on_its_way" if planned else "done",
                next_label=on_its_way if planned else done,
            )
        )
    return lines
