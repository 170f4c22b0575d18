"""Who may open the organiser pages that show or change personal data.

Anonymous visitors are sent to sign in; delegates, heads of delegation
and delegates of other cities get a 404 (not a 403: they learn nothing,
not even that the record exists); organisers get the page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from festival.extensions import db
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import make_city, make_delegate, make_delegation, make_festival

SECRET = "Ms Private Person"


@pytest.fixture
def world(app: Flask) -> dict[str, int | str]:
    """Parma's delegation (a head and a member) and Lyon's (one delegate)."""
    with app.app_context():
        festival = make_festival(slug="gastro", ends_on=date(2027, 6, 18))
        parma = make_delegation(festival, make_city(name="Parma", country_code="IT"))
        head = make_delegate(
            parma, full_name="Head of Parma", is_head=True, role=DelegateRole.MAYOR
        )
        member = make_delegate(
            parma,
            full_name=SECRET,
            status=DelegateStatus.PENDING,
            arrival_at=datetime(2027, 6, 14, 1, 0, tzinfo=UTC),
            arrival_airport="NRT",
            hotel="Hotel A",
        )
        lyon = make_delegation(festival, make_city(name="Lyon", country_code="FR"))
        stranger = make_delegate(lyon, full_name="Lyon delegate", is_head=True)
        db.session.commit()
        return {
            "slug": festival.slug,
            "delegation": parma.id,
            "delegate": member.id,
            "head_user": head.user_id,
            "member_user": member.user_id,
            "stranger_user": stranger.user_id,
        }


def routes(w: dict) -> list[tuple[str, str, dict]]:
    """(method, url, form data) for every organiser route of these two domains."""
    base = f"/organiser/festivals/{w['slug']}"
    d, g = w["delegate"], w["delegation"]
    gets = [
        "/delegations",
        "/delegates",
        "/delegates.csv",
        "/delegates.xlsx",
        f"/delegations/{g}",
        f"/delegates/{d}",
        f"/delegates/{d}/visa-letter",
        f"/delegations/{g}/visa-letters",
        "/role-changes",
    ]
    for page in ("arrivals", "departures", "rooming", "catering", "kitchen", "interpreters"):
        gets += [f"/logistics/{page}", f"/logistics/{page}.csv", f"/logistics/{page}.xlsx"]
    gets.append(f"/logistics/rooming/{d}")
    posts = [
        (f"/delegates/{d}/confirm", {}),
        (f"/delegates/{d}/decline", {"decline-reason": "No room left."}),
        ("/delegates/confirm", {"delegate": str(d)}),
        ("/delegates/select", {"delegate": str(d), "navigate": "filter"}),
        (f"/role-changes/{d}/approve", {"role": "mayor"}),
        (f"/role-changes/{d}/refuse", {"role": "mayor"}),
        (f"/logistics/rooming/{d}", {"room_type": "suite", "room_number": "1"}),
        # Last: for an organiser it removes the member's data.
        (f"/delegates/{d}/anonymise", {"anonymise-confirm": "y"}),
    ]
    return [("GET", base + u, {}) for u in gets] + [("POST", base + u, f) for u, f in posts]


ENDPOINTS = {
    "delegations.index",
    "delegations.delegates",
    "delegations.delegates_download",
    "delegations.delegation",
    "delegations.delegate",
    "delegations.visa_letter",
    "delegations.visa_letters",
    "delegations.confirm",
    "delegations.decline",
    "delegations.bulk_confirm",
    "delegations.select_delegates",
    "delegations.anonymise",
    "delegations.role_changes",
    "delegations.approve_role",
    "delegations.refuse_role",
    "logistics.arrivals",
    "logistics.departures",
    "logistics.rooming",
    "logistics.catering",
    "logistics.kitchen_list",
    "logistics.interpreters",
    "logistics.download_page",
    "logistics.room",
}


def test_the_matrix_covers_every_route_of_these_blueprints(app: Flask) -> None:
    registered = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("delegations", "logistics")
    }
    assert registered == ENDPOINTS


def test_anonymous_visitors_are_sent_to_sign_in(client, world) -> None:
    for method, url, data in routes(world):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"], url


@pytest.mark.parametrize("who", ["member_user", "head_user", "stranger_user"])
def test_delegates_get_a_404_and_no_data(client, auth, world, who) -> None:
    auth.user(world[who])
    for method, url, data in routes(world):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (who, method, url)
        assert SECRET not in response.text


def test_delegates_change_nothing(app, client, auth, world) -> None:
    auth.user(world["head_user"])
    for method, url, data in routes(world):
        if method == "POST":
            client.open(url, method=method, data=data)
    with app.app_context():
        from festival.registration.models import Delegate

        member = db.session.get(Delegate, world["delegate"])
        assert member.status == DelegateStatus.PENDING
        assert member.full_name == SECRET and member.anonymised_at is None


def test_organisers_get_every_page(client, auth, world) -> None:
    auth.organiser()
    for method, url, data in routes(world):
        response = client.open(url, method=method, data=data)
        if method == "GET":
            # The pending member has no visa letter yet: 409, with the reason.
            expected = 409 if url.endswith("/visa-letter") else 200
            assert response.status_code == expected, url
        else:
            assert response.status_code == 302, url
