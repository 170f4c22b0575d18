"""The home page: the festivals, newest first.

Its endpoint stays ``core.index`` (the site's home, linked from every
page), so it is added to the core blueprint from here: core imports no
domain.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask.typing import ResponseReturnValue

from festival.core.public import bp as site_bp
from festival.extensions import db
from festival.festivals.models import Festival


@site_bp.get("/")
def index() -> ResponseReturnValue:
    """Every festival, newest first, each with a link to its programme."""
    festivals = db.session.scalars(sa.select(Festival).order_by(Festival.starts_on.desc())).all()
    return render_template("core/index.html", festivals=festivals)
