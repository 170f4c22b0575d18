"""Every blueprint, in one list: the app's URL map starts here.

Each domain's ``views.py`` holds its organiser blueprint (under /organiser)
and ``public.py`` its pages for the public, delegates and secret links.
"""

from festival.attendance.door import bp as door_bp
from festival.attendance.helpers import bp as checkin_helpers_bp
from festival.attendance.views import bp as attendance_bp
from festival.auth.public import bp as auth_bp
from festival.booths.public import bp as booths_bp
from festival.booths.views import bp as booths_admin_bp
from festival.calendar.public import bp as calendar_bp
from festival.changes.public import bp as changes_bp
from festival.cities.views import bp as cities_bp
from festival.content.views import bp as content_bp
from festival.core.public import bp as core_bp
from festival.delegations.editing import bp as delegate_edits_bp
from festival.delegations.views import bp as delegations_bp
from festival.editions.views import bp as editions_bp
from festival.festivals import public as festivals_public  # noqa: F401  (adds core.index to core_bp)
from festival.festivals.views import bp as festivals_admin_bp
from festival.impressions.public import bp as impressions_bp
from festival.impressions.views import bp as impressions_admin_bp
from festival.interpretation.views import bp as interpretation_bp
from festival.invitations.public import bp as invitations_bp
from festival.invitations.views import bp as invitations_admin_bp
from festival.itineraries.public import bp as itineraries_bp
from festival.itineraries.views import bp as itineraries_admin_bp
from festival.logistics.views import bp as logistics_bp
from festival.outbox.views import bp as outbox_bp
from festival.programme.public import bp as programme_bp
from festival.programme.views import bp as programme_admin_bp
from festival.protocol import plans as protocol_plans  # noqa: F401  (seating pages on protocol_bp)
from festival.protocol.views import bp as protocol_bp
from festival.registration.companions import bp as companions_bp
from festival.registration.public import bp as registration_bp
from festival.reports.public import bp as reports_bp
from festival.reports.views import bp as reports_admin_bp
from festival.transfers.views import bp as transfers_bp

ALL = [
    core_bp,
    auth_bp,
    festivals_admin_bp,
    attendance_bp,
    outbox_bp,
    delegations_bp,
    delegate_edits_bp,
    logistics_bp,
    transfers_bp,
    registration_bp,
    companions_bp,
    cities_bp,
    invitations_admin_bp,
    invitations_bp,
    programme_bp,
    programme_admin_bp,
    itineraries_bp,
    itineraries_admin_bp,
    calendar_bp,
    impressions_admin_bp,
    impressions_bp,
    interpretation_bp,
    door_bp,
    checkin_helpers_bp,
    protocol_bp,
    changes_bp,
    content_bp,
    reports_bp,
    reports_admin_bp,
    editions_bp,
    booths_bp,
    booths_admin_bp,
]
