"""Scenes that many tests start from: built once per process, then copied back.

The hostile-input world (a festival with everything a form can act on)
costs about 80 ms of CPU to build on SQLite and a quarter of a second on
PostgreSQL, and 150-odd tests start from it on each. ``scene`` keeps a copy
of the database once the scene is built and, for each later test that asks
for the same scene on empty tables, copies it back: the very rows the build
made (same ids, same tokens), so the tests see what they saw before.

- On SQLite the copy is a database in memory (SQLite's backup API), copied
  back whole: about a millisecond.
- On PostgreSQL it is each filled table in COPY's binary format, and the
  sequences' positions; the tables are copied back parents first (COPY
  checks foreign keys as INSERT does) and the sequences set where the build
  left them: a few milliseconds.

When the test already put rows of its own in the database, the scene is
built as it always was. A copy older than ``MAX_AGE`` is built again: scenes
hold times relative to their building (a sign-in link lives 30 minutes).
Age is read on both clocks, the steady one and the one tests move
(time-machine): a scene built in a test that travelled in time is not what
a test at another time would build.
"""

from __future__ import annotations

import copy
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask

from festival.extensions import db
from tests.support.database import empty_tables, filled_tables

T = TypeVar("T")

MAX_AGE = 300.0  # seconds


@dataclass
class _PostgresRows:
    """A scene's rows on PostgreSQL: (table, COPY data) parents first, and
    (sequence, last value) for every sequence the build used."""

    tables: list[tuple[str, bytes]] = field(default_factory=list)
    sequences: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Copy:
    value: Any
    database: sqlite3.Connection | _PostgresRows
    taken: float  # time.monotonic()
    taken_on_the_clock: float  # time.time(), which time-machine moves

    def fresh(self) -> bool:
        return (
            time.monotonic() - self.taken < MAX_AGE
            and abs(time.time() - self.taken_on_the_clock) < MAX_AGE
        )


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


def _quoted(engine: Any, name: str) -> str:
    return engine.dialect.identifier_preparer.quote(name)


def _take_postgres(engine: Any, tables: list[sa.Table]) -> _PostgresRows:
    """The rows of ``tables`` (the filled ones, parents first) and the used sequences."""
    rows = _PostgresRows()
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            for table in tables:
                name = _quoted(engine, table.name)
                with cursor.copy(f"COPY {name} TO STDOUT (FORMAT binary)") as out:
                    rows.tables.append((name, b"".join(bytes(block) for block in out)))
            cursor.execute(
                "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences"
                " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
            rows.sequences = [(name, value) for name, value in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return rows


def _put_back_postgres(rows: _PostgresRows, engine: Any) -> None:
    """Copy a scene's rows into empty tables, sequences where the build left them."""
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            for name, data in rows.tables:
                with cursor.copy(f"COPY {name} FROM STDIN (FORMAT binary)") as into:
                    into.write(data)
            for sequence, value in rows.sequences:
                cursor.execute("SELECT setval(%s::regclass, %s, true)", (sequence, value))
        raw.commit()
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
        reusable = not filled_tables()
        db.session.remove()
    if not reusable:
        return build()
    key = (str(engine.url), name)
    kept = _copies.get(key)
    if kept is not None and kept.fresh():
        if isinstance(kept.database, sqlite3.Connection):
            _backup(kept.database, engine, into_engine=True)
        else:
            _put_back_postgres(kept.database, engine)
        return copy.deepcopy(kept.value)
    value = build()
    taken: sqlite3.Connection | _PostgresRows
    if engine.dialect.name == "sqlite":
        taken = sqlite3.connect(":memory:", check_same_thread=False)
        _backup(taken, engine, into_engine=False)
    else:
        with app.app_context():
            tables = filled_tables()
            db.session.remove()
        taken = _take_postgres(engine, tables)
    if kept is not None and isinstance(kept.database, sqlite3.Connection):
        kept.database.close()
    _copies[key] = _Copy(copy.deepcopy(value), taken, time.monotonic(), time.time())
    return value
