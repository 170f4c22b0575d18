"""Every form of the app, fed random and hostile input (Hypothesis).

The forms are found, not listed: every page of a small festival is opened
as a visitor, an organiser and a head of delegation, and each <form> on it
is read for its fields; each POST endpoint of the URL map must have one.
For each, values valid and hostile (markup, control characters, odd
Unicode, SQL, overlong text, bad dates and numbers) are posted, and:

- the app never answers 5xx;
- no page, the answer or the ones it leads to, carries markup that runs;
- when the form comes back with errors, a valid value typed in another
  field is still there.

Search and filter forms (method GET) get the same treatment, with a hostile
page number beside them. The pages that show saved data are read after
hostile text is stored through every form in test_hostile_input_pages.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival import create_app
from tests.hostile import (
    NUMBERS,
    TEXT_KINDS,
    Form,
    raw_payloads,
    read_page,
    sent_strings,
    values_for,
)
from tests.test_hostile_input_support import World, be, forms_for, hostile_world

# Reproducible in CI (derandomize), bounded: 25 examples for a form with
# free text, fewer where there is less to vary (buttons, hidden fields).
HOSTILE = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _post_endpoints() -> list[str]:
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "collect", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    return sorted({r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())})


POST_ENDPOINTS = _post_endpoints()


@pytest.fixture
def world(app) -> World:
    app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"  # the rate-limit tests have their own
    return hostile_world(app)


def fresh_tokens(client: Any, form: Form, values: dict[str, Any]) -> None:
    """A prefixed form's own CSRF field (decline-csrf_token) left as the page
    gave it gets this session's token, as a browser showing the page would."""
    for name, value in values.items():
        if name.endswith("csrf_token") and name in form.fields and value == form.fields[name].value:
            values[name] = client.csrf_token()


def _local(location: str) -> str | None:
    parts = urlsplit(location)
    if parts.netloc not in ("", "festival.test", "localhost"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def check_page(response: Any, sent: list[str], where: str, url: str = "") -> list[Form]:
    """No 5xx; in HTML, nothing that would run and no raw payload. Returns
    the forms of the page (read in the same pass), ``url`` being its address."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if "html" not in (response.content_type or ""):
        return []
    body = response.get_data(as_text=True)
    page = read_page(body, url)
    assert not page.runnable, (where, page.runnable)
    assert not raw_payloads(body, sent), (where, raw_payloads(body, sent))
    return page.forms


def check_kept(
    response: Any, form: Form, keeper: str | None, data: dict[str, Any], forms: list[Form]
) -> None:
    """A form shown again with errors keeps the valid value typed in
    ``keeper``; ``forms`` are those of the answer (``check_page``'s)."""
    if keeper is None or response.status_code < 400 or "html" not in response.content_type:
        return
    body = response.get_data(as_text=True)
    again = [f for f in forms if keeper in f.fields and f.action == form.action]
    if again:
        # Filters may change case (airport codes are upper-cased): that is not a loss.
        assert data[keeper].casefold() in body.casefold(), (
            f"{form.action}: lost {keeper}={data[keeper]!r}"
        )


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_hostile_input_to_every_form(app, client, world, run_folder, endpoint):
    forms = forms_for(app, client, world, run_folder, endpoint)
    assert forms, (
        f"no page shows a form that posts to {endpoint}: give the world in "
        "tests/test_hostile_input_support.py the state that shows it"
    )

    typed = any(f.kind in TEXT_KINDS for _role, form in forms for f in form.fields.values())

    @settings(HOSTILE, max_examples=25 if typed else 10)
    @given(data=st.data())
    def post_hostile(data: st.DataObject) -> None:
        role, form = data.draw(st.sampled_from(forms), label="form")
        values, keeper = data.draw(values_for(form, world.known), label="values")
        be(client, app, role, world)
        fresh_tokens(client, form, values)
        response = client.post(form.action, data=values)
        sent = sent_strings(values)
        where = f"POST {form.action} as {role}"
        forms_shown = check_page(response, sent, where, form.action)
        check_kept(response, form, keeper, values, forms_shown)
        if response.status_code in (301, 302, 303) and (path := _local(response.location)):
            check_page(client.get(path), sent, f"{where} -> {path}")

    post_hostile()


def test_hostile_queries_to_every_search_form(app, client, world, run_folder):
    """Search and filter forms (method GET), and the page number beside them."""
    endpoints = sorted({r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods})
    searches = [
        (role, form)
        for endpoint in endpoints
        for role, form in forms_for(app, client, world, run_folder, endpoint, method="GET")
    ]
    assert len(searches) >= 10, "the organiser's lists have search forms"

    for role, form in searches:
        _search_hostile(app, client, world, role, form)


def _search_hostile(app, client, world: World, role: str, form: Form) -> None:
    @settings(HOSTILE, max_examples=10)
    @given(data=st.data())
    def get_hostile(data: st.DataObject) -> None:
        values, _keeper = data.draw(values_for(form, world.known), label="values")
        values["page"] = data.draw(st.sampled_from(["1", "2", *NUMBERS]), label="page")
        be(client, app, role, world)
        response = client.get(form.action.split("?")[0], query_string=values)
        check_page(response, sent_strings(values), f"GET {form.action} as {role}")

    get_hostile()
