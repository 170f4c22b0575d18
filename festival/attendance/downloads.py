"""A session's attendance as a table, for its CSV and XLSX downloads."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from festival.core.cells import local_cell
from festival.logistics.exports import Table
from festival.logistics.labels import country_name, role_label, status_label
from festival.programme.models import Attendance, ProgrammeSession


def attendance_table(
    session: ProgrammeSession, attendances: Iterable[Attendance], tz: ZoneInfo, zone: str
) -> Table:
    """One row per enrolled delegate, in the page's order (delegate and city loaded)."""
    table = Table(
        session.title,
        [
            _("Name"),
            _("Name in own script"),
            _("Role"),
            _("City"),
            _("Country"),
            _("Registration"),
            _("Checked in"),
            _("Checked in at (%(zone)s)", zone=zone),
        ],
    )
    yes, no = _("yes"), _("no")
    for attendance in attendances:
        d = attendance.delegate
        city = d.delegation.city
        at = attendance.checked_in_at
        table.rows.append(
            [
                d.list_name,
                d.native_name or "",
                role_label(str(d.shown_role)),
                city.name,
                country_name(city.country_code),
                status_label(str(d.status)),
                yes if at else no,
                local_cell(at, tz),
            ]
        )
    return table
