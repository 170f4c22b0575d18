"""Hostile text stored through every form, then every page and export read.

Markup, quotes, SQL, odd Unicode and a control character go into every
free-text field of every form the app has (the forms are found as in
test_hostile_input_forms.py); then every page of the URL map is opened as
a visitor, an organiser and a head of delegation, downloads included
(CSV, XLSX, iCalendar, frab XML and JSON). None may fail, and no HTML page
may carry markup that runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import SCRIPTS, STORED, plain_values, runnable_markup
from tests.test_hostile_input_forms import fresh_tokens
from tests.test_hostile_input_support import (
    ROLES,
    World,
    be,
    forms_for,
    hostile_world,
    sign_in,
    visit_pages,
)

# They store no text, and would remove what the others stored.
DESTRUCTIVE = (
    "delete",
    "anonymise",
    "withdraw",
    "revoke",
    "cancel",
    "decline",
    "logout",
    "remove",
    "unenrol",
    "regenerate",
    "deletion",
    "login",
)


@pytest.fixture
def world(app) -> World:
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    return hostile_world(app)


def _store_everywhere(app, client, world: World, run_folder: Path) -> int:
    """Post STORED into every free-text field of every form; how many were saved."""
    saved = 0
    endpoints = sorted(
        {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    )
    forms = [
        (endpoint, role, form)
        for endpoint in endpoints
        if not any(word in endpoint for word in DESTRUCTIVE)
        for role, form in forms_for(app, client, world, run_folder, endpoint)
    ]
    for endpoint, role, form in forms:
        be(client, app, role, world)
        values = plain_values(form, world.known, STORED)
        fresh_tokens(client, form, values)
        response = client.post(form.action, data=values)
        assert response.status_code < 500, (endpoint, response.status_code)
        saved += response.status_code in (302, 303)
    return saved


def test_stored_hostile_text_breaks_no_page_and_runs_nowhere(app, client, world, run_folder):
    saved = _store_everywhere(app, client, world, run_folder)
    assert saved >= 15, "most forms took the hostile text as valid input"
    failures = []
    for role in ROLES:
        sign_in(client, app, role, world)
        for rule, _index, url, response in visit_pages(app, client, world):
            if response.status_code >= 500:
                failures.append(f"{role} GET {url}: {response.status_code}")
            elif "html" in (response.content_type or ""):
                body = response.get_data(as_text=True)
                found = runnable_markup(body)
                found += [s for s in SCRIPTS[:2] if s in body]
                if found:
                    failures.append(f"{role} GET {url} ({rule}): {found}")
    assert not failures, "\n".join(failures)
