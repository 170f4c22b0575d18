"""Phones: every main page fits a 320 px wide screen without scrolling
sideways (WCAG 1.4.10 Reflow), and the header's links and buttons are big
enough to hit with a finger (WCAG 2.2 2.5.8, 24 by 24 px or spaced apart).
Long tables scroll inside their own box, never the page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, SHOTS
from tests.e2e.scene import build_scene, login_link
from tests.e2e.support import sign_in_organiser, sign_in_with_link

pytestmark = pytest.mark.e2e

WIDTHS = (320, 360)
# French has the longest words in the header ("Se déconnecter", "Mon programme").
BROWSER_LOCALES = {"en": "en-GB", "fr": "fr-FR"}

# How wide the document is, and the elements that stick out beyond the
# screen's right edge (outside a box that scrolls by itself), to name them.
WIDTH_REPORT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (/(auto|scroll|hidden|clip)/.test(s.overflowX)) return up !== document.documentElement
        && up !== document.body;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0 && !scrolls(el)) {
      const classes = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}`
        + ` (right edge ${Math.round(box.right)} px)`);
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""

# The header's targets smaller than 24 by 24 px whose 24 px circle (centred
# on the target) meets another target or its circle: 2.5.8's spacing exception.
SMALL_TARGETS = """() => {
  const targets = [...document.querySelectorAll(
    '.site-header a, .site-header button, .site-header select, .site-header summary, '
    + '.site-header input:not([type=hidden])')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .map((el) => ({el, box: el.getBoundingClientRect()}));
  const small = (t) => t.box.width < 24 || t.box.height < 24;
  const centre = (t) => [t.box.left + t.box.width / 2, t.box.top + t.box.height / 2];
  const circleMeetsBox = ([x, y], box) => {
    const dx = Math.max(box.left - x, 0, x - box.right);
    const dy = Math.max(box.top - y, 0, y - box.bottom);
    return dx * dx + dy * dy < 144;
  };
  const crowded = (t) => targets.some((other) => other !== t && (small(other)
    ? Math.hypot(centre(t)[0] - centre(other)[0], centre(t)[1] - centre(other)[1]) < 24
    : circleMeetsBox(centre(t), other.box)));
  return targets.filter((t) => small(t) && crowded(t)).map((t) =>
    `${t.el.tagName.toLowerCase()} "${(t.el.innerText || t.el.id).trim()}"`
    + ` ${Math.round(t.box.width)}x${Math.round(t.box.height)} px`);
}"""


@pytest.mark.markup_only
@pytest.mark.parametrize("language", ["en", "fr"])
def test_main_pages_fit_a_phone(app, live_server, browser, language):
    scene = build_scene(app, language)
    locale = BROWSER_LOCALES[language]
    admin = f"/organiser/festivals/{scene.slug}"
    public_pages = [
        ("/login", "sign-in"),
        (f"/festivals/{scene.slug}/programme", "public programme"),
        (f"/festivals/{scene.slug}/sessions/{scene.public_session_id}", "a session"),
        (f"/invitations/{scene.invitation_token}", "invitation"),
        (f"/invitations/{scene.registration_token}", "registration form"),
    ]
    delegate_pages = [
        ("/my/details", "My details"),
        ("/my/programme", "My programme"),
        ("/my/itinerary", "My itinerary"),
        ("/my/delegation", "My delegation"),
    ]
    organiser_pages = [
        (f"{admin}/", "festival overview"),
        (f"{admin}/delegates", "delegates"),
        (f"{admin}/invitations", "invitations"),
        (f"{admin}/logistics/arrivals", "logistics: arrivals"),
        (f"{admin}/logistics/catering", "logistics: catering"),
        (f"{admin}/logistics/kitchen?day=all", "logistics: kitchen list"),
        ("/organiser/outbox/", "outbox"),
    ]
    problems: list[str] = []

    def visit(page: Any, pages: list[tuple[str, str]], shot: str) -> None:
        """Load each page once, then lay it out at each width by resizing the
        window: the CSS (media queries and all) applies as on a phone that
        wide, and no script of the app reads the width. (Loading each page
        again for each width took twice as long.)"""
        for path, name in pages:
            response = page.goto(live_server + path)
            assert response is not None and response.status < 400, f"{name}: {path}"
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 740})
                report = page.evaluate(WIDTH_REPORT)
                if report["scrollWidth"] > width:
                    problems.append(
                        f"[{language}] {name} at {width} px is {report['scrollWidth']} px wide: "
                        + ", ".join(report["wide"])
                    )
                if small := page.evaluate(SMALL_TARGETS):
                    problems.append(
                        f"[{language}] {name} at {width} px, header targets too small: {small}"
                    )
                if SHOTS and name == shot and width == 360:
                    picture = ARTIFACTS / f"phone-{language}-{width}-{_slug(name)}.png"
                    page.screenshot(path=str(picture), full_page=True)

    if SHOTS:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # One tab; each person starts with no cookies, as in a browser of their own.
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 740}, locale=locale)
    tab = context.new_page()
    visit(tab, public_pages, "public programme")

    context.clear_cookies()
    sign_in_with_link(tab, live_server + login_link(app, scene.head_id))
    visit(tab, delegate_pages, "My programme")

    context.clear_cookies()
    sign_in_organiser(tab, live_server)
    visit(tab, organiser_pages, "delegates")
    context.close()

    assert not problems, "pages wider than a phone's screen:\n" + "\n".join(problems)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
