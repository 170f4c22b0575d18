"""#16 item 6: each city's history across editions, the "3rd time" column
of the cities list, and invitation lists started from the past editions."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from festival.delegations.purge import festival_delegate_ids, purge_batch
from festival.editions import history
from festival.editions.labels import nth_time
from festival.extensions import db
from festival.invitations.models import InvitationStatus
from festival.registration.models import DelegateStatus
from tests.factories import (
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
)
from tests.support.queries import queries_per_page


def build(app) -> dict:
    """Three editions: 2024 (purged), 2025 (last year), 2026 (being prepared)."""
    with app.app_context():
        y2024 = make_festival(slug="g-2024", starts_on=date(2024, 6, 10), ends_on=date(2024, 6, 14))
        y2025 = make_festival(slug="g-2025", starts_on=date(2025, 6, 9), ends_on=date(2025, 6, 13))
        y2026 = make_festival(slug="g-2026", starts_on=date(2026, 6, 8), ends_on=date(2026, 6, 12))
        parma = make_city(name="Parma", country_code="IT")
        lyon = make_city(name="Lyon")
        nantes = make_city(name="Nantes")
        usuki = make_city(name="Usuki", country_code="JP")
        make_city(name="Quiet Town")
        make_delegate(make_delegation(y2024, parma), full_name="Old Mayor", is_head=True)
        make_delegate(make_delegation(y2024, lyon), full_name="Claire Dubois")
        make_invitation(y2024, usuki, status=InvitationStatus.DECLINED)
        make_delegate(
            make_delegation(y2025, parma),
            full_name="Maria Rossi",
            family_name="Rossi",
            given_names="Maria",
            is_head=True,
        )
        make_delegate(make_delegation(y2025, nantes), full_name="Jean Nantais")
        # A delegation whose only delegate cancelled: the city did not come.
        make_delegate(
            make_delegation(y2025, lyon), full_name="Paul Martin", status=DelegateStatus.CANCELLED
        )
        make_invitation(y2025, usuki, status=InvitationStatus.SENT)
        make_invitation(y2026, parma, status=InvitationStatus.DRAFT)
        ids, _already = festival_delegate_ids(y2024)
        purge_batch(ids, y2024.created_at)
        db.session.commit()
        return {
            "parma": parma.id,
            "lyon": lyon.id,
            "usuki": usuki.id,
            "nantes": nantes.id,
        }


def test_the_cities_list_says_how_many_times_each_city_came(app, client, auth):
    build(app)
    auth.organiser()
    page = client.get("/organiser/cities/")
    assert page.status_code == 200
    rows = {
        row.split("<td>", 1)[1].split("</td>", 1)[0]: row
        for row in page.text.split("<tbody>")[1].split("<tr>")[1:]
    }
    assert "2nd time" in rows["Parma"]  # 2024 and 2025; 2026 is a draft
    assert "1st time" in rows["Lyon"]  # 2025's delegation cancelled
    assert "1st time" in rows["Nantes"]
    assert "invited, never came" in rows["Usuki"]
    assert "never invited" in rows["Quiet Town"]


def test_the_cities_list_runs_as_many_queries_for_many_cities(app, client, auth):
    build(app)
    auth.organiser()
    few = queries_per_page(client, ["/organiser/cities/"])
    with app.app_context():
        festival = make_festival(starts_on=date(2023, 6, 1), ends_on=date(2023, 6, 2))
        for n in range(12):
            make_delegate(make_delegation(festival, make_city(name=f"Extra {n}")))
        db.session.commit()
    many = queries_per_page(client, ["/organiser/cities/"])
    assert few == many


def test_a_city_page_shows_its_editions_with_names_only_where_kept(app, client, auth):
    ids = build(app)
    auth.organiser()
    page = client.get(f"/organiser/cities/{ids['parma']}/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Came to 2 editions." in page.text
    assert "its 2nd time" in page.text
    rows = page.text.split("<tbody>")[1].split("<tr>")[1:]
    assert [r.split('href="/organiser/festivals/')[1].split("/")[0] for r in rows] == [
        "g-2026",
        "g-2025",
        "g-2024",
    ]
    assert "ROSSI Maria" in rows[1]
    assert "1 delegate" in rows[2] and "1 name removed" in rows[2]
    assert "Old Mayor" not in page.text and "Anonymised" not in page.text


def test_history_facets_from_other_domains_add_a_column(app, client, auth):
    ids = build(app)
    auth.organiser()
    festival_ids = {}
    with app.app_context():
        from festival.festivals.models import Festival

        festival_ids = {f.slug: f.id for f in db.session.scalars(sa.select(Festival))}
    facet = history.Facet("test", "Tastings", lambda city_id: {festival_ids["g-2025"]: 2})
    history.register_facet(facet)
    try:
        page = client.get(f"/organiser/cities/{ids['parma']}/")
    finally:
        # The registry is the app's (booths and reports register theirs): put it back.
        history.FACETS.pop("test")
    assert ">Tastings</th>" in page.text
    assert '<td class="num">2</td>' in page.text


def test_a_delegate_gets_a_404_on_a_city_page(app, client, auth):
    ids = build(app)
    with app.app_context():
        from festival.festivals.models import Festival

        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == "g-2026"))
        user_id = make_delegate(make_delegation(festival)).user_id
        db.session.commit()
    auth.user(user_id)
    assert client.get(f"/organiser/cities/{ids['parma']}/").status_code == 404
    assert client.get("/organiser/cities/").status_code == 404


def _picker(client, **args) -> set[str]:
    page = client.get("/organiser/festivals/g-2026/invitations/new", query_string=args)
    assert page.status_code == 200
    table = page.text.split('<table class="picker">')[1].split("</table>")[0]
    return {cell.split(">", 1)[1].split("<")[0] for cell in table.split('<label for="city-')[1:]}


def test_a_new_list_starts_from_who_came_last_year_or_never_came(app, client, auth):
    build(app)
    auth.organiser()
    # Parma came last year but is already invited (a draft) to 2026.
    assert _picker(client, past="came_last") == {"Nantes"}
    assert _picker(client, past="never_came") == {"Usuki"}
    assert {"Lyon", "Quiet Town", "Nantes", "Usuki"} <= _picker(client)
    assert _picker(client, past="no-such-filter") == _picker(client)


def test_the_filter_is_kept_when_ticking_and_inviting_them_all(app, client, auth):
    build(app)
    auth.organiser()
    response = client.post(
        "/organiser/festivals/g-2026/invitations/new?past=never_came",
        data={"select_all": "y", "quota": "3", "deadline": "2099-01-01T12:00", "save_draft": "1"},
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        from festival.invitations.models import Invitation

        invited = db.session.scalars(
            sa.select(Invitation)
            .join(Invitation.festival)
            .where(Invitation.festival.has(slug="g-2026"))
        )
        assert sorted(i.city.name for i in invited) == ["Parma", "Usuki"]


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st time"), (2, "2nd time"), (3, "3rd time"), (4, "4th time"), (11, "11th time"),
     (12, "12th time"), (13, "13th time"), (21, "21st time"), (22, "22nd time"),
     (101, "101st time"), (111, "111th time")],
)  # fmt: skip
def test_english_ordinals(app, n, text):
    with app.test_request_context(), force_locale("en"):
        assert nth_time(n) == text


def test_french_and_japanese_have_their_own_ordinal_forms(app):
    """French says 1re and then 2e, 21e (one form after the first); Japanese
    one form for all: the form follows the language, not English's."""

    def shape(n: int) -> str:
        return nth_time(n).replace(str(n), "N")

    with app.test_request_context():
        with force_locale("en"):
            assert shape(21) != shape(4) and shape(2) != shape(4)
        with force_locale("fr"):
            assert shape(21) == shape(4) == shape(2) == shape(3)
            assert shape(1) != shape(2)
        with force_locale("ja"):
            assert shape(1) == shape(2) == shape(3) == shape(21)


def test_the_invitations_page_links_to_both_starting_points(app, client, auth):
    build(app)
    auth.organiser()
    page = client.get("/organiser/festivals/g-2026/invitations").text
    assert "/organiser/festivals/g-2026/invitations/new?past=came_last" in page
    assert "/organiser/festivals/g-2026/invitations/new?past=never_came" in page


def test_a_city_page_runs_as_many_queries_with_more_editions(app, client, auth):
    ids = build(app)
    auth.organiser()
    url = f"/organiser/cities/{ids['parma']}/"
    few = queries_per_page(client, [url])
    with app.app_context():
        from festival.cities.models import City

        parma = db.session.get(City, ids["parma"])
        for year in (2019, 2020, 2021, 2022):
            festival = make_festival(starts_on=date(year, 6, 1), ends_on=date(year, 6, 2))
            group = make_delegation(festival, parma)
            for _ in range(3):
                make_delegate(group)
        db.session.commit()
    many = queries_per_page(client, [url])
    assert few == many
    assert "Came to 6 editions." in client.get(url).text
