"""Helpers for the browser tests: links from the outbox, signing in, the
interface language, and what the keyboard has focused."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask

from festival.extensions import db
from festival.outbox.models import OutboxMessage

ORGANISER_EMAIL = "organiser@tsuruoka.example"
ORGANISER_PASSWORD = "a long organiser passphrase"


def outbox_link(app: Flask, recipient: str, path: str) -> str:
    """The newest link to ``path`` (such as "/invitations/") in an e-mail
    queued for ``recipient``: what the person would click in their inbox."""
    pattern = re.compile(r"https?://[^\s<>\"]+" + re.escape(path) + r"[^\s<>\"]+")
    with app.app_context():
        bodies = db.session.scalars(
            sa.select(OutboxMessage.text_body)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
        ).all()
    for body in bodies:
        if found := pattern.search(body):
            return found.group(0)
    raise AssertionError(f"no e-mail to {recipient} carries a {path} link")


def sign_in_organiser(page: Any, base: str) -> None:
    """Sign in with the organisers' password form (in whatever language it shows)."""
    page.goto(f"{base}/login")
    page.locator("#email").fill(ORGANISER_EMAIL)
    page.locator("#password").fill(ORGANISER_PASSWORD)
    with page.expect_navigation(url=f"{base}/organiser/"):
        page.locator("main form [type=submit]").click()


def sign_in_with_link(page: Any, url: str) -> None:
    """Open an e-mailed sign-in link and press its button (links are single-use)."""
    page.goto(url)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def choose_language(page: Any, code: str) -> None:
    """Switch the interface language with the switcher every page carries."""
    page.locator("#locale-select").select_option(code)
    with page.expect_navigation():
        page.locator("form.language-form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == code


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // The focus ring fades in (CSS transitions): judge its final state.
  for (const animation of el.getAnimations()) animation.finish();
  const s = getComputedStyle(el);
  const opaque = (colour) => !/^rgba\\(.*, 0\\)$/.test(colour) && colour !== 'transparent';
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
    && opaque(s.outlineColor);
  // A box-shadow ring: some shadow of a visible colour with a spread or a blur.
  const ring = s.boxShadow !== 'none' && s.boxShadow.split(/,(?![^(]*\\))/).some((shadow) => {
    const colour = (shadow.match(/rgba?\\([^)]*\\)/) || ['transparent'])[0];
    const lengths = (shadow.match(/-?[\\d.]+px/g) || []).map(parseFloat);
    return opaque(colour) && lengths.slice(2).some((n) => n > 0);
  });
  return {tag: el.tagName, id: el.id, name: el.getAttribute('name'), type: el.type || null,
          value: el.value ?? null, text: (el.innerText || '').trim().slice(0, 80),
          visible: outline || ring, shadow: s.boxShadow,
          outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`};
}"""


def focused(page: Any) -> dict[str, Any]:
    """The focused element and whether it shows a focus ring (outline or box-shadow)."""
    info = page.evaluate(FOCUS_STYLE)
    assert info is not None, "nothing has the keyboard focus"
    return info


def tab_to(page: Any, wanted: Callable[[dict[str, Any]], bool], limit: int = 250) -> dict:
    """Press Tab until the focused element is ``wanted``; every element the
    focus passes on the way must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        assert info["visible"], f"the keyboard focus is invisible on {info}"
        if wanted(info):
            return info
    raise AssertionError(f"Tab never reached the element wanted (last: {info})")


def with_id(element_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda info: info["id"] == element_id


def button(text: str) -> Callable[[dict[str, Any]], bool]:
    return lambda info: info["tag"] == "BUTTON" and info["text"] == text


def field(scope: Any, label: str) -> Any:
    """The control labelled exactly ``label``, with or without the "*" the
    form macro adds (hidden from screen readers) to required fields."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def date_parts(page: Any, selector: str) -> list[str]:
    """The parts of a date or time field in the order the browser lays them
    out ("Month", "Day", "Year", "Hours", ...): it follows the browser's own
    language, not the page's, so a keyboard user types them in that order."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        found = cdp.send("Accessibility.queryAXTree", {"nodeId": node, "role": "spinbutton"})
    finally:
        cdp.detach()
    return [n["name"]["value"].split()[0] for n in found["nodes"]]


def type_date_time(page: Any, selector: str, when: datetime) -> None:
    """Type ``when`` into the focused date-time field, part by part, as a
    person does: two-digit parts move on by themselves, the year by Tab."""
    parts = date_parts(page, selector)
    twelve_hours = "AM/PM" in parts
    typed = {
        "Month": f"{when.month:02d}",
        "Day": f"{when.day:02d}",
        "Year": f"{when.year}",
        "Hours": f"{(when.hour % 12 or 12) if twelve_hours else when.hour:02d}",
        "Minutes": f"{when.minute:02d}",
        "AM/PM": "A" if when.hour < 12 else "P",
    }
    for part in parts:
        page.keyboard.type(typed[part])
        if part == "Year" and part != parts[-1]:
            page.keyboard.press("Tab")
