"""#16 item 7: the network's counts across editions, as small charts on the
festival's overview (server-drawn SVG, with the same numbers in a table)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from festival.cities.models import CreativeField
from festival.delegations.purge import festival_delegate_ids, purge_batch
from festival.extensions import db
from festival.impressions.models import ImpressionForm, ImpressionInvite, ImpressionResponse
from festival.registration.models import DelegateStatus
from tests.factories import make_city, make_delegate, make_delegation, make_festival
from tests.support.queries import queries_per_page


def _edition(year: int, cities: list, people: int = 2, answered: int = 0, invited: int = 0):
    festival = make_festival(
        slug=f"g-{year}", starts_on=date(year, 6, 9), ends_on=date(year, 6, 13)
    )
    delegates = []
    for city in cities:
        group = make_delegation(festival, city)
        delegates += [make_delegate(group) for _ in range(people)]
    form = ImpressionForm(festival=festival, title="Closing")
    db.session.add(form)
    db.session.flush()
    for n, person in enumerate(delegates[:invited]):
        db.session.add(
            ImpressionInvite(form=form, delegate=person, token_hash=f"{year}{n}".ljust(64, "x"),
                             token_salt="s")
        )  # fmt: skip
        if n < answered:
            db.session.add(ImpressionResponse(form=form, delegate=person, answers={}))
    return festival


def build(app) -> None:
    with app.app_context():
        parma = make_city(name="Parma", country_code="IT", creative_field=CreativeField.GASTRONOMY)
        lyon = make_city(name="Lyon", country_code="FR", creative_field=CreativeField.MEDIA_ARTS)
        nantes = make_city(name="Nantes", country_code="FR", creative_field=CreativeField.MUSIC)
        usuki = make_city(name="Usuki", country_code="JP", creative_field=CreativeField.GASTRONOMY)
        old = _edition(2025, [parma, lyon], people=3, answered=3, invited=4)
        ids, _already = festival_delegate_ids(old)
        purge_batch(ids, old.created_at)  # counts survive the purge
        current = _edition(2026, [parma, nantes, usuki], people=2, answered=1, invited=4)
        # A city whose delegates all cancelled did not come.
        make_delegate(
            make_delegation(current, make_city(name="Gone")), status=DelegateStatus.CANCELLED
        )
        db.session.commit()


def _table(page: str, chart_id: str) -> list[tuple[str, str]]:
    block = page.split(f'id="{chart_id}-caption"')[1].split("</table>")[0]
    rows = block.split("<tbody>")[1].split("<tr>")[1:]
    return [
        (row.split("<td>")[1].split("</td>")[0], row.split('"num">')[1].split("<")[0])
        for row in rows
    ]


def test_the_overview_charts_each_edition_up_to_this_one(app, client, auth):
    build(app)
    auth.organiser()
    page = client.get("/organiser/festivals/g-2026/").text
    assert page.count('<svg class="bar-chart"') == 5
    assert 'role="img"' in page
    assert _table(page, "network-cities") == [("2025", "2"), ("2026", "3")]
    assert _table(page, "network-delegates") == [("2025", "6"), ("2026", "6")]
    assert _table(page, "network-countries") == [("2025", "2"), ("2026", "3")]
    assert _table(page, "network-fields") == [("2025", "2"), ("2026", "2")]
    assert _table(page, "network-answers") == [("2025", "75"), ("2026", "25")]
    # An earlier edition's overview does not show the editions after it.
    earlier = client.get("/organiser/festivals/g-2025/").text
    assert _table(earlier, "network-cities") == [("2025", "2")]


def test_a_first_edition_without_guests_shows_no_charts(app, client, auth):
    with app.app_context():
        make_festival(slug="first")
        db.session.commit()
    auth.organiser()
    assert 'id="network"' not in client.get("/organiser/festivals/first/").text


def test_the_overview_runs_as_many_queries_with_more_editions(app, client, auth):
    build(app)
    auth.organiser()
    few = queries_per_page(client, ["/organiser/festivals/g-2026/"])
    with app.app_context():
        for year in (2020, 2021, 2022):
            _edition(year, [make_city(), make_city()], people=2, answered=1, invited=2)
        db.session.commit()
    many = queries_per_page(client, ["/organiser/festivals/g-2026/"])
    assert few == many


def test_a_delegate_gets_a_404_on_the_overview(app, client, auth):
    build(app)
    with app.app_context():
        from festival.registration.models import Delegate

        user_id = db.session.scalar(
            sa.select(Delegate.user_id).where(
                Delegate.anonymised_at.is_(None), Delegate.user_id.is_not(None)
            )
        )
    auth.user(user_id)
    assert client.get("/organiser/festivals/g-2026/").status_code == 404
