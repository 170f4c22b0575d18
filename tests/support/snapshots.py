"""Scenes that many tests start from: built once per process, then copied back.

The hostile-input world (a festival with everything a form can act on)
costs about 80 ms of CPU to build, and 150-odd tests start from it. On
SQLite, ``scene`` copies the database into memory once the scene is built
(SQLite's backup API) and, for each later test that asks for the same scene
on empty tables, copies it back: about a millisecond, and the very rows the
build made (same ids, same tokens), so the tests see what they saw before.

On PostgreSQL, or when the test already put rows of its own in the database,
the scene is built as it always was. A copy older than ``MAX_AGE`` is built
again: scenes hold times relative to their building (a sign-in link lives
30 minutes).
"""

from __future__ import annotations

import copy
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask

from festival.extensions import db
from tests.support.database import empty_tables, filled_tables

T = TypeVar("T")

MAX_AGE = 300.0  # seconds


@dataclass
class _Copy:
    value: Any
    database: sqlite3.Connection
    taken: float


# (database URL, scene name) -> the copy of that scene in that database.
_copies: dict[tuple[str, str], _Copy] = {}


def _backup(source: sqlite3.Connection, engine: Any, *, into_engine: bool) -> None:
    """Copy ``source`` over the engine's database, or the engine's into ``source``."""
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        if into_engine:
            source.backup(connection)
        else:
            connection.backup(source)
    finally:
        raw.close()


def scene(app: Flask, name: str, build: Callable[[], T], *, replace: bool = False) -> T:
    """What ``build()`` returns, with its rows in the database: built, or
    copied back from an earlier build of the scene ``name`` in this process.

    ``build`` starts from empty tables, commits, and returns plain data (ids,
    tokens; no rows): the caller gets its own deep copy. With ``replace``,
    the rows already there go first (a test that measures two scenes in turn).
    """
    with app.app_context():
        engine = db.engine
        if replace:
            empty_tables()
        reusable = engine.dialect.name == "sqlite" and not filled_tables()
        db.session.remove()
    if not reusable:
        return build()
    key = (str(engine.url), name)
    kept = _copies.get(key)
    if kept is not None and time.monotonic() - kept.taken < MAX_AGE:
        _backup(kept.database, engine, into_engine=True)
        return copy.deepcopy(kept.value)
    value = build()
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    _backup(memory, engine, into_engine=False)
    if kept is not None:
        kept.database.close()
    _copies[key] = _Copy(copy.deepcopy(value), memory, time.monotonic())
    return value
