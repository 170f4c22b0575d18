"""Content in the reader's language, everywhere it shows: pages with a
visible fallback, e-mails, the invitation page, feeds and frab exports."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import icalendar
import pytest
import sqlalchemy as sa

from festival.calendar import fastpath
from festival.delegations import services as decisions
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.outbox.models import OutboxMessage
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate
from tests import factories

SLUG = "gastro-2027"


@pytest.fixture
def world(app):
    with app.app_context():
        festival = factories.make_festival(
            slug=SLUG,
            name="Gastronomy Festival 2027",
            name_i18n={"ja": "食の祭典2027", "fr": "Festival de la gastronomie 2027"},
            confirmation_note="Your badge waits at the hotel.",
            confirmation_note_i18n={"ja": "名札はホテルでお渡しします。"},
        )
        hall = factories.make_venue(
            festival, name="Civic Hall", name_i18n={"ja": "市民ホール", "fr": "Salle civique"}
        )
        forum = factories.make_session(
            festival,
            title="Food and the city",
            title_i18n={"ja": "食と都市", "fr": "La table et la ville"},
            description="A talk.",
            venue=hall,
        )
        # Left untranslated: shows the fallback.
        tasting = factories.make_session(
            festival,
            title="Sake tasting",
            starts_at=datetime(2027, 6, 15, 5, 0, tzinfo=UTC),
            venue=hall,
        )
        delegation = factories.make_delegation(festival)
        delegate = factories.make_delegate(
            delegation, locale="ja", status=factories.DelegateStatus.PENDING
        )
        factories.enrol(forum, delegate)
        db.session.commit()
        return {
            "festival": festival.id,
            "forum": forum.id,
            "tasting": tasting.id,
            "delegate": delegate.id,
            "hall": hall.id,
        }


def programme(client, lang: str) -> str:
    return client.get(
        f"/festivals/{SLUG}/programme?day=2027-06-15", headers={"Accept-Language": lang}
    ).text


def test_the_programme_shows_titles_in_the_readers_language_with_a_visible_fallback(client, world):
    ja = programme(client, "ja")
    assert "食と都市" in ja and "Food and the city" not in ja
    assert "市民ホール" in ja
    # The untranslated title keeps its own language for screen readers.
    assert '<span lang="en">Sake tasting</span>' in ja
    fr = programme(client, "fr")
    assert "La table et la ville" in fr and "Salle civique" in fr
    en = programme(client, "en")
    assert "Food and the city" in en and '<span lang="en">' not in en
    # A visitor sees no organiser marker.
    assert "not translated" not in ja


def test_an_organiser_sees_what_is_not_translated(app, client, auth, world):
    auth.organiser()
    with app.app_context():
        db.session.execute(sa.update(sa.table("users", sa.column("locale"))).values(locale="ja"))
        db.session.commit()
    page = client.get(f"/organiser/festivals/{SLUG}/programme/{world['tasting']}")
    assert page.status_code == 200
    assert '<span lang="en">Sake tasting</span> <span class="untranslated">' in page.text


def test_the_confirmation_email_is_in_the_delegates_language_content_too(app, world):
    with app.test_request_context():
        festival = db.session.get(Festival, world["festival"])
        delegate = db.session.get(Delegate, world["delegate"])
        decisions.confirm(delegate, festival)
        db.session.commit()
        message = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.key.like("delegate-status:%"))
        ).one()
    assert message.locale == "ja"
    assert "食の祭典2027" in message.subject and "Gastronomy" not in message.subject
    assert "名札はホテルでお渡しします。" in message.text_body
    assert "名札はホテルでお渡しします。" in message.html_body
    assert "Gastronomy Festival 2027" not in message.text_body


def test_the_invitation_page_opens_in_the_invitations_language(app, client, world):
    with app.app_context():
        festival = db.session.get(Festival, world["festival"])
        city = factories.make_city(name="Lyon", preferred_language="fr")
        _invitation, token = factories.make_invitation(festival, city)
        db.session.commit()
    page = client.get(f"/invitations/{token}", headers={"Accept-Language": "ja"})
    assert page.status_code == 200
    assert '<html lang="fr"' in page.text
    assert "Festival de la gastronomie 2027" in page.text


def _events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_one_public_feed_per_content_language_with_the_same_uids(app, client, world):
    plain = client.get(f"/festivals/{SLUG}/programme.ics")
    ja = client.get(f"/festivals/{SLUG}/programme.ics?lang=ja")
    fr = client.get(f"/festivals/{SLUG}/programme.ics?lang=fr")
    assert plain.status_code == ja.status_code == fr.status_code == 200
    assert plain.headers["ETag"] != ja.headers["ETag"] != fr.headers["ETag"]
    events = {lang: _events(r.data) for lang, r in (("en", plain), ("ja", ja), ("fr", fr))}
    assert events["en"].keys() == events["ja"].keys() == events["fr"].keys()
    summaries = {
        lang: sorted(str(e["SUMMARY"]) for e in ev.values()) for lang, ev in events.items()
    }
    assert summaries["en"] == ["Food and the city", "Sake tasting"]
    assert summaries["ja"] == ["Sake tasting", "食と都市"]
    assert summaries["fr"] == ["La table et la ville", "Sake tasting"]
    assert "市民ホール" in ja.data.decode()


def test_a_translation_edit_moves_last_modified_not_sequence(app, client, auth, world):
    with app.app_context():
        db.session.execute(
            sa.update(ProgrammeSession)
            .where(ProgrammeSession.id == world["tasting"])
            .values(updated_at=datetime(2026, 12, 1, tzinfo=UTC))
        )
        db.session.commit()
    before = _events(client.get(f"/festivals/{SLUG}/programme.ics?lang=fr").data)
    auth.organiser()
    response = client.post(
        f"/organiser/festivals/{SLUG}/translations/session/{world['tasting']}",
        data={"title__en": "Sake tasting", "title__fr": "Dégustation de saké"},
    )
    assert response.status_code == 302
    fastpath.clear(app)
    after = _events(client.get(f"/festivals/{SLUG}/programme.ics?lang=fr").data)
    assert before.keys() == after.keys()
    uid = next(u for u, e in after.items() if str(e["SUMMARY"]) == "Dégustation de saké")
    assert after[uid]["SEQUENCE"] == before[uid]["SEQUENCE"]
    assert after[uid]["LAST-MODIFIED"].dt > before[uid]["LAST-MODIFIED"].dt


def test_the_personal_feed_is_in_its_owners_language(app, client, world):
    from festival.calendar.services import personal_token

    with app.app_context():
        token = personal_token(db.session.get(Delegate, world["delegate"]))
        delegate = db.session.get(Delegate, world["delegate"])
        delegate.status = factories.DelegateStatus.CONFIRMED
        delegate.confirmed_role = delegate.role
        db.session.commit()
    body = client.get(f"/feeds/{token}.ics").data.decode()
    assert "食と都市" in body and "市民ホール" in body


def test_frab_carries_the_requested_language_and_every_language(client, world):
    data = json.loads(client.get(f"/festivals/{SLUG}/schedule.json?lang=fr").data)
    events = [
        e
        for day in data["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
    ]
    forum = next(e for e in events if e["id"] == world["forum"])
    assert forum["title"] == "La table et la ville"
    assert set(forum["language"].split(", ")) >= {"en", "fr", "ja"}
    assert data["schedule"]["conference"]["title"] == "Festival de la gastronomie 2027"


def test_the_subscribe_links_point_to_the_readers_language(client, world):
    page = client.get(f"/festivals/{SLUG}/programme", headers={"Accept-Language": "ja"}).text
    assert "programme.ics?lang=ja" in page
    page = client.get(f"/festivals/{SLUG}/programme", headers={"Accept-Language": "en"}).text
    assert "programme.ics?lang" not in page


def test_feeds_and_pages_load_translations_with_their_rows(app, client, world, count_queries):
    """No query per item in any language: the counts do not grow with the data."""
    urls = [
        f"/festivals/{SLUG}/programme.ics?lang=ja",
        f"/festivals/{SLUG}/schedule.json?lang=fr",
    ]

    def counts() -> list[int]:
        result = []
        for url in urls:
            fastpath.clear(app)
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    counts()  # warm: the venues are read once per version of the festival
    few = counts()
    with app.app_context():
        festival = db.session.get(Festival, world["festival"])
        hall = db.session.get(Venue, world["hall"])
        for n in range(12):
            factories.make_session(
                festival,
                title=f"Extra {n}",
                title_i18n={"ja": f"追加{n}", "fr": f"En plus {n}"},
                venue=hall,
            )
        db.session.commit()
    counts()  # the new version of each feed is recorded once
    assert counts() == few
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ProgrammeSession.id))) == 14


def test_a_deleted_item_stays_cancelled_in_its_owners_language(app, client, world):
    from festival.calendar.services import personal_token
    from festival.itineraries import services as itineraries
    from festival.itineraries.models import ItemKind, ItineraryItem

    with app.app_context():
        delegate = db.session.get(Delegate, world["delegate"])
        delegate.status = factories.DelegateStatus.CONFIRMED
        delegate.confirmed_role = delegate.role
        item = ItineraryItem(
            delegation_id=delegate.delegation_id,
            kind=ItemKind.VISIT,
            title="Brewery visit",
            title_i18n={"ja": "酒蔵見学"},
            starts_at=datetime(2027, 6, 16, 5, 0, tzinfo=UTC),
            ends_at=datetime(2027, 6, 16, 6, 0, tzinfo=UTC),
        )
        db.session.add(item)
        db.session.flush()
        itineraries.delete_item(item)
        db.session.commit()
        token = personal_token(delegate)
    events = _events(client.get(f"/feeds/{token}.ics").data)
    visit = next(e for e in events.values() if "酒蔵見学" in str(e["SUMMARY"]))
    assert str(visit["STATUS"]) == "CANCELLED"
