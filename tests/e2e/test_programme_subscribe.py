"""The public subscribes to the programme in the browser: the "Subscribe"
disclosure opens on a webcal:// link to the programme feed, Google and
Outlook links, the address to copy (which serves the feed) and a QR code."""

from __future__ import annotations

import urllib.request

from playwright.sync_api import expect

from tests.programme_support import SLUG, build_world


def test_the_public_subscribes_to_the_programme(app, live_server, page, shots):
    build_world(app)
    page.goto(f"{live_server}/festivals/{SLUG}/programme")
    page.get_by_text("Subscribe to the programme in your calendar").click()
    shots(page, "subscribe-open")

    button = page.get_by_role("button", name="Subscribe in my calendar app")  # a link styled as one
    expect(button).to_be_visible()
    webcal = button.get_attribute("href")
    host = live_server.removeprefix("http://")
    assert webcal == f"webcal://{host}/festivals/{SLUG}/programme.ics"
    expect(page.get_by_role("link", name="Add to Google Calendar")).to_be_visible()
    expect(page.get_by_role("link", name="Add to Outlook.com")).to_be_visible()
    expect(page.locator(".feed-qr svg")).to_be_visible()

    address = page.locator("#programme-feed-url").input_value()
    assert address == f"{live_server}/festivals/{SLUG}/programme.ics"
    with urllib.request.urlopen(address) as response:  # noqa: S310 (loopback)
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert b"Fermentation Cultures of the World" in response.read()
