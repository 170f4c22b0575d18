"""How protocol values read on a page: names, cards, classes, rules, seats.

Every place this package shows a person's name goes through
:func:`person_name` (and a place card through :func:`card_lines`), so the
name forms of the names module can replace ``full_name`` in one place.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.protocol.models import EqualRankRule, RankClass, TableShape
from festival.registration import names
from festival.registration.labels import allergen_label, dietary_label


def _parts(delegate: Any) -> names.NameParts:
    """The name columns of a Delegate, or of a row that selected them."""
    return names.NameParts(
        delegate.full_name,
        getattr(delegate, "family_name", None),
        getattr(delegate, "given_names", None),
        getattr(delegate, "name_order", None),
        getattr(delegate, "native_name", None),
    )


def person_name(delegate: Any) -> str:
    """A person's name as lists show it: "YAMAMOTO Tatsuji" (names.list_name)."""
    return names.list_name(_parts(delegate))


def card_lines(delegate: Any) -> tuple[str | None, str]:
    """A place card's two lines: the name in the person's own script (None
    when not on file), above the romanised name (names.badge_lines)."""
    lines = names.badge_lines(_parts(delegate))
    return (lines[0] if len(lines) > 1 else None), lines[-1]


CLASS_LABELS = {
    RankClass.HOST: _l("Host"),
    RankClass.MAYOR: _l("Mayor"),
    RankClass.DEPUTY_MAYOR: _l("Deputy mayor"),
    RankClass.HEAD_OF_ORGANISATION: _l("Head of an organisation"),
    RankClass.OFFICIAL: _l("Official"),
    RankClass.OTHER: _l("Others"),
}

RULE_LABELS = {
    EqualRankRule.ALPHABETICAL: _l("Alphabetical order of city names in the host's language"),
    EqualRankRule.JOINING_YEAR: _l("Year the city joined the network"),
    EqualRankRule.MANUAL: _l("The organisers' own order of cities"),
}

SHAPE_LABELS = {
    TableShape.ROUND: _l("Round table"),
    TableShape.LONG: _l("Long table"),
    TableShape.ROW: _l("Row"),
}


def class_label(value: int) -> str:
    return str(CLASS_LABELS[RankClass(value)])


def rule_label(rule: EqualRankRule | str) -> str:
    return str(RULE_LABELS[EqualRankRule(rule)])


def shape_label(shape: TableShape | str) -> str:
    return str(SHAPE_LABELS[TableShape(shape)])


def seat_label(shape: TableShape | str, number: int, seat: int) -> str:
    """ "Table 3, seat 5" (or "Row 3, seat 5")."""
    if TableShape(shape) == TableShape.ROW:
        return _("Row %(number)s, seat %(seat)s", number=number, seat=seat)
    return _("Table %(number)s, seat %(seat)s", number=number, seat=seat)


def table_label(shape: TableShape | str, number: int) -> str:
    if TableShape(shape) == TableShape.ROW:
        return _("Row %(number)s", number=number)
    return _("Table %(number)s", number=number)


def diet_text(delegate: Any) -> str:
    """Dietary needs and allergens in one short line ("" when none)."""
    if not (
        delegate.dietary or delegate.dietary_other or delegate.allergens or delegate.allergens_other
    ):
        return ""
    return _diet_text(
        tuple(delegate.dietary or ()),
        delegate.dietary_other,
        tuple(delegate.allergens or ()),
        delegate.allergens_other,
        str(get_locale()),
    )


@functools.lru_cache(maxsize=1024)
def _diet_text(
    dietary: tuple[str, ...],
    dietary_other: str | None,
    allergens_keys: tuple[str, ...],
    allergens_other: str | None,
    _locale: str,
) -> str:
    """The line for one combination of needs, in one language (a plan of
    thousands of seats has a few dozen combinations: each translated once)."""
    delegate = SimpleNamespace(
        dietary=dietary,
        dietary_other=dietary_other,
        allergens=allergens_keys,
        allergens_other=allergens_other,
    )
    parts = [dietary_label(k) for k in delegate.dietary or []]
    if delegate.dietary_other:
        parts.append(delegate.dietary_other)
    allergens = [allergen_label(k) for k in delegate.allergens or []]
    if delegate.allergens_other:
        allergens.append(delegate.allergens_other)
    if allergens:
        parts.append(_("allergies: %(list)s", list=", ".join(allergens)))
    return "; ".join(parts)
