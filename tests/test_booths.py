"""Booths at the exchange event (issue #16, item 4): applications with
partner cities who confirm, the organisers' review and floor plan, the
public list and map, and the booths in the frab export."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from festival.booths import services
from festival.booths.models import Booth, BoothHall, BoothStatus, PartnerStatus
from festival.extensions import db
from festival.programme.models import ProgrammeSession, SessionType
from festival.registration.models import Delegation
from tests.factories import make_city, make_delegate, make_delegation, make_festival, make_session
from tests.support.queries import queries_per_page
from tests.test_frab_export import SCHEMA_DIR

FRAB_SCHEMAS = SCHEMA_DIR
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    slug: str
    session_id: int
    heads: dict[str, int]  # city name -> the head's user id
    delegations: dict[str, int]
    members: dict[str, int]  # city name -> a member's delegate id


def _world(app, cities=("Parma", "Usuki", "Chengdu"), chosen: bool = True) -> World:
    with app.app_context():
        festival = make_festival()
        session = make_session(
            festival,
            title="Inter-city exchange",
            type=SessionType.EXCHANGE,
            starts_at=datetime(2027, 6, 16, 4, 0, tzinfo=UTC),
        )
        heads, delegations, members = {}, {}, {}
        for name in cities:
            delegation = make_delegation(festival, make_city(name=name))
            head = make_delegate(delegation, is_head=True, full_name=f"Head of {name}")
            member = make_delegate(
                delegation, family_name="Rossi", given_names="Giulia", full_name="Giulia Rossi"
            )
            heads[name], delegations[name], members[name] = head.user_id, delegation.id, member.id
        if chosen:
            services.set_exchange_session(festival, session)
        db.session.commit()
        return World(festival.slug, session.id, heads, delegations, members)


@pytest.fixture
def world(app) -> World:
    return _world(app)


def _apply(client, world: World, title="Slow food routes", partners=("Usuki",), **extra):
    data = {
        "title": title,
        "description": "Two cities, one market.",
        "partners": [str(world.delegations[p]) for p in partners],
        "needs_power": "y",
        **extra,
    }
    return client.post(f"/festivals/{world.slug}/my/booth/apply", data=data)


def _booth(app, title: str = "Slow food routes") -> Booth:
    with app.app_context():
        return db.session.scalar(sa.select(Booth).where(Booth.title == title))


def _accept_and_place(app, booth_id: int, stand: int = 1) -> None:
    with app.app_context():
        booth = db.session.get(Booth, booth_id)
        services.review(booth, True, "")
        hall = db.session.scalar(sa.select(BoothHall)) or services.add_hall(
            booth.session.festival, "Hall A", 2, 3
        )
        services.place(booth, hall, stand)
        db.session.commit()


# --- applying, partners, staff ----------------------------------------------------


def test_a_head_applies_with_a_partner_who_confirms_and_adds_staff(app, client, auth, world):
    auth.user(world.heads["Parma"])
    assert client.get(f"/festivals/{world.slug}/my/booth").status_code == 200
    response = _apply(client, world)
    assert response.status_code == 302
    booth = _booth(app)
    assert booth.status == BoothStatus.PENDING and booth.needs_power and not booth.needs_table
    with app.app_context():
        partners = db.session.get(Booth, booth.id).partners
        assert [(p.delegation_id, p.status) for p in partners] == [
            (world.delegations["Usuki"], PartnerStatus.PENDING)
        ]
    # A second application by the same city is refused, what was typed kept.
    again = _apply(client, world, title="Another")
    assert again.status_code == 422 and "Another" in again.text
    assert _booth(app, "Another") is None

    auth.logout()
    auth.user(world.heads["Usuki"])
    page = client.get(f"/festivals/{world.slug}/my/booth")
    assert "Slow food routes" in page.text and "Confirm the partnership" in page.text
    client.post(f"/festivals/{world.slug}/my/booth/{booth.id}/answer", data={"answer": "confirm"})
    client.post(
        f"/festivals/{world.slug}/my/booth/{booth.id}/staff",
        data={f"b{booth.id}-staff": [str(world.members["Usuki"])]},
    )
    with app.app_context():
        row = db.session.get(Booth, booth.id)
        assert row.partners[0].status == PartnerStatus.CONFIRMED
        assert [s.delegate_id for s in row.staff] == [world.members["Usuki"]]
        # Usuki cannot put Parma's people at the booth.
        with pytest.raises(services.BoothError):
            services.set_staff(row, row.partners[0].delegation, [world.members["Parma"]])


def test_a_partner_who_declines_takes_its_staff_away(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world)
    booth = _booth(app)
    auth.logout()
    auth.user(world.heads["Usuki"])
    client.post(f"/festivals/{world.slug}/my/booth/{booth.id}/answer", data={"answer": "confirm"})
    client.post(
        f"/festivals/{world.slug}/my/booth/{booth.id}/staff",
        data={f"b{booth.id}-staff": [str(world.members["Usuki"])]},
    )
    client.post(f"/festivals/{world.slug}/my/booth/{booth.id}/answer", data={"answer": "decline"})
    with app.app_context():
        row = db.session.get(Booth, booth.id)
        assert row.partners[0].status == PartnerStatus.DECLINED and row.staff == []


def test_a_partner_must_be_another_city_of_the_festival(app, client, auth, world):
    with app.app_context():
        stranger = make_delegation(make_festival(), make_city(name="Elsewhere")).id
        db.session.commit()
    auth.user(world.heads["Parma"])
    response = client.post(
        f"/festivals/{world.slug}/my/booth/apply",
        data={"title": "Typed by hand", "partners": [str(stranger)]},
    )
    assert response.status_code == 422  # the form again, with what was typed
    assert "Typed by hand" in response.text and "not a valid choice" in response.text
    assert _booth(app, "Typed by hand") is None


def test_images_are_checked_for_type_and_count(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world)
    booth = _booth(app)
    url = f"/festivals/{world.slug}/my/booth/{booth.id}/images"

    def upload(data: bytes, alt: str = "Our stand last year"):
        return client.post(
            url,
            data={"image": (io.BytesIO(data), "x.png"), "alt": alt},
            content_type="multipart/form-data",
        )

    upload(b"<svg onload=alert(1)>")
    upload(PNG, alt="")
    for _ in range(4):
        upload(PNG)
    with app.app_context():
        images = db.session.get(Booth, booth.id).images
        assert [(i.content_type, i.alt) for i in images] == [
            ("image/png", "Our stand last year")
        ] * 3
        image_id = images[0].id
    # Not public before the booth is accepted, except to its own head.
    assert client.get(f"/festivals/{world.slug}/booths/images/{image_id}").status_code == 200
    auth.logout()
    assert client.get(f"/festivals/{world.slug}/booths/images/{image_id}").status_code == 404
    _accept_and_place(app, booth.id)
    response = client.get(f"/festivals/{world.slug}/booths/images/{image_id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_control_characters_are_filtered(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world, title="Slow\r\nfood\x1b routes", needs_notes="one\r\ntwo\x00")
    with app.app_context():
        booth = db.session.scalar(sa.select(Booth))
        assert booth.title == "Slow food routes"
        assert booth.needs_notes == "one\ntwo"


def test_posts_without_a_csrf_token_are_refused(app, client, auth, world):
    auth.user(world.heads["Parma"])
    response = client.post(
        f"/festivals/{world.slug}/my/booth/apply", data={"title": "No token"}, csrf=False
    )
    assert response.status_code == 400
    assert _booth(app, "No token") is None


# --- guards -------------------------------------------------------------------------


def test_another_citys_head_cannot_edit_a_booth(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world, partners=())
    booth = _booth(app)
    auth.logout()
    auth.user(world.heads["Chengdu"])
    base = f"/festivals/{world.slug}/my/booth/{booth.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/edit", data={"title": "Mine now"}).status_code == 404
    assert client.post(f"{base}/answer", data={"answer": "confirm"}).status_code == 404
    assert client.post(f"{base}/staff", data={}).status_code == 404
    assert client.post(f"{base}/images", data={}).status_code == 404
    assert _booth(app).title == "Slow food routes"


def test_a_member_who_is_not_head_cannot_apply(app, client, auth, world):
    with app.app_context():
        from festival.registration.models import Delegate

        user_id = db.session.get(Delegate, world.members["Parma"]).user_id
    auth.user(user_id)
    assert client.get(f"/festivals/{world.slug}/my/booth").status_code == 404
    assert _apply(client, world).status_code == 404


def test_organiser_pages_are_404_for_delegates(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world)
    booth = _booth(app)
    base = f"/organiser/festivals/{world.slug}/booths"
    for url in (base, f"{base}/{booth.id}", f"{base}/map.svg", f"{base}/print"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/{booth.id}/review", data={"decision": "accept"}).status_code == 404
    assert _booth(app).status == BoothStatus.PENDING


# --- the organisers -------------------------------------------------------------------


def test_organisers_choose_the_event_review_and_place(app, client, auth):
    world = _world(app, chosen=False)
    auth.organiser()
    base = f"/organiser/festivals/{world.slug}/booths"
    assert client.get(base).status_code == 200
    client.post(f"{base}/exchange", data={"session_id": str(world.session_id)})
    auth.logout()
    auth.user(world.heads["Parma"])
    _apply(client, world)
    auth.logout()
    auth.organiser()
    booth = _booth(app)
    assert "Slow food routes" in client.get(base).text
    client.post(f"{base}/halls", data={"name": "Hall A", "rows": "2", "columns": "3"})
    bad = client.post(f"{base}/halls", data={"name": "Hall B", "rows": "0", "columns": "3"})
    assert bad.status_code == 422 and "Hall B" in bad.text
    # A booth must be accepted before it is placed.
    with app.app_context():
        hall_id = db.session.scalar(sa.select(BoothHall.id))
    response = client.post(f"{base}/{booth.id}/place", data={"hall_id": hall_id, "stand": "2"})
    assert response.status_code == 404 or _booth(app).stand is None
    client.post(f"{base}/{booth.id}/review", data={"decision": "accept", "note": "Welcome"})
    response = client.post(f"{base}/{booth.id}/place", data={"hall_id": hall_id, "stand": "7"})
    assert response.status_code == 422 and "stands 1 to 6" in response.text
    response = client.post(f"{base}/{booth.id}/place", data={"hall_id": hall_id, "stand": "2"})
    assert response.status_code == 302
    placed = _booth(app)
    assert (placed.status, placed.review_note, placed.stand) == (BoothStatus.ACCEPTED, "Welcome", 2)
    svg = client.get(f"{base}/map.svg")
    assert svg.mimetype == "image/svg+xml" and "Parma" in svg.text
    assert client.get(f"{base}/print").status_code == 200


def test_a_stand_holds_one_booth(app, client, auth, world):
    with app.app_context():
        festival_id = db.session.get(ProgrammeSession, world.session_id).festival_id
        booths = []
        for name in ("Parma", "Usuki"):
            booth = Booth(
                festival_id=festival_id,
                session_id=world.session_id,
                delegation_id=world.delegations[name],
                title=name,
                status=BoothStatus.ACCEPTED,
            )
            db.session.add(booth)
            booths.append(booth)
        hall = BoothHall(festival_id=festival_id, name="Hall A", row_count=1, column_count=2)
        db.session.add(hall)
        db.session.flush()
        services.place(booths[0], hall, 1)
        with pytest.raises(services.BoothError, match="taken"):
            services.place(booths[1], hall, 1)
        assert booths[1].stand is None
        db.session.commit()
        # The database itself refuses it, whatever the code above does.
        with pytest.raises(IntegrityError):
            db.session.execute(
                sa.update(Booth).where(Booth.id == booths[1].id).values(hall_id=hall.id, stand=1)
            )
        db.session.rollback()


# --- visitors ---------------------------------------------------------------------------


def test_visitors_see_the_list_the_map_and_the_session_section(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world)
    booth = _booth(app)
    auth.logout()
    auth.user(world.heads["Usuki"])
    client.post(f"/festivals/{world.slug}/my/booth/{booth.id}/answer", data={"answer": "confirm"})
    client.post(
        f"/festivals/{world.slug}/my/booth/{booth.id}/staff",
        data={f"b{booth.id}-staff": [str(world.members["Usuki"])]},
    )
    auth.logout()
    # Not accepted yet: not listed.
    assert "Slow food routes" not in client.get(f"/festivals/{world.slug}/booths").text
    _accept_and_place(app, booth.id, stand=4)
    page = client.get(f"/festivals/{world.slug}/booths")
    assert page.status_code == 200
    assert "Slow food routes" in page.text and "Parma, Usuki" in page.text
    assert "ROSSI Giulia" in page.text  # the staff's names as lists write them
    assert "<svg" in page.text and "Hall A · 4" in page.text
    svg = client.get(f"/festivals/{world.slug}/booths/map.svg")
    assert svg.mimetype == "image/svg+xml" and "Slow food routes" in svg.text
    session_page = client.get(f"/festivals/{world.slug}/sessions/{world.session_id}")
    assert "Booths" in session_page.text and "Slow food routes" in session_page.text


def test_the_booths_page_is_404_without_an_exchange_event(app, client):
    world = _world(app, chosen=False)
    assert client.get(f"/festivals/{world.slug}/booths").status_code == 404


def _festival_with_booths(app, count: int) -> str:
    """A festival whose exchange event has ``count`` accepted, placed booths,
    each with a partner that confirmed and one person of staff; its slug."""
    names = [f"City {count}-{n}" for n in range(count + 1)]
    world = _world(app, cities=names)
    with app.app_context():
        session = db.session.get(ProgrammeSession, world.session_id)
        hall = services.add_hall(session.festival, "Hall A", 2, 5)
        partner = _delegation(world.delegations[names[-1]])
        for n, name in enumerate(names[:count], start=1):
            data = services.BoothData(f"Project {n}", "Text", True, False, False, "", [partner.id])
            booth = services.apply(_delegation(world.delegations[name]), session, data)
            services.answer_partner(booth, partner, True)
            services.set_staff(booth, _delegation(world.delegations[name]), [world.members[name]])
            services.review(booth, True, "")
            services.place(booth, hall, n)
        db.session.commit()
    return world.slug


def test_the_public_booths_page_runs_the_same_queries_for_1_and_5_booths(app, client):
    small, large = _festival_with_booths(app, 1), _festival_with_booths(app, 5)
    pages = [f"/festivals/{slug}/booths" for slug in (small, large)]
    counts = queries_per_page(client, pages)
    assert counts[0] == counts[1], counts
    sessions = queries_per_page(client, [f"{page}/map.svg" for page in pages])
    assert sessions[0] == sessions[1], sessions


def test_the_organisers_booths_page_runs_the_same_queries_for_1_and_5_booths(app, client, auth):
    small, large = _festival_with_booths(app, 1), _festival_with_booths(app, 5)
    auth.organiser()
    pages = [f"/organiser/festivals/{slug}/booths" for slug in (small, large)]
    counts = queries_per_page(client, pages)
    assert counts[0] == counts[1], counts


def _delegation(delegation_id: int):
    from festival.registration.models import Delegation

    return db.session.get(Delegation, delegation_id)


# --- the frab export ---------------------------------------------------------------------


def _booths_in_export(app, client, auth, world) -> None:
    """Two accepted booths, one with a partner, one placed; and one declined."""
    auth.user(world.heads["Parma"])
    _apply(client, world)
    booth = _booth(app)
    auth.logout()
    auth.user(world.heads["Usuki"])
    client.post(f"/festivals/{world.slug}/my/booth/{booth.id}/answer", data={"answer": "confirm"})
    _apply(client, world, title="屋台の未来", partners=())
    auth.logout()
    auth.user(world.heads["Chengdu"])
    _apply(client, world, title="Declined project", partners=())
    auth.logout()
    _accept_and_place(app, booth.id, stand=3)
    with app.app_context():
        services.review(db.session.get(Booth, _booth(app, "屋台の未来").id), True, "")
        services.review(db.session.get(Booth, _booth(app, "Declined project").id), False, "")
        db.session.commit()


def test_the_frab_export_lists_booths_as_sub_items_of_the_exchange_session(
    app, client, auth, world
):
    before = client.get(f"/festivals/{world.slug}/schedule.json")
    _booths_in_export(app, client, auth, world)
    after = client.get(f"/festivals/{world.slug}/schedule.json")
    assert after.headers["ETag"] != before.headers["ETag"]  # the booths moved the version
    conference = after.json["schedule"]["conference"]
    events = {
        event["title"]: (room, event)
        for day in conference["days"]
        for room, room_events in day["rooms"].items()
        for event in room_events
    }
    session_room, session = events["Inter-city exchange"]
    room, placed = events["Hall A · 3: Slow food routes"]
    assert room == "Booths: Inter-city exchange" != session_room
    assert (placed["date"], placed["duration"]) == (session["date"], session["duration"])
    assert placed["type"] == "booth" and "Parma, Usuki" in placed["description"]
    assert "屋台の未来" in events and "Declined project" not in events


@pytest.mark.skipif(not FRAB_SCHEMAS.exists(), reason="frab schemas not found")
def test_the_frab_export_with_booths_is_valid(app, client, auth, world):
    import jsonschema
    import xmlschema

    _booths_in_export(app, client, auth, world)
    xml = client.get(f"/festivals/{world.slug}/schedule.xml")
    xmlschema.XMLSchema(str(FRAB_SCHEMAS / "schedule.xml.xsd")).validate(xml.data.decode())
    schema = json.loads((FRAB_SCHEMAS / "schedule.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    document = client.get(f"/festivals/{world.slug}/schedule.json").json
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_the_demo_has_an_exchange_event_with_booths_on_two_halls(app, runner, client):
    result = runner.invoke(
        args=["demo", "--cities", "40", "--delegates", "100", "--sessions", "30"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        booths = db.session.scalars(sa.select(Booth)).all()
        placed = [b for b in booths if b.stand is not None]
        assert len(booths) == 12 and len(placed) == 11
        assert {b.hall.name for b in placed} == {"Hall A", "Hall B"}
        assert sum(p.status == PartnerStatus.CONFIRMED for b in booths for p in b.partners) >= 3
        slug = booths[0].session.festival.slug
    page = client.get(f"/festivals/{slug}/booths")
    assert page.status_code == 200 and "Slow Food Routes" in page.text


def test_the_heads_delegation_page_leads_to_the_booth(app, client, auth, world):
    auth.user(world.heads["Parma"])
    page = client.get(f"/my/delegation?festival={world.slug}")
    assert page.status_code == 200
    assert f"/festivals/{world.slug}/my/booth" in page.text


def test_a_partner_citys_head_is_emailed_once_in_their_language(app, client, auth, world):
    from festival.outbox.models import OutboxMessage
    from festival.registration.models import Delegate

    with app.app_context():
        usuki_head = db.session.scalar(
            sa.select(Delegate).where(Delegate.user_id == world.heads["Usuki"])
        )
        usuki_head.locale = "fr"
        usuki_email = usuki_head.email
        db.session.commit()
    auth.user(world.heads["Parma"])
    _apply(client, world)
    booth = _booth(app)
    # Saved again with the same partner: no second e-mail.
    client.post(
        f"/festivals/{world.slug}/my/booth/{booth.id}/edit",
        data={"title": "Slow food routes", "partners": [str(world.delegations["Usuki"])]},
    )
    with app.app_context():
        messages = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.category == "booths")
        ).all()
        assert [m.recipient for m in messages] == [usuki_email]
        assert messages[0].locale == "fr"
        assert f"/festivals/{world.slug}/my/booth" in messages[0].text_body
        assert "Slow food routes" in messages[0].html_body


def test_a_translated_booth_shows_in_the_readers_language(app, client, auth, world):
    auth.user(world.heads["Parma"])
    _apply(client, world, partners=())
    booth = _booth(app)
    auth.logout()
    _accept_and_place(app, booth.id)
    with app.app_context():
        row = db.session.get(Booth, booth.id)
        row.title_i18n = {"ja": "スローフードの道"}
        db.session.commit()
    japanese = client.get(f"/festivals/{world.slug}/booths", headers={"Accept-Language": "ja"})
    assert "スローフードの道" in japanese.text
    english = client.get(f"/festivals/{world.slug}/booths", headers={"Accept-Language": "en"})
    assert "スローフードの道" not in english.text and "Slow food routes" in english.text


def test_a_city_s_history_counts_its_accepted_booths(app, client, auth, world):
    """The city page's history (festival.editions) has a Booths column fed
    by this domain (festival.editions.facets)."""
    auth.user(world.heads["Parma"])
    assert _apply(client, world).status_code == 302
    auth.logout()
    booth = _booth(app)
    _accept_and_place(app, booth.id)
    with app.app_context():
        city_id = db.session.get(Delegation, world.delegations["Parma"]).city_id
    auth.organiser()
    page = client.get(f"/organiser/cities/{city_id}/")
    assert page.status_code == 200
    history = page.text[page.text.index("<table") :]
    assert '<th scope="col" class="num">Booths</th>' in history
    # One booth, no quote: the last two columns of the edition's row.
    assert '<td class="num">1</td><td class="num">0</td>' in history
