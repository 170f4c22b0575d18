"""The version of the data behind a logistics page, in one query each.

The rooming list reads every guest of the festival, and the hotels on
their itineraries, four times per view (who shares, the counts per hotel
and night, the night's check-ins and check-outs): 25 ms in SQL at ten
times the scale. What it computes is kept per version of that data (the
app's stamp-keyed memo, ``festival.core.memo``): counts, sums of ids (a row
deleted and another added still move them) and latest changes of the
delegates, delegations, cities and itinerary items, and the festival.
The catering page's counts and charts are kept the same way.
"""

from __future__ import annotations

import sqlalchemy as sa

from festival.cities.models import City
from festival.core import memo
from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries.models import ItineraryItem
from festival.logistics.queries import MEAL_TYPES
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import Delegate, Delegation

# A few nights and pages of one festival, in each of its stamps.
MEMO_ENTRIES = 64


def stays_stamp(festival: Festival) -> tuple[object, ...]:
    """What the rooming list is computed from, as it is now: the delegates
    (their rooms, nights, names, status), the delegations and cities, the
    itinerary items (the hotels), and the festival (its zone).

    Over every festival's rows, as travel_stamp: a whole table is cheaper to
    read than a join to this festival's (7 -> 3 ms at ten times the scale),
    and a change elsewhere only costs a recount."""
    people = sa.select(*memo.version_columns(Delegate)).subquery()
    items = sa.select(*memo.version_columns(ItineraryItem)).subquery()
    row = db.session.execute(
        sa.select(
            *people.c,
            *items.c,
            sa.select(sa.func.max(Delegation.updated_at)).scalar_subquery(),
            sa.select(sa.func.max(City.updated_at)).scalar_subquery(),
        ).select_from(people.join(items, sa.true()))
    ).one()
    return (*row, festival.updated_at, festival.timezone)


def catering_stamp(festival: Festival) -> tuple[object, ...]:
    """What the catering page is computed from, as it is now: the delegates
    (their needs and status), the festival's sessions, the enrolments, and
    the festival (its zone; a venue's change moves its ``updated_at``).

    Counted over every festival's delegates: a change elsewhere only costs
    a recount, and one pass over the whole table is cheaper than the join
    to this festival's. The enrolments are those of the festival's meals,
    counted meal by meal through the index on session_id (a count over the
    whole table took a millisecond more at 10x); they are never edited in
    place: added, they move the highest id anywhere; removed, the count.
    """
    people = sa.select(*memo.version_columns(Delegate)).subquery()
    sessions = (
        sa.select(
            *memo.version_columns(ProgrammeSession),
        )
        .where(ProgrammeSession.festival_id == festival.id)
        .subquery()
    )
    enrolled = (
        sa.select(sa.func.count())
        .where(Attendance.session_id == ProgrammeSession.id)
        .correlate(ProgrammeSession)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(
            *people.c,
            *sessions.c,
            # A delegation moved to another festival takes its people along.
            sa.select(sa.func.max(Delegation.updated_at)).scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.sum(enrolled), 0))
            .where(
                ProgrammeSession.festival_id == festival.id, ProgrammeSession.type.in_(MEAL_TYPES)
            )
            .scalar_subquery(),
            sa.select(sa.func.max(Attendance.id)).scalar_subquery(),
        ).select_from(people.join(sessions, sa.true()))
    ).one()
    return (*row, festival.updated_at, festival.timezone)


def travel_stamp(festival: Festival) -> tuple[object, ...]:
    """What the arrivals and departures boards are computed from, as it is
    now: the delegates (their flights, names, status), the delegations
    (festival and city), the cities (names, countries), and the festival
    (its zone).

    Over every festival's rows, as catering_stamp: a change elsewhere only
    costs a recount, and a whole table is cheaper to read than a join.
    """
    people = sa.select(*memo.version_columns(Delegate)).subquery()
    row = db.session.execute(
        sa.select(
            *people.c,
            sa.select(sa.func.max(Delegation.updated_at)).scalar_subquery(),
            sa.select(sa.func.max(City.updated_at)).scalar_subquery(),
        )
    ).one()
    return (*row, festival.updated_at, festival.timezone)
