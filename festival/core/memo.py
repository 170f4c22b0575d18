"""Values kept in this process against a version stamp.

A page part that is the same for every visitor (the programme's days, the
menus above a long list) is computed once per version of the data behind
it: the key holds that version's stamp (counts, latest changes), so any
change makes a new key and nothing stale is served; old keys fall out of an
LRU. Each kind of value has its own LRU (``namespace``), so thousands of
delegates' itineraries cannot push the programme's pages out; each app has
its own stores (each test has its own database).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

MAX_ENTRIES = 512
T = TypeVar("T")

_lock = threading.Lock()


def _store(namespace: str) -> OrderedDict[Hashable, object]:
    stores = current_app.extensions.setdefault("festival_memo", {})
    store = stores.get(namespace)
    if store is None:
        store = stores.setdefault(namespace, OrderedDict())
    return store  # type: ignore[no-any-return]


def cached(
    namespace: str, key: Hashable, make: Callable[[], T], max_entries: int = MAX_ENTRIES
) -> T:
    """``make()``'s value for ``key``, made once while the key stays in the
    ``namespace``'s LRU (at most ``max_entries`` values)."""
    store = _store(namespace)
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        store[key] = value
        while len(store) > max_entries:
            store.popitem(last=False)
    return value
