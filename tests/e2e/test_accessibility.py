"""Accessibility in a real browser: axe-core finds no serious or critical
violation on the main pages, in English, Japanese and French; and a person
with only a keyboard can register and answer an impression form, seeing
where the focus is at every step."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from festival.extensions import db
from festival.impressions.models import ImpressionForm, ImpressionResponse
from festival.registration.models import Delegate, Delegation
from tests.e2e.conftest import AXE, run_axe
from tests.e2e.scene import build_scene, login_link
from tests.e2e.support import (
    button,
    focused,
    sign_in_organiser,
    sign_in_with_link,
    tab_to,
    type_date_time,
    with_id,
)

pytestmark = pytest.mark.e2e

# What the browser says it prefers (Accept-Language), per interface language.
BROWSER_LOCALES = {"en": "en-GB", "ja": "ja-JP", "fr": "fr-FR"}


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and node: rule, impact, where, and why."""
    lines = []
    for violation in violations:
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            why = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"{violation['id']} ({violation['impact']}) at {target}: {why}")
    return lines


class Audit:
    """Open pages and collect what axe finds on each, to report them all at once."""

    def __init__(self, base: str, language: str) -> None:
        self.base = base
        self.language = language
        self.found: dict[str, list[str]] = {}
        self.pages = 0

    def check(self, page: Any, path: str, name: str, *, every_language: bool = True) -> None:
        """Open ``path`` and audit it. Pages beyond the main ones are audited
        in English only: their structure and styles do not change with the
        language, and the suite has a time budget."""
        if not every_language and self.language != "en":
            return
        response = page.goto(self.base + path)
        assert response is not None and response.status < 400, f"{name}: {path}"
        self.check_current(page, name)

    def check_current(self, page: Any, name: str) -> None:
        """Audit the page as it is (say, a form sent back with its errors)."""
        # The page really is in the language under test (html lang drives
        # screen readers' pronunciation). Read in the page's own world: a
        # locator would first install Playwright's helper script in each page,
        # some 50 ms each.
        lang = page.evaluate("() => document.documentElement.lang")
        assert lang == self.language, f"{name}: <html lang={lang!r}>"
        self.pages += 1
        if violations := run_axe(page):
            path = page.url.removeprefix(self.base)
            self.found[f"{name} ({path})"] = describe(violations)

    def assert_clean(self) -> None:
        report = "\n".join(
            f"[{self.language}] {page}:\n  " + "\n  ".join(lines)
            for page, lines in self.found.items()
        )
        assert not self.found, "axe found serious or critical violations:\n" + report


@pytest.mark.markup_only
@pytest.mark.parametrize("language", ["en", "ja", "fr"])
def test_main_pages_have_no_serious_violation(app, live_server, browser, language):
    scene = build_scene(app, language)
    slug = scene.slug
    audit = Audit(live_server, language)
    with app.app_context():
        mayor_record = db.session.scalar(
            sa.select(Delegate.id).where(Delegate.user_id == scene.mayor_id)
        )
        forum_id = db.session.scalar(
            sa.select(ImpressionForm.session_id).where(ImpressionForm.id == scene.forum_form_id)
        )

    # One tab for everyone, axe preloaded in each page it opens. Each person
    # starts with no cookies, as in a browser of their own (a new browser
    # context for each cost half a second: a new renderer process).
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=BROWSER_LOCALES[language]
    )
    context.add_init_script(path=str(AXE))
    tab = context.new_page()
    tab.set_default_timeout(10_000)

    def new_person() -> Any:
        """The tab, without the cookies of whoever used it before."""
        context.clear_cookies()
        return tab

    def send_back(page: Any, name: str) -> None:
        """Send the page's main form as it is: it comes back with its errors.
        (The browser's own checks of required fields are switched off, as in
        a browser that has none, to reach the server's answer.)"""
        page.evaluate("() => document.querySelectorAll('form').forEach(f => f.noValidate = true)")
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.locator("main form[method=post] [type=submit]").last.click()
        assert sent.value.status == 422, name
        page.wait_for_load_state()
        audit.check_current(page, name)

    # The public, and a city's contact with their secret links.
    public = new_person()
    audit.check(public, "/", "home")
    audit.check(public, "/login", "sign-in")
    audit.check(public, "/login/link", "get a sign-in link")
    audit.check(public, f"/festivals/{slug}/programme", "public programme")
    audit.check(public, f"/festivals/{slug}/sessions/{scene.public_session_id}", "public session")
    audit.check(public, f"/invitations/{scene.invitation_token}", "invitation")
    audit.check(public, f"/invitations/{scene.registration_token}", "registration form")
    send_back(public, "registration form with errors")
    audit.check(public, f"/impressions/{scene.impression_token}", "impression form")
    send_back(public, "impression form with errors")

    # The head of delegation and the mayor, signed in with their e-mailed links.
    head = new_person()
    sign_in_with_link(head, live_server + login_link(app, scene.head_id))
    audit.check(head, "/my/delegation", "My delegation (head)")
    audit.check(head, "/my/itinerary", "My itinerary (head)")
    audit.check(head, "/my/programme", "My programme", every_language=False)
    audit.check(head, "/my/delegation/members/new", "add a member", every_language=False)
    audit.check(
        head,
        f"/my/delegation/members/{mayor_record}/accompanying/new",
        "add an accompanying person",
        every_language=False,
    )
    if language == "en":
        send_back(head, "add a member, with errors")
    mayor = new_person()
    sign_in_with_link(mayor, live_server + login_link(app, scene.mayor_id))
    audit.check(mayor, "/my/delegation", "My delegation (member)")
    audit.check(mayor, "/my/itinerary", "My itinerary (mayor)")

    # The organiser's pages.
    organiser = new_person()
    sign_in_organiser(organiser, live_server)
    admin = f"/organiser/festivals/{slug}"
    with app.app_context():
        parma_city = db.session.get(Delegation, scene.parma_id).city_id
    main_pages = [
        ("/organiser/", "dashboard"),
        (f"{admin}/", "festival overview"),
        ("/organiser/cities/", "cities"),
        (f"{admin}/invitations", "invitations"),
        (f"{admin}/delegates", "delegates"),
        (f"{admin}/logistics/arrivals", "logistics: arrivals"),
        (f"{admin}/programme?day=all", "programme admin"),
        (f"{admin}/impressions/forms/{scene.forum_form_id}/results", "impression results"),
        (f"{admin}/translations", "translations"),
        (f"{admin}/translations/session/{scene.public_session_id}", "translate a session"),
    ]
    more_pages = [
        (f"{admin}/invitations/new", "invite cities"),
        (f"{admin}/delegations", "delegations"),
        (f"{admin}/delegations/{scene.parma_id}", "one delegation"),
        (f"{admin}/logistics/catering", "logistics: catering"),
        (f"{admin}/logistics/kitchen?day=all", "logistics: kitchen list"),
        (f"{admin}/programme/new", "new session"),
        (f"{admin}/itineraries/{scene.parma_id}", "a delegation's itinerary"),
        (f"{admin}/impressions", "impressions"),
        (f"{admin}/impressions/forms/{scene.forum_form_id}/quotes", "quotes for the report"),
        (f"{admin}/impressions/report", "impressions report"),
        (f"{admin}/delegates/{scene.mayor_delegate_id}", "one delegate, with the history"),
        (f"{admin}/delegates/{scene.mayor_delegate_id}/edit", "organiser edits a delegate"),
        (f"{admin}/delegates/{scene.mayor_delegate_id}/visa-letter", "visa letter"),
        (f"{admin}/programme/{forum_id}", "a session and its interpretation"),
        (f"{admin}/interpretation", "host interpreters"),
        (f"{admin}/logistics/interpreters", "logistics: interpreters"),
        (f"{admin}/check-in/helpers", "check-in helpers"),
        (f"/check-in/{slug}/", "door app: sessions"),
        (f"/check-in/{slug}/sessions/{scene.public_session_id}", "door app"),
        (f"/organiser/cities/{parma_city}/", "a city's editions"),
        (f"{admin}/new-edition", "new edition from this one"),
    ]
    for path, name in main_pages:
        audit.check(organiser, path, name)
    for path, name in more_pages:
        audit.check(organiser, path, name, every_language=False)
    context.close()

    audit.assert_clean()


def kind(tag: str, type_: str | None = None):
    return lambda info: info["tag"] == tag and (type_ is None or info["type"] == type_)


def test_keyboard_only_registration_and_impression_form(app, live_server, page, shots):
    scene = build_scene(app)
    keys = page.keyboard

    # Registration: the head of Chengdu's delegation, from the invitation link.
    page.goto(f"{live_server}/invitations/{scene.registration_token}")
    skip = tab_to(page, lambda info: True)
    assert skip["tag"] == "A" and skip["text"] == "Skip to content"
    keys.press("Enter")
    tab_to(page, with_id("family_name"))
    assert focused(page)["value"] == "Li"  # the invitation's contact, prefilled, family first
    tab_to(page, with_id("position"))
    keys.type("Director, Creative City Office")
    tab_to(page, with_id("phone"))
    keys.type("+86 28 1234 5678")
    tab_to(page, with_id("languages-0"))  # English
    keys.press("Space")
    tab_to(page, with_id("dietary-0"))  # Vegetarian
    keys.press("Space")
    # A date and time field, typed part by part; the airport gives the zone.
    arrival = datetime.now(ZoneInfo("Asia/Tokyo")).date() - timedelta(days=3)
    tab_to(page, with_id("arrival_at"))
    type_date_time(page, "#arrival_at", datetime.combine(arrival, time(9, 40)))
    assert focused(page)["value"] == f"{arrival.isoformat()}T09:40"
    tab_to(page, with_id("arrival_airport"))
    keys.type("hnd")
    tab_to(page, with_id("arrival_flight"))
    keys.type("ca 181")
    shots(page, "registration-by-keyboard")
    tab_to(page, with_id("consent"))
    keys.press("Space")
    tab_to(page, button("Register"))
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", name="Delegation of Chengdu")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("registered as head of delegation")
    shots(page, "registered-by-keyboard")

    # The impression form: Parma's head, after yesterday's tasting.
    page.goto(f"{live_server}/impressions/{scene.impression_token}")
    keys.press("Tab")
    keys.press("Enter")  # skip to content
    tab_to(page, kind("INPUT", "radio"))  # the rating's first option
    for _ in range(3):
        keys.press("ArrowRight")  # moves to, and chooses, 4 (Very good)
    assert focused(page)["value"] == "4"
    tab_to(page, kind("TEXTAREA"))
    keys.type("Tasting koji and Parmigiano side by side.")
    tab_to(page, kind("INPUT", "radio"))  # would you come again: Yes
    keys.press("Space")
    assert focused(page)["value"] == "yes"
    tab_to(page, kind("TEXTAREA"))  # the sentence we may quote
    keys.type("Rice and cheese can be old friends.")
    tab_to(page, kind("INPUT", "checkbox"))
    keys.press("Space")
    shots(page, "impression-by-keyboard")
    tab_to(page, button("Send my answers"))
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("status").first).to_have_text("Thank you! Your impressions are saved.")
    shots(page, "impression-sent-by-keyboard")

    with app.app_context():
        response = db.session.scalars(sa.select(ImpressionResponse)).all()
        mine = [r for r in response if r.quote == "Rice and cheese can be old friends."]
        assert len(mine) == 1
        assert mine[0].rating == 4
        assert mine[0].consent_to_quote is True
        head = db.session.scalar(
            sa.select(Delegate).where(Delegate.full_name == "Li Wei", Delegate.is_head)
        )
        assert head.position == "Director, Creative City Office"
        assert head.languages == ["en"] and head.dietary == ["vegetarian"]
        assert (head.arrival_airport, head.arrival_flight) == ("HND", "CA 181")
        # 09:40 at Haneda is 00:40 UTC.
        assert head.arrival_at == datetime.combine(arrival, time(0, 40), tzinfo=UTC)
