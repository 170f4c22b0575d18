"""The stamp-keyed memo: one LRU per kind of value."""

from __future__ import annotations

from festival.core import memo


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
