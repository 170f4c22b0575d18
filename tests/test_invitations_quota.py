"""An accepted invitation's quota (#17 item 7): organisers raise it, or lower
it to no fewer than the places taken, and the delegation is told by e-mail."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.invitations.models import Invitation
from festival.outbox.models import OutboxMessage
from festival.registration.models import DelegateStatus
from tests.factories import make_delegate, make_delegation, make_festival
from tests.support.clients import AuthActions
from tests.test_registration_support import member_form


def _accepted(app, quota: int = 2) -> dict[str, int]:
    with app.app_context():
        festival = make_festival(slug="gastro", contact_email="festival@host.example")
        delegation = make_delegation(festival, quota=quota)
        head = make_delegate(
            delegation,
            full_name="Giulia Rossi",
            email="giulia@parma.example",
            is_head=True,
            locale="ja",
        )
        make_delegate(delegation, status=DelegateStatus.PENDING)
        make_delegate(delegation, status=DelegateStatus.CANCELLED)  # frees its place
        db.session.commit()
        return {
            "invitation": delegation.invitation_id,
            "delegation": delegation.id,
            "head_user": head.user_id,
        }


def _quota(app, invitation_id: int) -> int:
    with app.app_context():
        return db.session.get(Invitation, invitation_id).quota


def _mails(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(rows)


def test_organisers_raise_an_accepted_quota_and_the_head_is_told(app, client, auth):
    ids = _accepted(app, quota=2)
    page_url = f"/organiser/festivals/gastro/invitations/{ids['invitation']}"
    url = f"{page_url}/quota"

    # The head is told to ask the organisers: the quota is full.
    head = app.test_client()
    AuthActions(app, head).user(ids["head_user"])
    full = head.post("/my/delegation/members/new", data=member_form())
    assert full.status_code == 409 and "ask the organisers for more places" in full.text

    auth.organiser()
    page = client.get(page_url)
    assert 'action="' + url + '"' in page.text and "2 places taken of 2" in page.text
    delegation_page = client.get(f"/organiser/festivals/gastro/delegations/{ids['delegation']}")
    assert f"{page_url}#quota" in delegation_page.text

    response = client.post(url, data={"quota": "4"})
    assert response.status_code == 302, response.text
    assert _quota(app, ids["invitation"]) == 4
    [mail] = _mails(app)
    assert mail.recipient == "giulia@parma.example" and mail.locale == "ja"
    assert mail.text_body and mail.html_body and "/my/delegation" in mail.text_body

    # Now the head can add a member.
    assert head.post("/my/delegation/members/new", data=member_form()).status_code == 302


def test_the_quota_cannot_go_below_the_places_taken(app, client, auth):
    ids = _accepted(app, quota=4)
    url = f"/organiser/festivals/gastro/invitations/{ids['invitation']}/quota"
    auth.organiser()
    refused = client.post(url, data={"quota": "1"})
    assert refused.status_code == 422
    assert 'id="quota-error"' in refused.text
    assert "The delegation has taken 2 places already: the quota cannot be lower." in refused.text
    assert 'value="1"' in refused.text  # what was typed stays
    assert _quota(app, ids["invitation"]) == 4 and _mails(app) == []
    assert client.post(url, data={"quota": "x"}).status_code == 422
    assert client.post(url, data={"quota": "999"}).status_code == 422

    # Down to exactly the places taken is fine (the cancelled person does not count).
    assert client.post(url, data={"quota": "2"}).status_code == 302
    assert _quota(app, ids["invitation"]) == 2
    assert len(_mails(app)) == 1
    # The same quota again changes nothing and sends nothing.
    assert client.post(url, data={"quota": "2"}).status_code == 302
    assert len(_mails(app)) == 1


def test_only_organisers_change_a_quota(app, client, auth):
    ids = _accepted(app)
    url = f"/organiser/festivals/gastro/invitations/{ids['invitation']}/quota"
    auth.user(ids["head_user"])
    assert client.post(url, data={"quota": "9"}).status_code == 404
    assert _quota(app, ids["invitation"]) == 2
