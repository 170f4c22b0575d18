"""Translation work on a festival's content: what is missing, editing one
item in every language, and applying an imported file after its preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from festival.booths.models import Booth
from festival.content.registry import KINDS, Kind, Unit, festival_units, kind_rows, units_of
from festival.core import memo
from festival.core.content import i18n_column, set_translation, source_hash
from festival.extensions import db
from festival.festivals.models import Festival
from festival.impressions.models import ImpressionForm
from festival.itineraries.models import ItineraryItem
from festival.programme.models import ProgrammeSession
from festival.registration.models import Delegation


@dataclass(frozen=True)
class Missing:
    """Per language: how many texts lack a translation, and which items."""

    counts: dict[str, int]
    total: int
    # (kind key, id) -> (kind key, id, name, languages it lacks)
    items: list[tuple[str, int, str, list[str]]]


# The kinds whose rows all carry an ``updated_at`` that every edit moves
# (a venue's edit moves its festival's): what the translation page counts of
# them is kept per version of those rows. The few custom impression
# questions have no such column and are counted on each view.
STAMPED = ("festival", "venue", "session", "item", "form", "booth")
# A few festivals, languages and versions of each.
MEMO_ENTRIES = 32

_Partial = tuple[dict[str, int], int, list[tuple[str, int, str, list[str]]]]


def content_stamp(festival: Festival) -> tuple[object, ...]:
    """The version of the festival's stamped rows, in one query: per table,
    the count, the sum of the ids (one row deleted and another added still
    move it) and the latest change."""

    def version(model: Any, *where: Any, join: Any = None) -> sa.Subquery:
        query = sa.select(*memo.version_columns(model))
        if join is not None:
            query = query.join(*join)
        return query.where(*where).subquery()

    parts = [
        version(ProgrammeSession, ProgrammeSession.festival_id == festival.id),
        version(
            ItineraryItem,
            Delegation.festival_id == festival.id,
            join=(Delegation, Delegation.id == ItineraryItem.delegation_id),
        ),
        version(ImpressionForm, ImpressionForm.festival_id == festival.id),
        version(Booth, Booth.festival_id == festival.id),
    ]
    # One row from each.
    joined: Any = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, sa.true())
    row = db.session.execute(
        sa.select(*(column for part in parts for column in part.c)).select_from(joined)
    ).one()
    return (*row, festival.updated_at)


def _kind_missing(festival: Festival, kind: Kind, others: tuple[str, ...]) -> _Partial:
    """What one kind's rows lack, in each of ``others``: counts per language,
    the number of units, and the rows lacking something (in the kind's order)."""
    counts = dict.fromkeys(others, 0)
    total = 0
    lacking: dict[int, tuple[str, set[str]]] = {}
    for row in kind_rows(festival, kind):
        for unit in units_of(kind, row):
            total += 1
            for lang in others:
                if not unit.translations.get(lang):
                    counts[lang] += 1
                    lacking.setdefault(unit.item_id, (unit.name, set()))[1].add(lang)
    items = [
        (kind.key, item_id, name, [lang for lang in others if lang in langs])
        for item_id, (name, langs) in lacking.items()
    ]
    return counts, total, items


def missing(festival: Festival) -> Missing:
    """What is left to translate in each of the festival's other languages."""
    others = tuple(festival.all_content_languages[1:])
    stamped = memo.cached(
        "content.missing",
        (festival.id, others, content_stamp(festival)),
        lambda: {
            kind.key: _kind_missing(festival, kind, others) for kind in KINDS if kind.key in STAMPED
        },
        MEMO_ENTRIES,
    )
    counts = dict.fromkeys(others, 0)
    total = 0
    items: list[tuple[str, int, str, list[str]]] = []
    for kind in KINDS:
        part = stamped[kind.key] if kind.key in stamped else _kind_missing(festival, kind, others)
        for lang, n in part[0].items():
            counts[lang] += n
        total += part[1]
        items += part[2]
    return Missing(counts, total, items)


def set_list_item(row: Any, field: str, index: int, lang: str, text: str) -> bool:
    """One choice of a list field in another language; True if it changed.

    The translated list keeps the default's length (blanks where missing),
    so the n-th choice stays the n-th choice.
    """
    source = list(getattr(row, field) or [])
    if index >= len(source):
        return False
    column = i18n_column(field)
    current = dict(getattr(row, column) or {})
    values = list(current.get(lang) or [])
    values += [""] * (len(source) - len(values))
    text = text.strip()
    if values[index] == text:
        return False
    values[index] = text
    if any(values):
        current[lang] = values[: len(source)]
    else:
        current.pop(lang, None)
    setattr(row, column, current)
    return True


def save_item(festival: Festival, kind: Kind, row: Any, data: dict[str, str]) -> int:
    """Store the texts of one item typed on its translation form; the number
    of texts changed. ``data`` maps ``field__lang`` to the typed text."""
    default = festival.content_language
    changed = 0
    for field in kind.fields:
        for lang in festival.all_content_languages:
            name = f"{field}__{lang}"
            if name not in data:
                continue
            if field in kind.list_fields:
                if lang == default:
                    continue  # choices are worded on the question's own form
                lines = data[name].splitlines()
                for n in range(len(getattr(row, field) or [])):
                    text = lines[n] if n < len(lines) else ""
                    changed += set_list_item(row, field, n, lang, text)
            elif lang != default or data[name].strip():
                # A default text is never blanked from here (titles are required).
                changed += set_translation(row, field, lang, data[name], default)
    return changed


# --- imports --------------------------------------------------------------------


@dataclass(frozen=True)
class Incoming:
    """One translation read from an imported file."""

    key: str
    lang: str
    hash: str
    text: str


@dataclass(frozen=True)
class Change:
    unit: Unit
    lang: str
    old: str
    new: str


@dataclass(frozen=True)
class Refused:
    key: str
    lang: str
    reason: str  # "stale", "unknown", "language"


@dataclass(frozen=True)
class Preview:
    changes: list[Change]
    refused: list[Refused]
    unchanged: int


def preview(festival: Festival, incoming: list[Incoming]) -> Preview:
    """What importing ``incoming`` would change; stale rows (their source
    text changed since the export) and unknown ones are refused."""
    units = {unit.key: unit for unit in festival_units(festival)}
    others = set(festival.all_content_languages[1:])
    changes, refused, unchanged = [], [], 0
    for entry in incoming:
        unit = units.get(entry.key)
        if unit is None:
            refused.append(Refused(entry.key, entry.lang, "unknown"))
        elif entry.lang not in others:
            refused.append(Refused(entry.key, entry.lang, "language"))
        elif source_hash(unit.source) != entry.hash:
            refused.append(Refused(entry.key, entry.lang, "stale"))
        else:
            old = unit.translations.get(entry.lang, "")
            if old == entry.text.strip() or not entry.text.strip():
                unchanged += 1
            else:
                changes.append(Change(unit, entry.lang, old, entry.text.strip()))
    return Preview(changes, refused, unchanged)


def apply(festival: Festival, changes: list[Change]) -> int:
    """Write the previewed changes (already checked against the sources)."""
    from festival.content.registry import BY_KEY, row_of

    done = 0
    for change in changes:
        found = row_of(festival, change.unit.kind, change.unit.item_id)
        if found is None:
            continue
        kind, row = found
        unit = change.unit
        if unit.field in BY_KEY[kind.key].list_fields and unit.index is not None:
            done += set_list_item(row, unit.field, unit.index, change.lang, change.new)
        else:
            done += set_translation(
                row, unit.field, change.lang, change.new, festival.content_language
            )
    return done
