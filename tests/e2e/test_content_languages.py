"""A delegate switches to Japanese, then French, and reads the festival's
content in that language: session titles, venues, itinerary items, the
impression form; what is not translated shows in English, marked with its
own language, and axe finds nothing serious on those pages."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import AXE, run_axe
from tests.e2e.scene import build_scene, login_link
from tests.e2e.support import choose_language, sign_in_with_link

EXPECTED = {
    "ja": {
        "itinerary": ["発酵の未来", "米と海と山", "羽田空港でお出迎え", "庄内ホール"],
        "form": ["いちばん驚いた味はどれですか。", "味噌", "ご協力ありがとうございました。"],
        "fallback": None,
    },
    "fr": {
        "itinerary": ["L'avenir de la fermentation", "Accueil à Haneda", "Salle du Shōnai"],
        "form": ["Quel goût vous a le plus surpris ?", "Kōji", "Merci de votre temps."],
        # No French title: the English one, in its own language.
        "fallback": "Rice, Sea and Mountains",
    },
}


def _clean(page: Any, name: str) -> None:
    violations = run_axe(page)
    assert not violations, f"{name}: {[v['id'] for v in violations]}"


def test_a_delegate_reads_the_content_in_japanese_then_french(app, live_server, browser):
    scene = build_scene(app, "en")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in_with_link(page, live_server + login_link(app, scene.head_id))
    page.goto(f"{live_server}/my/itinerary")
    expect(page.locator("main")).to_contain_text("Fermented Futures")

    for language, wanted in EXPECTED.items():
        choose_language(page, language)
        page.goto(f"{live_server}/my/itinerary")
        main = page.locator("main")
        for text in wanted["itinerary"]:
            expect(main).to_contain_text(text)
        expect(main).not_to_contain_text("Fermented Futures")
        if wanted["fallback"]:
            fallback = main.locator(f'[lang="en"]:has-text("{wanted["fallback"]}")').first
            expect(fallback).to_be_visible()
        _clean(page, f"my itinerary ({language})")

        page.goto(f"{live_server}/festivals/{scene.slug}/programme")
        _clean(page, f"programme ({language})")

        page.goto(f"{live_server}/impressions/{scene.impression_token}")
        form = page.locator("main")
        for text in wanted["form"]:
            expect(form).to_contain_text(text)
        _clean(page, f"impression form ({language})")
    context.close()
