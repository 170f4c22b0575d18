"""Time guard rails for organisers (#15 item 13): changing a festival's
dates so that sessions fall outside it is refused with the list; sending
impression forms "now" or checking someone in before a session has started
asks for confirmation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from tests import factories
from tests.test_festivals_admin import VALID, field_error


@pytest.fixture
def festival_with_sessions(app):
    with app.app_context():
        festival = factories.make_festival(slug="gastro-2027", name="Gastro 2027")
        # 10:00–11:30 in Tokyo on Tuesday 15 June, and on Friday 18 June.
        factories.make_session(festival, title="Opening talk")
        factories.make_session(
            festival, title="Closing dinner", starts_at=datetime(2027, 6, 18, 10, tzinfo=UTC)
        )
        db.session.commit()
        return festival.id


def test_new_dates_that_leave_sessions_outside_are_refused_with_the_list(
    app, client, auth, festival_with_sessions
):
    auth.organiser()
    url = "/organiser/festivals/gastro-2027/edit"
    data = {**VALID, "slug": "gastro-2027", "starts_on": "2027-06-14", "ends_on": "2027-06-17"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    error = field_error(response.text, "ends_on")
    assert "Closing dinner (Fri, Jun 18, 2027, 19:00–20:30)" in error
    assert "Opening talk" not in error
    assert 'value="2027-06-17"' in response.text  # nothing typed is lost

    data.update(starts_on="2027-06-16", ends_on="2027-06-18")
    error = field_error(client.post(url, data=data).text, "starts_on")
    assert "Opening talk (Tue, Jun 15, 2027, 10:00–11:30)" in error
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival))
        assert (festival.starts_on.day, festival.ends_on.day) == (14, 18)

    data.update(starts_on="2027-06-15", ends_on="2027-06-19")  # still around them: fine
    assert client.post(url, data=data).status_code == 302
