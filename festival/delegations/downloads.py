"""The list of delegates as a table, for its CSV and XLSX downloads.

What organisers plan with, and no more: no e-mail or phone, no secrets,
and passport data only when the organiser explicitly asks for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from festival.core.cells import local_cell
from festival.logistics.exports import Table
from festival.logistics.labels import country_name, role_label, room_type_label, status_label
from festival.registration import names
from festival.registration.models import Delegate


def delegates_table(
    delegates: Iterable[Delegate], tz: ZoneInfo, zone: str, *, with_passports: bool = False
) -> Table:
    """One row per delegate, in the list's order (delegation and city loaded);
    the passport columns only ``with_passports``."""
    headers = [
        _("City"),
        _("Country"),
        _("Name"),
        _("Title"),
        _("Family name"),
        _("Given names"),
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
    ]
    if with_passports:
        headers += [
            _("Nationality"),
            _("Passport number"),
            _("Date of birth"),
            _("Passport expiry date"),
        ]
    table = Table(_("Delegates"), headers)
    yes, no = _("yes"), _("no")
    for d in delegates:
        city = d.delegation.city
        row = [
            city.name,
            country_name(city.country_code),
            d.list_name,
            names.title_text(d),
            d.family_name or "",
            d.given_names or "",
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
        if with_passports:
            row += [
                d.nationality or "",
                d.passport_number or "",
                d.date_of_birth.isoformat() if d.date_of_birth else "",
                d.passport_expires_on.isoformat() if d.passport_expires_on else "",
            ]
        table.rows.append(row)
    return table
