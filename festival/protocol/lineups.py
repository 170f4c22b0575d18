"""A session's speaking order (a running order with times) and the photo
line-up, both by precedence. Pure once the principals are loaded (kept
per version of what their order reads)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import get_locale

from festival.cities.models import City
from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.programme.models import Attendance, ProgrammeSession
from festival.protocol import precedence
from festival.protocol.models import RankClass, SpeakingOrder
from festival.registration.models import Delegate, Delegation

# Who speaks and stands in the photo: the host, mayors, deputies and heads of organisations.
PRINCIPAL_CLASSES = (
    RankClass.HOST,
    RankClass.MAYOR,
    RankClass.DEPUTY_MAYOR,
    RankClass.HEAD_OF_ORGANISATION,
)
DEFAULT_SLOT_MINUTES = 5


def principals(festival: Festival, session: ProgrammeSession) -> list[precedence.Standing]:
    """The session's principals (enrolled, active) by precedence, ranked
    among the session's guests.

    Three queries (the guests, the protocol settings, the host): the order
    is kept per everything it reads, the guests as loaded, the settings'
    revision (moved by every change to the rule, the cities' protocol and
    the organisers' overrides) and the host, where ordering anew read the
    cities and overrides and took a few milliseconds more."""
    rows = db.session.execute(
        sa.select(*precedence.PERSON_COLUMNS)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .join(City, City.id == Delegation.city_id)
        .join(Attendance, Attendance.delegate_id == Delegate.id)
        .where(
            Attendance.session_id == session.id,
            Delegation.festival_id == festival.id,
            Delegate.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Delegate.id)
    ).all()
    if not rows:
        return []
    settings = precedence.current_settings(festival)
    key = (
        festival.id,
        settings.revision,
        settings.rule,
        settings.language,
        precedence.host_id(festival, settings),
        # The reasons are worded in the reader's language.
        str(get_locale()),
        tuple(tuple(_hashable(value) for value in row) for row in rows),
    )
    return memo.cached(
        "protocol-principals", key, lambda: _principals(festival, rows), max_entries=256
    )


def _hashable(value: Any) -> Any:
    # The diets and allergens are lists.
    return tuple(value) if isinstance(value, list) else value


def _principals(festival: Festival, rows: Sequence[Any]) -> list[precedence.Standing]:
    people = [precedence.Person(**row._asdict()) for row in rows]
    ordered = precedence.standings(festival, people)
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
