"""The stamp-keyed memo: one LRU per kind of value, and the values every
app server shares through Redis."""

from __future__ import annotations

import json
from typing import Any

from festival.core import memo
from tests.support.redis_server import REDIS_URL, another_server, needs_redis


def test_a_namespace_full_of_values_leaves_the_others_alone(app):
    made: list[str] = []

    def make(label: str):
        def inner() -> str:
            made.append(label)
            return label

        return inner

    with app.app_context():
        assert memo.cached("programme", ("day", 1), make("programme day")) == "programme day"
        # Thousands of delegates' itineraries go through their own, smaller LRU.
        for n in range(50):
            memo.cached("my-itinerary", (n,), make(f"itinerary {n}"), max_entries=10)
        assert memo.cached("programme", ("day", 1), make("again")) == "programme day"
        assert memo.cached("my-itinerary", (49,), make("again")) == "itinerary 49"
        assert memo.cached("my-itinerary", (0,), make("again"), max_entries=10) == "again"
    assert made.count("programme day") == 1 and made.count("again") == 1


def test_clear_forgets_every_namespace(app):
    made: list[str] = []
    with app.app_context():
        for namespace in ("programme", "my-itinerary"):
            memo.cached(namespace, 1, lambda: made.append("made") or "value")
        memo.clear()
        for namespace in ("programme", "my-itinerary"):
            memo.cached(namespace, 1, lambda: made.append("made") or "value")
    assert len(made) == 4


@needs_redis
def test_a_shared_value_is_made_by_one_app_server_for_all(app):
    made: list[str] = []

    def make(label: str) -> Any:
        def inner() -> dict[str, str]:
            made.append(label)
            return {"value": label}

        return inner

    def shared(key: object, label: str) -> Any:
        return memo.shared(
            "coverage", ("stamp", key), make(label), encode=json.dumps, decode=json.loads
        )

    app.config["REDIS_URL"] = REDIS_URL
    other = another_server(app, REDIS_URL=REDIS_URL)
    elsewhere = another_server(
        app, REDIS_URL=REDIS_URL, SQLALCHEMY_DATABASE_URI="sqlite:///another-site.db"
    )
    with app.app_context():
        memo.clear()
        assert shared(1, "first") == {"value": "first"}
    with other.app_context():
        assert shared(1, "again") == {"value": "first"}  # read from Redis
        assert shared(2, "new version") == {"value": "new version"}
    with elsewhere.app_context():  # another site (database) on the same Redis
        assert shared(1, "another site's") == {"value": "another site's"}
    assert made == ["first", "new version", "another site's"]
    with app.app_context():
        memo.clear()  # this site's shared values go too, not another site's
    with other.app_context():
        memo.clear(other)  # its memory only: the values in Redis went above
        assert shared(1, "after clearing") == {"value": "after clearing"}
    with elsewhere.app_context():
        assert shared(1, "kept elsewhere") == {"value": "another site's"}
        memo.clear()


def test_a_shared_value_is_made_here_when_redis_does_not_answer(app, caplog):
    app.config["REDIS_URL"] = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    with app.app_context():
        value = memo.shared("coverage", 1, lambda: "made here", encode=str, decode=str)
        assert value == "made here"
        assert memo.shared("coverage", 1, lambda: "again", encode=str, decode=str) == "made here"
    assert "Redis unavailable" in caplog.text


@needs_redis
def test_an_unreadable_shared_value_is_made_again(app, caplog):
    app.config["REDIS_URL"] = REDIS_URL
    other = another_server(app, REDIS_URL=REDIS_URL)

    def shared(label: str) -> Any:
        return memo.shared(
            "coverage", ("stamp", 1), lambda: [label], encode=json.dumps, decode=json.loads
        )

    with app.app_context():
        memo.clear()
        assert shared("first") == ["first"]
        client = memo.redis_client()
        pattern = f"festival:memo:{memo.site_namespace()}:*"
        for name in client.scan_iter(match=pattern):
            client.set(name, b"\xff not JSON")  # not what encode wrote
    with other.app_context():
        assert shared("made again") == ["made again"]
    assert "unreadable shared value" in caplog.text
    with app.app_context():
        memo.clear()
