"""The organiser's invitations: inviting cities (one, many, all matching a
filter), bad input, resending, revoking, the list and its query count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.cities.models import CreativeField
from festival.core.tokens import hash_token
from festival.extensions import db
from festival.invitations.models import Invitation, InvitationStatus
from festival.outbox.models import OutboxMessage
from tests.factories import (
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
)

FUTURE = (datetime.now(UTC) + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def festival_id(app):
    with app.app_context():
        festival = make_festival(slug="gastro", contact_email="festival@host.example")
        db.session.commit()
        return festival.id


def _cities(app, count: int, **values) -> list[int]:
    with app.app_context():
        ids = [make_city(**values).id for _ in range(count)]
        db.session.commit()
        return ids


def _invitations(app) -> list[Invitation]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Invitation).order_by(Invitation.city_id)).all()
        db.session.expunge_all()
        return list(rows)


def _messages(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def _invite(client, **data):
    form = {"quota": "3", "deadline": FUTURE, "send": "Send invitations", **data}
    return client.post("/organiser/festivals/gastro/invitations/new", data=form)


def test_anonymous_users_are_sent_to_sign_in(client, festival_id):
    response = client.get("/organiser/festivals/gastro/invitations")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_delegate_gets_a_404(app, client, auth, festival_id):
    with app.app_context():
        from festival.festivals.models import Festival

        delegate = make_delegate(make_delegation(db.session.get(Festival, festival_id)))
        db.session.commit()
        user_id = delegate.user_id
    auth.user(user_id)
    assert client.get("/organiser/festivals/gastro/invitations").status_code == 404
    assert client.get("/organiser/festivals/gastro/invitations/new").status_code == 404
    assert _invite(client, city_ids=["1"]).status_code == 404


def test_inviting_several_cities_sends_each_an_email_in_its_language(
    app, client, auth, festival_id
):
    parma = _cities(app, 1, name="Parma", country_code="IT", preferred_language="en")[0]
    lyon = _cities(app, 1, name="Lyon", country_code="FR", preferred_language="fr")[0]
    tsuruoka = _cities(app, 1, name="Tsuruoka", country_code="JP", preferred_language="ja")[0]
    auth.organiser()

    response = _invite(client, city_ids=[str(parma), str(lyon), str(tsuruoka)], quota="4")

    assert response.status_code == 302
    assert "3 invitations sent." in client.get(response.headers["Location"]).text
    invitations = _invitations(app)
    assert [(i.city_id, i.status, i.quota) for i in invitations] == [
        (parma, InvitationStatus.SENT, 4),
        (lyon, InvitationStatus.SENT, 4),
        (tsuruoka, InvitationStatus.SENT, 4),
    ]
    assert all(i.token_hash and i.sent_at for i in invitations)
    messages = _messages(app)
    assert sorted(m.locale for m in messages) == ["en", "fr", "ja"]
    for message in messages:
        assert message.category == "invitation"
        assert "http://festival.test/invitations/" in message.text_body
        assert "http://festival.test/invitations/" in message.html_body
        token = message.text_body.split("http://festival.test/invitations/")[1].split()[0]
        # Only the hash is stored, and it matches the link that was sent.
        assert hash_token(token) in {i.token_hash for i in invitations}
        assert token not in {i.token_hash for i in invitations}


def test_the_deadline_is_read_in_the_festivals_time_zone(app, client, auth, festival_id):
    city = _cities(app, 1)[0]
    auth.organiser()
    _invite(client, city_ids=[str(city)], deadline="2031-03-01T18:00")
    (invitation,) = _invitations(app)
    # 18:00 in Tokyo is 09:00 UTC.
    assert invitation.deadline == datetime(2031, 3, 1, 9, 0, tzinfo=UTC)


def test_saved_as_drafts_nothing_is_sent(app, client, auth, festival_id):
    ids = _cities(app, 2)
    auth.organiser()
    response = _invite(
        client, city_ids=[str(i) for i in ids], send=None, save_draft="Save as drafts"
    )
    assert response.status_code == 302
    invitations = _invitations(app)
    assert {i.status for i in invitations} == {InvitationStatus.DRAFT}
    assert all(i.token_hash is None for i in invitations)
    assert _messages(app) == []


def test_a_city_without_an_email_stays_a_draft(app, client, auth, festival_id):
    quiet = _cities(app, 1, name="Quietville", contact_email=None)[0]
    auth.organiser()
    response = _invite(client, city_ids=[str(quiet)])
    assert "No contact e-mail for Quietville" in client.get(response.headers["Location"]).text
    assert [i.status for i in _invitations(app)] == [InvitationStatus.DRAFT]


def test_select_all_invites_every_city_matching_the_filter(app, client, auth, festival_id):
    music = _cities(app, 12, country_code="KR", creative_field=CreativeField.MUSIC)
    _cities(app, 5, country_code="KR", creative_field=CreativeField.GASTRONOMY)
    _cities(app, 4, country_code="PT", creative_field=CreativeField.MUSIC)
    auth.organiser()

    page = client.get("/organiser/festivals/gastro/invitations/new?country=KR&field=music")
    assert "Invite all 12 cities matching the filter" in page.text

    response = client.post(
        "/organiser/festivals/gastro/invitations/new?country=KR&field=music",
        data={"select_all": "y", "quota": "3", "deadline": FUTURE, "send": "Send"},
    )
    assert response.status_code == 302
    assert sorted(i.city_id for i in _invitations(app)) == sorted(music)
    assert len(_messages(app)) == 12


def test_select_all_runs_the_same_queries_for_ten_or_three_hundred_cities(
    app, client, auth, festival_id, count_queries
):
    auth.organiser()
    counts = []
    for country, size in (("KR", 10), ("PT", 300)):
        _cities(app, size, country_code=country)
        with count_queries() as statements:
            response = client.post(
                f"/organiser/festivals/gastro/invitations/new?country={country}",
                data={"select_all": "y", "quota": "3", "deadline": FUTURE, "send": "Send"},
            )
        assert response.status_code == 302
        counts.append(len(statements))
    assert len(_invitations(app)) == 310
    assert len(_messages(app)) == 310
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        ({"quota": "0"}, "quota", "Enter a number from 1 to 50."),
        ({"quota": "51"}, "quota", "Enter a number from 1 to 50."),
        ({"quota": "many"}, "quota", "Not a valid integer value"),
        ({"quota": ""}, "quota", "Enter how many delegates"),
        ({"deadline": "2020-01-01T10:00"}, "deadline", "The deadline must be in the future."),
        ({"deadline": "next week"}, "deadline", "Not a valid datetime value"),
        ({"city_ids": []}, "city_ids", "Choose at least one city"),
    ],
)
def test_bad_input_is_refused_at_the_field_with_the_values_kept(
    app, client, auth, festival_id, data, field_id, message
):
    cities = _cities(app, 2)
    auth.organiser()
    form = {"city_ids": [str(cities[1])], "quota": "7", "deadline": "2031-02-03T04:05", **data}
    response = _invite(client, **form)

    assert response.status_code == 422
    html = response.text
    error = html.split(f'id="{field_id}-error"')[1].split("</small>")[0]
    assert message in error
    # Everything typed is still there.
    assert f'value="{form["quota"]}"' in html
    assert f'value="{form["deadline"]}"' in html
    if form["city_ids"]:
        assert f'value="{cities[1]}" id="city-{cities[1]}" checked' in html
    assert _invitations(app) == []


def test_inviting_a_city_already_invited_is_refused_with_its_name(app, client, auth, festival_id):
    with app.app_context():
        from festival.festivals.models import Festival

        city = make_city(name="Parma")
        make_invitation(db.session.get(Festival, festival_id), city)
        other = make_city(name="Lyon")
        db.session.commit()
        ids = [city.id, other.id]
    auth.organiser()

    response = _invite(client, city_ids=[str(i) for i in ids])

    assert response.status_code == 409
    assert "Already invited to this festival: Parma" in response.text
    assert len(_invitations(app)) == 1  # nothing else was created
    assert _messages(app) == []


def test_the_city_picker_leaves_out_cities_already_invited(app, client, auth, festival_id):
    with app.app_context():
        from festival.festivals.models import Festival

        make_invitation(db.session.get(Festival, festival_id), make_city(name="Invitedville"))
        make_city(name="Waitingville")
        db.session.commit()
    auth.organiser()
    html = client.get("/organiser/festivals/gastro/invitations/new").text
    assert "Waitingville" in html
    assert "Invitedville" not in html
    assert "1 city matching the filter is already invited" in html


def _one_sent_invitation(app, client) -> tuple[int, str]:
    city = _cities(app, 1, name="Parma")[0]
    _invite(client, city_ids=[str(city)])
    (invitation,) = _invitations(app)
    (message,) = _messages(app)
    token = message.text_body.split("http://festival.test/invitations/")[1].split()[0]
    return invitation.id, token


def test_resending_issues_a_new_link_and_kills_the_old_one(app, client, auth, festival_id):
    auth.organiser()
    invitation_id, old_token = _one_sent_invitation(app, client)
    assert client.get(f"/invitations/{old_token}").status_code == 200

    response = client.post(
        f"/organiser/festivals/gastro/invitations/{invitation_id}/send",
        data={"quota": "5", "deadline": FUTURE},
    )

    assert response.status_code == 302
    first, second = _messages(app)
    assert first.key != second.key
    new_token = second.text_body.split("http://festival.test/invitations/")[1].split()[0]
    assert new_token != old_token
    assert client.get(f"/invitations/{old_token}").status_code == 404
    assert client.get(f"/invitations/{new_token}").status_code == 200
    (invitation,) = _invitations(app)
    assert invitation.quota == 5
    assert invitation.token_hash == hash_token(new_token)
    page = client.get(response.headers["Location"]).text
    assert page.count("Invitation to Gastronomy Festival") >= 2  # both e-mails listed


def test_resending_with_a_past_deadline_is_refused_at_the_field(app, client, auth, festival_id):
    auth.organiser()
    invitation_id, _token = _one_sent_invitation(app, client)
    response = client.post(
        f"/organiser/festivals/gastro/invitations/{invitation_id}/send",
        data={"quota": "2", "deadline": "2021-01-01T00:00"},
    )
    assert response.status_code == 422
    assert "The deadline must be in the future." in response.text
    assert 'value="2021-01-01T00:00"' in response.text
    assert len(_messages(app)) == 1


def test_a_draft_is_sent_from_its_page(app, client, auth, festival_id):
    city = _cities(app, 1)[0]
    auth.organiser()
    _invite(client, city_ids=[str(city)], send=None, save_draft="Save as drafts")
    (draft,) = _invitations(app)
    client.post(
        f"/organiser/festivals/gastro/invitations/{draft.id}/send",
        data={"quota": "3", "deadline": FUTURE},
    )
    (invitation,) = _invitations(app)
    assert invitation.status == InvitationStatus.SENT
    assert len(_messages(app)) == 1


def test_revoking_asks_for_confirmation_then_kills_the_link(app, client, auth, festival_id):
    auth.organiser()
    invitation_id, token = _one_sent_invitation(app, client)
    url = f"/organiser/festivals/gastro/invitations/{invitation_id}/revoke"

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the invitation to Parma?" in confirm.text
    assert _invitations(app)[0].status == InvitationStatus.SENT  # nothing yet

    response = client.post(url)
    assert response.status_code == 302
    (invitation,) = _invitations(app)
    assert invitation.status == InvitationStatus.REVOKED
    assert invitation.token_hash is None
    assert client.get(f"/invitations/{token}").status_code == 404


def test_an_accepted_invitation_cannot_be_revoked(app, client, auth, festival_id):
    with app.app_context():
        from festival.festivals.models import Festival

        delegation = make_delegation(db.session.get(Festival, festival_id))
        db.session.commit()
        invitation_id = delegation.invitation_id
    auth.organiser()
    response = client.post(f"/organiser/festivals/gastro/invitations/{invitation_id}/revoke")
    assert response.status_code == 302
    assert _invitations(app)[0].status == InvitationStatus.ACCEPTED


def test_an_invitation_of_another_festival_is_a_404(app, client, auth, festival_id):
    with app.app_context():
        other = make_festival(slug="other")
        invitation, _token = make_invitation(other)
        db.session.commit()
        invitation_id = invitation.id
    auth.organiser()
    assert client.get(f"/organiser/festivals/gastro/invitations/{invitation_id}").status_code == 404


def test_the_invitation_page_shows_its_history_and_emails(app, client, auth, festival_id):
    auth.organiser()
    invitation_id, token = _one_sent_invitation(app, client)
    client.get(f"/invitations/{token}")  # the city opens it
    html = client.get(f"/organiser/festivals/gastro/invitations/{invitation_id}").text
    assert "Opened" in html
    assert "Sent" in html
    assert "Invitation to Gastronomy Festival" in html  # the e-mail, listed
    assert "/organiser/outbox/" in html


def test_the_list_counts_each_status_and_filters(app, client, auth, festival_id):
    with app.app_context():
        from festival.festivals.models import Festival

        festival = db.session.get(Festival, festival_id)
        make_invitation(festival, make_city(name="Parma", country_code="IT"))
        make_invitation(
            festival, make_city(name="Lyon"), status=InvitationStatus.DECLINED, token_hash=None
        )
        make_delegation(festival, make_city(name="Tsuruoka", country_code="JP"))
        db.session.commit()
    auth.organiser()

    html = client.get("/organiser/festivals/gastro/invitations").text
    assert "3 invitations" in html
    assert '<svg class="status-bar"' in html
    assert "Accepted: 1" in html and "Declined: 1" in html and "Sent: 1" in html

    declined = client.get("/organiser/festivals/gastro/invitations?status=declined").text
    assert "Lyon" in declined and "Parma" not in declined
    by_country = client.get("/organiser/festivals/gastro/invitations?country=JP").text
    assert "Tsuruoka" in by_country and "Lyon" not in by_country
    by_name = client.get("/organiser/festivals/gastro/invitations?q=par").text
    assert "Parma" in by_name and "Tsuruoka" not in by_name


def test_the_list_runs_the_same_queries_for_3_or_30_invitations(
    app, client, auth, festival_id, count_queries
):
    auth.organiser()
    counts = []
    for size in (3, 30):
        with app.app_context():
            from festival.festivals.models import Festival

            festival = db.session.get(Festival, festival_id)
            existing = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
            for _ in range(size - existing):
                make_invitation(festival)
            db.session.commit()
        with count_queries() as statements:
            response = client.get("/organiser/festivals/gastro/invitations")
        assert response.status_code == 200
        assert response.text.count("/organiser/festivals/gastro/invitations/") >= size
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
