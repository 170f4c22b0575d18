"""The demo data: forms everywhere, answers for the sessions already over,
and a report that looks real on first run."""

from __future__ import annotations

import re

import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import (
    ImpressionForm,
    ImpressionInvite,
    ImpressionResponse,
)
from festival.programme.models import ProgrammeSession, SessionStatus


def test_the_demo_has_forms_answers_and_a_report(app, runner, client, auth):
    result = runner.invoke(
        args=["demo", "--cities", "40", "--delegates", "150", "--sessions", "30"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        sessions = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ProgrammeSession)
            .where(ProgrammeSession.status == SessionStatus.SCHEDULED)
        )
        forms = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ImpressionForm)
            .where(ImpressionForm.session_id.is_not(None))
        )
        assert forms == sessions  # every scheduled session has one
        invited = set(
            db.session.execute(
                sa.select(ImpressionInvite.form_id, ImpressionInvite.delegate_id)
            ).all()
        )
        responses = db.session.scalars(sa.select(ImpressionResponse)).all()
        assert invited and responses
        # Only invitees answer, about 60% of them, mostly 4 and 5.
        assert all((r.form_id, r.delegate_id) in invited for r in responses)
        assert 0.4 < len(responses) / len(invited) < 0.8
        assert sum(r.rating >= 4 for r in responses) > len(responses) / 2
        picked = [r for r in responses if r.in_report]
        assert picked and all(r.consent_to_quote and r.quote for r in picked)
        # The current edition (the demo also has last year's, purged).
        slug = db.session.scalar(sa.select(Festival.slug).order_by(Festival.starts_on.desc()))
    # The printed link of a form waiting for an answer works.
    link = re.search(r"/impressions/([\w-]+)", result.output.split("impression form")[-1])
    assert client.get(f"/impressions/{link.group(1)}").status_code == 200
    # The organiser signs in with the password the demo printed.
    password = re.search(r"organiser@festival\.example / password: (\S+)", result.output)
    auth.organiser("organiser@festival.example", password.group(1))
    report = client.get(f"/organiser/festivals/{slug}/impressions/report")
    assert report.status_code == 200
    assert report.text.count('class="report-quote"') == len(picked)
