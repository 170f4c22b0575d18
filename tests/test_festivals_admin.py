"""Organiser pages for festival editions: access, create, edit, validation, overview."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import InvitationStatus
from festival.programme.models import SessionStatus
from festival.registration.models import DelegateStatus
from tests import factories
from tests.support.queries import queries_per_page

VALID = {
    "name": "Gastronomy Festival 2027",
    "slug": "gastronomy-2027",
    "starts_on": "2027-06-14",
    "ends_on": "2027-06-18",
    "timezone": "Asia/Tokyo",
    "host_city": "Tsuruoka",
    "languages": ["en", "ja", "fr"],
    "contact_email": "festival@tsuruoka.example",
}


def field_error(html: str, field_id: str) -> str:
    """The error text shown next to a field (empty if none)."""
    match = re.search(rf'id="{field_id}-error"[^>]*>(.*?)</small>', html, re.S)
    return unescape(match.group(1)).strip() if match else ""


def input_value(html: str, field_id: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


@pytest.fixture
def festival(app):
    with app.app_context():
        made = factories.make_festival(slug="gastro-2027", name="Gastro 2027")
        db.session.commit()
        return made.slug


ORGANISER_PAGES = [
    "/organiser/",
    "/organiser/festivals/new",
    "/organiser/festivals/gastro-2027/",
    "/organiser/festivals/gastro-2027/edit",
    "/organiser/festivals/gastro-2027/venues",
]


@pytest.mark.parametrize("path", ORGANISER_PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, festival, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ORGANISER_PAGES)
def test_a_delegate_gets_a_404(app, client, auth, festival, path):
    with app.app_context():
        user = factories.make_user()
        db.session.commit()
        user_id = user.id
    auth.user(user_id)
    assert client.get(path).status_code == 404
    assert client.post("/organiser/festivals/new", data=VALID).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Festival)) == 1


def test_dashboard_lists_the_festivals_with_a_new_festival_button(client, auth, festival):
    auth.organiser()
    page = client.get("/organiser/").text
    assert "Gastro 2027" in page
    assert 'href="/organiser/festivals/new"' in page
    assert 'href="/organiser/festivals/gastro-2027/"' in page


def test_the_form_offers_time_zones_and_languages(client, auth):
    auth.organiser()
    page = client.get("/organiser/festivals/new").text
    assert 'list="timezone-list"' in page
    assert '<option value="Asia/Tokyo">UTC+09:00</option>' in page
    assert '<option value="Europe/Paris">' in page
    assert 'type="checkbox"' in page and 'value="ja"' in page and "日本語" in page


def test_an_organiser_creates_a_festival(app, client, auth):
    auth.organiser()
    response = client.post("/organiser/festivals/new", data=VALID)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organiser/festivals/gastronomy-2027/"
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival))
        assert festival.name == "Gastronomy Festival 2027"
        assert (festival.starts_on, festival.ends_on) == (date(2027, 6, 14), date(2027, 6, 18))
        assert festival.timezone == "Asia/Tokyo"
        assert festival.languages == ["en", "ja", "fr"]
        assert festival.contact_email == "festival@tsuruoka.example"
    overview = client.get(response.headers["Location"]).text
    assert "Asia/Tokyo (UTC+09:00)" in overview
    assert "Jun 14\u2009–\u200918, 2027" in overview  # the festival's days (core.dates)


def test_time_zone_spelling_is_forgiven(app, client, auth):
    auth.organiser()
    data = {**VALID, "timezone": " america/new york "}
    assert client.post("/organiser/festivals/new", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Festival.timezone)) == "America/New_York"


def test_an_organiser_edits_a_festival(app, client, auth, festival):
    auth.organiser()
    form = client.get("/organiser/festivals/gastro-2027/edit").text
    assert input_value(form, "name") == "Gastro 2027"
    assert 'value="ja" checked' in form or re.search(r'checked[^>]*value="ja"', form)
    data = {**VALID, "slug": "gastro-2027", "name": "Fête de la gastronomie", "languages": ["fr"]}
    response = client.post("/organiser/festivals/gastro-2027/edit", data=data)
    assert response.status_code == 302
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival))
        assert festival.name == "Fête de la gastronomie"
        assert festival.languages == ["fr"]


def test_a_festival_keeps_its_own_slug_when_edited(client, auth, festival):
    auth.organiser()
    data = {**VALID, "slug": "gastro-2027"}
    assert client.post("/organiser/festivals/gastro-2027/edit", data=data).status_code == 302


BAD_INPUTS = [
    ("contact_email", "not-an-email", "Invalid email address"),
    ("slug", "gastro-2027", "Another festival already uses gastro-2027"),
    ("slug", "Gastro 2027!", "lower-case letters"),
    ("ends_on", "2027-06-10", "The last day cannot be before the first day"),
    ("timezone", "Asia/Tokio", 'Unknown time zone "Asia/Tokio"'),
    ("starts_on", "14/06/2027x", "Not a valid date value"),
    ("name", "", "This field is required"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUTS)
def test_bad_input_is_refused_at_the_field_and_nothing_typed_is_lost(
    app, client, auth, festival, field, value, message
):
    auth.organiser()
    data = {**VALID, field: value}
    response = client.post("/organiser/festivals/new", data=data)
    assert response.status_code == 422
    assert message in field_error(response.text, field)
    # Everything typed is still there, the bad value included.
    for name in ("name", "slug", "timezone", "host_city", "contact_email"):
        assert input_value(response.text, name) == data[name]
    for name in ("starts_on", "ends_on"):
        assert input_value(response.text, name) == data[name]
    assert 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Festival)) == 1


def test_at_least_one_language(client, auth):
    auth.organiser()
    data = {k: v for k, v in VALID.items() if k != "languages"}
    response = client.post("/organiser/festivals/new", data=data)
    assert response.status_code == 422
    assert "Choose at least one language" in response.text


def test_editing_with_a_bad_value_keeps_the_stored_festival(app, client, auth, festival):
    auth.organiser()
    data = {**VALID, "slug": "gastro-2027", "ends_on": "2027-06-01", "name": "Renamed"}
    response = client.post("/organiser/festivals/gastro-2027/edit", data=data)
    assert response.status_code == 422
    assert input_value(response.text, "name") == "Renamed"
    with app.app_context():
        assert db.session.scalar(sa.select(Festival.name)) == "Gastro 2027"


def test_unknown_festival_is_a_404(client, auth):
    auth.organiser()
    assert client.get("/organiser/festivals/nope/").status_code == 404
    assert client.get("/organiser/festivals/nope/edit").status_code == 404


def _fill(festival_id: int, size: int) -> None:
    festival = db.session.get(Festival, festival_id)
    for i in range(size):
        factories.make_venue(festival)
        status = [InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED][
            i % 3
        ]
        if status is InvitationStatus.ACCEPTED:
            delegation = factories.make_delegation(festival)
            factories.make_delegate(delegation, status=DelegateStatus.PENDING)
            factories.make_delegate(delegation, status=DelegateStatus.CONFIRMED)
        else:
            factories.make_invitation(festival, status=status)
        factories.make_session(
            festival, status=SessionStatus.CANCELLED if i == 0 else SessionStatus.SCHEDULED
        )
    db.session.commit()


def test_overview_counts_at_a_glance(app, client, auth, festival):
    with app.app_context():
        festival_id = db.session.scalar(sa.select(Festival.id))
        _fill(festival_id, 6)
    auth.organiser()
    page = client.get("/organiser/festivals/gastro-2027/").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "6 venues" in text
    assert "6 sessions" in text and "1 cancelled" in text
    assert "2 Accepted" in text and "2 Sent" in text and "2 Declined" in text
    assert "2 Awaiting confirmation" in text and "2 Confirmed" in text


def test_overview_hides_empty_blocks(client, auth, festival):
    auth.organiser()
    page = client.get("/organiser/festivals/gastro-2027/").text
    assert "<h3>Invitations</h3>" not in page and "<h3>Delegates</h3>" not in page
    assert "Next steps" in page


def test_overview_queries_do_not_grow_with_the_festival(app, client, auth, festival):
    auth.organiser()
    with app.app_context():
        festival_id = db.session.scalar(sa.select(Festival.id))
    counts = []
    for size in (2, 20):
        with app.app_context():
            _fill(festival_id, size)
        counts += queries_per_page(client, ["/organiser/festivals/gastro-2027/"])
    assert counts[0] == counts[1]


def test_dashboard_queries_do_not_grow_with_festivals(app, client, auth):
    auth.organiser()
    counts = []
    for size in (2, 12):
        with app.app_context():
            for _ in range(size):
                festival = factories.make_festival()
                factories.make_venue(festival)
            db.session.commit()
        counts += queries_per_page(client, ["/organiser/"])
    assert counts[0] == counts[1]
