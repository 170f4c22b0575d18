"""Count the SQL statements a block of code, or a page, runs.

A page whose query count grows with the data it shows runs N+1 queries;
the tests measure a page on small and on large data and compare.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from festival.extensions import db


@contextmanager
def recorded_statements(app: Flask, *, parameters: bool = False) -> Iterator[list[Any]]:
    """``with recorded_statements(app) as statements:`` lists the SQL run
    inside on ``app``'s engine; with ``parameters=True`` each item is
    ``(statement, repr(parameters))``."""
    with app.app_context():
        engine = db.engine
    statements: list[Any] = []

    def record(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool
    ) -> None:
        statements.append((statement, repr(params)) if parameters else statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def queries_per_page(client: FlaskClient, pages: Iterable[str]) -> list[int]:
    """How many statements each page (a GET, which must answer 200) runs."""
    app = client.application
    counts = []
    for page in pages:
        with recorded_statements(app) as statements:
            response = client.get(page)
        assert response.status_code == 200, (page, response.status_code)
        counts.append(len(statements))
    return counts
