"""The feeds' fast path: an unchanged feed answered from memory, changes seen at once
(in this process) or within a second (from another process)."""

from __future__ import annotations

import gzip

import pytest
import sqlalchemy as sa

from festival.calendar import fastpath
from festival.calendar.services import regenerate_feed_secret
from festival.core.logs import SECRET_LINK_PREFIXES
from festival.extensions import db
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegate
from tests.calendar_helpers import build_world
from tests.factories import make_festival


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.fixture
def clock(monkeypatch):
    """A clock the test moves by hand."""
    now = [1000.0]
    monkeypatch.setattr(fastpath, "clock", lambda: now[0])
    return now


def _rename_elsewhere(app, session_id: int, title: str) -> None:
    """Change a session as another process would: not through this process's ORM session."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            sa.update(ProgrammeSession)
            .where(ProgrammeSession.id == session_id)
            .values(title=title, sequence=ProgrammeSession.sequence + 1)
        )


def test_an_unchanged_feed_is_served_without_a_query(client, world, count_queries, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    first = client.get(url)
    with count_queries() as again:
        second = client.get(url)
        revalidated = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again == []
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert revalidated.status_code == 304


def test_a_change_from_another_process_shows_once_a_second_has_passed(app, client, world, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    first = client.get(url)
    _rename_elsewhere(app, world.public_other_id, "Farewell banquet")

    clock[0] += fastpath.STAMP_TTL_SECONDS + 0.01
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert b"Farewell banquet" in changed.data
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_a_change_committed_here_shows_on_the_next_fetch(app, client, world, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    etag = client.get(url).headers["ETag"]
    with app.app_context():
        db.session.get(ProgrammeSession, world.public_other_id).title = "Closing night market"
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})  # the clock has not moved
    assert changed.status_code == 200
    assert b"Closing night market" in changed.data


def test_a_renewed_personal_link_stops_working_on_the_next_fetch(app, client, world, clock):
    url = f"/feeds/{world.mayor_token}.ics"
    assert client.get(url).status_code == 200
    with app.app_context():
        regenerate_feed_secret(db.session.get(Delegate, world.mayor_id))
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_personal_feed_changed_elsewhere_shows_once_a_second_has_passed(
    app, client, world, clock
):
    url = f"/feeds/{world.mayor_token}.ics"
    first = client.get(url)
    _rename_elsewhere(app, world.invited_id, "Parma table renamed")
    clock[0] += fastpath.STAMP_TTL_SECONDS + 0.01
    changed = client.get(url)
    assert b"Parma table renamed" in changed.data
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_an_unknown_festival_is_not_remembered(app, client, clock):
    url = "/festivals/late-comer/programme.ics"
    assert client.get(url).status_code == 404
    with app.app_context():
        make_festival(slug="late-comer")
        db.session.commit()
    assert client.get(url).status_code == 200


def test_feeds_leave_the_visitors_session_alone(app, client, auth, world):
    auth.organiser()
    for url in (
        f"/festivals/{world.slug}/programme.ics",
        f"/feeds/{world.mayor_token}.ics",
        f"/festivals/{world.slug}/schedule.json",
    ):
        for _ in range(2):  # built, then from memory
            response = client.get(url)
            assert response.status_code == 200
            # One copy for everyone in shared caches; no cookie rewritten.
            assert "Cookie" not in response.headers.get("Vary", "")
            assert "Set-Cookie" not in response.headers
    # Still signed in afterwards.
    assert client.get("/organiser/festivals/", follow_redirects=False).status_code != 302


def test_a_missing_feed_for_a_signed_in_visitor_is_a_plain_404(client, auth, world):
    """The 404 page may touch the session (its menus, a CSRF token): a feed's
    session takes the writes and is never saved."""
    auth.organiser()
    for url in ("/festivals/nowhere/programme.ics", "/feeds/1-" + "0" * 32 + ".ics"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_the_personal_feed_is_a_secret_link_for_the_logs(app):
    """The fast path knows feeds by endpoint (the URL map); the logs and the
    outbox hide a token by its path prefix: the personal feed must be under one."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint in fastpath.MEMO_KEYS and "token" in rule.arguments
    ]
    assert rules
    for rule in rules:
        assert any(rule.rule.startswith(f"/{prefix}/<") for prefix in SECRET_LINK_PREFIXES), rule


def test_clear_forgets_every_remembered_feed(app, client, world, count_queries, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    client.get(url)
    fastpath.clear(app)
    with count_queries() as after_clear:
        assert client.get(url).status_code == 200
    assert after_clear  # the stamp computed again


def test_a_renewed_link_gets_a_new_qr_code(app, world):
    from festival.calendar.links import subscribe_links

    with app.test_request_context():
        mayor = db.session.get(Delegate, world.mayor_id)
        before = subscribe_links(mayor)
        assert subscribe_links(mayor)["qr_svg"] == before["qr_svg"]  # kept, not re-encoded
        regenerate_feed_secret(mayor)
        after = subscribe_links(mayor)
    assert after["https"] != before["https"]
    assert after["qr_svg"] != before["qr_svg"]
    assert after["qr_svg"].startswith('<svg role="img"')


def test_the_answer_from_memory_has_the_views_headers(app, client, world, clock, monkeypatch):
    url = f"/festivals/{world.slug}/programme.ics"
    by_view = client.get(url)

    # From here Flask's view must not run: the fast path in front of it answers.
    def fail(**kwargs):
        raise AssertionError("Flask's view ran")

    monkeypatch.setitem(app.view_functions, "calendar.programme_ics", fail)
    from_memory = client.get(url)
    assert from_memory.data == by_view.data
    assert dict(from_memory.headers) == dict(by_view.headers)
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == by_view.headers["ETag"]
    # Another language is another feed: not answered from this one's memo.
    monkeypatch.undo()
    french = client.get(url, query_string={"lang": "fr"})
    assert french.headers["ETag"] != by_view.headers["ETag"]


def test_a_url_holding_a_nul_is_still_refused(client, world):
    url = f"/festivals/{world.slug}/programme.ics"
    client.get(url)
    assert client.get(url + "?lang=en%00").status_code == 400


@pytest.mark.parametrize("kind", ["programme", "personal"])
def test_calendar_apps_asking_for_gzip_get_the_same_feed_gzipped(client, world, clock, kind):
    url = (
        f"/festivals/{world.slug}/programme.ics"
        if kind == "programme"
        else f"/feeds/{world.mayor_token}.ics"
    )
    plain = client.get(url)
    gzip_headers = {"Accept-Encoding": "gzip, deflate, br"}
    built = client.get(url, headers=gzip_headers)
    remembered = client.get(url, headers=gzip_headers)  # served before Flask runs
    for response in (built, remembered):
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Vary"] == "Accept-Encoding"
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert gzip.decompress(response.data) == plain.data
        # Another representation, another strong ETag (RFC 9110).
        assert response.headers["ETag"] == plain.headers["ETag"][:-1] + '-gz"'
        assert response.headers["Content-Security-Policy"]
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert "Content-Encoding" not in plain.headers


def test_gzip_refused_with_q0_gets_the_plain_feed(client, world, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    for _ in range(2):
        response = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert "Content-Encoding" not in response.headers
        assert response.data.startswith(b"BEGIN:VCALENDAR")


def test_either_etag_revalidates_to_304(client, world, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    plain_etag = client.get(url).headers["ETag"]
    gzip_etag = client.get(url, headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    for etag in (plain_etag, gzip_etag, f"W/{gzip_etag}", f'"other", {plain_etag}'):
        for encoding in ("gzip", ""):
            response = client.get(url, headers={"If-None-Match": etag, "Accept-Encoding": encoding})
            assert response.status_code == 304, (etag, encoding)
            assert response.data == b""
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_head_of_a_remembered_feed_has_headers_and_no_body(client, world, clock):
    url = f"/festivals/{world.slug}/programme.ics"
    full = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == str(len(full.data))
    assert head.headers["ETag"] == full.headers["ETag"]


def test_frab_exports_are_gzipped_on_request(client, world):
    url = f"/festivals/{world.slug}/schedule.json"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    again = client.get(url, headers={"If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
