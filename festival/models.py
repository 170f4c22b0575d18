"""Imports every model so that Alembic and ``db.metadata`` see all tables."""

from festival.auth.models import LoginLink, User
from festival.booths import models as _booths  # noqa: F401
from festival.changes.models import PendingChange
from festival.cities.models import City
from festival.festivals.models import Festival, Venue
from festival.impressions import models as _impressions  # noqa: F401
from festival.invitations.models import Invitation
from festival.itineraries.models import CancelledItem, ItineraryItem
from festival.outbox.models import OutboxMessage
from festival.programme.models import Attendance, ProgrammeSession
from festival.protocol import models as _protocol  # noqa: F401
from festival.registration.models import Delegate, Delegation
from festival.reports import models as _reports  # noqa: F401
from festival.transfers import models as _transfers  # noqa: F401

__all__ = [
    "Attendance",
    "CancelledItem",
    "City",
    "Delegate",
    "Delegation",
    "Festival",
    "Invitation",
    "ItineraryItem",
    "LoginLink",
    "OutboxMessage",
    "PendingChange",
    "ProgrammeSession",
    "User",
    "Venue",
]
