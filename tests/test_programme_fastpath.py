"""The public programme for visitors who are not signed in: answered by the
feeds' fast path (per version, language and query string; 304s and gzip),
with the bytes the app's own render gives, and a change shown at once."""

from __future__ import annotations

import gzip
from datetime import date

import pytest
import sqlalchemy as sa

from festival.calendar import fastpath
from festival.extensions import db
from festival.programme.models import ProgrammeSession
from tests.programme_support import SLUG, build_world

PROGRAMME = f"/festivals/{SLUG}/programme"
SECOND_DAY = date(2027, 6, 16).isoformat()
BROWSER = {"en": "en-GB,en;q=0.9", "ja": "ja-JP,ja;q=0.9,en;q=0.5", "fr": "fr-FR,fr;q=0.9"}


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand (the memo's second)."""
    now = [1000.0]
    monkeypatch.setattr(fastpath, "clock", lambda: now[0])
    return now


def _fresh_render(app, language: str, url: str) -> bytes:
    """The page as the app renders it, for a visitor who chose ``language``
    with the switcher (a session cookie: never answered by the fast path)."""
    visitor = app.test_client()
    switched = visitor.post("/language", data={"locale": language, "next": "/"})
    assert switched.status_code == 302
    page = visitor.get(url)
    assert page.status_code == 200
    assert "ETag" not in page.headers  # the app's render, not the fast path's
    return page.data


@pytest.mark.parametrize("language", ["en", "ja", "fr"])
def test_the_fast_answer_has_the_bytes_of_a_fresh_render(
    app, world, count_queries, clock, language
):
    queries = [
        "",
        f"?day={SECOND_DAY}",
        f"?venue={world['hall_id']}",
        f"?type=talk&day={SECOND_DAY}",
        "?layout=print",
    ]
    for query in queries:
        url = PROGRAMME + query
        visitor = app.test_client()
        headers = {"Accept-Language": BROWSER[language]}
        first = visitor.get(url, headers=headers)
        with count_queries() as statements:
            again = visitor.get(url, headers=headers)
        assert statements == [], url  # answered before the app ran
        assert first.status_code == again.status_code == 200
        assert "Set-Cookie" not in first.headers
        assert f'<html lang="{language}">'.encode() in first.data
        assert first.data == again.data == _fresh_render(app, language, url), url


def test_the_page_carries_no_token_and_sets_no_cookie(client, world):
    page = client.get(PROGRAMME)
    assert "csrf_token" not in page.text
    assert "Set-Cookie" not in page.headers
    assert page.headers["Vary"] == "Accept-Encoding, Accept-Language, Cookie"


def test_validators_and_gzip(client, world, clock):
    page = client.get(PROGRAMME)
    etag = page.headers["ETag"]
    assert client.get(PROGRAMME, headers={"If-None-Match": etag}).status_code == 304
    packed = client.get(PROGRAMME, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == page.data
    # Another language or filter is another page.
    french = client.get(PROGRAMME, headers={"Accept-Language": "fr", "If-None-Match": etag})
    assert french.status_code == 200
    assert client.get(f"{PROGRAMME}?day={SECOND_DAY}").headers["ETag"] != etag


def test_an_edited_session_shows_at_once(app, client, auth, world, clock):
    first = client.get(PROGRAMME)
    assert b"Fermentation Cultures of the World" in first.data
    with app.app_context():
        db.session.get(ProgrammeSession, world["talk_id"]).title = "Koji and Miso"
        db.session.commit()  # this process: the memo is stale at once
    changed = client.get(PROGRAMME, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert b"Koji and Miso" in changed.data

    # Changed by another process: seen once the memo's second has passed.
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.update(ProgrammeSession)
            .where(ProgrammeSession.id == world["talk_id"])
            .values(title="Rice and Salt", sequence=ProgrammeSession.sequence + 1)
        )
    clock[0] += fastpath.STAMP_TTL_SECONDS + 0.01
    assert b"Rice and Salt" in client.get(PROGRAMME).data


def test_signed_in_visitors_get_their_own_page(client, auth, world):
    auth.organiser()
    page = client.get(PROGRAMME)
    assert page.status_code == 200
    assert "ETag" not in page.headers
    assert 'name="csrf_token"' in page.text  # the sign-out and language forms


def test_the_language_switch_without_a_token_must_come_from_this_site(app, client, auth, world):
    def switch(visitor, **headers):
        return visitor.post(
            "/language", data={"locale": "fr", "next": PROGRAMME}, csrf=False, headers=headers
        )

    assert switch(client, Origin="https://evil.example").status_code == 400
    assert switch(client, **{"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert switch(client).status_code == 400  # neither header: the token is needed
    switched = switch(client, Origin="http://localhost")
    assert switched.status_code == 302
    assert '<html lang="fr">' in client.get(PROGRAMME).text
    other = app.test_client()
    assert switch(other, **{"Sec-Fetch-Site": "same-origin"}).status_code == 302

    # A signed-in user's language is kept on the account: the token is needed.
    auth.organiser()
    assert switch(client, Origin="http://localhost").status_code == 400
