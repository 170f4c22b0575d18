"""The registration page a head of delegation reaches from an accepted invitation.

Placeholder until the registration issue (#3) lands: the invitation view
calls :func:`registration_page` once the invitation is accepted.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from festival.invitations.models import Invitation


def registration_page(invitation: Invitation, token: str) -> ResponseReturnValue:
    """GET and POST of /invitations/<token> once the invitation is accepted."""
    return render_template("registration/next_steps.html", invitation=invitation, token=token)
