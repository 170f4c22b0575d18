"""The suite shares one app per database: what a test changes on it (config,
caches, rate-limit counts, another app's hold on the shared limiter, rows)
is put back before the next test, so no test sees another's leftovers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival import create_app
from festival.calendar.cache import feed_store
from festival.core import memo
from festival.extensions import db, limiter
from festival.festivals.models import Festival
from tests import factories
from tests.support.database import empty_tables, filled_tables
from tests.support.snapshots import scene


def _wrong_passwords(client, times: int) -> list[int]:
    return [
        client.post("/login", data={"email": "nobody@example.org", "password": "x"}).status_code
        for _ in range(times)
    ]


def test_restore_puts_back_config_caches_and_rate_limit_counts(_shared_app, app, client):
    built_per_page = app.config.get("PER_PAGE")
    app.config["PER_PAGE"] = 1
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    with app.test_request_context():
        memo.cached("programme", "key", lambda: "kept")
        feed_store(app)
    assert _wrong_passwords(client, 3)[-1] == 429

    _shared_app.restore()

    assert app.config.get("PER_PAGE") == built_per_page
    assert app.config["LOGIN_RATE_LIMIT"] != "2 per minute"
    assert "festival_memo" not in app.extensions
    assert "calendar_feed_store" not in app.extensions
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    assert _wrong_passwords(client, 2) == [401, 401]  # the counts started again


def test_another_app_built_in_a_test_lets_go_of_the_shared_limiter(_shared_app, app, database_url):
    storage = limiter.storage
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url}
    create_app({**config, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_KEY_PREFIX": "other"})
    assert limiter.storage is not storage
    create_app({**config, "RATELIMIT_ENABLED": False})
    assert not limiter.enabled

    _shared_app.restore()

    assert limiter.enabled and limiter.storage is storage
    assert limiter._key_prefix != "other"


def test_emptying_leaves_no_row_and_ids_start_again_at_one(app):
    with app.app_context():
        for _ in range(3):
            factories.make_delegate(factories.make_delegation(factories.make_festival()))
        db.session.commit()
        assert filled_tables()

        empty_tables()

        assert filled_tables() == []
        assert factories.make_festival().id == 1
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Festival)) == 0


def _rows(app) -> dict[str, list[tuple]]:
    with app.app_context():
        found = {
            table.name: sorted(tuple(row) for row in db.session.execute(table.select()))
            for table in filled_tables()
        }
        db.session.remove()
        return found


def test_a_scene_comes_back_with_the_same_rows_and_ids_go_on_from_its_last(app):
    def build() -> int:
        with app.app_context():
            delegation = factories.make_delegation(factories.make_festival(name="Fête 祭"))
            for _ in range(3):
                factories.make_delegate(delegation)
            db.session.commit()
            return delegation.id

    built = scene(app, "isolation check", build)
    as_built = _rows(app)
    with app.app_context():
        empty_tables()

    again = scene(app, "isolation check", lambda: pytest.fail("built twice"))

    assert again == built
    assert _rows(app) == as_built
    with app.app_context():
        # The sequences stand where the build left them: a new row does not
        # take an id the scene's rows hold.
        newest = max(row[0] for row in as_built["festivals"])
        assert factories.make_festival().id == newest + 1
        db.session.rollback()
