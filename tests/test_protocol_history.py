"""Issue #11 item 2: organisers edit any delegate's data, with a history.

Every change (the delegate's own, their head's, an organiser's) is a row of
the history: who, when, which field, old and new value; passport data only
as "changed". Organisers see it on the delegate's page; the delegate sees
what the organisers changed on their own details page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from festival.extensions import db
from festival.registration.models import Delegate, DelegateChange, DelegateRole
from tests import factories
from tests.test_registration_support import head_form


@dataclass
class World:
    slug: str
    mayor_id: int
    mayor_user_id: int
    other_user_id: int


@pytest.fixture
def world(app: Flask) -> World:
    with app.app_context():
        festival = factories.make_festival(slug="edits")
        parma = factories.make_delegation(festival, factories.make_city(name="Parma"))
        mayor = factories.make_delegate(
            parma,
            is_head=True,
            full_name="Michele Guerra",
            family_name="Guerra",
            given_names="Michele",
            role=DelegateRole.MAYOR,
            email="mayor@parma.example",
        )
        lyon = factories.make_delegation(festival, factories.make_city(name="Lyon"))
        other = factories.make_delegate(lyon, is_head=True, email="head@lyon.example")
        db.session.commit()
        return World("edits", mayor.id, mayor.user_id, other.user_id)


def organiser_form(**overrides: object) -> dict:
    values: dict = {
        "full_name": "Michele Guerra",
        "email": "mayor@parma.example",
        "position": "Mayor of Parma",
        "role": "mayor",
        "consent": None,
    }
    return head_form(**{**values, **overrides})


def test_an_organiser_edits_and_the_history_says_who_and_what(app, client, auth, world) -> None:
    auth.organiser()
    edit = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}/edit"
    page = client.get(edit)
    assert page.status_code == 200 and 'value="Guerra"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    response = client.post(
        edit, data=organiser_form(title="mayor", dietary_other="", passport_number="YA1234567")
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        rows = db.session.scalars(
            db.select(DelegateChange).where(DelegateChange.delegate_id == world.mayor_id)
        ).all()
        by_field = {r.field: r for r in rows}
        assert by_field["title"].old_value is None and by_field["title"].new_value == "mayor"
        assert all(r.by_organiser and r.changed_by.email == "organiser@example.org" for r in rows)
        # Passport data: recorded as changed, never with its value.
        assert by_field["passport_number"].new_value is None
        assert by_field["passport_number"].old_value is None
    page = client.get(f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}").text
    assert "History of changes" in page and "organiser@example.org" in page
    assert "Title: — → mayor" in page
    assert "Passport number changed" in page
    assert page.count("YA1234567") == 1  # once, in the passport section, not in the history


def test_the_delegate_sees_what_the_organisers_changed(app, client, auth, world) -> None:
    auth.organiser()
    edit = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}/edit"
    client.post(edit, data=organiser_form(position="Mayor of the City of Parma"))
    auth.logout()
    auth.user(world.mayor_user_id)
    page = client.get("/my/details").text
    assert "Changed by the organisers" in page
    assert "Position: Director, Creative City Office → Mayor of the City of Parma" in page


def test_the_delegates_own_changes_are_recorded_but_not_shown_back_as_organisers(
    app, client, auth, world
) -> None:
    auth.user(world.mayor_user_id)
    response = client.post("/my/details", data=organiser_form(consent="y", phone="+39 0521 1"))
    assert response.status_code == 302, response.text
    assert "Changed by the organisers" not in client.get("/my/details").text
    with app.app_context():
        row = db.session.scalar(db.select(DelegateChange).where(DelegateChange.field == "phone"))
        assert row is not None and not row.by_organiser and row.new_value == "+39 0521 1"
        assert row.changed_by_id == world.mayor_user_id


def test_an_organiser_may_edit_after_the_deadline(app, client, auth, world) -> None:
    from datetime import UTC, datetime

    with app.app_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        mayor.delegation.invitation.deadline = datetime(2020, 1, 1, tzinfo=UTC)
        db.session.commit()
    auth.organiser()
    edit = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}/edit"
    assert client.post(edit, data=organiser_form(position="Mayor")).status_code == 302


def test_bad_input_is_kept_with_a_message(app, client, auth, world) -> None:
    auth.organiser()
    edit = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}/edit"
    response = client.post(edit, data=organiser_form(family_name="", given_names="", phone="x"))
    assert response.status_code == 422
    assert "Please give the family name, the given names, or both." in response.text
    assert 'value="Mayor of Parma"' in response.text


def test_delegates_and_other_festivals_get_a_404(app, client, auth, world) -> None:
    auth.user(world.other_user_id)
    edit = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}/edit"
    assert client.get(edit).status_code == 404
    assert client.post(edit, data=organiser_form()).status_code == 404
    auth.logout()
    with app.app_context():
        factories.make_festival(slug="elsewhere")
        db.session.commit()
    auth.organiser()
    assert (
        client.get(f"/organiser/festivals/elsewhere/delegates/{world.mayor_id}/edit").status_code
        == 404
    )


def test_the_history_costs_the_same_queries_however_long(app, client, auth, world) -> None:
    from tests.support.queries import queries_per_page

    auth.organiser()
    edit = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}/edit"
    page = f"/organiser/festivals/{world.slug}/delegates/{world.mayor_id}"
    client.post(edit, data=organiser_form(position="One"))
    [few] = queries_per_page(client, [page])
    for n in range(4):
        client.post(edit, data=organiser_form(position=f"Position {n}", phone=f"+39 0521 {n}000"))
    auth.logout()
    auth.organiser("second@example.org")  # another organiser: a second user to load
    client.post(edit, data=organiser_form(position="Last"))
    [many] = queries_per_page(client, [page])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DelegateChange)) > 10
    assert many == few
