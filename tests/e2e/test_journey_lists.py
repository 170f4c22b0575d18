"""The organiser's list work in a real browser (#17 items 5 and 6), one
screenshot per step: a city file with bad rows imports its good rows and
gives the bad ones back as a file with the reasons; then cities ticked under
one filter stay ticked under another, and one "Send" invites them all."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from festival.auth.services import create_organiser
from festival.cities.models import City
from festival.extensions import db
from festival.invitations.models import Invitation
from tests.e2e.support import ORGANISER_EMAIL, ORGANISER_PASSWORD, sign_in_organiser
from tests.factories import make_festival

pytestmark = pytest.mark.e2e

CITY_FILE = (
    "name,country,creative_field,contact_email,preferred_language\n"
    "Parma,IT,gastronomy,creative@parma.example,en\n"
    "Atlantis,Atlantis,music,,en\n"
    "Lyon,FR,media_arts,creative@lyon.example,fr\n"
    "Nantes,FR,music,nantes@,fr\n"
    "臼杵市,JP,gastronomy,creative@usuki.example,ja\n"
)


def test_an_import_with_bad_rows_then_invitations_ticked_across_filters(
    app, live_server, browser, shots, tmp_path
):
    base = live_server
    with app.app_context():
        create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        make_festival(
            slug="tsuruoka", name="Gastronomy Festival of Tsuruoka", contact_email="f@t.example"
        )
        db.session.commit()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in_organiser(page, base)

    # --- a city file with two bad rows -----------------------------------------
    page.goto(f"{base}/organiser/cities/")
    page.get_by_role("button", name="Import a file").click()
    upload = tmp_path / "cities.csv"
    upload.write_text(CITY_FILE, encoding="utf-8")
    page.get_by_label("CSV or XLSX file").set_input_files(upload)
    page.get_by_role("button", name="Preview the import").click()
    problems = page.get_by_role("region", name="2 rows need fixing")
    expect(problems).to_contain_text('Unknown country "Atlantis"')
    expect(problems).to_contain_text('Bad e-mail address "nantes@"')
    shots(page, "import-preview-with-bad-rows")

    # The bad rows come back as a file, each with its reason.
    with page.expect_download() as download:
        page.get_by_role(
            "button", name="Download the 2 rows to fix, with their reasons (CSV)"
        ).click()
    returned = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(returned)))
    assert rows[0][-2:] == ["line", "reason"]
    assert [(r[0], r[-2]) for r in rows[1:]] == [("Atlantis", "3"), ("Nantes", "5")]
    assert "Atlantis" in rows[1][-1] and "nantes@" in rows[2][-1]
    assert download.value.suggested_filename == "cities-to-fix.csv"

    # The good rows are imported; the bad ones are not.
    page.get_by_role("button", name="Import 3 cities").click()
    expect(page.get_by_role("status")).to_contain_text("Import done: 3 new")
    for name in ("Parma", "Lyon", "臼杵市"):
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Atlantis", exact=True)).to_have_count(0)
    shots(page, "import-done")

    # --- ticks kept across filters ------------------------------------------------
    page.goto(f"{base}/organiser/festivals/tsuruoka/invitations")
    page.get_by_role("button", name="Invite cities").first.click()
    page.get_by_role("checkbox", name="Parma", exact=True).check()
    filters = page.get_by_role("search", name="Filter the cities")
    filters.get_by_label("Country").select_option("FR")
    filters.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("checkbox", name="Parma", exact=True)).to_have_count(0)
    expect(page.get_by_text("1 more city is ticked under another filter or page")).to_be_visible()
    page.get_by_role("checkbox", name="Lyon", exact=True).check()
    page.get_by_label("Delegate quota").fill("3")
    shots(page, "invite-ticked-across-filters")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("status").first).to_contain_text("2 invitations sent.")
    for name in ("Parma", "Lyon"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="臼杵市", exact=True)).to_have_count(0)
    shots(page, "invited-across-filters")
    with app.app_context():
        invited = db.session.scalars(
            sa.select(City.name).join(Invitation, Invitation.city_id == City.id).order_by(City.name)
        ).all()
    assert invited == ["Lyon", "Parma"]
    context.close()
