"""How booth values read on a page: statuses, needs, who stands at a booth."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.booths.models import Booth, BoothStatus, PartnerStatus
from festival.protocol.labels import person_name

STATUS_LABELS = {
    BoothStatus.PENDING: _l("Waiting for review"),
    BoothStatus.ACCEPTED: _l("Accepted"),
    BoothStatus.DECLINED: _l("Declined"),
}
PARTNER_LABELS = {
    PartnerStatus.PENDING: _l("Not answered yet"),
    PartnerStatus.CONFIRMED: _l("Confirmed"),
    PartnerStatus.DECLINED: _l("Declined"),
}


def status_label(status: BoothStatus | str) -> str:
    return str(STATUS_LABELS[BoothStatus(status)])


def partner_label(status: PartnerStatus | str) -> str:
    return str(PARTNER_LABELS[PartnerStatus(status)])


def needs(booth: Booth) -> list[str]:
    """What the booth needs, in words ("Power", "Table", "Tasting")."""
    return [
        str(label)
        for wanted, label in (
            (booth.needs_power, _l("Power")),
            (booth.needs_table, _l("Table")),
            (booth.needs_tasting, _l("Tasting")),
        )
        if wanted
    ]


def stand_label(booth: Booth) -> str:
    """ "Hall A · 12", or "" for a booth not placed yet."""
    if booth.hall is None or booth.stand is None:
        return ""
    return f"{booth.hall.name} · {booth.stand}"


def staff_names(booth: Booth) -> list[str]:
    """The names of the people at the booth, as lists write them."""
    return [person_name(s.delegate) for s in booth.staff]
