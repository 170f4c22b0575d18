"""Item 9 of #15: when a session someone is enrolled in moves, changes
venue or is cancelled, or an itinerary item of theirs changes, they get one
e-mail in their language after a quiet period; the organiser sees how many
will be told and may untick it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.changes.models import PendingChange
from festival.core.types import utcnow
from festival.extensions import db
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.outbox.models import OutboxMessage
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate, DelegateStatus, Delegation
from tests.factories import enrol, make_delegate
from tests.programme_support import SLUG, build_world, tokyo_utc

BASE = f"/organiser/festivals/{SLUG}/programme"


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        mayor = db.session.get(Delegate, world["mayor"][0])
        deputy = db.session.get(Delegate, world["deputy"][0])
        mayor.locale, deputy.locale = "fr", "ja"
        enrol(talk, mayor)
        enrol(talk, deputy)
        db.session.commit()
    return world


def _talk_form(world, **overrides):
    data = {
        "title": "Fermentation Cultures of the World",
        "type": "thematic_session",
        "audience": "public",
        "start_date": "2027-06-15",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "11:30",
        "venue_id": str(world["hall_id"]),
        "capacity": "50",
        "description": "",
        "speakers": "",
        "interpretation": "",
        "notify": "1",
    }
    data.update(overrides)
    return data


def _change_mails(app):
    with app.app_context():
        return db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.category == "changes")
            .order_by(OutboxMessage.recipient)
        ).all()


def _worker_at(runner, when):
    with time_machine.travel(when, tick=False):
        result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def test_the_edit_page_shows_how_many_will_be_told_ticked(client, auth, world):
    auth.organiser()
    page = client.get(f"{BASE}/{world['talk_id']}/edit")
    assert "Tell the 2 people concerned by e-mail" in page.text
    assert 'name="notify" value="1" checked' in page.text
    shown = client.get(f"{BASE}/{world['talk_id']}")
    assert "Tell the 2 people concerned by e-mail" in shown.text  # beside "Cancel"


def test_a_move_then_a_new_venue_go_out_as_one_email_each_in_their_language(
    app, client, auth, runner, world
):
    auth.organiser()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        response = client.post(
            f"{BASE}/{world['talk_id']}/edit",
            data=_talk_form(world, start_time="14:00", end_time="15:30"),
            follow_redirects=True,
        )
        assert "2 people will be told by e-mail." in response.text
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        moved = _talk_form(
            world, start_time="14:00", end_time="15:30", venue_id=str(world["salon_id"])
        )
        moved.update(capacity="10", save_anyway="y")  # the forum is there too
        assert client.post(f"{BASE}/{world['talk_id']}/edit", data=moved).status_code == 302

    _worker_at(runner, start + timedelta(minutes=12))  # 8 minutes after the last change
    assert _change_mails(app) == []

    _worker_at(runner, start + timedelta(minutes=15))
    mails = _change_mails(app)
    assert [m.locale for m in mails] == ["fr", "ja"]  # the mayor, the deputy
    french = next(m for m in mails if m.locale == "fr")
    assert "Fermentation Cultures of the World" in french.text_body
    # Old → new, in Tokyo time, and both changes in the one e-mail.
    assert "10:00" in french.text_body and "14:00" in french.text_body
    assert "Main Hall → Mayors' Salon" in french.text_body
    assert "Asia/Tokyo" in french.text_body
    assert "http://festival.test/my/itinerary" in french.text_body
    assert "<del>" in french.html_body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingChange)) == 0

    _worker_at(runner, start + timedelta(minutes=30))
    assert len(_change_mails(app)) == 2  # never twice


def test_unticked_nobody_is_told(app, client, auth, runner, world):
    auth.organiser()
    data = _talk_form(world, start_time="14:00", end_time="15:30")
    del data["notify"]
    client.post(f"{BASE}/{world['talk_id']}/edit", data=data)
    _worker_at(runner, utcnow() + timedelta(hours=1))
    assert _change_mails(app) == []


def test_a_new_description_is_not_news(app, client, auth, runner, world):
    auth.organiser()
    client.post(f"{BASE}/{world['talk_id']}/edit", data=_talk_form(world, description="New text"))
    _worker_at(runner, utcnow() + timedelta(hours=1))
    assert _change_mails(app) == []


def test_cancelling_tells_those_enrolled(app, client, auth, runner, world):
    auth.organiser()
    response = client.post(
        f"{BASE}/{world['talk_id']}/cancel", data={"notify": "1"}, follow_redirects=True
    )
    assert "2 people will be told by e-mail." in response.text
    _worker_at(runner, utcnow() + timedelta(minutes=11))
    mails = _change_mails(app)
    assert len(mails) == 2
    french = next(m for m in mails if m.locale == "fr")
    # (msgid until the lead fills the catalogue: "annulé" then)
    assert "— cancelled" in french.text_body or "— annulé" in french.text_body


def test_an_itinerary_item_moved_or_deleted_tells_its_delegation(app, client, auth, runner, world):
    with app.app_context():
        item = ItineraryItem(
            delegation_id=world["parma_id"],
            kind=ItemKind.PICKUP,
            title="Pickup at Haneda",
            starts_at=tokyo_utc(14, 9),
            ends_at=tokyo_utc(14, 9),
            location="Haneda T3",
        )
        db.session.add(item)
        # A withdrawn member is not told.
        parma = db.session.get(Delegation, world["parma_id"])
        make_delegate(parma, status=DelegateStatus.CANCELLED)
        db.session.commit()
        item_id = item.id
    auth.organiser()
    url = f"/organiser/festivals/{SLUG}/itineraries/{world['parma_id']}"
    assert "Tell the 2 people concerned" in client.get(f"{url}/items/{item_id}/edit").text
    response = client.post(
        f"{url}/items/{item_id}/edit",
        data={
            "kind": "pickup",
            "delegate_id": "",
            "title": "Pickup at Haneda",
            "start_date": "2027-06-14",
            "start_time": "09:30",
            "location": "Haneda T2",
            "notify": "1",
        },
        follow_redirects=True,
    )
    assert "2 people will be told by e-mail." in response.text
    _worker_at(runner, utcnow() + timedelta(minutes=11))
    mails = _change_mails(app)
    assert len(mails) == 2
    assert "Haneda T3 → Haneda T2" in mails[0].text_body

    client.post(f"{url}/items/{item_id}/delete", data={"notify": "1"})
    _worker_at(runner, utcnow() + timedelta(minutes=30))
    assert len(_change_mails(app)) == 4


def test_another_festivals_organiser_pages_still_404(client, auth, world):
    auth.organiser()
    assert client.get(f"{BASE}/999999/edit").status_code == 404
    assert client.post(f"{BASE}/999999/cancel", data={"notify": "1"}).status_code == 404


def test_a_new_item_is_news_and_one_for_one_person_tells_only_them(
    app, client, auth, runner, world
):
    auth.organiser()
    url = f"/organiser/festivals/{SLUG}/itineraries/{world['parma_id']}"
    fields = {"kind": "visit", "title": "Sake brewery", "start_date": "2027-06-16"}
    fields.update(start_time="15:00", location="Kamo brewery", notify="1")
    client.post(f"{url}/items", data={**fields, "delegate_id": ""})
    client.post(f"{url}/items", data={**fields, "delegate_id": str(world["mayor"][0])})
    _worker_at(runner, utcnow() + timedelta(minutes=11))
    mails = _change_mails(app)
    assert len(mails) == 2  # the mayor's two news in one e-mail, the interpreter's one
    by_locale = {m.locale: m.text_body for m in mails}
    assert by_locale["fr"].count("Sake brewery") == 2
    assert by_locale["en"].count("Sake brewery") == 1
    assert "— new" in by_locale["en"]


def test_titles_and_venues_are_in_the_readers_content_language(app, client, auth, runner, world):
    """The French mayor reads the French title and venue names where the
    organisers typed them; the Japanese deputy, with no Japanese venue
    names, reads the default ones."""
    from festival.festivals.models import Venue

    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        talk.title_i18n = {"fr": "Cultures de la fermentation", "ja": "世界の発酵文化"}
        db.session.get(Venue, world["hall_id"]).name_i18n = {"fr": "Grande salle"}
        db.session.get(Venue, world["salon_id"]).name_i18n = {"fr": "Salon des maires"}
        db.session.commit()
    auth.organiser()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        moved = _talk_form(world, venue_id=str(world["salon_id"]))
        moved.update(capacity="10", save_anyway="y")
        assert client.post(f"{BASE}/{world['talk_id']}/edit", data=moved).status_code == 302
    _worker_at(runner, start + timedelta(minutes=15))
    mails = {m.locale: m for m in _change_mails(app)}
    french, japanese = mails["fr"], mails["ja"]
    assert "Cultures de la fermentation" in french.text_body
    assert "Cultures de la fermentation" in french.html_body
    assert "Fermentation Cultures of the World" not in french.text_body
    assert "Grande salle → Salon des maires" in french.text_body
    assert "世界の発酵文化" in japanese.text_body
    assert "Main Hall → Mayors' Salon" in japanese.text_body
