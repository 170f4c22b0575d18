"""What people read for vehicles, directions, statuses and the board's flags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from festival.transfers.models import Direction, TransferStatus, VehicleKind

VEHICLE_KINDS = {
    VehicleKind.CAR: _l("Car"),
    VehicleKind.VAN: _l("Van"),
    VehicleKind.MINIBUS: _l("Minibus"),
    VehicleKind.BUS: _l("Bus"),
}

DIRECTIONS = {
    Direction.ARRIVAL: _l("Airport to hotel"),
    Direction.DEPARTURE: _l("Hotel to airport"),
}

STATUSES = {
    TransferStatus.PLANNED: _l("Planned"),
    TransferStatus.ON_ITS_WAY: _l("On its way"),
    TransferStatus.DONE: _l("Done"),
}

# The board's checks, as the transport desk reads them.
FLAGS = {
    "before_landing": _l("Pickup before the flight lands"),
    "over_seats": _l("More people than seats"),
    "no_vehicle": _l("No vehicle yet"),
    "no_language": _l("No shared language with the escort or driver, and no interpreter"),
    "flight_changed": _l("A flight changed after planning"),
}


def label(table: Mapping[Any, Any], value: object) -> str:
    """The label of ``value`` in ``table``, or the value itself."""
    try:
        return str(table[value])
    except KeyError:
        return str(value)
