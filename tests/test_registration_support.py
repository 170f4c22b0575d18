"""Helpers the registration tests share (this module holds no tests).

An accepted invitation with its delegation, valid form data, and the
messages the outbox holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from festival.core.types import utcnow
from festival.extensions import db
from festival.outbox.models import OutboxMessage
from festival.registration.models import Delegate
from tests import factories


@dataclass
class Invited:
    festival_id: int
    delegation_id: int
    invitation_id: int
    token: str
    url: str


def accepted_invitation(
    app: Flask, *, quota: int = 3, deadline_in: timedelta = timedelta(days=30), **city: Any
) -> Invited:
    """A festival, a city and its accepted invitation with an empty delegation."""
    from festival.invitations.models import InvitationStatus
    from festival.registration.models import Delegation

    with app.app_context():
        festival = factories.make_festival(contact_email="festival@host.example")
        invitation, token = factories.make_invitation(
            festival,
            factories.make_city(**city),
            quota=quota,
            deadline=utcnow() + deadline_in,
            status=InvitationStatus.ACCEPTED,
        )
        delegation = Delegation(
            invitation=invitation, festival=festival, city_id=invitation.city_id
        )
        db.session.add(delegation)
        db.session.commit()
        return Invited(festival.id, delegation.id, invitation.id, token, f"/invitations/{token}")


def name_fields(full_name: str) -> dict[str, str]:
    """The name fields for ``full_name`` ("Given Family"), as a person types them."""
    given, _, family = full_name.rpartition(" ")
    return {"family_name": family, "given_names": given, "name_order": "given_first"}


def _with_name_fields(data: dict[str, Any]) -> dict[str, Any]:
    if "full_name" in data:
        for key, value in name_fields(data.pop("full_name")).items():
            data.setdefault(key, value)  # name fields given explicitly win
    return data


def head_form(**overrides: Any) -> dict[str, Any]:
    """What a head of delegation types on the registration form."""
    data: dict[str, Any] = {
        "full_name": "Giulia Rossi",
        "native_name": "",
        "position": "Director, Creative City Office",
        "role": "official",
        "email": "giulia.rossi@parma.example",
        "phone": "+39 0521 123456",
        "locale": "en",
        "languages": ["it", "en"],
        "languages_other": "Parmigiano dialect",
        "dietary": ["vegetarian"],
        "dietary_other": "",
        "allergens": ["peanuts", "buckwheat"],
        "allergens_other": "kiwi (mild)",
        "accessibility": "",
        "arrival_at": "2027-06-13T15:40",
        "arrival_airport": "hnd",
        "arrival_flight": "AZ 786",
        "departure_at": "2027-06-19T11:05",
        "departure_airport": "HND",
        "departure_flight": "AZ 787",
        "needs_room": "y",
        "shares_room_with": "",
        "check_in_on": "2027-06-13",
        "check_out_on": "2027-06-19",
        "consent": "y",
    }
    data.update(overrides)
    _with_name_fields(data)
    return {k: v for k, v in data.items() if v is not None}


def member_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Marco Bianchi",
        "native_name": "",
        "position": "Mayor of Parma",
        "role": "mayor",
        "email": "marco.bianchi@parma.example",
        "locale": "ja",
    }
    data.update(overrides)
    return _with_name_fields(data)


def delegate_by_email(app: Flask, email: str) -> Delegate | None:
    with app.app_context():
        delegate = db.session.scalar(sa.select(Delegate).where(Delegate.email == email))
        if delegate is not None:
            db.session.expunge(delegate)
        return delegate


def outbox(app: Flask, recipient: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        messages = list(db.session.scalars(query))
        for message in messages:
            db.session.expunge(message)
        return messages


def link_in(text: str) -> str:
    """The path of the sign-in link in an e-mail's text."""
    match = re.search(r"https?://[^/\s]+(/login/link/[A-Za-z0-9_\-]+)", text)
    assert match, text
    return match.group(1)


def register_head(client: Any, invited: Invited, **overrides: Any) -> Any:
    return client.post(invited.url, data=head_form(**overrides))
