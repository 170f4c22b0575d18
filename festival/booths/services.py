"""The booths' rules: who applies, who confirms, who staffs, where a booth stands.

Views call these and commit; nothing here commits. A broken rule raises
:class:`BoothError` with a message for the person who tried.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from festival.booths import notify
from festival.booths.models import (
    Booth,
    BoothHall,
    BoothImage,
    BoothPartner,
    BoothStaff,
    BoothStatus,
    ExchangeEvent,
    PartnerStatus,
)
from festival.core.types import utcnow
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import ProgrammeSession, SessionType
from festival.registration.models import Delegate, Delegation

MAX_IMAGES = 3
MAX_IMAGE_BYTES = 2 * 1024 * 1024
# The first bytes of each image type we take; the upload's own claim is not trusted.
IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"RIFF", "image/webp"),  # with "WEBP" at offset 8, checked below
)


class BoothError(Exception):
    """A rule of booths was broken; the message says which, to the user."""


# --- the exchange event -------------------------------------------------------


def exchange_session(festival: Festival) -> ProgrammeSession | None:
    """The session the organisers chose as the exchange event, if any."""
    return db.session.scalar(
        sa.select(ProgrammeSession)
        .join(ExchangeEvent, ExchangeEvent.session_id == ProgrammeSession.id)
        .where(ExchangeEvent.festival_id == festival.id)
    )


def exchange_candidates(festival: Festival) -> list[ProgrammeSession]:
    """The sessions that may be the exchange event: those of type exchange."""
    return list(
        db.session.scalars(
            sa.select(ProgrammeSession)
            .where(
                ProgrammeSession.festival_id == festival.id,
                ProgrammeSession.type == SessionType.EXCHANGE,
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
    )


def set_exchange_session(festival: Festival, session: ProgrammeSession) -> None:
    """Make ``session`` the exchange event. Booths stay with the session they
    applied to: moving the event to another session with booths is refused."""
    if session.festival_id != festival.id or session.type != SessionType.EXCHANGE:
        raise BoothError(_("Choose an exchange session of this festival."))
    row = db.session.get(ExchangeEvent, festival.id)
    if row is not None and row.session_id != session.id:
        has_booths = db.session.scalar(
            sa.select(sa.func.count(Booth.id)).where(Booth.session_id == row.session_id)
        )
        if has_booths:
            raise BoothError(_("Booths have applied to the current exchange event: it stays."))
    if row is None:
        db.session.add(ExchangeEvent(festival_id=festival.id, session_id=session.id))
    else:
        row.session_id = session.id
    db.session.flush()


# --- applications and partners ---------------------------------------------------


def festival_delegations(festival: Festival) -> list[Delegation]:
    """The festival's delegations with their cities, by city name (one query)."""
    rows = db.session.scalars(
        sa.select(Delegation)
        .options(joinedload(Delegation.city))
        .where(Delegation.festival_id == festival.id)
    ).unique()
    return sorted(rows, key=lambda d: (d.city.name.casefold(), d.id))


def booth_of(delegation: Delegation, session: ProgrammeSession) -> Booth | None:
    """The delegation's own booth at the exchange event, if it applied."""
    return db.session.scalar(
        sa.select(Booth).where(Booth.session_id == session.id, Booth.delegation_id == delegation.id)
    )


@dataclass
class BoothData:
    """What the head of delegation types about the project."""

    title: str
    description: str
    needs_power: bool
    needs_table: bool
    needs_tasting: bool
    needs_notes: str
    partner_ids: Sequence[int]


def apply(delegation: Delegation, session: ProgrammeSession, data: BoothData) -> Booth:
    """A new application for a booth at the exchange event."""
    if booth_of(delegation, session) is not None:
        raise BoothError(_("Your city has already applied for a booth."))
    booth = Booth(
        festival_id=delegation.festival_id,
        session_id=session.id,
        delegation_id=delegation.id,
        status=BoothStatus.PENDING,
    )
    db.session.add(booth)
    update(booth, data)
    return booth


def update(booth: Booth, data: BoothData) -> None:
    """Write the project's text, needs and partners. A partner who stays keeps
    their answer; a new one is asked; one left out is removed."""
    booth.title = data.title
    booth.description = data.description
    booth.needs_power = data.needs_power
    booth.needs_table = data.needs_table
    booth.needs_tasting = data.needs_tasting
    booth.needs_notes = data.needs_notes
    wanted = set(data.partner_ids) - {booth.delegation_id}
    allowed = set(
        db.session.scalars(
            sa.select(Delegation.id).where(
                Delegation.festival_id == booth.festival_id, Delegation.id.in_(wanted)
            )
        )
    )
    if wanted - allowed:
        raise BoothError(_("A partner city must be another city invited to this festival."))
    for partner in list(booth.partners):
        if partner.delegation_id not in wanted:
            booth.partners.remove(partner)
            # Their staff leave with them.
            for staff in list(booth.staff):
                if staff.delegate.delegation_id == partner.delegation_id:
                    booth.staff.remove(staff)
    present = {p.delegation_id for p in booth.partners}
    for delegation_id in sorted(wanted - present):
        booth.partners.append(BoothPartner(delegation_id=delegation_id))
    db.session.flush()
    notify.ask_partners(booth, wanted - present)


def partner_requests(delegation: Delegation) -> list[BoothPartner]:
    """The booths that name ``delegation`` as a partner, with their applicants."""
    return list(
        db.session.scalars(
            sa.select(BoothPartner)
            .options(
                joinedload(BoothPartner.booth)
                .joinedload(Booth.delegation)
                .joinedload(Delegation.city)
            )
            .where(BoothPartner.delegation_id == delegation.id)
            .order_by(BoothPartner.booth_id)
        )
    )


def answer_partner(booth: Booth, delegation: Delegation, confirm: bool) -> None:
    """The partner city's head confirms or declines; declining removes its staff."""
    partner = next((p for p in booth.partners if p.delegation_id == delegation.id), None)
    if partner is None:
        raise BoothError(_("Your city is not a partner of this booth."))
    partner.status = PartnerStatus.CONFIRMED if confirm else PartnerStatus.DECLINED
    partner.answered_at = utcnow()
    if not confirm:
        for staff in list(booth.staff):
            if staff.delegate.delegation_id == delegation.id:
                booth.staff.remove(staff)
    db.session.flush()


def booth_delegation_ids(booth: Booth) -> set[int]:
    """The delegations a booth belongs to: its applicant and its confirmed partners."""
    return {booth.delegation_id} | {
        p.delegation_id for p in booth.partners if p.status == PartnerStatus.CONFIRMED
    }


def staff_candidates(delegation: Delegation) -> list[Delegate]:
    """The delegation's active delegates, who may staff a booth."""
    return [d for d in delegation.delegates if d.status in ACTIVE_STATUSES]


def set_staff(booth: Booth, delegation: Delegation, delegate_ids: Iterable[int]) -> None:
    """The delegation's people at the booth: exactly ``delegate_ids``, each an
    active delegate of ``delegation`` (other delegations' staff stay)."""
    if delegation.id not in booth_delegation_ids(booth):
        raise BoothError(_("Your city does not take part in this booth."))
    chosen = set(delegate_ids)
    allowed = {d.id for d in staff_candidates(delegation)}
    if chosen - allowed:
        raise BoothError(_("Staff must be delegates of your own delegation."))
    for staff in list(booth.staff):
        if staff.delegate_id in allowed and staff.delegate_id not in chosen:
            booth.staff.remove(staff)
    present = {s.delegate_id for s in booth.staff}
    for delegate_id in sorted(chosen - present):
        booth.staff.append(BoothStaff(delegate_id=delegate_id))
    db.session.flush()


# --- images -------------------------------------------------------------------


def image_type(data: bytes) -> str | None:
    """The image's type read from its first bytes, or None if it is not one we take."""
    for signature, content_type in IMAGE_SIGNATURES:
        if data.startswith(signature):
            if content_type == "image/webp" and data[8:12] != b"WEBP":
                return None
            return content_type
    return None


def add_image(booth: Booth, data: bytes, alt: str) -> BoothImage:
    """Keep an uploaded image (JPEG, PNG or WebP, at most 2 MB, three per booth)."""
    if len(booth.images) >= MAX_IMAGES:
        raise BoothError(_("A booth has at most three images: remove one first."))
    if len(data) > MAX_IMAGE_BYTES:
        raise BoothError(_("The image is larger than 2 MB."))
    content_type = image_type(data)
    if content_type is None:
        raise BoothError(_("The file is not a JPEG, PNG or WebP image."))
    image = BoothImage(content_type=content_type, data=data, alt=alt)
    booth.images.append(image)
    db.session.flush()
    return image


# --- the organisers' review and the floor plan ---------------------------------


def review(booth: Booth, accept: bool, note: str) -> None:
    """Accept or decline an application; a declined booth leaves its stand."""
    booth.status = BoothStatus.ACCEPTED if accept else BoothStatus.DECLINED
    booth.review_note = note
    if not accept:
        booth.hall_id = booth.stand = None
    db.session.flush()


def halls(festival: Festival) -> list[BoothHall]:
    return list(
        db.session.scalars(
            sa.select(BoothHall).where(BoothHall.festival_id == festival.id).order_by(BoothHall.id)
        )
    )


def add_hall(festival: Festival, name: str, rows: int, columns: int) -> BoothHall:
    """A new hall of ``rows`` × ``columns`` stands."""
    taken = db.session.scalar(
        sa.select(BoothHall.id).where(BoothHall.festival_id == festival.id, BoothHall.name == name)
    )
    if taken is not None:
        raise BoothError(_("There is already a hall with this name."))
    hall = BoothHall(festival_id=festival.id, name=name, row_count=rows, column_count=columns)
    db.session.add(hall)
    db.session.flush()
    return hall


def delete_hall(hall: BoothHall) -> None:
    """Remove a hall; its booths go back to "not placed"."""
    db.session.execute(
        sa.update(Booth).where(Booth.hall_id == hall.id).values(hall_id=None, stand=None)
    )
    db.session.delete(hall)
    db.session.flush()


def place(booth: Booth, hall: BoothHall | None, stand: int | None) -> None:
    """Put an accepted booth on a stand of ``hall`` (None: take it off the plan).

    The unique constraint on (hall, stand) decides when two organisers place
    two booths on one stand at the same moment.
    """
    if hall is None or stand is None:
        booth.hall_id = booth.stand = None
        db.session.flush()
        return
    if booth.status != BoothStatus.ACCEPTED:
        raise BoothError(_("Only an accepted booth can be placed."))
    if hall.festival_id != booth.festival_id:
        raise BoothError(_("Choose a hall of this festival."))
    if not 1 <= stand <= hall.stands:
        raise BoothError(
            _("Hall %(hall)s has stands 1 to %(last)s.", hall=hall.name, last=hall.stands)
        )
    try:
        with db.session.begin_nested():
            booth.hall_id, booth.stand = hall.id, stand
            db.session.flush()
    except IntegrityError:
        raise BoothError(_("Stand %(stand)s is taken by another booth.", stand=stand)) from None


# --- lists ----------------------------------------------------------------------


def _loaded() -> tuple[object, ...]:
    """Everything a list of booths shows, loaded in a fixed number of queries."""
    return (
        joinedload(Booth.delegation).joinedload(Delegation.city),
        joinedload(Booth.hall),
        selectinload(Booth.partners)
        .joinedload(BoothPartner.delegation)
        .joinedload(Delegation.city),
        selectinload(Booth.staff).joinedload(BoothStaff.delegate),
        selectinload(Booth.images),
    )


def all_booths(festival: Festival) -> list[Booth]:
    """Every application of the festival, newest status first, for organisers."""
    return list(
        db.session.scalars(
            sa.select(Booth)
            .options(*_loaded())  # type: ignore[arg-type]
            .where(Booth.festival_id == festival.id)
            .order_by(Booth.status, Booth.id)
        )
    )


def accepted_booths(session: ProgrammeSession) -> list[Booth]:
    """The exchange event's accepted booths, placed ones by hall and stand first."""
    return list(
        db.session.scalars(
            sa.select(Booth)
            .options(*_loaded())  # type: ignore[arg-type]
            .where(Booth.session_id == session.id, Booth.status == BoothStatus.ACCEPTED)
            .order_by(Booth.hall_id.is_(None), Booth.hall_id, Booth.stand, Booth.title)
        )
    )


def confirmed_partner_cities(booth: Booth) -> list[str]:
    """The names of the partner cities that confirmed, in order."""
    return [p.delegation.city.name for p in booth.partners if p.status == PartnerStatus.CONFIRMED]
