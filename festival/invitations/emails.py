"""The e-mails about invitations: the invitation itself, and the organisers'
notice when a city declines. Each in its recipient's language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.core.content import lazy as content_lazy
from festival.core.tokens import hash_token
from festival.core.urls import external_url
from festival.festivals.models import Festival
from festival.invitations.models import Invitation
from festival.outbox.services import Email

PUBLIC_ENDPOINT = "invitations.respond"


def email_locale(language: str | None) -> str:
    """The city's preferred language if the app speaks it, else English."""
    languages = current_app.config["LANGUAGES"]
    return language if language is not None and language in languages else languages[0]


def invitation_link(token: str) -> str:
    """The secret link a city receives (SERVER_URL/invitations/<token>)."""
    return external_url(PUBLIC_ENDPOINT, token=token)


def invitation_email(
    invitation_id: int,
    festival: Festival,
    city: Any,
    *,
    quota: int,
    deadline: datetime,
    token: str,
) -> Email:
    """The invitation e-mail; ``city`` is a City or a row with the same fields."""
    # One key per token: a resend is a new e-mail, a retry of the same one is not.
    key = f"invitation:{invitation_id}:{hash_token(token)[:16]}"
    return Email(
        key=key,
        recipient=city.contact_email,
        subject=_l("Invitation to %(festival)s", festival=content_lazy(festival, "name")),
        template="invitation",
        locale=email_locale(city.preferred_language),
        category="invitation",
        context={
            "festival": festival,
            "city_name": city.name,
            # An organisation, the press or a speaker is not told "your city".
            "city_kind": str(getattr(city, "kind", "city")),
            "contact_name": city.contact_name,
            "quota": quota,
            "deadline": deadline,
            "url": invitation_link(token),
        },
    )


def decline_notice(invitation: Invitation) -> Email:
    """Tell the organisers (the festival's contact address) that a city declined."""
    festival = invitation.festival
    assert festival.contact_email
    return Email(
        key=f"invitation:{invitation.id}:declined",
        recipient=festival.contact_email,
        subject=_l(
            "%(city)s declined the invitation to %(festival)s",
            city=invitation.city.name,
            festival=content_lazy(festival, "name"),
        ),
        template="invitation_declined",
        locale=email_locale(festival.languages[0] if festival.languages else None),
        category="invitation",
        context={
            "festival": festival,
            "city": invitation.city,
            "reason": invitation.decline_reason,
            "url": external_url(
                "invitations_admin.show", slug=festival.slug, invitation_id=invitation.id
            ),
        },
    )


def quota_changed_email(
    invitation: Invitation, *, old_quota: int, taken: int, head: Any | None
) -> Email:
    """Tell the delegation its quota changed: the head (a Delegate) in their
    language, or, before anyone registered, the city's contact in the city's."""
    festival, city = invitation.festival, invitation.city
    recipient = head.email if head is not None else city.contact_email or ""
    language = head.locale if head is not None else city.preferred_language
    return Email(
        # One e-mail per change: raising it again later is a new one.
        key=f"invitation:{invitation.id}:quota:{old_quota}-{invitation.quota}:"
        f"{invitation.updated_at.timestamp():.0f}",
        recipient=recipient,
        subject=_l(
            "%(festival)s: the quota of your delegation has changed",
            festival=content_lazy(festival, "name"),
        ),
        template="quota_changed",
        locale=email_locale(language),
        category="invitation",
        context={
            "festival": festival,
            "city_name": city.name,
            "name": head.display_name if head is not None else city.contact_name,
            "quota": invitation.quota,
            "old_quota": old_quota,
            "taken": taken,
            "url": external_url("registration.delegation") if head is not None else None,
        },
    )
