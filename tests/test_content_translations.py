"""Translating a festival's content: the fallback rule, the translation page,
one item in every language, and XLIFF/XLSX out and back in."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from festival.core.content import Localized, pick, source_hash
from festival.extensions import db
from festival.festivals.models import Festival
from festival.itineraries.models import ItemKind, ItineraryItem
from festival.programme.models import ProgrammeSession
from tests import factories

BASE = "/organiser/festivals/gastro-2027/translations"


@pytest.fixture
def ids(app):
    with app.app_context():
        festival = factories.make_festival(slug="gastro-2027")
        session = factories.make_session(
            festival,
            title="Mayors' Forum",
            description="Cities and food.",
            title_i18n={"ja": "市長フォーラム"},
        )
        factories.make_venue(festival, name="Civic Hall")
        other = factories.make_festival(slug="other-2027")
        foreign = factories.make_session(other, title="Elsewhere")
        db.session.commit()
        return {"session": session.id, "foreign": foreign.id, "festival": festival.id}


def session_row(app, session_id: int) -> ProgrammeSession:
    with app.app_context():
        row = db.session.get(ProgrammeSession, session_id)
        db.session.expunge(row)
        return row


def test_a_missing_translation_falls_back_to_the_default_language():
    assert pick("Forum", {"ja": "フォーラム"}, "ja", "en") == Localized("フォーラム", "ja", False)
    assert pick("Forum", {"ja": "フォーラム"}, "fr", "en") == Localized("Forum", "en", True)
    assert pick("Forum", {"fr": "  "}, "fr", "en").is_fallback
    assert pick("Forum", {}, "en", "en") == Localized("Forum", "en", False)


def test_the_translation_page_counts_what_is_missing_per_language(client, auth, ids):
    auth.organiser()
    page = client.get(BASE)
    assert page.status_code == 200
    # Japanese lacks the description, the venue's name and address and the
    # festival's name; French lacks all of these and the title too.
    rows = dict(re.findall(r'<th scope="row" lang="(\w+)">[^<]*</th>\s*<td>(\d+)</td>', page.text))
    assert rows == {"ja": "4", "fr": "5"}
    assert f"{BASE}/session/{ids['session']}" in page.text


def missing_counts(client) -> dict[str, str]:
    page = client.get(BASE)
    assert page.status_code == 200
    return dict(re.findall(r'<th scope="row" lang="(\w+)">[^<]*</th>\s*<td>(\d+)</td>', page.text))


def test_the_missing_counts_follow_every_edit_made_through_the_app(app, client, auth, ids):
    """The counts are kept per version of the content: each edit shows at once."""
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == "gastro-2027"))
        venue_id = festival.venues[0].id
        delegation = factories.make_delegation(festival)
        item = ItineraryItem(
            delegation=delegation,
            kind=ItemKind.VISIT,
            title="Brewery visit",
            starts_at=datetime(2027, 5, 1, 9, tzinfo=UTC),
            ends_at=datetime(2027, 5, 1, 10, tzinfo=UTC),
        )
        db.session.add(item)
        db.session.commit()
        item_id, delegation_id = item.id, delegation.id
    auth.organiser()
    assert missing_counts(client) == {"ja": "5", "fr": "6"}
    # A session's texts.
    client.post(
        f"{BASE}/session/{ids['session']}",
        data={"title__en": "Mayors' Forum", "title__fr": "Forum des maires"},
    )
    assert missing_counts(client) == {"ja": "5", "fr": "5"}
    # A venue's (its festival's version moves).
    client.post(
        f"{BASE}/venue/{venue_id}",
        data={"name__en": "Civic Hall", "name__ja": "市民会館", "name__fr": "Salle civique"},
    )
    assert missing_counts(client) == {"ja": "4", "fr": "4"}
    # An itinerary item's, then the item itself removed on the itineraries page.
    client.post(f"{BASE}/item/{item_id}", data={"title__en": "Brewery visit", "title__ja": "酒蔵"})
    assert missing_counts(client) == {"ja": "3", "fr": "4"}
    admin = "/organiser/festivals/gastro-2027/itineraries"
    assert client.post(f"{admin}/{delegation_id}/items/{item_id}/delete").status_code == 302
    assert missing_counts(client) == {"ja": "3", "fr": "3"}
    # The festival's own texts.
    client.post(f"{BASE}/festival/{ids['festival']}", data={"name__ja": "美食祭"})
    assert missing_counts(client) == {"ja": "2", "fr": "3"}


def test_an_organiser_translates_a_session_side_by_side(app, client, auth, ids):
    auth.organiser()
    url = f"{BASE}/session/{ids['session']}"
    form = client.get(url)
    assert 'name="title__en"' in form.text and 'name="title__fr"' in form.text
    assert form.text.index('name="title__en"') < form.text.index('name="title__ja"')
    before = session_row(app, ids["session"])
    response = client.post(
        url,
        data={
            "title__en": "Mayors' Forum",
            "title__ja": "市長フォーラム",
            "title__fr": "Forum des maires",
            "description__en": "Cities and food.",
            "description__ja": "",
            "description__fr": "Les villes et la table.",
            "speakers__en": "",
            "speakers__ja": "",
            "speakers__fr": "",
        },
    )
    assert response.status_code == 302
    after = session_row(app, ids["session"])
    assert after.title_i18n == {"ja": "市長フォーラム", "fr": "Forum des maires"}
    assert after.description_i18n == {"fr": "Les villes et la table."}
    # A translation is a description edit for calendars: LAST-MODIFIED moves,
    # SEQUENCE does not.
    assert after.sequence == before.sequence
    assert after.updated_at > before.updated_at


def test_a_too_long_translation_is_refused_at_its_field(client, auth, ids):
    auth.organiser()
    response = client.post(
        f"{BASE}/session/{ids['session']}",
        data={"title__en": "Mayors' Forum", "title__fr": "x" * 501},
    )
    assert response.status_code == 422
    assert "x" * 501 in response.text  # nothing typed is lost


def test_another_festivals_item_and_delegates_get_nothing(app, client, auth, ids):
    auth.organiser()
    assert client.get(f"{BASE}/session/{ids['foreign']}").status_code == 404
    assert client.get(f"{BASE}/nothing/1").status_code == 404
    assert client.get(f"{BASE}/export.xlf?lang=de").status_code == 404
    client.get("/logout")
    client.post("/logout")
    assert client.get(BASE).status_code in (302, 403, 404)


def _xliff_target(xliff: str, key: str, text: str) -> str:
    """Fill one unit's target, as a translator's tool would."""
    pattern = re.compile(
        rf'(<unit id="{re.escape(key)}">.*?</source>)(<target>.*?</target>)?', re.S
    )
    return pattern.sub(lambda m: m.group(1) + f"<target>{text}</target>", xliff, count=1)


def test_xliff_round_trip_with_a_stale_row_refused(app, client, auth, ids):
    auth.organiser()
    export = client.get(f"{BASE}/export.xlf?lang=fr")
    assert export.status_code == 200
    assert export.headers["Cache-Control"] == "no-store"
    text = export.data.decode()
    assert "urn:oasis:names:tc:xliff:document:2.0" in text and 'trgLang="fr"' in text
    assert source_hash("Mayors' Forum") in text
    key_title = f"session:{ids['session']}:title"
    key_description = f"session:{ids['session']}:description"
    text = _xliff_target(text, key_title, "Forum des maires")
    text = _xliff_target(text, key_description, "Les villes et la table.")
    # Meanwhile, an organiser rewrites the description: its row is stale.
    with app.app_context():
        db.session.get(ProgrammeSession, ids["session"]).description = "Cities, food, people."
        db.session.commit()
    preview = client.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(text.encode()), "gastro-fr.xlf")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    assert "Forum des maires" in preview.text
    assert key_description in preview.text  # listed among the refused rows
    assert session_row(app, ids["session"]).title_i18n.get("fr") is None  # nothing written yet
    rows = re.search(r'name="rows" type="hidden" value="([^"]*)"', preview.text)
    assert rows is not None
    import html

    applied = client.post(f"{BASE}/import/apply", data={"rows": html.unescape(rows.group(1))})
    assert applied.status_code == 302
    row = session_row(app, ids["session"])
    assert row.title_i18n["fr"] == "Forum des maires"
    assert "fr" not in row.description_i18n


def test_xlsx_round_trip_one_column_per_language(app, client, auth, ids):
    from openpyxl import Workbook, load_workbook

    auth.organiser()
    export = client.get(f"{BASE}/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["key", "source_hash", "context", "en", "ja", "fr"]
    key_title = f"session:{ids['session']}:title"
    title = next(r for r in rows if r[0] == key_title)
    assert title[3:5] == ["Mayors' Forum", "市長フォーラム"]
    # A translator fills the French column, and works from an old copy of one row.
    book = Workbook()
    out = book.active
    for r in rows:
        if r[0] == key_title:
            r[5] = "Forum des maires"
        elif r[0] and r[0].endswith(":description"):
            r[1], r[5] = source_hash("an older text"), "Ancien texte"
        out.append(r)
    data = io.BytesIO()
    book.save(data)
    preview = client.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(data.getvalue()), "back.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    changes = preview.text.split("<tbody>")[1].split("</tbody>")[0]
    assert "Forum des maires" in changes and "Ancien texte" not in changes
    assert "source text changed since the export" in preview.text


def test_a_file_that_is_not_an_export_gets_a_message(client, auth, ids):
    auth.organiser()
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    response = client.post(
        f"{BASE}/import",
        data={"file": (io.BytesIO(bomb), "evil.xlf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not a translation export" in response.text


def test_translations_need_no_query_per_item(app, client, auth, ids, count_queries):
    with app.app_context():
        festival_id = db.session.scalar(
            sa.select(Festival.id).where(Festival.slug == "gastro-2027")
        )
        festival = db.session.get(Festival, festival_id)
        for n in range(5):
            factories.make_session(festival, title=f"Extra {n}", title_i18n={"fr": f"En plus {n}"})
        db.session.commit()
    auth.organiser()
    with count_queries() as few:
        client.get(BASE)
    with app.app_context():
        festival = db.session.get(Festival, festival_id)
        for n in range(20):
            factories.make_session(festival, title=f"More {n}")
        db.session.commit()
    with count_queries() as many:
        client.get(BASE)
    assert len(many) == len(few)
