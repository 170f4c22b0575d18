"""What people read for the programme's enums, in their language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.programme.models import Audience, SessionStatus, SessionType

SESSION_TYPE_LABELS = {
    SessionType.CEREMONY: _l("Ceremony"),
    SessionType.THEMATIC: _l("Thematic session"),
    SessionType.FORUM: _l("Forum"),
    SessionType.WORKSHOP: _l("Workshop"),
    SessionType.EXCHANGE: _l("Exchange"),
    SessionType.TASTING: _l("Tasting"),
    SessionType.MEAL: _l("Meal"),
    SessionType.EXCURSION: _l("Excursion"),
    SessionType.TRANSFER: _l("Transfer"),
}

AUDIENCE_LABELS = {
    Audience.PUBLIC: _l("Public"),
    Audience.DELEGATES: _l("All delegates"),
    Audience.MAYORS: _l("Mayors and deputy mayors"),
    Audience.INVITED: _l("Invited delegations"),
}

STATUS_LABELS = {
    SessionStatus.SCHEDULED: _l("Scheduled"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}

# Languages a session may be held or interpreted in, beyond the festival's own.
COMMON_LANGUAGES = ["en", "ja", "fr", "es", "it", "pt", "de", "zh", "ko", "ar", "ru"]


def session_type_label(value: str) -> str:
    return str(SESSION_TYPE_LABELS.get(SessionType(value), value))


def audience_label(value: str) -> str:
    return str(AUDIENCE_LABELS.get(Audience(value), value))


def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(SessionStatus(value), value))
