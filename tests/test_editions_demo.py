"""The demo's two editions (#16): last year's, purged, and the current one,
whose cities list reads "2nd time" for the cities that came both years."""

from __future__ import annotations

import re

import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from festival.registration.models import Delegate, Delegation


def test_the_demo_has_last_years_edition_purged_and_cities_back_again(app, runner, client, auth):
    result = runner.invoke(args=["demo", "--cities", "30", "--delegates", "80", "--sessions", "12"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        current, earlier = db.session.scalars(
            sa.select(Festival).order_by(Festival.starts_on.desc())
        ).all()
        assert (current.starts_on - earlier.starts_on).days == 364
        people = db.session.execute(
            sa.select(Delegate.anonymised_at, Delegate.full_name)
            .join(Delegation)
            .where(Delegation.festival_id == earlier.id)
        ).all()
        assert people and all(when is not None for when, _name in people)
        slugs = current.slug, earlier.slug
    both = int(re.search(r"(\d+) cities came both years", result.output).group(1))
    assert both > 0
    password = re.search(r"organiser@festival\.example / password: (\S+)", result.output)
    auth.organiser("organiser@festival.example", password.group(1))
    cities = client.get("/organiser/cities/").text
    assert cities.count("2nd time") == both
    overview = client.get(f"/organiser/festivals/{slugs[0]}/").text
    assert overview.count('<svg class="bar-chart"') == 5
    assert f"<td>{slugs[1].rsplit('-', 1)[1]}</td>" in overview  # last year's counts remain
    # Its people are purged, but its published report is still there to read.
    report = client.get(f"/festivals/{slugs[1]}/report")
    assert report.status_code == 200
    assert "Our chefs came home with new friends" in report.text
