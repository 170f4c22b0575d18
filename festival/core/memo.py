"""Values kept in this process against a version stamp.

A page part that is the same for every visitor (the programme's days, the
menus above a long list) is computed once per version of the data behind
it: the key holds that version's stamp (counts, latest changes), so any
change makes a new key and nothing stale is served; old keys fall out of a
small LRU. Each app has its own store (each test has its own database).
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


def _store() -> OrderedDict[Hashable, object]:
    store = current_app.extensions.get("festival_memo")
    if store is None:
        store = current_app.extensions.setdefault("festival_memo", OrderedDict())
    return store  # type: ignore[no-any-return]


def cached(key: Hashable, make: Callable[[], T]) -> T:
    """``make()``'s value for ``key``, made once while the key stays in the LRU."""
    store = _store()
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        store[key] = value
        while len(store) > MAX_ENTRIES:
            store.popitem(last=False)
    return value
