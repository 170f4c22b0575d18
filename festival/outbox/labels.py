"""What the organiser's outbox calls each kind of message, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_pgettext

# The ``category`` values queue_email() is given across the app.
CATEGORY_LABELS = {
    "invitation": lazy_pgettext("outbox kind", "Invitation"),
    "login": lazy_pgettext("outbox kind", "Sign-in link"),
    "registration": lazy_pgettext("outbox kind", "Registration"),
    "privacy": lazy_pgettext("outbox kind", "Personal data"),
    "impressions": lazy_pgettext("outbox kind", "Impression form"),
    "other": lazy_pgettext("outbox kind", "Other"),
}


def category_label(category: str) -> str:
    """The label of a kind of message; an unknown kind shows as it is stored."""
    label = CATEGORY_LABELS.get(category)
    return str(label) if label is not None else category
