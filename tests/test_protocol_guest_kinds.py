"""Guests who are not a city (issue 11, item 4): organisations, the press and
keynote speakers are invited, register and appear like a city's delegation,
with their kind shown and filterable, and are not addressed as a city."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.cities.models import City, CityKind, CreativeField
from festival.extensions import db
from festival.outbox.models import OutboxMessage
from tests.factories import make_city, make_delegate, make_delegation, make_festival
from tests.support.queries import queries_per_page
from tests.test_registration_support import accepted_invitation, head_form

FUTURE = (datetime.now(UTC) + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def festival_id(app):
    with app.app_context():
        festival = make_festival(slug="gastro", contact_email="festival@host.example")
        db.session.commit()
        return festival.id


def city_form(**overrides):
    data = {
        "kind": "organisation",
        "name": "UNESCO",
        "country_code": "FR",
        "creative_field": "",
        "contact_name": "Ana Pereira",
        "contact_email": "creativecities@unesco.example",
        "preferred_language": "fr",
        "year_designated": "",
    }
    data.update(overrides)
    return data


def test_an_organisation_is_added_from_the_cities_pages_without_a_field(app, client, auth):
    auth.organiser()
    page = client.get("/organiser/cities/new?kind=organisation").text
    assert '<option selected value="organisation">' in page or (
        'value="organisation" selected' in page
    )
    response = client.post("/organiser/cities/new", data=city_form())
    assert response.status_code == 302, response.text
    with app.app_context():
        unesco = db.session.scalar(sa.select(City).where(City.name == "UNESCO"))
        assert unesco.kind == CityKind.ORGANISATION and unesco.creative_field is None
    # Edited, it keeps its kind; the form shows an empty field.
    edit = client.get(f"/organiser/cities/{unesco.id}/edit")
    assert edit.status_code == 200


def test_a_city_still_needs_its_creative_field(app, client, auth):
    auth.organiser()
    response = client.post("/organiser/cities/new", data=city_form(kind="city", name="Parma"))
    assert response.status_code == 422
    assert "Choose the city&#39;s creative field." in response.text
    assert 'value="Parma"' in response.text  # nothing typed is lost
    bad_kind = client.post("/organiser/cities/new", data=city_form(kind="planet"))
    assert bad_kind.status_code == 422


def test_the_list_shows_the_kind_and_filters_by_it(app, client, auth):
    with app.app_context():
        make_city(name="Parma", country_code="IT")
        make_city(name="UNESCO", kind=CityKind.ORGANISATION, creative_field=None)
        make_city(name="NHK World", country_code="JP", kind=CityKind.PRESS, creative_field=None)
        db.session.commit()
    auth.organiser()
    everything = client.get("/organiser/cities/").text
    assert "Organisation" in everything and "Press" in everything
    press = client.get("/organiser/cities/?kind=press").text
    assert "NHK World" in press and "Parma" not in press and "UNESCO" not in press
    organisations = client.get("/organiser/cities/?kind=organisation").text
    assert "UNESCO" in organisations and "Parma" not in organisations


def test_the_invitation_speaks_to_an_organisation_and_to_a_speaker(app, client, auth, festival_id):
    with app.app_context():
        ids = {
            "unesco": make_city(name="UNESCO", kind=CityKind.ORGANISATION, creative_field=None).id,
            "speaker": make_city(
                name="Prof. Okuda", kind=CityKind.SPEAKER, creative_field=None, country_code="JP"
            ).id,
            "parma": make_city(name="Parma", country_code="IT").id,
        }
        db.session.commit()
    auth.organiser()
    response = client.post(
        "/organiser/festivals/gastro/invitations/new",
        data={
            "quota": "2",
            "deadline": FUTURE,
            "send": "Send invitations",
            "city_ids": [str(i) for i in ids.values()],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        bodies = {
            m.recipient: (m.text_body, m.html_body)
            for m in db.session.scalars(sa.select(OutboxMessage))
        }
        emails = {key: db.session.get(City, city_id).contact_email for key, city_id in ids.items()}
    unesco_text, unesco_html = bodies[emails["unesco"]]
    assert "personal to your organisation" in unesco_text
    assert "personal to your organisation" in unesco_html
    assert "your city" not in unesco_text and "your city" not in unesco_html
    speaker_text, _html = bodies[emails["speaker"]]
    assert "personal to you:" in speaker_text and "your city" not in speaker_text
    assert "personal to your city" in bodies[emails["parma"]][0]
    # The invitations list shows their kind and filters by it.
    listed = client.get("/organiser/festivals/gastro/invitations?kind=organisation").text
    assert "UNESCO" in listed and "Parma" not in listed and "Organisation" in listed


def test_an_organisation_registers_and_appears_like_a_delegation(app, client, auth):
    invited = accepted_invitation(
        app, quota=2, name="UNESCO", kind=CityKind.ORGANISATION, creative_field=None
    )
    response = client.post(invited.url, data=head_form(email="ana@unesco.example"))
    assert response.status_code == 302
    page = client.get("/my/delegation").text
    assert "Delegation of UNESCO" in page and "1 of 2 places" in page
    client.post("/logout")
    auth.organiser()
    with app.app_context():
        from festival.festivals.models import Festival

        slug = db.session.get(Festival, invited.festival_id).slug
    delegations = client.get(f"/organiser/festivals/{slug}/delegations?kind=organisation").text
    assert "UNESCO" in delegations and "Organisation" in delegations
    assert "UNESCO" in client.get(f"/organiser/festivals/{slug}/logistics/rooming?pending=1").text
    assert "UNESCO" not in client.get(f"/organiser/festivals/{slug}/delegations?kind=city").text


def test_the_delegations_list_runs_the_same_queries_whatever_the_kinds(app, client, auth):
    with app.app_context():
        festival = make_festival(slug="gastro")
        db.session.commit()
        festival_id = festival.id

    def add(n):
        with app.app_context():
            from festival.festivals.models import Festival

            festival = db.session.get(Festival, festival_id)
            for i in range(n):
                kind = list(CityKind)[i % 4]
                city = make_city(
                    kind=kind,
                    creative_field=CreativeField.GASTRONOMY if kind == CityKind.CITY else None,
                )
                make_delegate(make_delegation(festival, city), is_head=True)
            db.session.commit()

    auth.organiser()
    page = "/organiser/festivals/gastro/delegations"
    add(1)
    queries_per_page(client, [page])  # warm the caches
    few = queries_per_page(client, [page])
    add(7)
    # The first view after a change rebuilds the precedence ranks (a fixed
    # number of statements, festival.protocol.precedence) and what the list
    # keeps per version of its data (its order, countries and counts: three
    # more, and the order's own look at the ranks); then steady state.
    rebuild = queries_per_page(client, [page])
    many = queries_per_page(client, [page])
    assert few == many
    assert rebuild[0] - many[0] <= 14
