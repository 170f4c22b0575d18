"""The Japanese and French catalogues: complete, well-formed, and what a reader
of each language actually gets on pages and in e-mails."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from festival.auth.models import User
from festival.extensions import db
from festival.festivals.models import Festival
from festival.invitations.models import InvitationStatus
from festival.outbox.models import OutboxMessage
from festival.programme.models import SessionType
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "festival" / "translations"
LANGUAGES = ["ja", "fr"]
# The same keywords as `make messages` (Makefile) on top of Babel's defaults.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)")
JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uff01-\uff5e]")
# Words a Japanese page legitimately keeps in Latin letters.
# Formulas and names that read the same in Japanese.
LATIN_IN_JAPANESE = {"festival", "HTML", "Outlook.com", "%(enrolled)s + %(walk_ins)s"}


def _catalog(language: str) -> Catalog:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language, abort_invalid=True)


def _key(message_id: str | tuple[str, ...], context: str | None) -> tuple[str | None, str]:
    singular = message_id[0] if isinstance(message_id, tuple) else message_id
    return context, singular


def _scanned(dirpath: str) -> bool:
    """Like `make messages`: every folder but hidden ones and caches (Babel's
    default would also skip templates/_macros)."""
    name = Path(dirpath).name
    return not name.startswith(".") and name not in {"__pycache__", "node_modules"}


@pytest.fixture(scope="module")
def source_messages() -> dict[tuple[str | None, str], str | tuple[str, ...]]:
    """Every message the code and templates use, extracted as `make messages` does."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_scanned
    ):
        found[_key(message, context)] = message
    return found


def _strings(value: str | tuple[str, ...]) -> list[str]:
    return list(value) if isinstance(value, tuple) else [value]


# --- The catalogues -----------------------------------------------------------


def test_extraction_finds_the_app_s_messages(source_messages):
    """A guard on the guard: the extraction below really reads Python and templates."""
    assert (None, "Sign in") in source_messages  # festival/auth/forms.py, templates
    assert (None, "Dear %(name)s,") in source_messages  # e-mail templates (.txt and .html)
    assert ("hotel", "Check-in") in source_messages  # pgettext with a context
    assert (None, "Previous") in source_messages  # templates/_macros/lists.html
    assert len(source_messages) > 1000


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_app_is_translated(language, source_messages):
    catalog = _catalog(language)
    missing = []
    for key in source_messages:
        entry = catalog.get(key[1], key[0])
        if entry is None or not all(_strings(entry.string)) or entry.fuzzy:
            missing.append(key)
    assert not missing, f"untranslated in {language} (run `make messages`): {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles_without_errors_and_nothing_is_fuzzy(language):
    catalog = _catalog(language)
    assert not catalog.fuzzy
    errors = [(m.id, e) for m, errs in catalog.check() for e in errs]
    assert not errors
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy
    out = io.BytesIO()
    write_mo(out, catalog)
    assert len(out.getvalue()) > 10_000


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_the_same_in_every_translation(language):
    catalog = _catalog(language)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = (set(PLACEHOLDER.findall(s)) for s in message.id)
            # Japanese has one form, used for every count: it follows the plural.
            expected = [plural] if language == "ja" else [singular | {"num"}, plural]
            for want, got in zip(expected, message.string, strict=True):
                if set(PLACEHOLDER.findall(got)) - {"num"} != want - {"num"}:
                    wrong.append((message.id, got))
        else:
            if set(PLACEHOLDER.findall(message.string)) != set(PLACEHOLDER.findall(message.id)):
                wrong.append((message.id, message.string))
        # "%%" stays an escaped percent sign wherever the English has one.
        for got in _strings(message.string):
            if "%%" in _strings(message.id)[0] and "%%" not in got:
                wrong.append((message.id, got))
    assert not wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_up_to_date(language):
    """The app reads the .mo files, which `make translations` builds from the .po."""
    po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    assert mo.exists(), "run `make translations`"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "run `make translations`"


def test_plural_forms_match_each_language():
    ja, fr = _catalog("ja"), _catalog("fr")
    assert ja.num_plurals == 1 and fr.num_plurals == 2
    assert fr.plural_expr == "(n > 1)"
    for catalog in (ja, fr):
        for message in catalog:
            if isinstance(message.id, tuple):
                assert len(message.string) == catalog.num_plurals, message.id


def test_japanese_translations_are_in_japanese():
    latin = [
        m.id
        for m in _catalog("ja")
        if m.id and not any(JAPANESE_SCRIPT.search(s) for s in _strings(m.string))
    ]
    assert set(latin) <= LATIN_IN_JAPANESE


def test_french_follows_french_typography():
    bad = []
    for message in _catalog("fr"):
        for text in _strings(message.string) if message.id else []:
            # A no-break space before : ; ? ! and inside « », never a plain one;
            # typographic apostrophes.
            if re.search(r" [:;?!»]|« ", text) or "'" in text:
                bad.append(text)
    assert not bad


# --- Pages in the reader's language ---------------------------------------------


@pytest.fixture
def festival_slug(app):
    with app.app_context():
        festival = factories.make_festival(slug="gastro-i18n", name="Gastronomy Festival 2027")
        venue = factories.make_venue(festival, name="Shonai Hall")
        factories.make_session(
            festival, title="Umami and the city", type=SessionType.THEMATIC, venue=venue
        )
        db.session.commit()
    return "gastro-i18n"


@pytest.fixture
def invitation_token(app, festival_slug):
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == festival_slug))
        city = factories.make_city(name="Parma", country_code="IT")
        _invitation, token = factories.make_invitation(
            festival, city, quota=3, deadline=datetime.now(UTC) + timedelta(days=30)
        )
        db.session.commit()
    return token


PAGES = {
    # page: {language: words only that language's page shows}
    "home": {
        "ja": ["フェスティバル一覧", "ログイン用リンクを受け取る"],
        "fr": ["Recevoir un lien de connexion", "Aller au contenu"],
        "en": ["Get a sign-in link", "Skip to content"],
    },
    "login": {
        "ja": ["パスワード", "この端末でログインしたままにする"],
        "fr": ["Mot de passe", "Rester connecté sur cet appareil"],
        "en": ["Password", "Keep me signed in on this device"],
    },
    "programme": {
        "ja": ["すべての種別", "テーマ別セッション", "Umami and the city"],
        "fr": ["Tous les types", "Séance thématique", "Umami and the city"],
        "en": ["All types", "Thematic session", "Umami and the city"],
    },
    "invitation": {
        "ja": ["最大3名", "招待をお受けする", "招待を辞退する"],
        "fr": ["Jusqu’à 3 personnes", "Accepter l’invitation", "Décliner l’invitation"],
        "en": ["Up to 3 people", "Accept the invitation", "Decline the invitation"],
    },
}


def _url(page, slug, token):
    return {
        "home": "/",
        "login": "/login",
        "programme": f"/festivals/{slug}/programme",
        "invitation": f"/invitations/{token}",
    }[page]


# The invitation opens in its own language instead (see below).
@pytest.mark.parametrize("page", sorted(set(PAGES) - {"invitation"}))
@pytest.mark.parametrize("language", ["ja", "fr", "en"])
def test_pages_follow_the_browser_language(client, festival_slug, invitation_token, page, language):
    response = client.get(
        _url(page, festival_slug, invitation_token),
        headers={"Accept-Language": f"{language},en;q=0.5"},
    )
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    for words in PAGES[page][language]:
        assert words in response.text
    # Nothing of the other languages leaks in.
    for other in {"ja", "fr", "en"} - {language}:
        for words in PAGES[page][other]:
            if words not in PAGES[page][language]:
                assert words not in response.text


@pytest.mark.parametrize("language", ["ja", "fr", "en"])
def test_the_invitation_opens_in_its_own_language(app, client, festival_slug, language):
    """The city's language, not the browser's: the contact reads the
    invitation as it was sent (#12)."""
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == festival_slug))
        city = factories.make_city(name="Lyon", country_code="FR", preferred_language=language)
        _invitation, token = factories.make_invitation(
            festival, city, quota=3, deadline=datetime.now(UTC) + timedelta(days=30)
        )
        db.session.commit()
    browser = {"Accept-Language": "fr" if language == "ja" else "ja"}
    response = client.get(f"/invitations/{token}", headers=browser)
    assert f'<html lang="{language}">' in response.text
    for words in PAGES["invitation"][language]:
        assert words in response.text


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_language_switcher_wins_over_the_browser(
    client, festival_slug, invitation_token, page, language
):
    url = _url(page, festival_slug, invitation_token)
    # The browser asks for the other language; the reader picks theirs in the menu.
    browser = {"Accept-Language": "fr" if language == "ja" else "ja"}
    switched = client.post("/language", data={"locale": language, "next": url}, headers=browser)
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith(url)
    response = client.get(url, headers=browser)
    assert f'<html lang="{language}">' in response.text
    for words in PAGES[page][language]:
        assert words in response.text


def test_an_unknown_language_in_the_switcher_is_ignored(client):
    client.post("/language", data={"locale": "xx", "next": "/login"})
    response = client.get("/login", headers={"Accept-Language": "fr"})
    assert "Mot de passe" in response.text


def test_flash_messages_and_form_errors_are_translated(client):
    response = client.post(
        "/login",
        data={"email": "nobody@example.org", "password": "wrong"},
        headers={"Accept-Language": "ja"},
    )
    assert "メールアドレスまたはパスワードが正しくありません。" in response.text


def test_an_organiser_s_language_choice_is_kept_on_their_account(app, client, auth):
    auth.organiser(email="staff@tsuruoka.example")
    client.post("/language", data={"locale": "ja", "next": "/"})
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "staff@tsuruoka.example"))
        assert user.locale == "ja"


# --- E-mails in the recipient's language -------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("ja", "Gastronomy Festival 2027へのご招待", "代表団は最大4名までご参加いただけます。"),
        (
            "fr",
            "Invitation à Gastronomy Festival 2027",
            "Votre délégation peut compter jusqu’à 4 personnes.",
        ),
    ],
)
def test_an_invitation_e_mail_is_written_in_the_city_s_language(
    app, client, auth, festival_slug, language, subject, body
):
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == festival_slug))
        city = factories.make_city(name="Tsuruoka", country_code="JP", preferred_language=language)
        invitation, _token = factories.make_invitation(
            festival, city, status=InvitationStatus.DRAFT, sent_at=None
        )
        db.session.commit()
        invitation_id = invitation.id
    auth.organiser()
    # The organiser reads the app in English: the e-mail still follows the city.
    deadline = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/organiser/festivals/{festival_slug}/invitations/{invitation_id}/send",
        data={"quota": "4", "deadline": deadline},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    with app.app_context():
        (message,) = db.session.scalars(sa.select(OutboxMessage)).all()
        assert message.locale == language
        assert message.subject == subject
        assert body in message.text_body
        assert body in message.html_body
        assert "Your delegation may have up to" not in message.text_body


def test_organiser_pages_show_statuses_in_the_organiser_s_language(
    app, client, auth, festival_slug
):
    with app.app_context():
        festival = db.session.scalar(sa.select(Festival).where(Festival.slug == festival_slug))
        factories.make_invitation(
            festival, factories.make_city(name="Lyon", preferred_language="fr")
        )
        db.session.commit()
    auth.organiser()
    client.post("/language", data={"locale": "ja", "next": "/"})
    overview = client.get(f"/organiser/festivals/{festival_slug}/").text
    assert "送信済み" in overview and ">sent<" not in overview
    with app.app_context():
        from festival.outbox.services import queue_email

        queue_email(
            key="i18n-test",
            recipient="office@lyon.example",
            subject="Bonjour",
            template="login_link",
            locale="fr",
            url="http://festival.test/x",
            minutes=30,
        )
        db.session.commit()
    outbox = client.get("/organiser/outbox/").text
    assert "送信待ち" in outbox and ">pending<" not in outbox


def test_the_language_follows_each_context_and_force_locale(app):
    """Flask-Babel's per-request state, looked up our quicker way
    (core.i18n.look_up_translations_quickly): English outside any context,
    the default in the worker's app context, a forced language for as long
    as it is forced, and each request its own language."""
    from flask_babel import force_locale, get_locale, gettext, lazy_gettext

    sign_in = lazy_gettext("Sign in")
    assert gettext("Sign in") == "Sign in" and get_locale() is None  # no context at all
    with app.app_context():
        assert gettext("Sign in") == "Sign in"
        with force_locale("ja"):
            japanese = gettext("Sign in")
            with force_locale("fr"):
                assert str(sign_in) == "Se connecter"
            assert gettext("Sign in") == japanese != "Sign in"
        assert gettext("Sign in") == "Sign in"
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert str(get_locale()) == "fr" and str(sign_in) == "Se connecter"
    with app.test_request_context("/", headers={"Accept-Language": "ja"}):
        assert str(get_locale()) == "ja" and gettext("Sign in") == japanese
