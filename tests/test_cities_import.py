"""The city import through the pages: preview, errors, confirm, idempotent re-import."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import sqlalchemy as sa
from openpyxl import Workbook

from festival.cities.importer import parse_city_file
from festival.cities.models import City, CreativeField
from festival.extensions import db
from tests import factories
from tests.test_cities_parsing import UCCN
from tests.test_festivals_admin import field_error

IMPORT = "/organiser/cities/import"
CONFIRM = "/organiser/cities/import/confirm"
IMPORT_REJECTED = REJECTED = "/organiser/cities/import/rejected.csv"

CLEAN = (
    "name;country;creative_field;contact_email;preferred_language\r\n"
    "Parme;Italie;Gastronomie;creative.city@parma.example;anglais\r\n"
    "Saint-Étienne;France;Design;design@saint-etienne.example;fr\r\n"
    "Tsuruoka;JP;gastronomy;office@tsuruoka.example;ja\r\n"
).encode("cp1252")


def upload(client, data: bytes, filename: str = "cities.csv"):
    return client.post(
        IMPORT,
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def payload_of(html: str, action: str = CONFIRM) -> str:
    """The signed payload of the form posting to ``action`` on the preview."""
    form = html[html.index(f'action="{action}"') :]
    return unescape(re.search(r'name="payload" type="hidden" value="([^"]+)"', form).group(1))


def stat(html: str, status: str) -> int:
    """The number the preview shows for a status (new, update, unchanged, error)."""
    match = re.search(rf'<strong>(\d+)</strong><span class="badge badge-{status}">', html)
    return int(match.group(1))


def city_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(City))


def test_a_clean_file_is_previewed_then_imported_on_confirmation(app, client, auth):
    auth.organiser()
    preview = upload(client, CLEAN)
    assert preview.status_code == 200
    assert "Import 3 cities" in preview.text
    assert (stat(preview.text, "new"), stat(preview.text, "error")) == (3, 0)
    assert "Parme" in preview.text and "Italy" in preview.text
    # Nothing is imported before the confirmation.
    assert city_count(app) == 0
    response = client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    assert response.status_code == 302
    assert "3 new, 0 updated, 0 unchanged" in client.get(response.headers["Location"]).text
    with app.app_context():
        tsuruoka = db.session.scalar(sa.select(City).where(City.name == "Tsuruoka"))
        assert tsuruoka.country_code == "JP"
        assert tsuruoka.creative_field is CreativeField.GASTRONOMY
        assert tsuruoka.preferred_language == "ja"


def test_reimporting_the_same_file_creates_no_duplicates(app, client, auth):
    auth.organiser()
    client.post(CONFIRM, data={"payload": payload_of(upload(client, CLEAN).text)})
    again = upload(client, CLEAN)
    assert again.status_code == 200
    assert (stat(again.text, "unchanged"), stat(again.text, "new")) == (3, 0)
    client.post(CONFIRM, data={"payload": payload_of(again.text)})
    assert city_count(app) == 3
    # A changed row updates the city it matches (same name and country).
    changed = CLEAN.replace(b"design@saint-etienne.example", b"ville@saint-etienne.example")
    preview = upload(client, changed)
    assert "changes: Contact e-mail" in preview.text  # the field's label, not its column
    assert (stat(preview.text, "update"), stat(preview.text, "unchanged")) == (1, 2)
    client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    assert city_count(app) == 3
    with app.app_context():
        emails = set(db.session.scalars(sa.select(City.contact_email)))
        assert "ville@saint-etienne.example" in emails


def test_an_import_matches_cities_typed_by_hand_and_keeps_what_the_file_leaves_blank(
    app, client, auth
):
    with app.app_context():
        factories.make_city(
            name="tsuruoka", country_code="JP", contact_name="Sato Hanako", contact_email=None
        )
        db.session.commit()
    auth.organiser()
    preview = upload(client, b"city,country_code,field\nTsuruoka,JP,gastronomy\n")
    assert stat(preview.text, "update") == 1
    client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    with app.app_context():
        [city] = db.session.scalars(sa.select(City))
        assert (city.name, city.contact_name) == ("Tsuruoka", "Sato Hanako")


def test_a_file_with_bad_rows_shows_every_one_and_imports_the_good_ones(app, client, auth):
    auth.organiser()
    data = (
        b"name,country,creative_field,contact_email\n"
        b"Parma,IT,gastronomy,office@parma.example\n"
        b"Atlantis,Atlantis,music,\n"
        b"Nantes,FR,music,nantes@\n"
        b",FR,design,\n"
        b"Parma,Italy,gastronomy,\n"
    )
    response = upload(client, data)
    assert response.status_code == 200
    assert (stat(response.text, "new"), stat(response.text, "error")) == (1, 4)
    text = unescape(response.text)
    assert 'Line 3</a> (Atlantis): Unknown country "Atlantis"' in text
    assert 'Line 4</a> (Nantes): Bad e-mail address "nantes@"' in text
    assert "Line 5</a>: The city's name is missing" in text
    assert "Line 6</a> (Parma): Duplicate of line 2" in text
    assert "Import 1 city" in text and "Import 5 cities" not in text
    assert city_count(app) == 0

    # The bad rows come back as a file, each with its reason in the last column.
    rejected = client.post(REJECTED, data={"payload": payload_of(text, IMPORT_REJECTED)})
    assert rejected.status_code == 200
    assert rejected.headers["Content-Disposition"] == 'attachment; filename="cities-to-fix.csv"'
    rows = list(csv.reader(io.StringIO(rejected.data.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["line", "reason"]
    assert [(r[0], r[-2]) for r in rows[1:]] == [
        ("Atlantis", "3"),
        ("Nantes", "4"),
        ("", "5"),
        ("Parma", "6"),
    ]
    assert rows[2][-1] == 'Bad e-mail address "nantes@".'
    assert rows[2][rows[0].index("contact_email")] == "nantes@"
    # The file to fix imports as any other: its line and reason columns are ignored.
    again = upload(client, rejected.data, "cities-to-fix.csv")
    assert "line, reason" in unescape(again.text)

    # The good row is imported; the bad ones are not.
    done = client.post(CONFIRM, data={"payload": payload_of(text)})
    assert done.status_code == 302
    with app.app_context():
        assert list(db.session.scalars(sa.select(City.name))) == ["Parma"]


def test_a_file_with_only_bad_rows_imports_nothing(app, client, auth):
    auth.organiser()
    response = upload(client, b"name,country,creative_field\nAtlantis,Atlantis,music\n")
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "Import 1 city" not in response.text
    assert f'action="{IMPORT_REJECTED}"' in response.text


def test_a_language_the_emails_do_not_come_in_blocks_nothing(app, client, auth):
    auth.organiser()
    data = (
        "name,country,creative_field,preferred_language\n"
        "Dénia,ES,gastronomy,es\n"
        "Burgos,ES,gastronomy,es\n"
        "Nantes,FR,music,klingon-ish\n"
    ).encode()
    preview = upload(client, data)
    assert preview.status_code == 200
    assert (stat(preview.text, "new"), stat(preview.text, "error")) == (2, 1)
    assert "Spanish is not offered: e-mails will be in English." in preview.text
    client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    with app.app_context():
        cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
        assert [(c.name, c.preferred_language) for c in cities] == [
            ("Burgos", "en"),
            ("Dénia", "en"),
        ]


def test_cities_are_matched_by_their_names_in_any_script_and_known_aliases(app, client, auth):
    with app.app_context():
        factories.make_city(name="Usuki", country_code="JP", contact_email=None)
        design = CreativeField.DESIGN
        factories.make_city(name="Asahikawa", country_code="JP", creative_field=design)
        factories.make_city(name="Bistrița", country_code="RO")
        db.session.commit()
    auth.organiser()
    data = (
        "都市名,国,分野,メール\n"
        "臼杵市,日本,食文化,usuki@city.example\n"
        "旭川市,JP,デザイン,\n"
        "Bistrita,RO,gastronomy,\n"
        "鶴岡市,JP,食文化,\n"
    ).encode()
    preview = upload(client, data)
    assert preview.status_code == 200, preview.text
    # Usuki gets its address; Asahikawa and Bistrița are found; only Tsuruoka is new.
    assert (stat(preview.text, "update"), stat(preview.text, "unchanged")) == (1, 2)
    assert stat(preview.text, "new") == 1
    assert "the list's Usuki, named otherwise; its name stays" in unescape(preview.text)
    client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    with app.app_context():
        names = sorted(db.session.scalars(sa.select(City.name)))
        assert names == ["Asahikawa", "Bistrița", "Usuki", "鶴岡市"]
        usuki = db.session.scalar(sa.select(City).where(City.name == "Usuki"))
        assert usuki.contact_email == "usuki@city.example"
    # The same file again: nothing new, and the city typed by hand is found by its alias.
    again = upload(client, data)
    assert stat(again.text, "new") == 0
    assert (
        client.post(
            "/organiser/cities/new",
            data={"name": "Tsuruoka", "country_code": "JP", "creative_field": "gastronomy"},
        ).status_code
        == 422
    )


def test_a_malformed_csv_is_refused_at_the_file_field(app, client, auth):
    auth.organiser()
    response = upload(client, b'name,country,creative_field\nParma,IT,"gastronomy\n')
    assert response.status_code == 422
    assert "Line 2: the quotes do not match" in field_error(response.text, "file")
    response = upload(client, b"name,creative_field\nParma,gastronomy\n")
    assert response.status_code == 422
    assert 'No column for "country"' in unescape(field_error(response.text, "file"))
    assert city_count(app) == 0


def test_no_file_chosen(client, auth):
    auth.organiser()
    response = client.post(IMPORT, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to upload" in field_error(response.text, "file")


def test_an_altered_or_foreign_payload_is_refused(app, client, auth):
    auth.organiser()
    payload = payload_of(upload(client, CLEAN).text)
    tampered = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    response = client.post(CONFIRM, data={"payload": tampered})
    assert response.status_code == 400
    assert "expired or was altered" in field_error(response.text, "file")
    assert client.post(CONFIRM, data={"payload": ""}).status_code == 400
    # Another organiser cannot replay someone else's preview.
    auth.logout()
    auth.organiser("other@example.org", "another password 2")
    assert client.post(CONFIRM, data={"payload": payload}).status_code == 400
    assert city_count(app) == 0


def test_an_xlsx_upload(app, client, auth, tmp_path):
    workbook = Workbook()
    workbook.active.append(["Name", "Country", "Creative field", "Language"])
    workbook.active.append(["Parma", "Italy", "Gastronomy", "en"])
    workbook.active.append(["鶴岡市", "日本", "食文化", "日本語"])
    path = tmp_path / "cities.xlsx"
    workbook.save(path)
    auth.organiser()
    preview = upload(client, path.read_bytes(), "cities.xlsx")
    assert preview.status_code == 200
    client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    with app.app_context():
        assert set(db.session.scalars(sa.select(City.name))) == {"Parma", "鶴岡市"}


def test_the_network_member_list_imports_and_reimports(app, client, auth):
    auth.organiser()
    preview = upload(client, UCCN.read_bytes(), "uccn_cities.csv")
    assert preview.status_code == 200
    assert "Import 390 cities" in preview.text
    client.post(CONFIRM, data={"payload": payload_of(preview.text)})
    assert city_count(app) == 390
    again = upload(client, UCCN.read_bytes(), "uccn_cities.csv")
    done = client.post(CONFIRM, data={"payload": payload_of(again.text)}, follow_redirects=True)
    assert "0 new, 0 updated, 390 unchanged" in done.text
    assert city_count(app) == 390
    with app.app_context():
        # Preferred language follows the country when the file does not say.
        rows = db.session.execute(sa.select(City.country_code, City.preferred_language))
        languages = {code: language for code, language in rows}
        assert (languages["JP"], languages["FR"], languages["IT"]) == ("ja", "fr", "en")


def test_the_template_downloads_and_imports_cleanly(client, auth):
    auth.organiser()
    response = client.get("/organiser/cities/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbfname,country,creative_field")
    parsed = parse_city_file(response.data, "cities-template.csv")
    assert parsed.clean and len(parsed.rows) == 3


def test_a_file_too_large_is_refused_with_a_message(app, client, auth):
    auth.organiser()
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(client, CLEAN * 40)
    assert response.status_code == 413
    assert "too large" in field_error(response.text, "file")
    assert city_count(app) == 0
