"""Organiser pages for festival editions and their venues."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from festival.core.access import organiser_blueprint
from festival.extensions import db
from festival.festivals.models import Festival

bp = organiser_blueprint("festivals_admin", __name__)


@bp.get("/")
def dashboard() -> str:
    festivals = db.session.scalars(sa.select(Festival).order_by(Festival.starts_on.desc())).all()
    return render_template("festivals/dashboard.html", festivals=festivals)
