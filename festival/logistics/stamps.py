"""The version of the data behind the rooming list, in one query.

The rooming list reads every guest of the festival, and the hotels on
their itineraries, four times per view (who shares, the counts per hotel
and night, the night's check-ins and check-outs): 25 ms in SQL at ten
times the scale. What it computes is kept per version of that data (the
app's stamp-keyed memo, ``festival.core.memo``): counts, sums of ids (a row
deleted and another added still move them) and latest changes of the
delegates, delegations, cities and itinerary items, and the festival.
"""

from __future__ import annotations

import sqlalchemy as sa

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries.models import ItineraryItem
from festival.registration.models import Delegate, Delegation

# A few nights and pages of one festival, in each of its stamps.
MEMO_ENTRIES = 64


def stays_stamp(festival: Festival) -> tuple[object, ...]:
    """What the rooming list is computed from, as it is now."""
    here = Delegation.festival_id == festival.id
    people = (
        sa.select(
            sa.func.count(Delegate.id).label("people"),
            sa.func.sum(Delegate.id).label("people_ids"),
            sa.func.max(Delegate.updated_at).label("people_changed"),
            sa.func.max(Delegation.updated_at).label("delegations_changed"),
        )
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(here)
        .subquery()
    )
    items = (
        sa.select(
            sa.func.count(ItineraryItem.id).label("items"),
            sa.func.sum(ItineraryItem.id).label("item_ids"),
            sa.func.max(ItineraryItem.updated_at).label("items_changed"),
        )
        .join(Delegation, Delegation.id == ItineraryItem.delegation_id)
        .where(here)
        .subquery()
    )
    # One row from each: each table read once.
    row = db.session.execute(
        sa.select(
            *people.c,
            *items.c,
            sa.select(sa.func.max(City.updated_at)).scalar_subquery(),
        ).select_from(people.join(items, sa.true()))
    ).one()
    return (*row, festival.updated_at, festival.timezone)
