"""Search boxes: what a person typed, as a SQL LIKE pattern that means it.

A ``%`` or ``_`` typed in a search box is a character to find, not a
wildcard: escaped here with :data:`ESCAPE`, which every query passes on
(``column.ilike(contains(q), escape=ESCAPE)``).
"""

from __future__ import annotations

ESCAPE = "\\"


def contains(text: str) -> str:
    """A LIKE pattern matching any value that contains ``text`` as typed."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"
