"""What people read for the kinds of itinerary item, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.itineraries.models import ItemKind

ITEM_KIND_LABELS = {
    ItemKind.PICKUP: _l("Pickup"),
    ItemKind.HOTEL: _l("Hotel"),
    ItemKind.VISIT: _l("Visit"),
    ItemKind.DINNER: _l("Dinner"),
    ItemKind.TRANSFER: _l("Transfer"),
    ItemKind.OTHER: _l("Other"),
}

# A delegate's own flights, shown on their itinerary beside the items.
FLIGHT_LABELS = {"arrival": _l("Arrival"), "departure": _l("Departure")}


def item_kind_label(value: str) -> str:
    """ "Pickup" for "pickup"; "Session" for the programme's entries."""
    if value == "session":
        return str(_l("Session"))
    if value in FLIGHT_LABELS:
        return str(FLIGHT_LABELS[value])
    try:
        return str(ITEM_KIND_LABELS[ItemKind(value)])
    except ValueError:
        return str(value)
