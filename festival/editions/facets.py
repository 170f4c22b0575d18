"""The city history's columns from other domains: booths at the exchange
event and quotes in a published report (festival.editions.history's hooks).

Imported by the editions blueprint, so they are registered once the app's
views are; each is one aggregate query per city page.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.booths.models import Booth, BoothStatus
from festival.editions.history import Facet, register_facet
from festival.extensions import db
from festival.impressions.models import ImpressionResponse
from festival.registration.models import Delegate, Delegation
from festival.reports.models import PublishedQuote, ReportPublication


def booths_by_festival(city_id: int) -> dict[int, int]:
    """{festival id: the city's accepted booths} (one query)."""
    rows = db.session.execute(
        sa.select(Booth.festival_id, sa.func.count(Booth.id))
        .join(Delegation, Delegation.id == Booth.delegation_id)
        .where(Delegation.city_id == city_id, Booth.status == BoothStatus.ACCEPTED)
        .group_by(Booth.festival_id)
    )
    return {festival_id: count for festival_id, count in rows}


def published_quotes_by_festival(city_id: int) -> dict[int, int]:
    """{festival id: the city's quotes in its public report} (one query)."""
    rows = db.session.execute(
        sa.select(ReportPublication.festival_id, sa.func.count(PublishedQuote.id))
        .join(PublishedQuote, PublishedQuote.publication_id == ReportPublication.id)
        .join(ImpressionResponse, ImpressionResponse.id == PublishedQuote.response_id)
        .join(Delegate, Delegate.id == ImpressionResponse.delegate_id)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegation.city_id == city_id, ReportPublication.is_public.is_(True))
        .group_by(ReportPublication.festival_id)
    )
    return {festival_id: count for festival_id, count in rows}


register_facet(Facet("booths", _l("Booths"), booths_by_festival))
register_facet(Facet("published", _l("Quotes published"), published_quotes_by_festival))
