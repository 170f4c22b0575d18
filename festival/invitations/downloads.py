"""The list of invitations as a table, for its CSV and XLSX downloads
(no link token: only its state)."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from festival.core.cells import local_cell
from festival.invitations.labels import STATUS_LABELS
from festival.invitations.models import Invitation
from festival.logistics.exports import Table
from festival.logistics.labels import country_name


def invitations_table(invitations: Iterable[Invitation], tz: ZoneInfo, zone: str) -> Table:
    """One row per invitation, in the list's order (city loaded)."""
    table = Table(
        _("Invitations"),
        [
            _("City"),
            _("Country"),
            _("Status"),
            _("Delegate quota"),
            _("Deadline (%(zone)s)", zone=zone),
            _("Sent (%(zone)s)", zone=zone),
            _("Opened (%(zone)s)", zone=zone),
            _("Answered (%(zone)s)", zone=zone),
            _("Reason for declining"),
        ],
    )
    for invitation in invitations:
        table.rows.append(
            [
                invitation.city.name,
                country_name(invitation.city.country_code),
                str(STATUS_LABELS.get(invitation.status, invitation.status)),
                invitation.quota,
                local_cell(invitation.deadline, tz),
                local_cell(invitation.sent_at, tz),
                local_cell(invitation.opened_at, tz),
                local_cell(invitation.responded_at, tz),
                invitation.decline_reason or "",
            ]
        )
    return table
