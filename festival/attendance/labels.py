"""Words for the enums the check-in pages show, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext, npgettext

from festival.programme.labels import AUDIENCE_LABELS
from festival.registration.labels import ROLE_LABELS
from festival.registration.models import DelegateStatus

from .lists import Counts
from .services import Outcome

# The same words as the programme's pages and the registration form.
AUDIENCES = AUDIENCE_LABELS
ROLES = ROLE_LABELS

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


def door_count_labels(checked_in: int, enrolled: int) -> dict[str, str]:
    """The words beside the door numbers, agreeing with them (1 arrivé, 3
    arrivés): the scan page swaps them with the numbers after each code."""
    return {
        "checked_in": npgettext("attendance count", "checked in", "checked in", checked_in),
        "enrolled": npgettext("attendance count", "enrolled", "enrolled", enrolled),
    }


def places_label(counts: Counts, places: int | None) -> str:
    """A session's numbers against its places, walk-ins apart, so a full
    session reads "30 enrolled + 3 walk-ins of 30 places", never "33 of 30"."""
    enrolled = counts.enrolled - counts.walk_ins
    text = ngettext("%(num)d enrolled", "%(num)d enrolled", enrolled)
    if counts.walk_ins:
        walk_ins = ngettext("%(num)d walk-in", "%(num)d walk-ins", counts.walk_ins)
        text = _("%(enrolled)s + %(walk_ins)s", enrolled=text, walk_ins=walk_ins)
    if places is None:
        return text
    return _(
        "%(numbers)s of %(places)s",
        numbers=text,
        places=ngettext("%(num)d place", "%(num)d places", places),
    )
