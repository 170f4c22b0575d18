"""#16 item 5: a new edition from the last one copies venues, the shape of
the programme, impression forms and invited cities, and no one's data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from festival.editions import copying
from festival.extensions import db
from festival.festivals.models import Festival, Venue
from festival.impressions.models import (
    ImpressionForm,
    ImpressionInvite,
    ImpressionQuestion,
    ImpressionResponse,
    QuestionKind,
)
from festival.invitations.models import Invitation, InvitationStatus
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.models import Audience, ProgrammeSession, SessionStatus, SessionType
from festival.protocol.models import Seat, SeatingPlan, SeatingTable
from festival.registration.models import Delegate, Delegation
from festival.transfers.models import Direction, Passenger, Transfer
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
    make_session,
    make_venue,
)

TOKYO = ZoneInfo("Asia/Tokyo")
# Thursday 12 June 2025 to Sunday 15 June 2025, in Tokyo.
OLD_START, OLD_END = date(2025, 6, 12), date(2025, 6, 15)


def _tokyo(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO).astimezone(UTC)


def build_last_edition(app) -> int:
    with app.app_context():
        festival = make_festival(
            slug="gastro-2025",
            name="Gastronomy Festival 2025",
            starts_on=OLD_START,
            ends_on=OLD_END,
            tagline="Taste the seasons",
            tagline_i18n={"ja": "季節を味わう"},
            report_introduction="Last year's report",
        )
        hall = make_venue(
            festival,
            name="Civic Hall",
            name_i18n={"ja": "市民ホール", "fr": "Salle municipale"},
            address_i18n={"ja": "本町1-1"},
            directions="Exit 2",
            directions_i18n={"fr": "Sortie 2"},
        )
        make_venue(festival, name="Food Lab")
        forum = make_session(
            festival,
            title="Mayors' Forum",
            title_i18n={"ja": "市長フォーラム"},
            type=SessionType.FORUM,
            audience=Audience.MAYORS,
            capacity=40,
            languages=["en", "ja"],
            venue=hall,
            speakers="YAMAMOTO Tatsuji",
            speakers_i18n={"ja": "山本達司"},
            starts_at=_tokyo(date(2025, 6, 13), 10),  # Friday 10:00
            ends_at=_tokyo(date(2025, 6, 13), 12),
        )
        dinner = make_session(
            festival,
            title="Exchange dinner",
            type=SessionType.MEAL,
            audience=Audience.INVITED,
            starts_at=_tokyo(date(2025, 6, 14), 19),  # Saturday 19:00
            ends_at=_tokyo(date(2025, 6, 14), 21),
        )
        make_session(
            festival,
            title="Cancelled visit",
            status=SessionStatus.CANCELLED,
            starts_at=_tokyo(date(2025, 6, 15), 9),
        )
        form = ImpressionForm(festival=festival, session=forum, title="After the forum")
        form.questions = [
            ImpressionQuestion(kind=QuestionKind.RATING, text="How was it?", position=0),
            ImpressionQuestion(
                kind=QuestionKind.SINGLE_CHOICE,
                text="Best part?",
                choices=["Talks", "Food"],
                choices_i18n={"ja": ["講演", "料理"]},
                position=1,
            ),
        ]
        closing = ImpressionForm(
            festival=festival,
            title="The whole festival",
            closes_at=_tokyo(date(2025, 6, 30), 23, 59),
        )
        closing.questions = [ImpressionQuestion(kind=QuestionKind.TEXT, text="Anything else?")]
        db.session.add_all([form, closing])
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        make_invitation(festival, make_city(name="Lyon"), status=InvitationStatus.DECLINED)
        make_invitation(festival, make_city(name="Usuki", country_code="JP"))
        make_invitation(festival, make_city(name="Revoked"), status=InvitationStatus.REVOKED)
        mayor = make_delegate(parma, full_name="Maria Rossi", is_head=True)
        enrol(forum, mayor)
        dinner.invited_delegations.append(parma)
        db.session.flush()
        db.session.add(
            ImpressionInvite(form=form, delegate=mayor, token_hash="a" * 64, token_salt="s")
        )
        db.session.add(ImpressionResponse(form=form, delegate=mayor, answers={}, quote="Lovely"))
        db.session.add(
            ItineraryItem(
                delegation=parma,
                kind=ItemKind.OTHER,
                title="Pickup",
                starts_at=_tokyo(date(2025, 6, 12), 9),
                ends_at=_tokyo(date(2025, 6, 12), 10),
            )
        )
        transfer = Transfer(
            festival_id=festival.id, direction=Direction.ARRIVAL, airport="HND",
            pickup_at=_tokyo(date(2025, 6, 12), 8),
        )  # fmt: skip
        db.session.add(transfer)
        db.session.add(Passenger(delegate=mayor, direction=Direction.ARRIVAL, transfer=transfer))
        plan = SeatingPlan(festival_id=festival.id, session=dinner)
        table = SeatingTable(plan=plan, number=1, seats=8)
        db.session.add_all([plan, table])
        db.session.flush()
        db.session.add(Seat(plan_id=plan.id, table=table, seat=1, delegate=mayor))
        db.session.commit()
        return festival.id


def _post(client, source, **values):
    data = {
        "name": "Gastronomy Festival 2026",
        "slug": "gastro-2026",
        "starts_on": "2026-06-11",  # Thursday: 52 weeks later
        "ends_on": "2026-06-14",
        **values,
    }
    return client.post(f"/organiser/festivals/{source}/new-edition", data=data)


def test_the_form_suggests_next_year_and_the_preview_counts_what_is_copied(app, client, auth):
    build_last_edition(app)
    auth.organiser()
    page = client.get("/organiser/festivals/gastro-2025/new-edition")
    assert page.status_code == 200
    assert 'value="Gastronomy Festival 2026"' in page.text
    assert 'value="2026-06-11"' in page.text  # 52 weeks on: a Thursday again
    preview = _post(client, "gastro-2025", preview="1")
    assert preview.status_code == 200
    section = preview.text.split('id="copy-preview"')[1]
    for expected in ("2 venues", "2 sessions", "2 impression forms", "3 questions",
                     "3 invited cities", "364 days", "weekday"):  # fmt: skip
        assert expected in section, expected
    with app.app_context():  # the preview made nothing
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Festival)) == 1


def test_the_copy_has_the_shape_of_last_year_and_nobody_in_it(app, client, auth):
    build_last_edition(app)
    auth.organiser()
    response = _post(client, "gastro-2025", confirm="1")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organiser/festivals/gastro-2026/")
    with app.app_context():
        new = db.session.scalar(sa.select(Festival).where(Festival.slug == "gastro-2026"))
        assert (new.starts_on, new.ends_on) == (date(2026, 6, 11), date(2026, 6, 14))
        assert new.tagline_i18n == {"ja": "季節を味わう"} and new.report_introduction == ""
        venues = {v.name: v for v in new.venues}
        assert set(venues) == {"Civic Hall", "Food Lab"}
        hall = venues["Civic Hall"]
        assert hall.name_i18n == {"ja": "市民ホール", "fr": "Salle municipale"}
        assert (hall.address_i18n, hall.directions_i18n) == ({"ja": "本町1-1"}, {"fr": "Sortie 2"})
        sessions = {
            s.title: s
            for s in db.session.scalars(
                sa.select(ProgrammeSession).where(ProgrammeSession.festival_id == new.id)
            )
        }
        assert set(sessions) == {"Mayors' Forum", "Exchange dinner"}  # not the cancelled one
        forum = sessions["Mayors' Forum"]
        # Friday 10:00 in Tokyo a year before: Friday 10:00 again.
        assert forum.starts_at == _tokyo(date(2026, 6, 12), 10)
        assert forum.starts_at.astimezone(new.tz).weekday() == 4
        assert forum.ends_at - forum.starts_at == timedelta(hours=2)
        assert (forum.type, forum.audience, forum.capacity) == (
            SessionType.FORUM,
            Audience.MAYORS,
            40,
        )
        assert forum.languages == ["en", "ja"] and forum.title_i18n == {"ja": "市長フォーラム"}
        assert forum.venue_id == hall.id  # the new edition's venue, not last year's
        assert forum.speakers == "" and forum.speakers_i18n == {}
        assert forum.sequence == 0 and forum.invited_delegations == []
        forms = list(
            db.session.scalars(
                sa.select(ImpressionForm).where(ImpressionForm.festival_id == new.id)
            )
        )
        assert sorted(f.title for f in forms) == ["After the forum", "The whole festival"]
        after = next(f for f in forms if f.session_id)
        assert after.session_id == forum.id and after.sent_at is None
        assert [q.text for q in after.questions] == ["How was it?", "Best part?"]
        assert after.questions[1].choices_i18n == {"ja": ["講演", "料理"]}
        closing = next(f for f in forms if not f.session_id)
        assert closing.closes_at == _tokyo(date(2026, 6, 29), 23, 59)
        invitations = list(
            db.session.scalars(sa.select(Invitation).where(Invitation.festival_id == new.id))
        )
        assert sorted(i.city.name for i in invitations) == ["Lyon", "Parma", "Usuki"]
        assert {i.status for i in invitations} == {InvitationStatus.DRAFT}
        assert {i.token_hash for i in invitations} == {None}
        assert {i.sent_at for i in invitations} == {None}
        _assert_no_personal_data(new.id)


def _assert_no_personal_data(festival_id: int) -> None:
    """Every table that links to a person (a delegate, a delegation or an
    account) has no row for the new festival, however it reaches it."""
    people = {"delegates", "delegations", "users"}
    # The new festival's own rows, by table, that a personal row could hang on.
    own = {
        "festivals": {festival_id},
        "delegations": set(
            db.session.scalars(
                sa.select(Delegation.id).where(Delegation.festival_id == festival_id)
            )
        ),
        "sessions": set(
            db.session.scalars(
                sa.select(ProgrammeSession.id).where(ProgrammeSession.festival_id == festival_id)
            )
        ),
        "impression_forms": set(
            db.session.scalars(
                sa.select(ImpressionForm.id).where(ImpressionForm.festival_id == festival_id)
            )
        ),
        "venues": set(
            db.session.scalars(sa.select(Venue.id).where(Venue.festival_id == festival_id))
        ),
        "protocol_plans": set(
            db.session.scalars(
                sa.select(SeatingPlan.id).where(SeatingPlan.festival_id == festival_id)
            )
        ),
        "invitations": set(
            db.session.scalars(
                sa.select(Invitation.id).where(Invitation.festival_id == festival_id)
            )
        ),
    }
    assert own["delegations"] == set()
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Delegate)
        .join(Delegation)
        .where(Delegation.festival_id == festival_id)
    )
    checked = []
    for table in db.metadata.sorted_tables:
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if not targets & people and table.name not in people:
            continue
        for fk in table.foreign_keys:
            ids = own.get(fk.column.table.name)
            if ids is None:
                continue
            count = db.session.scalar(
                sa.select(sa.func.count()).select_from(table).where(fk.parent.in_(ids))
            )
            assert count == 0, (table.name, fk.parent.name)
            checked.append(table.name)
    # The check reached the tables a careless copy would fill.
    for name in ("attendances", "impression_responses", "impression_invites", "transfers",
                 "protocol_seats", "session_invited_delegations", "waiting_list"):  # fmt: skip
        assert name in checked, name


def test_a_programme_that_cannot_fit_is_refused_next_to_the_last_day(app, client, auth):
    build_last_edition(app)
    auth.organiser()
    response = _post(client, "gastro-2025", ends_on="2026-06-11", confirm="1")
    assert response.status_code == 422
    assert "runs over 2 days" in response.text
    assert 'id="ends_on-error"' in response.text
    assert 'value="Gastronomy Festival 2026"' in response.text  # nothing typed is lost


def test_a_taken_short_name_and_bad_dates_are_told_at_their_fields(app, client, auth):
    build_last_edition(app)
    auth.organiser()
    response = _post(client, "gastro-2025", slug="gastro-2025", ends_on="2026-06-01", confirm="1")
    assert response.status_code == 422
    assert "Another festival already uses gastro-2025" in response.text
    assert "The last day cannot be before the first day" in response.text


def test_the_shift_keeps_weekdays_when_the_dates_allow_else_the_festival_day(app):
    with app.app_context():
        festival = db.session.get(Festival, build_last_edition(app))
        sessions = copying._scheduled(festival)  # Friday and Saturday
        # Wednesday to Sunday: a whole number of weeks fits.
        assert copying.day_shift(festival, sessions, date(2026, 6, 10), date(2026, 6, 14)) == 364
        # Saturday to Sunday only: no whole week fits; Friday's forum opens day 1.
        assert copying.day_shift(festival, sessions, date(2026, 6, 13), date(2026, 6, 14)) == 365


def test_a_delegate_cannot_reach_the_new_edition_page(app, client, auth):
    festival_id = build_last_edition(app)
    with app.app_context():
        delegate = db.session.scalar(
            sa.select(Delegate).join(Delegation).where(Delegation.festival_id == festival_id)
        )
        user_id = delegate.user_id
    auth.user(user_id)
    assert client.get("/organiser/festivals/gastro-2025/new-edition").status_code == 404
    assert _post(client, "gastro-2025", confirm="1").status_code == 404


def test_a_short_name_taken_during_the_copy_is_told_not_a_500(app, client, auth, monkeypatch):
    build_last_edition(app)
    auth.organiser()
    from festival.festivals import services

    # The check passes, then another organiser's festival takes the name.
    monkeypatch.setattr(services, "slug_taken", lambda slug, exclude_id=None: False)
    with app.app_context():
        make_festival(slug="gastro-2026")
        db.session.commit()
    response = _post(client, "gastro-2025", confirm="1")
    assert response.status_code == 409
    assert "Another festival already uses gastro-2026" in response.text
    assert 'value="Gastronomy Festival 2026"' in response.text
