"""E-mails about transfers: a changed flight confirmed by the organisers."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from festival.festivals.models import Festival
from festival.outbox.services import Email, queue_many
from festival.registration.models import Delegate
from festival.transfers.models import Transfer

SUBJECT = _l("Your airport transfer has changed")


def tell_about_change(festival: Festival, transfer: Transfer, told: list[Delegate]) -> int:
    """Each passenger whose flight changed (in their language), and the
    driver when they have an e-mail address (in theirs), learn the pickup as
    it now stands. Keys hold the passenger's sequence: a later change is a
    new e-mail, a double click is not."""
    if not told:
        return 0
    itinerary = url_for("itineraries.my_itinerary", festival=festival.slug, _external=True)
    common = {"festival": festival, "transfer": transfer, "vehicle": transfer.vehicle}
    sequences = {p.delegate_id: p.sequence for p in transfer.passengers}
    emails = [
        Email(
            key=f"transfer-changed:{transfer.id}:{person.id}:{sequences.get(person.id, 0)}",
            recipient=person.email,
            subject=SUBJECT,
            template="transfer_changed",
            locale=person.locale or "en",
            category="transfer",
            context={
                **common,
                "person": person,
                "name": None,
                "url": itinerary,
                "people": [person],
            },
        )
        for person in told
        if person.email
    ]
    vehicle = transfer.vehicle
    if vehicle is not None and vehicle.driver_email:
        stamp = sum(sequences.values())
        emails.append(
            Email(
                key=f"transfer-changed-driver:{transfer.id}:{vehicle.id}:{stamp}",
                recipient=vehicle.driver_email,
                subject=SUBJECT,
                template="transfer_changed",
                locale=vehicle.driver_language,
                category="transfer",
                context={
                    **common,
                    "person": None,
                    "name": vehicle.driver_name,
                    "url": None,
                    "people": told,
                },
            )
        )
    return queue_many(emails)
