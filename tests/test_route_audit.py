"""An automatic audit of the URL map: every organiser route refuses anonymous
users and delegates, every state-changing route refuses a request without a
CSRF token, and every response carries the security headers."""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from festival.auth.models import UserRole
from festival.extensions import db
from tests.factories import make_delegate, make_delegation, make_festival

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _url(rule: Rule) -> str:
    """A concrete URL for ``rule``: the audit festival's slug, id 1, a dummy token."""
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if argument == "slug":
            values[argument] = "audit"
        elif type(converter).__name__ in {"IntegerConverter", "NumberConverter"}:
            values[argument] = 1
        else:
            values[argument] = "not-a-real-token"
    return rule.build(values, append_unknown=False)[1]


def _rules(app, *, prefix: str | None = None, methods: set[str] | None = None) -> list[Rule]:
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        if prefix and not rule.rule.startswith(prefix):
            continue
        if methods and not (rule.methods or set()) & methods:
            continue
        rules.append(rule)
    return rules


@pytest.fixture
def audit_data(app):
    with app.app_context():
        festival = make_festival(slug="audit")
        delegate = make_delegate(make_delegation(festival))
        db.session.commit()
        return {"delegate_user_id": delegate.user_id}


def test_the_audit_sees_the_organiser_area(app):
    assert len(_rules(app, prefix="/organiser")) >= 3


def test_every_organiser_route_sends_anonymous_users_to_sign_in(app, client, audit_data):
    for rule in _rules(app, prefix="/organiser"):
        url = _url(rule)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods & STATE_CHANGING)[0]
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/login"), url


def test_every_organiser_route_is_a_404_for_a_delegate(app, client, auth, audit_data):
    auth.user(audit_data["delegate_user_id"])
    for rule in _rules(app, prefix="/organiser"):
        url = _url(rule)
        method = "GET" if "GET" in rule.methods else sorted(rule.methods & STATE_CHANGING)[0]
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, audit_data):
    rules = _rules(app, methods=STATE_CHANGING)
    assert rules
    for rule in rules:
        url = _url(rule)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, csrf=False, data={"x": "1"})
            assert response.status_code == 400, (method, url, response.status_code)


def test_every_page_sends_the_security_headers(app, client, auth, audit_data):
    auth.organiser()
    for rule in _rules(app, methods={"GET"}):
        response = client.get(_url(rule))
        headers = response.headers
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), rule.rule
        assert headers.get("X-Content-Type-Options") == "nosniff", rule.rule


def test_organisers_are_users_with_the_organiser_role(app, audit_data):
    # Guards the audit itself: the delegate above really is not an organiser.
    from festival.auth.models import User

    with app.app_context():
        user = db.session.get(User, audit_data["delegate_user_id"])
        assert user.role == UserRole.DELEGATE


def test_a_festival_that_does_not_exist_is_a_sign_in_then_a_404(app, client, auth, audit_data):
    """The festival is loaded once per blueprint, after the organiser check:
    a stranger learns nothing from the slug; an organiser gets a 404."""
    slugged = [
        r for r in _rules(app, prefix="/organiser", methods={"GET"}) if "slug" in r.arguments
    ]
    urls = [_url(rule).replace("/audit", "/no-such-festival", 1) for rule in slugged]
    assert len(urls) >= 9
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url
    auth.organiser()
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get("/festivals/no-such-festival/programme").status_code == 404


def test_links_on_a_festivals_pages_keep_its_slug(client, auth, audit_data):
    auth.organiser()
    page = client.get("/organiser/festivals/audit/itineraries")
    assert page.status_code == 200
    assert 'href="/organiser/festivals/audit/delegations"' in page.text  # the festival menu
