"""Organisers review registrations: lists, search, filters, confirm and decline."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.outbox.models import OutboxMessage
from festival.registration.models import Delegate, DelegateRole, DelegateStatus, Delegation
from tests.factories import (
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_invitation,
)
from tests.support.queries import queries_per_page

BASE = "/organiser/festivals/gastro"


def build(app: Flask, cities: int = 2, slug: str = "gastro") -> dict[str, int]:
    """Parma (Italy) and Lyon (France) ... each with a confirmed mayor and a pending chef."""
    names = [("Parma", "IT"), ("Lyon", "FR"), ("Chengdu", "CN"), ("Belém", "BR")]
    ids: dict[str, int] = {}
    with app.app_context():
        festival = make_festival(
            slug=slug, name="Gastronomy Festival 2027", contact_email="festival@tsuruoka.example"
        )
        for n in range(cities):
            name, country = names[n % len(names)]
            if n >= len(names):
                name = f"{name} {n}"
            city = make_city(
                name=name if slug == "gastro" else f"{name} {slug}", country_code=country
            )
            group = make_delegation(festival, city)
            mayor = make_delegate(
                group,
                full_name=f"Mayor of {name}",
                email=f"mayor{n}@{slug}.example",
                role=DelegateRole.MAYOR,
                is_head=True,
                locale="fr" if country == "FR" else "en",
                arrival_at=datetime(2027, 6, 13, 23, 30, tzinfo=UTC),
                arrival_airport="NRT",
            )
            chef = make_delegate(
                group,
                full_name=f"Chef of {name}",
                native_name="料理長" if n == 0 else None,
                email=f"chef{n}@{slug}.example",
                role=DelegateRole.CHEF,
                status=DelegateStatus.PENDING,
                locale="ja" if n == 0 else "en",
            )
            ids[f"group{n}"] = group.id
            ids[f"mayor{n}"] = mayor.id
            ids[f"chef{n}"] = chef.id
        db.session.commit()
    return ids


def outbox(app: Flask) -> list[OutboxMessage]:
    with app.app_context():
        messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return list(messages)


def test_delegations_list_with_counts_per_city(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.get(f"{BASE}/delegations")
    assert response.status_code == 200
    page = response.text
    assert "Parma" in page and "Lyon" in page
    assert "Mayor of Parma" in page  # head of delegation
    assert "2 / 3" in page  # people / quota
    lyon_only = client.get(f"{BASE}/delegations", query_string={"country": "FR"}).text
    assert "Lyon" in lyon_only and "Parma" not in lyon_only
    by_head = client.get(f"{BASE}/delegations", query_string={"q": "mayor of parma"}).text
    assert "Parma" in by_head and "Lyon" not in by_head


def test_delegates_search_and_filters(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()

    def names(**args: str) -> set[str]:
        page = client.get(f"{BASE}/delegates", query_string=args).text
        return {
            n
            for n in ("Mayor of Parma", "Chef of Parma", "Mayor of Lyon", "Chef of Lyon")
            if n in page
        }

    assert names() == {"Mayor of Parma", "Chef of Parma", "Mayor of Lyon", "Chef of Lyon"}
    assert names(q="料理長") == {"Chef of Parma"}  # name in own script
    assert names(q="chef1@gastro") == {"Chef of Lyon"}  # e-mail
    assert names(q="lyon") == {"Mayor of Lyon", "Chef of Lyon"}  # city
    assert names(status="pending") == {"Chef of Parma", "Chef of Lyon"}
    assert names(role="mayor", country="IT") == {"Mayor of Parma"}
    with app.app_context():
        from festival.registration.models import Delegation

        parma = db.session.get(Delegation, ids["group0"]).city_id
    assert names(city=str(parma)) == {"Mayor of Parma", "Chef of Parma"}
    # Nonsense filters are ignored rather than failing; a LIKE wildcard is literal.
    assert len(names(role="king", status="x", city="abc")) == 4
    assert names(q="%") == set()


def test_lists_paginate(app, client, auth) -> None:
    app.config["PER_PAGE"] = 3
    build(app, cities=4)
    auth.organiser()
    first = client.get(f"{BASE}/delegates").text
    # The pages are buttons of the list's form: ticks go along (see below).
    assert 'name="page" value="2"' in first and "1–3 of 8" in first
    assert "7–8 of 8" in client.get(f"{BASE}/delegates", query_string={"page": 3}).text
    assert client.get(f"{BASE}/delegates", query_string={"page": 9}).status_code == 404
    assert 'rel="next"' in client.get(f"{BASE}/delegations").text


def test_list_pages_run_a_constant_number_of_queries(app, client, auth) -> None:
    build(app, cities=1, slug="small")
    build(app, cities=4, slug="large")
    auth.organiser()
    for page in ("delegations", "delegates"):
        # Warm both: the filter menus are made once per version of the delegations.
        client.get(f"/organiser/festivals/small/{page}")
        client.get(f"/organiser/festivals/large/{page}")
        small, large = queries_per_page(
            client, [f"/organiser/festivals/small/{page}", f"/organiser/festivals/large/{page}"]
        )
        assert small == large, (page, small, large)


def test_delegation_page_shows_people_travel_needs_and_rooming(app, client, auth) -> None:
    ids = build(app)
    with app.app_context():
        mayor = db.session.get(Delegate, ids["mayor0"])
        mayor.departure_at = datetime(2027, 6, 19, 3, 0, tzinfo=UTC)
        mayor.departure_airport = "CDG"  # odd, but shows the airport's own zone
        mayor.dietary = ["halal"]
        mayor.allergens = ["sesame"]
        mayor.accessibility = "Wheelchair"
        mayor.hotel = "Hotel Tsuruoka"
        db.session.commit()
    auth.organiser()
    page = client.get(f"{BASE}/delegations/{ids['group0']}").text
    assert "Mayor of Parma" in page and "Chef of Parma" in page and "料理長" in page
    assert "Mon, Jun 14, 2027, 08:30" in page  # the festival's zone (Tokyo)
    assert "Sat, Jun 19, 2027, 05:00" in page and "Europe/Paris" in page  # CDG's local time
    assert "Local time at NRT: same" in page  # arrival: Narita is on Tokyo time
    assert "Halal" in page and "Sesame" in page and "Wheelchair" in page
    assert "Hotel Tsuruoka" in page
    assert "Print all visa letters" in page


def test_confirm_tells_the_delegate_in_their_language(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    response = client.post(
        f"{BASE}/delegates/{ids['chef0']}/confirm",
        data={"confirm-message": "Bring your knives in checked luggage."},
    )
    assert response.status_code == 302
    with app.app_context():
        chef = db.session.get(Delegate, ids["chef0"])
        assert chef.status == DelegateStatus.CONFIRMED
    [message] = outbox(app)
    assert message.recipient == "chef0@gastro.example"
    assert message.locale == "ja"
    assert "Bring your knives in checked luggage." in message.text_body
    assert "Bring your knives in checked luggage." in message.html_body
    assert "Gastronomy Festival 2027" in message.subject
    # Confirming again changes nothing and sends nothing.
    client.post(f"{BASE}/delegates/{ids['chef0']}/confirm")
    assert len(outbox(app)) == 1


def test_decline_needs_a_reason_at_the_field(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    response = client.post(
        f"{BASE}/delegates/{ids['chef1']}/decline", data={"decline-reason": "  "}
    )
    assert response.status_code == 422
    assert 'id="decline-reason-error"' in response.text
    assert "Give a reason" in response.text
    with app.app_context():
        assert db.session.get(Delegate, ids["chef1"]).status == DelegateStatus.PENDING
    assert outbox(app) == []


def test_decline_with_a_reason(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    reason = "Le quota de chefs est atteint."
    response = client.post(
        f"{BASE}/delegates/{ids['mayor1']}/decline", data={"decline-reason": reason}
    )
    assert response.status_code == 302
    with app.app_context():
        mayor = db.session.get(Delegate, ids["mayor1"])
        assert (mayor.status, mayor.status_reason) == (DelegateStatus.DECLINED, reason)
    [message] = outbox(app)
    assert message.locale == "fr" and message.recipient == "mayor1@gastro.example"
    assert reason in message.text_body and reason in message.html_body
    # A change of mind is a new decision, and a new e-mail.
    client.post(f"{BASE}/delegates/{ids['mayor1']}/confirm")
    assert len(outbox(app)) == 2


def test_a_cancelled_registration_cannot_be_decided(app, client, auth) -> None:
    ids = build(app)
    with app.app_context():
        db.session.get(Delegate, ids["chef0"]).status = DelegateStatus.CANCELLED
        db.session.commit()
    auth.organiser()
    assert client.post(f"{BASE}/delegates/{ids['chef0']}/confirm").status_code == 409
    response = client.post(f"{BASE}/delegates/{ids['chef0']}/decline", data={"decline-reason": "x"})
    assert response.status_code == 409
    assert outbox(app) == []


def test_bulk_confirm_only_this_festivals_pending_delegates(app, client, auth) -> None:
    ids = build(app)
    other = build(app, slug="other")
    auth.organiser()
    response = client.post(
        f"{BASE}/delegates/confirm",
        data={
            "delegate": [
                str(ids["chef0"]),
                str(ids["chef1"]),
                str(ids["mayor0"]),
                str(other["chef0"]),
            ],
            "back": "?status=pending&evil=1\r\nX-Injected: yes",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/delegates?status=pending")
    with app.app_context():
        status = {k: db.session.get(Delegate, v).status for k, v in ids.items() if k != "group0"}
        assert status["chef0"] == status["chef1"] == DelegateStatus.CONFIRMED
        assert db.session.get(Delegate, other["chef0"]).status == DelegateStatus.PENDING
    assert sorted(m.recipient for m in outbox(app)) == [
        "chef0@gastro.example",
        "chef1@gastro.example",
    ]
    follow = client.get(response.headers["Location"])
    assert "2 delegates confirmed" in follow.text


def test_bulk_confirm_without_a_tick_says_so(app, client, auth) -> None:
    build(app)
    auth.organiser()
    response = client.post(f"{BASE}/delegates/confirm", follow_redirects=True)
    assert "Tick the delegates to confirm first." in response.text


def test_a_decision_without_csrf_token_is_refused(app, client, auth) -> None:
    ids = build(app)
    auth.organiser()
    response = client.post(f"{BASE}/delegates/{ids['chef0']}/confirm", csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Delegate, ids["chef0"]).status == DelegateStatus.PENDING


def test_another_festivals_delegate_is_a_404(app, client, auth) -> None:
    other = build(app, slug="other")
    build(app)
    auth.organiser()
    assert client.get(f"{BASE}/delegates/{other['chef0']}").status_code == 404
    assert client.get(f"{BASE}/delegations/{other['group0']}").status_code == 404
    assert client.post(f"{BASE}/delegates/{other['chef0']}/confirm").status_code == 404


def test_the_filter_menus_follow_new_delegations_and_renamed_cities(app, client, auth) -> None:
    build(app)
    auth.organiser()
    page = client.get(f"{BASE}/delegates").text
    assert ">Parma</option>" in page and "Chengdu" not in page
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == "gastro"))
        make_delegation(festival, make_city(name="Chengdu", country_code="CN"))
        db.session.commit()
    page = client.get(f"{BASE}/delegates").text
    assert ">Chengdu</option>" in page and ">China</option>" in page
    with app.app_context():
        city = db.session.scalar(sa.select(City).where(City.name == "Parma"))
        city.name = "Parma (Emilia-Romagna)"
        db.session.commit()
    page = client.get(f"{BASE}/delegates").text
    assert ">Parma (Emilia-Romagna)</option>" in page and ">Parma</option>" not in page


def test_the_unfiltered_list_counts_its_pages_from_the_status_counts(app, client, auth) -> None:
    app.config["PER_PAGE"] = 3
    build(app, cities=4)  # 8 delegates: 3 pages
    auth.organiser()
    first = client.get(f"{BASE}/delegates").text
    assert 'name="page" value="3"' in first and 'name="page" value="4"' not in first
    last = client.get(f"{BASE}/delegates?page=3").text
    # By precedence (festival.protocol): the four mayors first, then the
    # chefs by city (Belém, Chengdu, Lyon, Parma): Lyon's and Parma's last.
    assert "Chef of Lyon" in last and "Chef of Parma" in last and "Mayor of Parma" not in last
    assert client.get(f"{BASE}/delegates?page=4").status_code == 404
    # Filtered, the list is counted: 4 pending chefs fit on 2 pages.
    pending = client.get(f"{BASE}/delegates?status=pending").text
    assert 'name="page" value="2"' in pending and 'name="page" value="3"' not in pending


def test_the_pages_hold_the_whole_list_in_its_order(app, client, auth) -> None:
    # A page is picked by sorting ids, then its rows loaded by id: each page
    # must still show its rows in the list's order, none lost or repeated.
    build(app, cities=4)
    auth.organiser()

    def shown(**args: object) -> list[str]:
        text = client.get(f"{BASE}/delegates", query_string=args).text
        return list(dict.fromkeys(re.findall(r"(?:Mayor|Chef) of \w+", text)))

    whole = shown()
    assert len(whole) == 8 and all(name.startswith("Mayor") for name in whole[:4])
    app.config["PER_PAGE"] = 3
    assert shown() + shown(page=2) + shown(page=3) == whole


def test_ticks_are_kept_across_filters_and_pages_and_all_shown_can_be_ticked(
    app, client, auth
) -> None:
    app.config["PER_PAGE"] = 3
    ids = build(app, cities=4)
    auth.organiser()
    select = f"{BASE}/delegates/select"
    # Tick Parma's chef, then filter on Lyon: the tick is carried, not lost.
    moved = client.post(
        select,
        data={"navigate": "filter", "q": "lyon", "delegate": [ids["chef0"]], "back": "?"},
    )
    assert moved.status_code == 302
    lyon = client.get(moved.headers["Location"])
    assert "Chef of Lyon" in lyon.text and "Chef of Parma" not in lyon.text
    assert f'name="delegate" value="{ids["chef0"]}"' in lyon.text
    assert "1 more delegate is ticked under another filter or page" in lyon.text

    # "Tick every pending delegate shown" (the button without JavaScript).
    back = "?" + moved.headers["Location"].split("?", 1)[1]
    ticked = client.post(
        select,
        data={
            "navigate": "tick_shown",
            "delegate": [ids["chef0"]],
            "shown": [ids["chef1"]],
            "back": back,
        },
    )
    page = client.get(ticked.headers["Location"])
    chef1 = ids["chef1"]
    assert f'id="pick-{chef1}" aria-label="Confirm Chef of Lyon" checked' in page.text

    # Clear the filter and move to page 2: both ticks go along.
    cleared = client.post(
        select, data={"navigate": "clear", "delegate": [ids["chef0"], ids["chef1"]], "back": back}
    )
    back = "?" + cleared.headers["Location"].split("?", 1)[1]
    second = client.post(
        select, data={"page": "2", "delegate": [ids["chef0"], ids["chef1"]], "back": back}
    )
    assert "page=2" in second.headers["Location"]
    assert "q=lyon" not in second.headers["Location"]
    page2 = client.get(second.headers["Location"])
    assert 'data-select-shown="delegate"' in page2.text and "js/select-shown.js" in page2.text

    # Confirm: every tick, from every filter and page, is confirmed.
    hidden = re.findall(r'type="hidden" name="delegate" value="(\d+)"', page2.text)
    boxes = re.findall(r'name="delegate" value="(\d+)"[^>]* checked', page2.text)
    assert {int(i) for i in hidden + boxes} == {ids["chef0"], ids["chef1"]}
    done = client.post(f"{BASE}/delegates/confirm", data={"delegate": hidden + boxes})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Delegate, ids["chef0"]).status == DelegateStatus.CONFIRMED
        assert db.session.get(Delegate, ids["chef1"]).status == DelegateStatus.CONFIRMED
        assert db.session.get(Delegate, ids["chef2"]).status == DelegateStatus.PENDING


def test_the_kept_order_and_counts_follow_every_change(app, client, auth) -> None:
    # The unfiltered list's order and the status counts are kept per version
    # of the festival's people and cities: each change below, made between
    # two views, shows on the next one.
    ids = build(app, cities=2)
    auth.organiser()

    def view() -> tuple[list[str], str]:
        text = client.get(f"{BASE}/delegates").text
        return list(dict.fromkeys(re.findall(r"(?:Mayor|Chef|Cook) of [\w ]+?(?=<)", text))), text

    order, text = view()
    assert order == ["Mayor of Lyon", "Mayor of Parma", "Chef of Lyon", "Chef of Parma"]
    assert "To review (2)" in text
    # A decision through the app: one fewer to review.
    client.post(f"{BASE}/delegates/{ids['chef0']}/confirm")
    assert "To review (1)" in view()[1]
    # A city renamed: Parma's people move ahead of Lyon's.
    with app.app_context():
        db.session.get(
            City, db.session.scalar(sa.select(City.id).where(City.name == "Parma"))
        ).name = "Kyoto"
        db.session.commit()
    assert view()[0] == ["Mayor of Parma", "Mayor of Lyon", "Chef of Parma", "Chef of Lyon"]
    # One person removed and another added in the same change (the count is
    # the same): the new one is listed and counted, the old one is gone.
    with app.app_context():
        db.session.delete(db.session.get(Delegate, ids["chef1"]))
        group = db.session.get(Delegate, ids["mayor1"]).delegation
        make_delegate(
            group, full_name="Cook of Lyon", role=DelegateRole.CHEF, status=DelegateStatus.PENDING
        )
        db.session.commit()
    order, text = view()
    assert order == ["Mayor of Parma", "Mayor of Lyon", "Chef of Parma", "Cook of Lyon"]
    assert "To review (1)" in text


def test_the_delegations_list_follows_every_change_behind_it(app, client, auth) -> None:
    """Its order and its menu of countries are kept per version of their
    data: each kind of change made through the app shows on the next view."""
    ids = build(app)
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).filter_by(slug="gastro"))
        _invitation, token = make_invitation(festival, make_city(name="Aarhus", country_code="DK"))
        parma = db.session.get(City, db.session.get(Delegation, ids["group0"]).city_id)
        parma_id, parma_fields = (
            parma.id,
            {
                "name": "Parma",
                "country_code": "IT",
                "creative_field": parma.creative_field.value,
                "contact_name": "Giulia Rossi",
                "contact_email": "creative.city@parma.example",
                "preferred_language": "en",
                "year_designated": "2015",
            },
        )
        db.session.commit()
    auth.organiser()

    def listed() -> tuple[list[str], str]:
        page = client.get(f"{BASE}/delegations").text
        found = [n for n in ("Parma", "Lyon", "Aarhus", "Ancona") if f">{n}</a>" in page]
        return sorted(found, key=lambda n: page.index(f">{n}</a>")), page

    # Two mayors: by precedence, then by city name.
    assert listed()[0] == ["Lyon", "Parma"]
    # A city accepts its invitation: its delegation, nobody in it yet, comes last.
    client.post(f"/invitations/{token}", data={"accept-accept": "Accept"})
    order, page = listed()
    assert order == ["Lyon", "Parma", "Aarhus"] and '<option value="DK"' in page
    # Parma is renamed Ancona: before Lyon by name.
    edited = client.post(
        f"/organiser/cities/{parma_id}/edit", data={**parma_fields, "name": "Ancona"}
    )
    assert edited.status_code == 302
    assert listed()[0] == ["Ancona", "Lyon", "Aarhus"]
    # Ancona's mayor declines: its best-ranked person is now its chef, after Lyon's mayor.
    client.post(f"{BASE}/delegates/{ids['mayor0']}/decline", data={"decline-reason": "Ill."})
    assert listed()[0] == ["Lyon", "Ancona", "Aarhus"]


def test_the_kept_rows_follow_every_change_they_show(app, client, auth) -> None:
    """With nobody ticked, a page's rows are kept per version of what they
    show: each change below, made between two views, shows on the next."""
    ids = build(app, cities=2)
    with app.app_context():  # a city with no delegation yet
        modena = make_city(name="Modena").id
        db.session.commit()
    auth.organiser()

    def row(delegate_id: int, query: str = "") -> str:
        text = client.get(f"{BASE}/delegates{query}").text
        start = text.index(f'href="/organiser/festivals/gastro/delegates/{delegate_id}"')
        return text[text.rindex("<tr>", 0, start) : text.index("</tr>", start)]

    assert "badge-pending" in row(ids["chef0"]) and "Parma" in row(ids["chef0"])
    assert "France" in row(ids["chef1"])
    client.post(f"{BASE}/delegates/{ids['chef0']}/confirm")  # through the app
    assert "badge-confirmed" in row(ids["chef0"]) and "badge-pending" not in row(ids["chef0"])
    # Ticked elsewhere: the row is made for this view, with its tick.
    assert "checked" in row(ids["chef1"], f"?picked={ids['chef1']}")
    assert "checked" not in row(ids["chef1"])
    with app.app_context():  # a city moves to another country
        db.session.get(Delegation, ids["group1"]).city.country_code = "MC"
        db.session.commit()
    assert "Monaco" in row(ids["chef1"])
    with app.app_context():  # the delegation is given another city (no city changes)
        db.session.get(Delegation, ids["group0"]).city_id = modena
        db.session.commit()
    assert "Modena" in row(ids["chef0"])
    arrival = row(ids["mayor1"])
    with app.app_context():  # the festival moves to another time zone
        db.session.scalar(sa.select(Festival).filter_by(slug="gastro")).timezone = "Europe/Paris"
        db.session.commit()
    assert row(ids["mayor1"]) != arrival and "01:30" in row(ids["mayor1"])
    client.post("/language", data={"locale": "fr", "next": "/"})
    assert "Confirmé" in row(ids["chef0"])
