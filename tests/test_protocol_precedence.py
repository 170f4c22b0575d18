"""The order of precedence: classes by confirmed role, the festival's rule
for cities of equal rank (gojūon order of the reading, joining year,
manual), the host and per-person overrides, and the lists it orders."""

from __future__ import annotations

import pytest
from flask import Flask

from festival.cities.models import CityKind
from festival.extensions import db
from festival.protocol import kana, precedence
from festival.protocol.models import CityProtocol, EqualRankRule, PrecedenceOverride, RankClass
from festival.registration.models import DelegateRole, DelegateStatus
from tests.factories import make_city, make_delegate, make_delegation, make_festival, make_session


def test_gojuon_order_folds_katakana_marks_small_kana_and_long_vowels() -> None:
    readings = ["パルマ", "はるま", "ばるま", "つるおか", "かなざわ", "あさひかわ", "ボーローニャ"]
    ordered = sorted(readings, key=kana.gojuon_key)
    assert ordered == [
        "あさひかわ",
        "かなざわ",
        "つるおか",
        "はるま",
        "ばるま",
        "パルマ",
        "ボーローニャ",
    ]
    # ー reads as the vowel before it: ボー sorts as ぼお, before ぼか.
    assert kana.gojuon_key("ボーロ") < kana.gojuon_key("ぼか")


def test_a_reading_is_derived_from_a_romanised_japanese_name_only() -> None:
    assert kana.reading_from_romaji("Tsuruoka") == "つるおか"
    assert kana.reading_from_romaji("Sapporo") == "さっぽろ"
    assert kana.reading_from_romaji("Ōita") == "おいた"
    assert kana.reading_from_romaji("Parma") is None
    assert kana.reading_from_romaji("Bergen") is None


@pytest.fixture
def world(app: Flask) -> dict[str, int | str]:
    """Tsuruoka hosts; three mayors (Parma, Bergen, Kanazawa), a deputy, an
    official and a mayor whose role is not confirmed yet."""
    with app.app_context():
        festival = make_festival(slug="gastro", host_city="Tsuruoka")
        ids: dict[str, int | str] = {"slug": festival.slug, "festival": festival.id}
        specs = [
            ("tsuruoka", "Tsuruoka", "JP", 2014, DelegateRole.MAYOR),
            ("parma", "Parma", "IT", 2015, DelegateRole.MAYOR),
            ("bergen", "Bergen", "NO", 2015, DelegateRole.MAYOR),
            ("kanazawa", "Kanazawa", "JP", 2009, DelegateRole.MAYOR),
            ("deputy", "Macao", "MO", 2017, DelegateRole.DEPUTY_MAYOR),
            ("official", "Lyon", "FR", 2008, DelegateRole.OFFICIAL),
        ]
        for key, city_name, country, year, role in specs:
            city = make_city(name=city_name, country_code=country, year_designated=year)
            delegation = make_delegation(festival, city)
            person = make_delegate(
                delegation, full_name=f"{city_name} person", role=role, is_head=True
            )
            ids[key] = person.id
            ids[key + "_city"] = city.id
        unconfirmed = make_delegate(
            db.session.get(type(person.delegation), person.delegation_id),
            full_name="Unconfirmed mayor",
            role=DelegateRole.MAYOR,
            status=DelegateStatus.PENDING,
        )
        ids["unconfirmed"] = unconfirmed.id
        # Readings on file for two foreign cities; Kanazawa's is derived.
        db.session.add_all(
            [
                CityProtocol(
                    festival_id=festival.id,
                    city_id=ids["parma_city"],
                    local_name="パルマ",
                    reading="ぱるま",
                ),
                CityProtocol(
                    festival_id=festival.id, city_id=ids["bergen_city"], local_name="ベルゲン"
                ),
            ]
        )
        db.session.commit()
        return ids


def _order(app: Flask, world: dict) -> list[int]:
    with app.app_context():
        festival = db.session.get(precedence.Festival, world["festival"])
        return [s.person.id for s in precedence.standings(festival)]


def test_host_first_then_mayors_in_gojuon_order_then_deputies_officials_others(app, world) -> None:
    order = _order(app, world)
    # Mayors: かなざわ, ぱるま (on file), べるげん (the katakana name): gojūon.
    assert order == [
        world["tsuruoka"],
        world["kanazawa"],
        world["parma"],
        world["bergen"],
        world["deputy"],
        world["official"],
        world["unconfirmed"],
    ]


def test_joining_year_rule_orders_equals_by_year_then_alphabet(app, world) -> None:
    with app.app_context():
        festival = db.session.get(precedence.Festival, world["festival"])
        precedence.settings_for(festival).rule = EqualRankRule.JOINING_YEAR
        db.session.commit()
    order = _order(app, world)
    # Kanazawa 2009; Parma and Bergen both 2015: gojūon (ぱるま before べるげん).
    assert order[1:4] == [world["kanazawa"], world["parma"], world["bergen"]]


def test_manual_rule_and_per_person_overrides(app, world) -> None:
    with app.app_context():
        festival = db.session.get(precedence.Festival, world["festival"])
        precedence.settings_for(festival).rule = EqualRankRule.MANUAL
        db.session.add(
            CityProtocol(festival_id=festival.id, city_id=world["kanazawa_city"], manual_position=2)
        )
        row = db.session.query(CityProtocol).filter_by(city_id=world["bergen_city"]).one()
        row.manual_position = 1
        # The official is ranked as a head of organisation; the deputy placed first among mayors.
        db.session.add(
            PrecedenceOverride(
                festival_id=festival.id,
                delegate_id=world["official"],
                rank_class=RankClass.HEAD_OF_ORGANISATION,
                note="Secretary of the network",
            )
        )
        db.session.add(
            PrecedenceOverride(
                festival_id=festival.id,
                delegate_id=world["deputy"],
                rank_class=RankClass.MAYOR,
                position=1,
            )
        )
        db.session.commit()
        standings = precedence.standings(festival)
    order = [s.person.id for s in standings]
    assert order[:6] == [
        world["tsuruoka"],
        world["deputy"],
        world["bergen"],
        world["kanazawa"],
        world["parma"],  # not placed by hand: after the placed ones
        world["official"],
    ]
    why = {s.person.id: " ".join(s.reasons) for s in standings}
    assert "Secretary of the network" in why[world["official"]]
    assert "city number 2 in the organisers' order" in why[world["kanazawa"]]


def test_the_printed_list_says_why_and_lists_follow_precedence(app, client, auth, world) -> None:
    auth.organiser()
    page = client.get(f"/organiser/festivals/{world['slug']}/protocol")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "the host" in page.text
    assert "gojūon order of かなざわ (reading derived from the romanised name)" in page.text
    assert "role not confirmed yet" in page.text
    delegates = client.get(f"/organiser/festivals/{world['slug']}/delegates").text
    assert (
        delegates.index("Tsuruoka person")
        < delegates.index("Kanazawa person")
        < delegates.index("Lyon person")
    )
    delegations = client.get(f"/organiser/festivals/{world['slug']}/delegations").text
    assert (
        delegations.index("Tsuruoka") < delegations.index("Kanazawa") < delegations.index("Parma")
    )


def test_settings_and_overrides_through_the_pages(app, client, auth, world) -> None:
    auth.organiser()
    base = f"/organiser/festivals/{world['slug']}/protocol"
    response = client.post(
        base + "/settings", data={"rule": "joining_year", "language": "ja", "host_delegate_id": ""}
    )
    assert response.status_code == 302
    response = client.post(
        base + f"/people/{world['official']}", data={"rank_class": "1", "position": "0", "note": ""}
    )
    assert response.status_code == 400
    assert "field-error" in response.text, response.text[-3000:]
    response = client.post(
        base + f"/people/{world['official']}", data={"rank_class": "1", "position": "", "note": ""}
    )
    assert response.status_code == 302
    response = client.post(
        base + f"/cities/{world['parma_city']}",
        data={"local_name": "パルマ", "reading": "ぱるま", "manual_position": "x"},
    )
    assert response.status_code == 400
    order = _order(app, world)
    assert order.index(world["official"]) < order.index(world["deputy"])


def test_a_precedence_order_for_other_pages(app, world) -> None:
    with app.app_context():
        festival = db.session.get(precedence.Festival, world["festival"])
        order = precedence.precedence_order(festival)
        assert order[world["tsuruoka"]] == 1
        key = precedence.sort_key(order)
        people = sorted(
            [type("P", (), {"id": i})() for i in (world["official"], world["parma"])], key=key
        )
        assert [p.id for p in people] == [world["parma"], world["official"]]


def test_guests_who_are_not_a_city_rank_by_their_kind(app, world) -> None:
    """An organisation's most senior person is a head of organisation
    without any override; a keynote speaker stands with the officials; the
    press after everyone else, whatever role they declared."""
    with app.app_context():
        festival = db.session.get(precedence.Festival, world["festival"])
        unesco = make_delegation(festival, make_city(name="UNESCO", kind=CityKind.ORGANISATION))
        assistant = make_delegate(
            unesco, full_name="Assistant", role=DelegateRole.OTHER, is_head=True
        )
        assistant.confirmed_role = DelegateRole.OTHER
        director = make_delegate(unesco, full_name="Director", role=DelegateRole.OFFICIAL)
        director.confirmed_role = DelegateRole.OFFICIAL
        ministry = make_delegation(festival, make_city(name="Ministry", kind=CityKind.ORGANISATION))
        minister = make_delegate(ministry, full_name="Minister", is_head=True)  # not confirmed
        speaker_city = make_city(name="Keynote", kind=CityKind.SPEAKER)
        speaker = make_delegate(make_delegation(festival, speaker_city), is_head=True)
        press = make_delegation(festival, make_city(name="Gazette", kind=CityKind.PRESS))
        journalist = make_delegate(press, role=DelegateRole.MAYOR, is_head=True)
        journalist.confirmed_role = DelegateRole.MAYOR
        db.session.commit()
        ids = {
            "assistant": assistant.id,
            "director": director.id,
            "minister": minister.id,
            "speaker": speaker.id,
            "journalist": journalist.id,
        }
        standings = precedence.standings(festival)
    order = [s.person.id for s in standings]
    klass = {s.person.id: s.rank_class for s in standings}
    why = {s.person.id: " ".join(s.reasons) for s in standings}
    assert klass[ids["director"]] == RankClass.HEAD_OF_ORGANISATION
    assert klass[ids["minister"]] == RankClass.HEAD_OF_ORGANISATION
    assert "heads the delegation of an organisation" in why[ids["minister"]]
    assert klass[ids["assistant"]] == RankClass.OTHER  # the director stands for UNESCO
    assert klass[ids["speaker"]] == RankClass.OFFICIAL
    assert klass[ids["journalist"]] == RankClass.OTHER
    # Heads of organisations after the deputy mayor, before the officials.
    assert (
        order.index(world["deputy"]) < order.index(ids["director"]) < order.index(world["official"])
    )
    assert order[-1] == ids["journalist"]  # after the other "others"


def _table(page: str) -> str:
    """The order's table of a page (its settings form names the mayors too)."""
    return page[page.index('<table class="precedence">') : page.index("</table>")]


def test_the_order_goes_a_page_at_a_time_searchable_or_whole_to_print(
    app, client, auth, world
) -> None:
    # Seven people, three a page: the host and two mayors, then the next.
    app.config["PER_PAGE"] = 3
    auth.organiser()
    base = f"/organiser/festivals/{world['slug']}/protocol"
    page = client.get(base).text
    first = _table(page)
    assert "Tsuruoka person" in first and "Bergen person" not in first
    assert "1–3 of 7" in page and 'rel="next"' in page
    third = _table(client.get(base, query_string={"page": 3}).text)
    assert "Unconfirmed mayor" in third and "Tsuruoka person" not in third
    assert client.get(base, query_string={"page": 4}).status_code == 404
    # Whole, to print: everyone, no pages.
    whole = client.get(base, query_string={"all": "1"}).text
    assert all(f"{name} person" in whole for name in ("Tsuruoka", "Lyon", "Macao"))
    assert 'rel="next"' not in whole
    # A search by city, any case, keeps each person's rank in the whole order.
    found = _table(client.get(base, query_string={"q": "LYON"}).text)
    assert "Lyon person" in found and "Parma person" not in found
    assert f'<tr id="p{world["official"]}">\n      <td>6</td>' in found
    assert "Nobody matches." in client.get(base, query_string={"q": "Zzz"}).text
    # An override saved: back to the page that shows the person, at their line.
    response = client.post(
        f"{base}/people/{world['official']}", data={"rank_class": "", "position": "", "note": "x"}
    )
    assert response.location.endswith(f"/protocol?page=2#p{world['official']}")


def test_the_host_menu_follows_newly_confirmed_mayors(app, client, auth, world) -> None:
    auth.organiser()
    base = f"/organiser/festivals/{world['slug']}/protocol"
    menu = client.get(base).text
    assert f'<option value="{world["parma"]}">Parma person</option>' in menu
    assert ">Unconfirmed mayor</option>" not in menu
    client.post(f"/organiser/festivals/{world['slug']}/delegates/{world['unconfirmed']}/confirm")
    assert ">Unconfirmed mayor</option>" in client.get(base).text


def test_the_cities_and_sessions_lists_go_a_page_at_a_time(app, client, auth, world) -> None:
    app.config["PER_PAGE"] = 4
    with app.app_context():
        festival = db.session.get(precedence.Festival, world["festival"])
        for n in range(5):
            make_session(festival, title=f"Tasting {n}")
        make_session(festival, title="Banquet 100%")
        db.session.commit()
    auth.organiser()
    base = f"/organiser/festivals/{world['slug']}/protocol"
    cities = client.get(f"{base}/cities").text
    # Six cities, none placed by hand: by name, Parma and Tsuruoka last.
    assert "1–4 of 6" in cities and ">Lyon</th>" in cities and ">Parma</th>" not in cities
    assert ">Tsuruoka</th>" in client.get(f"{base}/cities", query_string={"page": 2}).text
    found = client.get(f"{base}/cities", query_string={"q": "ベルゲン"}).text
    assert ">Bergen</th>" in found and ">Parma</th>" not in found
    assert "No city matches." in client.get(f"{base}/cities", query_string={"q": "_"}).text
    sessions = client.get(f"{base}/sessions").text
    assert "1–4 of 6" in sessions
    # A % typed is a percent sign, not "anything".
    found = client.get(f"{base}/sessions", query_string={"q": "100%"}).text
    assert "Banquet 100%" in found and "Tasting 0" not in found
    assert client.get(f"{base}/sessions", query_string={"page": 3}).status_code == 404
