"""The door app with the network cut (issue #14): two doors check 200 people
in offline, one door's page is closed and opened again in the middle, and
when the network returns every check-in arrives exactly once; the impression
forms then go to exactly those 200. An ineligible or unknown code is refused
offline as online."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from festival.attendance import codes
from festival.attendance.helpers import create_helper
from festival.auth.services import create_organiser
from festival.extensions import db
from festival.impressions.models import ImpressionInvite
from festival.impressions.sending import invite_attendees
from festival.impressions.services import create_form
from festival.programme.models import Attendance, ProgrammeSession
from festival.registration.models import DelegateStatus
from tests.factories import (
    enrol,
    make_city,
    make_delegate,
    make_delegation,
    make_festival,
    make_session,
)

pytestmark = pytest.mark.e2e

PEOPLE = 200
WALK_INS = 10  # of the 200: allowed in, not enrolled, checked in from the list
ORGANISER = ("organiser@example.org", "correct horse 1")
HELPER = ("door-b@example.org", "open sesame 42")
NAVIGATION_BY_WORKER = "() => performance.getEntriesByType('navigation')[0].workerStart > 0"
ELSEWHERE = """() => Array.from(document.querySelectorAll('#door-people li'))
    .filter(li => li.textContent.includes('Checked in at another door'))
    .map(li => Number(li.dataset.person))"""
NETWORK_UP = "() => fetch('/healthz').then(() => true, () => false)"
# The people the list shows as in: each with no button left to check them in.
LINES_IN = """() => Array.from(document.querySelectorAll('#door-people li.is-checked-in'))
    .filter(li => !li.querySelector('button'))
    .map(li => Number(li.dataset.person))"""


@pytest.fixture
def hall(app: Any) -> dict[str, Any]:
    with app.app_context():
        festival = make_festival(slug="gastro")
        session = make_session(
            festival,
            title="Rice and the Sea",
            capacity=PEOPLE - WALK_INS,
            starts_at=datetime.now(UTC) - timedelta(minutes=5),
        )
        people = []
        for n in range(PEOPLE // 10):
            delegation = make_delegation(festival, make_city(name=f"City {n:02d}"))
            for m in range(10):
                delegate = make_delegate(
                    delegation, with_user=False, full_name=f"Guest {n:02d}{m} Example"
                )
                if len(people) < PEOPLE - WALK_INS:
                    enrol(session, delegate)
                people.append(delegate)
        gone = make_delegate(delegation, status=DelegateStatus.CANCELLED, full_name="Gone Away")
        create_organiser(*ORGANISER)
        create_helper(festival, *HELPER)
        db.session.commit()
        with app.test_request_context():
            return {
                "session": session.id,
                "ids": [d.id for d in people],
                "codes": [codes.code_for(d.id) for d in people],
                "names": [d.full_name for d in people],
                "gone": codes.code_for(gone.id),
            }


def _sign_in(page: Any, base: str, who: tuple[str, str]) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(who[0])
    page.locator("#password").fill(who[1])
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


def _open_door(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#door[data-ready]")
    page.focus("#code")


def _installed(page: Any) -> None:
    """Wait until the service worker runs and holds this page for offline."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => caches.match(location.href).then(hit => !!hit)", polling=200)


def _waiting(page: Any) -> int:
    return int(page.get_attribute("#door-waiting", "data-count") or "0")


def _type(page: Any, code: str, expected_waiting: int, wait: bool = True) -> None:
    """Type ``code`` and Enter into the focused code field, as a badge
    scanner does (it types like a keyboard); wait until the door holds
    ``expected_waiting`` check-ins (unless ``wait`` is False: the next code
    follows at once, as from a fast scanner, and a later wait counts both).

    The keys go straight to the field, which the door app empties and keeps
    focused after each code: fill() and press() on "#code" would find and
    check the field again for each, a third of each step's time."""
    page.keyboard.insert_text(code)
    page.keyboard.press("Enter")
    if not wait:
        return
    page.wait_for_function(
        f"() => document.getElementById('door-waiting').dataset.count === '{expected_waiting}'"
    )


def _new_door(browser: Any, base: str, who: tuple[str, str], url: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, base, who)
    _open_door(page, url)
    _installed(page)
    # Opened once online: a second load comes from the service worker's copy.
    _open_door(page, url)
    return context, page


def _checked_in(app: Any, session_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Attendance.delegate_id).where(
                    Attendance.session_id == session_id, Attendance.checked_in_at.is_not(None)
                )
            )
        )


def test_two_doors_check_200_people_in_offline_exactly_once(app, browser, live_server, hall):
    url = f"{live_server}/check-in/gastro/sessions/{hall['session']}"
    door_a, page_a = _new_door(browser, live_server, ORGANISER, url)
    door_b, page_b = _new_door(browser, live_server, HELPER, url)
    try:
        door_a.set_offline(True)
        door_b.set_offline(True)
        enrolled = PEOPLE - WALK_INS
        # Door A: the first 110 enrolled by typed code, its page closed and
        # opened again (offline) after 60.
        # Ten codes at scanner speed, then the door must hold all of them.
        for n, code in enumerate(hall["codes"][:110], start=1):
            _type(page_a, code, n, wait=n % 10 == 0)
            if n == 10:
                # Each scan shows at once in the list: that person's line and the count.
                assert sorted(page_a.evaluate(LINES_IN)) == sorted(hall["ids"][:10])
                assert page_a.get_attribute("#door-counts", "data-checked-in") == "10"
            if n == 60:
                page_a.close()
                page_a = door_a.new_page()
                page_a.set_default_timeout(15_000)
                _open_door(page_a, url)
                assert _waiting(page_a) == 60  # nothing lost with the page
                # ...which came from the service worker's copy: the network is down.
                assert page_a.evaluate(NAVIGATION_BY_WORKER)
                assert page_a.evaluate(NETWORK_UP) is False
        # Door B: enrolled 90..189 (20 also done at door A), and the walk-ins
        # tapped on the list.
        last = enrolled - 90
        for n, code in enumerate(hall["codes"][90:enrolled], start=1):
            _type(page_b, code, n, wait=n % 10 == 0 or n == last)
        page_b.check("#door-everyone")
        for n, name in enumerate(hall["names"][enrolled:], start=enrolled - 90 + 1):
            page_b.fill("#door-search", name)
            page_b.get_by_role("button", name=f"Check in {name}").click()
            page_b.wait_for_function(
                f"() => document.getElementById('door-waiting').dataset.count === '{n}'"
            )
            # The pressed button is gone with its line; the focus waits in
            # the search box for the next name.
            assert page_b.evaluate("() => document.activeElement.id") == "door-search"
        # The same code twice at one door is one check-in.
        page_b.focus("#code")
        _type(page_b, hall["codes"][100], enrolled - 90 + WALK_INS)
        assert "Already checked in" in page_b.text_content("#door-result")
        assert "offline: 110 waiting" in page_a.inner_text("#door-waiting")
        assert _checked_in(app, hall["session"]) == []  # nothing reached the server

        door_a.set_offline(False)
        door_b.set_offline(False)
        page_a.click("#door-send")
        page_b.click("#door-send")
        for page in (page_a, page_b):
            page.wait_for_function(
                "() => document.getElementById('door-waiting').dataset.count === '0'"
            )
        # Each device learns who came through the other door meanwhile: each
        # of the 20 checked in at both doors reads so on the door that lost.
        elsewhere = []
        for page in (page_a, page_b):
            page.uncheck("#door-everyone")
            page.fill("#door-search", "")
            elsewhere += page.evaluate(ELSEWHERE)
        assert sorted(elsewhere) == sorted(hall["ids"][90:110])
    finally:
        door_a.close()
        door_b.close()

    checked = _checked_in(app, hall["session"])
    assert len(checked) == PEOPLE, "lost check-ins"
    assert len(set(checked)) == len(checked), "doubled check-ins"
    assert set(checked) == set(hall["ids"])
    with app.app_context():
        session = db.session.get(ProgrammeSession, hall["session"])
        form = create_form(session.festival, session)
        assert invite_attendees(form, datetime.now(UTC)) == PEOPLE
        db.session.commit()
        invited = db.session.scalars(
            sa.select(ImpressionInvite.delegate_id).where(ImpressionInvite.form_id == form.id)
        ).all()
    assert sorted(invited) == sorted(hall["ids"])


def test_an_ineligible_or_unknown_code_is_refused_offline(app, browser, live_server, hall):
    url = f"{live_server}/check-in/gastro/sessions/{hall['session']}"
    context, page = _new_door(browser, live_server, HELPER, url)
    try:
        context.set_offline(True)
        page.fill("#code", hall["gone"])
        page.press("#code", "Enter")
        page.wait_for_selector("#door-result.is-not_eligible")
        assert "Not allowed in this session" in page.text_content("#door-result")
        page.fill("#code", "ZZZZ-ZZZZ")
        page.press("#code", "Enter")
        page.wait_for_selector("#door-result.is-unknown")
        assert "No delegate of this festival has the code ZZZZ-ZZZZ" in page.text_content(
            "#door-result"
        )
        assert _waiting(page) == 0
        _type(page, hall["codes"][0], 1)
        assert "Checked in" in page.text_content("#door-result")
    finally:
        context.close()
    assert _checked_in(app, hall["session"]) == []


STORED_LISTS = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open('festival-door', 1);
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const counting = opening.result.transaction('lists').objectStore('lists').count();
    counting.onsuccess = () => { resolve(counting.result); opening.result.close(); };
  };
})"""


def test_signing_out_wipes_the_list_from_the_device(app, browser, live_server, hall):
    url = f"{live_server}/check-in/gastro/sessions/{hall['session']}"
    context, page = _new_door(browser, live_server, HELPER, url)
    try:
        assert page.evaluate(STORED_LISTS) == 1
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out").click()
        assert page.evaluate(STORED_LISTS) == 0
        # Signed out, the list is not to be had again.
        assert page.goto(
            f"{live_server}/check-in/gastro/list.json?s={hall['session']}"
        ).url.startswith(f"{live_server}/login")
    finally:
        context.close()
