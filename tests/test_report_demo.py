"""The demo festival's published report: quotes, some translated, and photos."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from festival.reports.models import PublishedQuote, ReportPublication


def test_the_demo_publishes_a_report_with_translations_and_photos(app, runner, client):
    result = runner.invoke(args=["demo", "--cities", "12", "--delegates", "30", "--sessions", "40"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # The current edition (the demo also has last year's, with its own report).
        current = db.session.scalars(
            sa.select(Festival).order_by(Festival.starts_on.desc())
        ).first()
        slug = current.slug
        publication = db.session.scalars(
            sa.select(ReportPublication).where(ReportPublication.festival_id == current.id)
        ).one()
        assert len(publication.photo_ids) == 2
        quotes = db.session.scalars(
            sa.select(PublishedQuote).where(PublishedQuote.publication_id == publication.id)
        ).all()
        assert quotes and any(q.text_i18n for q in quotes)
    page = client.get(f"/festivals/{slug}/report?lang=ja")
    assert page.status_code == 200
    assert page.text.count('<figure class="report-quote"') == len(quotes)
    assert page.text.count("/report/photos/") == 2
