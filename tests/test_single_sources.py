"""One source for each fact (issue #18 item 5): the interface languages and
the secret-link prefixes are defined once, and everything else follows them."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from festival.cities.forms import CityForm
from festival.core.i18n import INTERFACE_LANGUAGES, LANGUAGE_NAMES
from festival.core.logs import SECRET_LINK_PREFIXES, redact
from festival.registration.forms import MemberForm

TRANSLATIONS = Path(__file__).resolve().parent.parent / "festival" / "translations"


def _offered(field) -> list[str]:
    """The values a select field offers, its blank choice left out."""
    return [option[0] for option in field.iter_choices() if option[0]]


def test_every_language_choice_follows_the_interface_languages(app: Flask):
    assert app.config["LANGUAGES"] == list(INTERFACE_LANGUAGES)
    assert list(LANGUAGE_NAMES) == list(INTERFACE_LANGUAGES)  # the language switcher
    with app.test_request_context():
        delegate_choices = _offered(MemberForm().locale)
        city_choices = _offered(CityForm().preferred_language)
    assert delegate_choices == list(INTERFACE_LANGUAGES)
    assert city_choices == list(INTERFACE_LANGUAGES)
    # Each language but the source one has its catalogue.
    for code in INTERFACE_LANGUAGES[1:]:
        assert (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").exists(), code


def test_every_route_with_a_token_is_a_secret_link_prefix_and_the_reverse(app: Flask):
    token_routes = [rule.rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    # The path before the token (``/impressions/<token>/withdraw`` too).
    prefixes = {route.strip("/").split("/<token>")[0] for route in token_routes}
    assert prefixes == set(SECRET_LINK_PREFIXES)
    for route in token_routes:
        line = f'"GET {route.replace("<token>", "s3cr3t")} HTTP/1.1" 200'
        assert "s3cr3t" not in redact(line), route
