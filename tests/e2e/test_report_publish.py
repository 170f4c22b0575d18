"""An organiser publishes the impressions report with a photo and a
translated quote; the public finds it from the programme, reads it in
English and Japanese, and prints it; axe finds nothing serious."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from festival.auth.services import create_organiser
from festival.extensions import db
from tests.e2e.conftest import AXE, run_axe
from tests.e2e.support import ORGANISER_EMAIL, ORGANISER_PASSWORD, sign_in_organiser
from tests.report_support import build_report_scene, make_jpeg


def _clean(page: Any, name: str) -> None:
    violations = run_axe(page)
    assert not violations, f"{name}: {[(v['id'], v['nodes'][0]['html']) for v in violations]}"


def test_an_organiser_publishes_the_report_and_the_public_reads_it(
    app, live_server, browser, shots
):
    with app.app_context():
        scene = build_report_scene()
        create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        db.session.commit()
    organiser = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    organiser.add_init_script(path=str(AXE))
    page = organiser.new_page()
    sign_in_organiser(page, live_server)
    page.goto(f"{live_server}/organiser/festivals/{scene.slug}/published-report")
    expect(page.locator("main")).to_contain_text("Not published")
    _clean(page, "compose (empty)")

    # A photo without its text alternative is refused, next to the field.
    page.locator("#photo").set_input_files(
        {"name": "dinner.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg(gps=True)}
    )
    page.get_by_role("button", name="Add the photo").click()
    expect(page.locator("#alt_text-error")).to_be_visible()
    page.locator("#photo").set_input_files(
        {"name": "dinner.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg(gps=True)}
    )
    page.locator("#alt_text").fill("Delegates around a table of local dishes")
    page.get_by_role("button", name="Add the photo").click()
    expect(page.locator("main")).to_contain_text("The photo is added")

    page.get_by_role("button", name="Publish the report").click()
    expect(page.locator("main")).to_contain_text("The report is published with 3 quotes.")
    quote = page.locator("form.report-quote", has_text="Une leçon d'hospitalité.")
    quote.get_by_label("Translation into 日本語").fill("おもてなしの教え。")
    quote.get_by_role("button", name="Save the translations").click()
    expect(page.locator("main")).to_contain_text("The translations are saved")
    _clean(page, "compose (published)")
    shots(page, "organiser-compose")
    organiser.close()

    # The public: no sign-in, a Japanese browser.
    public = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    public.add_init_script(path=str(AXE))
    reader = public.new_page()
    reader.goto(f"{live_server}/festivals/{scene.slug}/programme")
    reader.get_by_role("link", name="Read the impressions report").click()
    main = reader.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Impressions report")
    expect(main).to_contain_text("We will come back with our chefs.")
    expect(main).to_contain_text("Mayor of Parma, ROSSI Maria")
    expect(main.locator('img[alt="Delegates around a table of local dishes"]')).to_be_visible()
    _clean(reader, "public report (en)")
    shots(reader, "public-report-en")

    main.get_by_role("link", name="日本語").click()
    expect(reader.locator("html")).to_have_attribute("lang", "ja")
    expect(main.locator('blockquote[lang="fr"]')).to_contain_text("Une leçon d'hospitalité.")
    expect(main).to_contain_text("おもてなしの教え。")
    expect(main).to_contain_text("発酵の未来")
    _clean(reader, "public report (ja)")

    # Printed: the site's header and the language links are gone, the quotes stay.
    reader.emulate_media(media="print")
    expect(reader.locator(".site-header")).to_be_hidden()
    expect(reader.locator(".report-languages")).to_be_hidden()
    expect(main.locator("blockquote").first).to_be_visible()
    shots(reader, "public-report-ja-print")
    public.close()
