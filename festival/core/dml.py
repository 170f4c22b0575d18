"""UPDATE and DELETE statements: how many rows they changed."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.engine import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """The number of rows an UPDATE or DELETE run by ``Session.execute`` matched.

    Such a statement's result is a ``CursorResult``, which counts them;
    ``Session.execute`` is typed for any statement, so for a plain ``Result``.
    """
    return cast(CursorResult[Any], result).rowcount
