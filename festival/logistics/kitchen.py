"""The kitchen list: who needs what, by name, per meal (issue #17 item 4).

The catering page counts; the kitchen plates by name. For each meal (and
for the whole festival) the delegates with a dietary requirement or an
allergen, grouped by requirement, with their delegation and, once a seating
plan exists, their table. One query per page of meals, whatever the number
of diners: delegates with no requirement (most of them) are left out in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _

from festival.cities.models import City
from festival.extensions import db
from festival.festivals.models import Festival
from festival.logistics.exports import Table
from festival.logistics.labels import allergen_label, dietary_label
from festival.logistics.queries import MEAL_TYPES, _DinerMaker
from festival.programme.models import Attendance, ProgrammeSession, SessionStatus
from festival.protocol.labels import table_label
from festival.protocol.models import Seat, SeatingPlan, SeatingTable
from festival.registration import names
from festival.registration.models import Delegate, DelegateStatus, Delegation

# A meal's key for the whole festival (every counted delegate, enrolled or not).
FESTIVAL = 0


@dataclass(frozen=True)
class Plate:
    """One delegate at one meal, as the kitchen reads it."""

    delegate_id: int
    name: str
    city: str
    # What they wrote under "other", for the requirement "other".
    note: str = ""
    # The table at this meal, when a seating plan says (see table_labels).
    table: str | None = None


@dataclass
class Requirement:
    """A dietary requirement or an allergen, and who has it at one meal."""

    kind: str  # "dietary" or "allergen"
    code: str
    plates: list[Plate] = field(default_factory=list)
    # How many have it in all, when ``plates`` is one page of them.
    total: int | None = None

    @property
    def label(self) -> str:
        return dietary_label(self.code) if self.kind == "dietary" else allergen_label(self.code)

    @property
    def count(self) -> int:
        return len(self.plates) if self.total is None else self.total


def plate_count(requirements: Iterable[Requirement]) -> int:
    """The rows of a list of requirements (a delegate once per requirement)."""
    return sum(len(r.plates) for r in requirements)


def page_of(requirements: Sequence[Requirement], start: int, stop: int) -> list[Requirement]:
    """Rows ``start`` to ``stop`` of the requirements' rows, in order, still
    grouped: a requirement cut by a page's edge heads each page it is on,
    with its count in all."""
    page: list[Requirement] = []
    offset = 0
    for r in requirements:
        first, last = max(start - offset, 0), min(stop - offset, len(r.plates))
        if first < last:
            page.append(Requirement(r.kind, r.code, r.plates[first:last], len(r.plates)))
        offset += len(r.plates)
        if offset >= stop:
            break
    return page


def _has_needs() -> sa.ColumnElement[bool]:
    """Someone with a requirement: a non-empty list or a note. Empty lists
    are written "[]" (or JSON null); the rows are checked again in Python."""
    nothing = ["[]", "null", ""]
    return sa.or_(
        sa.cast(Delegate.dietary, sa.Text).not_in(nothing),
        sa.cast(Delegate.allergens, sa.Text).not_in(nothing),
        sa.func.length(sa.func.trim(sa.func.coalesce(Delegate.dietary_other, ""))) > 0,
        sa.func.length(sa.func.trim(sa.func.coalesce(Delegate.allergens_other, ""))) > 0,
    )


_COLUMNS = (
    Delegate.id,
    # The name's parts, for its list form (festival.registration.names).
    Delegate.full_name,
    Delegate.family_name,
    Delegate.given_names,
    City.name,
    Delegate.status,
    sa.cast(Delegate.dietary, sa.Text),
    Delegate.dietary_other,
    sa.cast(Delegate.allergens, sa.Text),
    Delegate.allergens_other,
)


def table_labels(session_ids: Iterable[int]) -> dict[tuple[int, int], str]:
    """(meal id, delegate id) -> the label of the delegate's table at that
    meal, from its seating plan (festival.protocol), in one query. The Table
    column of the kitchen page and its download appear as soon as any label
    does."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(SeatingPlan.session_id, Seat.delegate_id, SeatingTable.shape, SeatingTable.number)
        .join(Seat, Seat.plan_id == SeatingPlan.id)
        .join(SeatingTable, SeatingTable.id == Seat.table_id)
        .where(SeatingPlan.session_id.in_(ids))
    )
    return {(meal, person): table_label(shape, number) for meal, person, shape, number in rows}


def plates(
    festival: Festival,
    wanted: Iterable[DelegateStatus],
    session_ids: Sequence[int] | None,
) -> dict[int, list[Requirement]]:
    """Per meal id (FESTIVAL for the whole festival, when ``session_ids`` is
    None: every counted delegate), the requirements with their delegates.

    One query: the meals' enrolments (or the festival's delegates) joined to
    the delegates who have any requirement.
    """
    base = (
        sa.select(*_COLUMNS)
        .select_from(Delegate)
        .join(Delegation, Delegate.delegation_id == Delegation.id)
        .join(City, Delegation.city_id == City.id)
        .where(_has_needs())
    )
    if session_ids is None:
        query = base.add_columns(sa.literal(FESTIVAL)).where(Delegation.festival_id == festival.id)
    else:
        meals = sa.select(ProgrammeSession.id).where(
            ProgrammeSession.festival_id == festival.id,
            ProgrammeSession.type.in_(MEAL_TYPES),
            ProgrammeSession.status == SessionStatus.SCHEDULED,
            ProgrammeSession.id.in_(list(session_ids)),
        )
        query = (
            base.add_columns(Attendance.session_id)
            .join(Attendance, Attendance.delegate_id == Delegate.id)
            .where(Attendance.session_id.in_(meals))
        )
    rows = db.session.execute(query).all()
    seats = table_labels(session_ids or ())
    # Each row: the _COLUMNS (id, three name parts, city, status, four needs), then the meal.
    return group_plates(
        ((row[-1], row[0], _name(row), row[4], row[5], tuple(row[6:10])) for row in rows),
        set(wanted),
        seats,
    )


def _name(row: Any) -> str:
    """The list form ("CONTI Sara") of a row's name parts (id, full, family, given, ...)."""
    return names.list_name(names.NameParts(row[1], row[2], row[3]))


def group_plates(
    rows: Iterable[tuple[int, int, str, str, DelegateStatus, Sequence[str | None]]],
    wanted: set[DelegateStatus],
    seats: dict[tuple[int, int], str],
) -> dict[int, list[Requirement]]:
    """(meal, delegate id, name, city, status, the four needs columns) rows ->
    per meal, its requirements (dietary first, then allergens; each most
    frequent first, then by code) with their plates by name.

    A delegate counts once per requirement; free text counts under "other"
    with the note beside the name (as the catering counts do).
    """
    make = _DinerMaker()
    grouped: dict[int, dict[tuple[str, str], list[Plate]]] = defaultdict(dict)
    for meal, delegate_id, name, city, status, needs in rows:
        if status not in wanted:
            continue
        diner = make(*needs)
        seat = seats.get((meal, delegate_id))
        for kind, codes, other in (
            ("dietary", diner.dietary, diner.dietary_other),
            ("allergen", diner.allergens, diner.allergens_other),
        ):
            note = " ".join((other or "").split())
            wanted_codes = {str(code) for code in codes or ()} | ({"other"} if note else set())
            for code in wanted_codes:
                plate = Plate(delegate_id, name, city, note if code == "other" else "", seat)
                grouped[meal].setdefault((kind, code), []).append(plate)
    result: dict[int, list[Requirement]] = {}
    for meal, by_need in grouped.items():
        ordered = sorted(
            by_need.items(), key=lambda kv: (kv[0][0] != "dietary", -len(kv[1]), kv[0][1])
        )
        result[meal] = [
            Requirement(kind, code, sorted(people, key=lambda p: (p.name.casefold(), p.city)))
            for (kind, code), people in ordered
        ]
    return result


def has_tables(groups: Iterable[list[Requirement]]) -> bool:
    """Whether any plate has a table: the Table column shows only then."""
    return any(p.table for reqs in groups for r in reqs for p in r.plates)


def kitchen_table(
    festival_plates: list[Requirement],
    sessions: Sequence[ProgrammeSession],
    by_meal: dict[int, list[Requirement]],
    tz: ZoneInfo,
) -> Table:
    """One table, a "Meal" column first (item 10's convention): the whole
    festival, then each meal in time order; one row per delegate and
    requirement."""
    table = Table(
        _("Kitchen list"),
        [
            _("Meal"),
            _("Starts"),
            _("Kind"),
            _("Requirement"),
            _("Name"),
            _("Delegation"),
            _("Table"),
            _("Note, as written by the delegate"),
        ],
    )
    kinds = {"dietary": _("Dietary"), "allergen": _("Allergen")}
    meals: list[tuple[str, object, list[Requirement]]] = [
        (_("Whole festival"), None, festival_plates)
    ]
    meals += [
        (s.title, s.starts_at.astimezone(tz).replace(tzinfo=None), by_meal.get(s.id, []))
        for s in sessions
    ]
    for title, starts, requirements in meals:
        for r in requirements:
            table.rows += [
                [title, starts, kinds[r.kind], r.label, p.name, p.city, p.table or "", p.note]
                for p in r.plates
            ]
    return table
