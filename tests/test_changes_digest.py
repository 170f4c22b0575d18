"""Item 10 of #15: the evening before each festival day (the festival's
time, 18:00 by default), every delegate with something on that day gets
it by e-mail, once, unless they turned it off on their details page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.outbox.models import OutboxMessage
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate
from tests.factories import enrol
from tests.programme_support import build_world, tokyo_utc


@pytest.fixture
def world(app):
    world = build_world(app)
    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])  # the 15th, 10:00
        mayor = db.session.get(Delegate, world["mayor"][0])
        official = db.session.get(Delegate, world["official"][0])
        mayor.locale = "fr"
        enrol(talk, mayor)
        enrol(talk, official)
        official.daily_digest = False  # turned it off
        db.session.add(
            ItineraryItem(
                delegation_id=world["parma_id"],
                kind=ItemKind.PICKUP,
                title="Pickup at the Hotel Sakura",
                starts_at=tokyo_utc(15, 8, 30),
                ends_at=tokyo_utc(15, 8, 30),
                location="Hotel Sakura lobby",
            )
        )
        db.session.commit()
    return world


def _digests(app):
    with app.app_context():
        return db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.category == "digest")
            .order_by(OutboxMessage.id)
        ).all()


def _worker_at(runner, when):
    with time_machine.travel(when, tick=False):
        result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def test_the_eve_of_a_day_each_delegate_with_plans_gets_them_once(app, runner, world):
    _worker_at(runner, tokyo_utc(14, 17, 59))
    assert _digests(app) == []  # not yet

    _worker_at(runner, tokyo_utc(14, 18, 1))
    mails = _digests(app)
    # The mayor (talk and pickup) and the interpreter (pickup); not the
    # deputy (nothing that day), not the official (turned it off).
    with app.app_context():
        names = {db.session.get(Delegate, world[k][0]).email: k for k in ("mayor", "interpreter")}
    assert sorted(names[m.recipient] for m in mails) == ["interpreter", "mayor"]
    mayors = next(m for m in mails if names[m.recipient] == "mayor")
    assert mayors.locale == "fr"
    body = mayors.text_body
    assert body.index("08:30") < body.index("10:00")  # in time order, Tokyo time
    assert "Pickup at the Hotel Sakura" in body and "Hotel Sakura lobby" in body
    assert "Fermentation Cultures of the World" in body and "Main Hall" in body
    assert "http://festival.test/my/itinerary" in body
    assert "Fermentation Cultures of the World" in mayors.html_body

    _worker_at(runner, tokyo_utc(14, 18, 30))
    _worker_at(runner, tokyo_utc(14, 23, 0))
    assert len(_digests(app)) == 2  # never twice for the same day


def test_the_festival_sets_the_time(app, runner, world):
    with app.app_context():
        festival = db.session.get(Festival, world["festival_id"])
        festival.digest_at = time(20, 0)
        db.session.commit()
    _worker_at(runner, tokyo_utc(14, 19, 0))
    assert _digests(app) == []
    _worker_at(runner, tokyo_utc(14, 20, 0))
    assert len(_digests(app)) == 2


def test_a_cancelled_session_is_not_in_the_digest(app, runner, world):
    with app.app_context():
        db.session.get(ProgrammeSession, world["talk_id"]).status = "cancelled"
        db.session.commit()
    _worker_at(runner, tokyo_utc(14, 18, 0) + timedelta(minutes=5))
    assert all("Fermentation" not in m.text_body for m in _digests(app))


def test_a_delegate_turns_it_off_and_on_from_their_details_page(app, client, auth, world):
    auth.user(world["mayor"][1])
    page = client.get("/my/details")
    assert 'name="daily_digest" value="y" checked' in page.text
    response = client.post("/my/digest", data={}, follow_redirects=True)
    assert "no longer get your next day" in response.text
    with app.app_context():
        assert db.session.get(Delegate, world["mayor"][0]).daily_digest is False
    client.post("/my/digest", data={"daily_digest": "y"})
    with app.app_context():
        assert db.session.get(Delegate, world["mayor"][0]).daily_digest is True


def test_the_choice_needs_a_delegate(client, auth, world):
    assert client.post("/my/digest", data={}).status_code in (302, 401)  # signed out
    auth.organiser()
    assert client.post("/my/digest", data={}).status_code == 404


def test_the_digest_is_in_the_readers_content_language_seat_included(app, runner, world):
    """Titles, venue and seat in French for the French mayor; the
    interpreter (English) reads the default title of the pickup."""
    from festival.festivals.models import Venue
    from festival.protocol.models import Seat, SeatingPlan, SeatingTable

    with app.app_context():
        talk = db.session.get(ProgrammeSession, world["talk_id"])
        talk.title_i18n = {"fr": "Cultures de la fermentation"}
        db.session.get(Venue, world["hall_id"]).name_i18n = {"fr": "Grande salle"}
        pickup = db.session.scalar(sa.select(ItineraryItem))
        pickup.title_i18n = {"fr": "Départ de l'hôtel Sakura"}
        plan = SeatingPlan(festival_id=world["festival_id"], session_id=talk.id)
        table = SeatingTable(plan=plan, number=2, seats=8)
        db.session.add_all([plan, table])
        db.session.flush()
        db.session.add(
            Seat(plan_id=plan.id, table_id=table.id, seat=3, delegate_id=world["mayor"][0])
        )
        db.session.commit()
    _worker_at(runner, tokyo_utc(14, 18, 1))
    with app.app_context():
        mayor_email = db.session.get(Delegate, world["mayor"][0]).email
    mails = _digests(app)
    mayors = next(m for m in mails if m.recipient == mayor_email)
    other = next(m for m in mails if m.recipient != mayor_email)
    for body in (mayors.text_body, mayors.html_body):
        assert "Cultures de la fermentation" in body and "Grande salle" in body
        assert "Table 2, place 3" in body  # worded in French, not the worker's language
    assert "Départ de l'hôtel Sakura" in mayors.text_body
    assert "Pickup at the Hotel Sakura" in other.text_body
