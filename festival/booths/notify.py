"""E-mails about booths: a partner city's head is asked to confirm."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.booths.models import Booth
from festival.core.urls import external_url
from festival.extensions import db
from festival.outbox.services import queue_email
from festival.programme.eligibility import ACTIVE_STATUSES
from festival.registration.models import Delegate, Delegation


def ask_partners(booth: Booth, delegation_ids: Iterable[int]) -> None:
    """E-mail each new partner city's head (in their language) that a booth
    names their city: they confirm or decline on their booth page."""
    ids = set(delegation_ids)
    if not ids:
        return
    festival = booth.session.festival
    applicant = db.session.get(Delegation, booth.delegation_id)
    assert applicant is not None
    heads = db.session.scalars(
        sa.select(Delegate).where(
            Delegate.delegation_id.in_(ids),
            Delegate.is_head,
            Delegate.status.in_(ACTIVE_STATUSES),
        )
    )
    for head in heads:
        queue_email(
            key=f"booth-partner:{booth.id}:{head.delegation_id}",
            recipient=head.email,
            subject=_l("%(city)s asks your city to share a booth", city=applicant.city.name),
            template="booth_partner_request",
            locale=head.locale,
            category="booths",
            head=head,
            booth=booth,
            city=applicant.city,
            festival=festival,
            url=external_url("booths.mine", slug=festival.slug),
        )
