"""Empty the tables between tests, cheaply.

TRUNCATE of every table costs PostgreSQL a new file per table, hundreds of
milliseconds per test on a busy machine; most tests fill a handful of
tables. So one query finds the tables that have rows, only those are
emptied (children first), and the sequences that were used start again at
1, as ``TRUNCATE ... RESTART IDENTITY`` did. (SQLite hands out max(id) + 1,
so its ids start again at 1 once the table is empty.)
"""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db

# The tables in order and the probe, worked out once per dialect: sorting a
# hundred-odd tables by their foreign keys, and building and compiling a
# union of as many selects, cost more than running the probe, after every test.
_probes: dict[str, tuple[list[sa.Table], sa.TextClause]] = {}


def _probe() -> tuple[list[sa.Table], sa.TextClause]:
    """The app's tables, parents first, and the query naming (by index) those with rows."""
    dialect = db.engine.dialect
    if dialect.name not in _probes:
        tables = db.metadata.sorted_tables
        probes = [
            sa.select(sa.literal(index, sa.Integer)).where(sa.exists().select_from(table))
            for index, table in enumerate(tables)
        ]
        compiled = sa.union_all(*probes).compile(
            dialect=dialect, compile_kwargs={"literal_binds": True}
        )
        _probes[dialect.name] = (tables, sa.text(str(compiled)))
    return _probes[dialect.name]


def filled_tables() -> list[sa.Table]:
    """The app's tables that hold at least one row, parents first."""
    tables, probe = _probe()
    filled = set(db.session.scalars(probe))
    return [table for index, table in enumerate(tables) if index in filled]


def empty_tables() -> None:
    """Delete every row of the app's tables and restart PostgreSQL's sequences."""
    for table in reversed(filled_tables()):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            sa.text(
                "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
                " FROM pg_sequences"
                " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
        )
    db.session.commit()
