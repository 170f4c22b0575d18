"""What the shared view helpers (festival.core.view_helpers) promise, seen
through the pages that use them: private downloads, rows of another
festival, and where a check-in goes back to."""

from __future__ import annotations

import pytest

from festival.extensions import db
from festival.impressions import services as impressions
from festival.registration.models import DelegateRole
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
    make_session,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def two_festivals(app):
    """``gastro`` with a delegate, a session and its impression form;
    ``other`` with a session and an invitation of its own."""
    with app.app_context():
        festival = make_festival(slug="gastro")
        delegation = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        mayor = make_delegate(delegation, full_name="Michele Guerra", role=DelegateRole.MAYOR)
        talk = make_session(festival, title="Rice and the Sea")
        enrol(talk, mayor)
        form = impressions.create_form(festival, talk)
        other = make_festival(slug="other")
        foreign_session = make_session(other, title="Elsewhere")
        foreign_invitation, _token = make_invitation(other, make_city(name="Lyon"))
        db.session.commit()
        return {
            "mayor": mayor.id,
            "mayor_user": mayor.user_id,
            "talk": talk.id,
            "form": form.id,
            "foreign_session": foreign_session.id,
            "foreign_invitation": foreign_invitation.id,
        }


def _assert_private_download(response, content_type: str, filename: str) -> None:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [
        ("/logistics/arrivals.csv", "text/csv; charset=utf-8", "gastro-arrivals.csv"),
        ("/logistics/rooming.xlsx", XLSX, "gastro-rooming.xlsx"),
    ],
)
def test_logistics_downloads_are_private_attachments(
    client, auth, two_festivals, path, content_type, filename
):
    auth.organiser()
    response = client.get(f"/organiser/festivals/gastro{path}")
    _assert_private_download(response, content_type, filename)


def test_the_results_csv_is_a_private_attachment(client, auth, two_festivals):
    auth.organiser()
    form_id = two_festivals["form"]
    response = client.get(f"/organiser/festivals/gastro/impressions/forms/{form_id}/results.csv")
    _assert_private_download(
        response, "text/csv; charset=utf-8", f"impressions-gastro-{form_id}.csv"
    )


def test_a_delegates_own_data_is_a_private_attachment(client, auth, two_festivals):
    auth.user(two_festivals["mayor_user"])
    response = client.get("/my/data.json")
    _assert_private_download(response, "application/json", "my-data-gastro.json")
    assert response.get_json()


def test_rows_of_another_festival_are_404(client, auth, two_festivals):
    auth.organiser()
    foreign = two_festivals["foreign_session"]
    base = "/organiser/festivals/gastro"
    assert client.get(f"{base}/check-in/sessions/{foreign}").status_code == 404
    invitation = two_festivals["foreign_invitation"]
    assert client.get(f"{base}/invitations/{invitation}").status_code == 404
    created = client.post(f"{base}/impressions/forms", data={"session_id": str(foreign)})
    assert created.status_code == 404
    # The same pages answer for this festival's own rows.
    assert client.get(f"{base}/check-in/sessions/{two_festivals['talk']}").status_code == 200
    assert (
        client.get("/organiser/festivals/other/invitations/" + str(invitation)).status_code == 200
    )


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", ""])
def test_a_check_in_goes_back_to_the_session_unless_next_is_on_this_site(
    client, auth, two_festivals, next_url
):
    auth.organiser()
    session_url = f"/organiser/festivals/gastro/check-in/sessions/{two_festivals['talk']}"
    # The talk is still to come: the early check-in is confirmed (#15 item 13).
    response = client.post(
        f"{session_url}/delegates/{two_festivals['mayor']}",
        data={"next": next_url, "confirm_early": "1"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == session_url


def test_a_check_in_goes_back_to_a_next_on_this_site(client, auth, two_festivals):
    auth.organiser()
    session_url = f"/organiser/festivals/gastro/check-in/sessions/{two_festivals['talk']}"
    back = f"{session_url}/find?q=Mi"
    response = client.post(
        f"{session_url}/delegates/{two_festivals['mayor']}/undo", data={"next": back}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == back
