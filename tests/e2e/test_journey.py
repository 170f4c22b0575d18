"""The whole story in a real browser, one screenshot per step.

An organiser creates a festival and invites a city; the city's contact
accepts and registers a delegation of three; the organiser confirms them,
puts the Mayors' Forum and a public session on the programme and adds a
pickup; the mayor signs in with his e-mailed link, reads his itinerary and
fetches his calendar feed; after the forum he answers the impression form;
the organiser reads his answer.

Time is not frozen: the festival runs around today, in Tokyo, and the forum
took place yesterday, so its impression form is due when the worker runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from festival.auth.services import create_organiser
from festival.extensions import db
from festival.worker import run_once
from tests.e2e.support import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    field,
    outbox_link,
    sign_in_with_link,
)

pytestmark = pytest.mark.e2e

TOKYO = ZoneInfo("Asia/Tokyo")
CONTACT = "creative.city@comune.parma.example"
MAYOR = "sindaco@comune.parma.example"
INTERPRETER = "interprete@comune.parma.example"


def in_festival_menu(page, name):
    """A link of the festival's sub-navigation."""
    return page.get_by_role("navigation", name="Festival").get_by_role("link", name=name)


def in_main_menu(page, name):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def test_from_invitation_to_impressions(app, live_server, browser, shots):
    base = live_server
    today = datetime.now(TOKYO).date()
    first_day, last_day = today - timedelta(days=2), today + timedelta(days=2)
    forum_day, public_day = today - timedelta(days=1), today + timedelta(days=1)
    with app.app_context():
        create_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD)
        db.session.commit()

    organiser = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    contact = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    mayor = browser.new_context(viewport={"width": 430, "height": 932}, locale="en-GB")
    for context in (organiser, contact, mayor):
        context.set_default_timeout(10_000)
    page = organiser.new_page()

    # --- the organiser sets up the festival ---------------------------------
    page.goto(base)
    in_main_menu(page, "Sign in").click()
    field(page, "E-mail").fill(ORGANISER_EMAIL)
    field(page, "Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Festivals")).to_be_visible()
    shots(page, "organiser-signed-in")

    page.get_by_role("button", name="New festival").click()
    field(page, "Name").fill("Gastronomy Festival of Tsuruoka")
    page.get_by_label("Short name for web addresses").fill("tsuruoka")
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Last day").fill(last_day.isoformat())
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_label("Host city").fill("Tsuruoka")
    # The festival's languages (the content languages below come ticked).
    languages = page.get_by_role("group", name="Languages", exact=True)
    for language in ("English", "Japanese (日本語)", "French (Français)"):
        languages.get_by_role("checkbox", name=language, exact=True).check()
    page.get_by_label("Contact e-mail").fill("festival@city.tsuruoka.example")
    shots(page, "festival-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gastronomy Festival of Tsuruoka")
    expect(page.get_by_role("status")).to_contain_text("was created")
    shots(page, "festival-created")

    in_festival_menu(page, "Venues").click()
    field(page, "Name").fill("Shonai Hall")
    field(page, "Capacity").fill("300")
    field(page, "Address").fill("3-1 Baba-cho, Tsuruoka")
    page.get_by_role("button", name="Add the venue").click()
    expect(page.get_by_role("cell", name="Shonai Hall", exact=True)).to_be_visible()
    shots(page, "venue-added")

    in_main_menu(page, "Cities").click()
    page.get_by_role("button", name="Add a city").click()
    field(page, "Name").fill("Parma")
    field(page, "Country").select_option("IT")
    page.get_by_label("Creative field").select_option("gastronomy")
    page.get_by_label("Contact name").fill("Giulia Ferrari")
    page.get_by_label("Contact e-mail").fill(CONTACT)
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Parma", exact=True)).to_be_visible()
    shots(page, "city-added")

    in_main_menu(page, "Festivals").click()
    page.get_by_role("link", name="Gastronomy Festival of Tsuruoka", exact=True).click()
    in_festival_menu(page, "Invitations").click()
    page.get_by_role("button", name="Invite cities").first.click()
    page.get_by_role("checkbox", name="Parma").check()
    page.get_by_label("Delegate quota").fill("3")
    page.get_by_label("Reply deadline").fill(f"{last_day.isoformat()}T18:00")
    shots(page, "invite-form")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("link", name="Parma", exact=True)).to_be_visible()
    shots(page, "invitation-sent")

    # --- the city's contact accepts and registers ----------------------------
    invitation_url = outbox_link(app, CONTACT, "/invitations/")
    city = contact.new_page()
    city.goto(invitation_url)
    expect(city.get_by_role("heading", level=1)).to_have_text("Gastronomy Festival of Tsuruoka")
    shots(city, "invitation-opened")
    city.get_by_role("button", name="Accept the invitation").click()
    expect(city.get_by_role("heading", name="Register your delegation")).to_be_visible()
    shots(city, "invitation-accepted")

    # The contact's name, offered in parts (names.split_full_name) to check.
    expect(city.get_by_label("Family name (as in the passport)")).to_have_value("Ferrari")
    expect(city.get_by_label("Given names (as in the passport)")).to_have_value("Giulia")
    expect(field(city, "E-mail")).to_have_value(CONTACT)
    field(city, "Position").fill("Director, Creative City Office")
    city.get_by_label("Role in the delegation").select_option(label="Official")
    city.get_by_role("checkbox", name="English", exact=True).check()
    city.get_by_role("checkbox", name="italiano", exact=True).check()
    city.get_by_role("checkbox", name="Vegetarian", exact=True).check()
    city.get_by_label("Arrival: local date and time at the airport").fill(
        f"{first_day.isoformat()}T10:30"
    )
    city.get_by_label("Arrival airport", exact=True).fill("HND")
    city.get_by_label("Arrival flight").fill("NH 393")
    city.get_by_label("I agree to the privacy notice").check()
    shots(city, "head-registration-form")
    city.get_by_role("button", name="Register", exact=True).click()
    expect(city.get_by_role("heading", name="Delegation of Parma")).to_be_visible()
    shots(city, "head-registered")

    # One trip per member: the head adds their food needs in the same form
    # (#17 item 3), which speaks of the member in the third person.
    members = [
        ("Michele Guerra", "Mayor of Parma", "Mayor", MAYOR, [], []),
        ("Sara Conti", "Interpreter", "Interpreter", INTERPRETER, ["Vegan"], ["Peanuts"]),
    ]
    for name, position, role, email, diets, allergens in members:
        city.get_by_role("button", name="Add a member").click()
        expect(city.get_by_role("group", name="Who they are")).to_be_visible()
        given, family = name.split(" ", 1)
        city.get_by_label("Family name (as in the passport)").fill(family)
        city.get_by_label("Given names (as in the passport)").fill(given)
        field(city, "Position").fill(position)
        city.get_by_label("Role in the delegation").select_option(label=role)
        field(city, "E-mail").fill(email)
        for label in diets + allergens:
            city.get_by_role("checkbox", name=label, exact=True).check()
        if diets:
            shots(city, "member-added-in-one-step")
        city.get_by_role("button", name="Add and send the e-mail").click()
        expect(city.get_by_role("status")).to_contain_text(f"{name} is added")
    expect(city.get_by_text("3 of 3 places")).to_be_visible()
    expect(city.get_by_role("button", name="Add a member")).to_have_count(0)
    shots(city, "delegation-of-three")

    # --- the organiser confirms them and builds the programme ----------------
    in_festival_menu(page, "Delegations").click()
    registrations = page.get_by_role("navigation", name="Registrations")
    registrations.get_by_role("link", name="To review (3)").click()
    for name in ("FERRARI Giulia", "GUERRA Michele", "CONTI Sara"):
        page.get_by_role("checkbox", name=f"Confirm {name}").check()
    shots(page, "delegates-to-confirm")
    page.get_by_role("button", name="Confirm the ticked pending delegates").click()
    expect(page.get_by_role("status")).to_have_text("3 delegates confirmed and told by e-mail.")
    registrations.get_by_role("link", name="All delegates").click()
    expect(page.get_by_role("row").filter(has_text="Confirmed")).to_have_count(3)
    shots(page, "delegates-confirmed")

    # The kitchen reads the names behind the catering counts (#17 item 4):
    # what the head typed for Sara, and Giulia's own vegetarian choice.
    in_festival_menu(page, "Logistics").click()
    page.get_by_role("navigation", name="Logistics").get_by_role("link", name="Catering").click()
    page.get_by_role("link", name="Kitchen list: the names per meal and requirement").click()
    expect(page.get_by_role("heading", level=1, name="Kitchen list")).to_be_visible()
    page.get_by_text("Every counted delegate with a requirement").click()  # the <details>
    whole = page.get_by_role("table", name="Whole festival")
    for requirement, name in (
        ("Vegan", "CONTI Sara"),
        ("Peanuts", "CONTI Sara"),
        ("Vegetarian", "FERRARI Giulia"),
    ):
        group = whole.get_by_role("rowgroup").filter(has_text=requirement)
        expect(group.get_by_role("cell", name=name, exact=True)).to_be_visible()
    expect(whole.get_by_role("cell", name="GUERRA Michele", exact=True)).to_have_count(0)
    shots(page, "kitchen-list")

    # The forum took place yesterday; the public session is tomorrow.
    sessions = [
        ("Mayors' Forum", "Forum", "Mayors and deputy mayors", forum_day, "GUERRA Michele"),
        ("Rice, Sea and Mountains", "Thematic session", "Public", public_day, "CONTI Sara"),
    ]
    for title, kind, audience, day, enrolled in sessions:
        in_festival_menu(page, "Programme").click()
        page.get_by_role("button", name="New session").first.click()
        field(page, "Title").fill(title)
        field(page, "Type").select_option(label=kind)
        field(page, "Audience").select_option(label=audience)
        field(page, "Venue").select_option(label="Shonai Hall")
        field(page, "Date").fill(day.isoformat())
        page.get_by_label("Starts at").fill("10:00")
        page.get_by_label("Ends at").fill("11:30")
        spoken = page.get_by_role("group", name="Languages spoken")
        spoken.get_by_role("checkbox", name="English", exact=True).check()
        spoken.get_by_role("checkbox", name="日本語", exact=True).check()
        field(page, "Interpretation").fill("simultaneous, Japanese ↔ English")
        page.get_by_role("button", name="Save session").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        field(page, "Delegation").select_option(label="Parma (IT)")
        page.get_by_role("button", name="Enrol the delegation").click()
        flashes = page.get_by_role("status")
        expect(flashes.filter(has_text="Enrolled:")).to_contain_text(enrolled)
        attendees = page.get_by_role("region", name="Enrolled delegates")
        expect(attendees.get_by_role("cell", name="GUERRA Michele", exact=True)).to_be_visible()
    # Only the mayor may attend the forum: the others were skipped.
    in_festival_menu(page, "Programme").click()
    page.get_by_role("navigation", name="Days").get_by_role("link", name="All days").click()
    expect(page.get_by_role("row").filter(has_text="Mayors and deputy mayors")).to_contain_text("1")
    page.get_by_role("link", name="Mayors' Forum").click()
    attendees = page.get_by_role("region", name="Enrolled delegates")
    expect(attendees.get_by_role("cell", name="GUERRA Michele", exact=True)).to_be_visible()
    expect(attendees.get_by_role("cell", name="CONTI Sara", exact=True)).to_have_count(0)
    shots(page, "forum-for-the-mayor-only")

    in_festival_menu(page, "Itineraries").click()
    page.get_by_role("link", name="Parma", exact=True).click()
    field(page, "Kind").select_option(label="Pickup")
    field(page, "Title").fill("Pickup at Haneda, arrivals hall")
    field(page, "Date").fill(first_day.isoformat())
    field(page, "Time").fill("12:00")
    field(page, "Place").fill("Haneda Airport, Terminal 3, exit B")
    page.get_by_role("button", name="Save").click()
    items = page.get_by_role("region", name="Items")
    pickup = items.get_by_role("listitem").filter(has_text="Pickup at Haneda, arrivals hall")
    expect(pickup).to_contain_text("whole delegation")
    expect(pickup).to_contain_text("Haneda Airport, Terminal 3, exit B")
    shots(page, "pickup-added")

    in_festival_menu(page, "Impressions").click()
    page.get_by_role("button", name="Create default forms for every session without one").click()
    expect(page.get_by_role("status")).to_contain_text("2 impression forms created")
    shots(page, "impression-forms")

    # --- the mayor signs in, reads his itinerary and fetches his feed --------
    phone = mayor.new_page()
    phone.goto(f"{base}/login")
    phone.get_by_role("link", name="get a sign-in link").click()
    phone.get_by_label("E-mail").fill(MAYOR)
    phone.get_by_role("button", name="E-mail me a sign-in link").click()
    shots(phone, "mayor-asks-for-link")
    sign_in_with_link(phone, outbox_link(app, MAYOR, "/login/link/"))
    phone.get_by_role("link", name="My itinerary").click()
    expect(phone.get_by_role("heading", level=1, name="My itinerary")).to_be_visible()
    expect(phone.get_by_role("link", name="Mayors' Forum")).to_be_visible()
    expect(phone.get_by_text("Pickup at Haneda, arrivals hall", exact=True)).to_be_visible()
    expect(phone.get_by_role("link", name="Rice, Sea and Mountains")).to_be_visible()
    shots(phone, "mayor-itinerary")

    feed_url = phone.get_by_label("Or copy this address into your calendar app").input_value()
    assert feed_url.startswith(f"{base}/feeds/") and feed_url.endswith(".ics")
    feed = phone.request.get(feed_url)
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = feed.text()
    assert "BEGIN:VCALENDAR" in calendar
    assert "SUMMARY:Mayors' Forum" in calendar
    assert "Pickup at Haneda" in calendar

    # --- after the forum: the worker sends the impression forms --------------
    job = "festival.impressions.sending:send_due_invitations"
    with app.app_context():
        assert run_once()[job] == 1  # the forum's form, to its one attendee
        assert run_once()[job] == 0  # and only once
    phone.goto(outbox_link(app, MAYOR, "/impressions/"))
    expect(phone.get_by_role("heading", level=1, name="Mayors' Forum")).to_be_visible()
    rating = phone.get_by_role("group", name="Overall, how would you rate this event?")
    rating.get_by_label("Excellent").check()
    phone.get_by_label("What was most valuable to you?").fill(
        "Hearing how other mayors keep their food markets alive."
    )
    phone.get_by_role("group", name="Would you come again?").get_by_label("Yes").check()
    phone.get_by_label("In one sentence, what will you remember?").fill(
        "A forum where cities spoke with one voice about food."
    )
    phone.get_by_label("I agree that this sentence may be published").check()
    shots(phone, "impression-form")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("status").first).to_have_text("Thank you! Your impressions are saved.")
    shots(phone, "impression-sent")

    # --- the organiser reads the result ---------------------------------------
    in_festival_menu(page, "Impressions").click()
    page.get_by_role("row", name="Mayors' Forum").get_by_role("link", name="Results").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mayors' Forum")
    expect(page.get_by_text("how other mayors keep their food markets alive")).to_be_visible()
    expect(page.get_by_text("GUERRA Michele, Parma").first).to_be_visible()
    overall = page.get_by_role("region", name="Overall, how would you rate this event?")
    expect(overall).to_contain_text("average 5.0 of 5")
    shots(page, "organiser-results")

    # He allowed the quote: it can go into the printable report.
    page.get_by_role("link", name="Pick quotes for the report").click()
    quote = page.get_by_role("checkbox", name="A forum where cities spoke with one voice")
    expect(quote).to_be_visible()
    quote.check()
    page.get_by_role("button", name="Save the selection").click()
    page.get_by_role("link", name="See the impressions report").click()
    expect(
        page.get_by_text("A forum where cities spoke with one voice about food.")
    ).to_be_visible()
    expect(page.get_by_text("GUERRA Michele").first).to_be_visible()
    shots(page, "impressions-report")

    for context in (organiser, contact, mayor):
        context.close()
