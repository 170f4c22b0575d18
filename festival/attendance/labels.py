"""Words for the enums the check-in pages show, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from festival.programme.models import Audience
from festival.registration.models import DelegateRole, DelegateStatus

from .services import Outcome

AUDIENCES = {
    Audience.PUBLIC: _l("Public"),
    Audience.DELEGATES: _l("All delegates"),
    Audience.MAYORS: _l("Mayors and deputy mayors"),
    Audience.INVITED: _l("Invited delegations"),
}

ROLES = {
    DelegateRole.MAYOR: _l("Mayor"),
    DelegateRole.DEPUTY_MAYOR: _l("Deputy mayor"),
    DelegateRole.OFFICIAL: _l("Official"),
    DelegateRole.INTERPRETER: _l("Interpreter"),
    DelegateRole.CHEF: _l("Chef"),
    DelegateRole.PRESS: _l("Press"),
    DelegateRole.OTHER: _l("Other"),
}

STATUSES = {
    DelegateStatus.PENDING: _l("Pending"),
    DelegateStatus.CONFIRMED: _l("Confirmed"),
    DelegateStatus.DECLINED: _l("Declined"),
    DelegateStatus.CANCELLED: _l("Cancelled"),
}

OUTCOMES = {
    Outcome.CHECKED_IN: _l("Checked in"),
    Outcome.WALK_IN: _l("Checked in (walk-in)"),
    Outcome.ALREADY: _l("Already checked in"),
    Outcome.NOT_ELIGIBLE: _l("Not allowed in this session"),
    Outcome.UNKNOWN: _l("Unknown code"),
}
