"""The exchange event's booths for the frab export: plain values and a version stamp."""

from __future__ import annotations

import sqlalchemy as sa

from festival.booths import labels, services
from festival.booths.models import Booth, BoothPartner, BoothStaff, BoothStatus, PartnerStatus
from festival.calendar.frab_data import BoothItem
from festival.extensions import db
from festival.festivals.models import Festival


def booth_items(festival: Festival) -> list[BoothItem]:
    """The accepted booths of the festival's exchange event (a fixed number of queries)."""
    session = services.exchange_session(festival)
    if session is None:
        return []
    return [
        BoothItem(
            id=booth.id,
            session_id=booth.session_id,
            created_at=booth.created_at,
            title=booth.title,
            description=booth.description,
            cities=(booth.delegation.city.name, *services.confirmed_partner_cities(booth)),
            stand=labels.stand_label(booth),
            staff=tuple(labels.staff_names(booth)),
            title_i18n=dict(booth.title_i18n or {}),
            description_i18n=dict(booth.description_i18n or {}),
        )
        for booth in services.accepted_booths(session)
    ]


def booths_stamp(festival: Festival) -> tuple[object, ...]:
    """What changes the booths in the export, in one query: the accepted
    booths (count, last edit), the partners who confirmed and the staff
    (counts and sums of ids, so a swap moves the stamp too)."""
    booths = sa.select(Booth.id).where(
        Booth.festival_id == festival.id, Booth.status == BoothStatus.ACCEPTED
    )
    confirmed = (
        BoothPartner.booth_id.in_(booths),
        BoothPartner.status == PartnerStatus.CONFIRMED,
    )
    staffed = BoothStaff.booth_id.in_(booths)
    values = (
        sa.select(sa.func.count(Booth.id)).where(Booth.id.in_(booths)),
        sa.select(sa.func.max(Booth.updated_at)).where(Booth.id.in_(booths)),
        sa.select(sa.func.count()).select_from(BoothPartner).where(*confirmed),
        sa.select(sa.func.sum(BoothPartner.delegation_id)).where(*confirmed),
        sa.select(sa.func.count()).select_from(BoothStaff).where(staffed),
        sa.select(sa.func.sum(BoothStaff.delegate_id * 7 + BoothStaff.booth_id)).where(staffed),
    )
    row = db.session.execute(sa.select(*(v.scalar_subquery() for v in values))).one()
    return tuple(row)
