"""The list of delegates as a table, for its CSV and XLSX downloads.

What organisers plan with, and no more: no e-mail or phone, no secrets,
no passport data.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from festival.core.cells import local_cell
from festival.logistics.exports import Table
from festival.logistics.labels import country_name, role_label, room_type_label, status_label
from festival.registration.models import Delegate


def delegates_table(delegates: Iterable[Delegate], tz: ZoneInfo, zone: str) -> Table:
    """One row per delegate, in the list's order (delegation and city loaded)."""
    table = Table(
        _("Delegates"),
        [
            _("City"),
            _("Country"),
            _("Name"),
            _("Name in own script"),
            _("Position"),
            _("Role"),
            _("Status"),
            _("Head of delegation"),
            _("Languages"),
            _("Arrival (%(zone)s)", zone=zone),
            _("Departure (%(zone)s)", zone=zone),
            _("Needs a hotel room"),
            _("Hotel"),
            _("Room type"),
            _("Room number"),
        ],
    )
    yes, no = _("yes"), _("no")
    for d in delegates:
        city = d.delegation.city
        table.rows.append(
            [
                city.name,
                country_name(city.country_code),
                d.full_name,
                d.native_name or "",
                d.position,
                role_label(str(d.shown_role)),
                status_label(str(d.status)),
                yes if d.is_head else no,
                list(d.languages or ()),
                local_cell(d.arrival_at, tz),
                local_cell(d.departure_at, tz),
                yes if d.needs_room else no,
                d.hotel or "",
                room_type_label(d.room_type),
                d.room_number or "",
            ]
        )
    return table
