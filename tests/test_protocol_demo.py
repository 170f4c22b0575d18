"""The demo's protocol guests: a mayor's spouse in the partner programme, a
UNESCO delegation and a press guest, and the Mayors' Forum's interpretation
with one mayor left uncovered, all visible on the organisers' pages."""

from __future__ import annotations

import sqlalchemy as sa

from festival.cities.models import City, CityKind
from festival.extensions import db
from festival.festivals.models import Festival
from festival.interpretation.services import coverage_of
from festival.programme.models import Attendance, Audience, ProgrammeSession
from festival.registration.models import Delegate, DelegateRole, Delegation


def test_the_demo_has_a_spouse_unesco_the_press_and_one_uncovered_mayor(app, runner, client, auth):
    result = runner.invoke(
        args=["demo", "--cities", "40", "--delegates", "150", "--sessions", "30"]
    )
    assert result.exit_code == 0, result.output
    assert "is left uncovered" in result.output
    with app.app_context():
        # The current edition (the demo also has last year's).
        festival = db.session.scalar(sa.select(Festival).order_by(Festival.starts_on.desc()))
        spouse = db.session.scalar(sa.select(Delegate).where(Delegate.is_accompanying))
        assert spouse.accompanies.confirmed_role == DelegateRole.MAYOR
        partner = db.session.scalars(
            sa.select(ProgrammeSession.id).where(ProgrammeSession.open_to_accompanying)
        ).all()
        attending = db.session.scalars(
            sa.select(Attendance.session_id).where(Attendance.delegate_id == spouse.id)
        ).all()
        assert partner and set(attending) <= set(partner)
        kinds = dict(
            db.session.execute(
                sa.select(City.name, City.kind).join(Delegation, Delegation.city_id == City.id)
            ).all()
        )
        assert kinds["UNESCO"] == CityKind.ORGANISATION and kinds["NHK World"] == CityKind.PRESS
        forum = db.session.scalar(
            sa.select(ProgrammeSession)
            .where(
                ProgrammeSession.audience == Audience.MAYORS,
                ProgrammeSession.festival_id == festival.id,
            )
            .order_by(ProgrammeSession.starts_at, ProgrammeSession.id)
        )
        coverage = coverage_of(festival, [forum])[forum.id]
        assert len(coverage.uncovered) == 1 and coverage.uncovered[0].attendee.is_mayor
        slug, forum_id, left = festival.slug, forum.id, coverage.uncovered[0].attendee.name
    auth.organiser()
    page = client.get(f"/organiser/festivals/{slug}/programme/{forum_id}").text
    assert "1 person is left uncovered" in page and left in page
    delegations = client.get(f"/organiser/festivals/{slug}/delegations?kind=organisation").text
    assert "UNESCO" in delegations
