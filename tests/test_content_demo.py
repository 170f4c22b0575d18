"""The demo festival's content in English, Japanese and French, with a few
items left untranslated to show the fallback."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.impressions.models import ImpressionQuestion
from festival.itineraries.models import ItineraryItem
from festival.programme.models import ProgrammeSession


def test_the_demo_speaks_three_languages_and_leaves_some_gaps(app, runner):
    result = runner.invoke(args=["demo", "--cities", "12", "--delegates", "30", "--sessions", "40"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        # The current edition (the demo also has last year's, copied from it).
        festival = db.session.scalars(
            sa.select(Festival).order_by(Festival.starts_on.desc()).limit(1)
        ).one()
        assert festival.all_content_languages == ["en", "ja", "fr"]
        assert festival.name_i18n["ja"].startswith("鶴岡食文化フェスティバル")
        opening = db.session.scalars(
            sa.select(ProgrammeSession).where(
                ProgrammeSession.title == "Opening Ceremony",
                ProgrammeSession.festival_id == festival.id,
            )
        ).one()
        assert opening.title_i18n == {"ja": "開会式", "fr": "Cérémonie d'ouverture"}
        lab = db.session.scalars(
            sa.select(Venue).where(
                Venue.name == "Shonai Food Lab", Venue.festival_id == festival.id
            )
        ).one()
        assert lab.name_i18n == {}  # left in English: the fallback shows
        items = db.session.scalars(sa.select(ItineraryItem.title_i18n)).all()
        # Pickups, visits and dinners; hotels keep their own names.
        assert sum(bool(i18n.get("ja")) for i18n in items) >= len(items) // 2
        question = db.session.scalars(
            sa.select(ImpressionQuestion).where(ImpressionQuestion.builtin.is_(None))
        ).first()
        assert question is not None and question.choices_i18n["fr"][0] == "Légumes anciens"
