"""A session's speaking order (a running order with times) and the photo
line-up, both by precedence. Pure once the principals are loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.models import ProgrammeSession
from festival.protocol import precedence, seating
from festival.protocol.models import RankClass, SpeakingOrder

# Who speaks and stands in the photo: the host, mayors, deputies and heads of organisations.
PRINCIPAL_CLASSES = (
    RankClass.HOST,
    RankClass.MAYOR,
    RankClass.DEPUTY_MAYOR,
    RankClass.HEAD_OF_ORGANISATION,
)
DEFAULT_SLOT_MINUTES = 5


def principals(festival: Festival, session: ProgrammeSession) -> list[precedence.Standing]:
    """The session's principals (enrolled, active) by precedence."""
    ids = seating.guest_ids(session)
    if not ids:
        return []
    ordered = precedence.standings(festival, precedence.people_of(festival, ids))
    return [s for s in ordered if s.rank_class in PRINCIPAL_CLASSES]


def speaking_settings(festival: Festival, session: ProgrammeSession) -> SpeakingOrder:
    """The session's slot settings (a new, unsaved row with the defaults if none)."""
    row = db.session.scalar(sa.select(SpeakingOrder).where(SpeakingOrder.session_id == session.id))
    return row or SpeakingOrder(
        festival_id=festival.id,
        session_id=session.id,
        slot_minutes=DEFAULT_SLOT_MINUTES,
        offset_minutes=0,
    )


@dataclass(frozen=True)
class Slot:
    number: int
    standing: precedence.Standing
    starts_at: datetime
    ends_at: datetime
    overruns: bool  # ends after the session does


def running_order(
    speakers: list[precedence.Standing],
    starts_at: datetime,
    ends_at: datetime,
    slot_minutes: int,
    offset_minutes: int = 0,
) -> list[Slot]:
    """One slot per speaker, in order, from the session's start plus the offset."""
    slot = timedelta(minutes=slot_minutes)
    start = starts_at + timedelta(minutes=offset_minutes)
    result = []
    for n, standing in enumerate(speakers):
        begins = start + n * slot
        result.append(Slot(n + 1, standing, begins, begins + slot, begins + slot > ends_at))
    return result


def photo_lineup(people: list[precedence.Standing]) -> list[precedence.Standing]:
    """The line-up as the camera sees it, left to right: the first (the host)
    at the centre, the second on the host's right (the camera's left), the
    third on the host's left, and so on outward."""
    left: list[precedence.Standing] = []  # the camera's left, the host's right
    right: list[precedence.Standing] = []
    for n, standing in enumerate(people[1:]):
        (left if n % 2 == 0 else right).append(standing)
    return list(reversed(left)) + people[:1] + right
