"""Translation work on a festival's content: what is missing, editing one
item in every language, and applying an imported file after its preview."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from festival.content.registry import Kind, Unit, festival_units
from festival.core.content import i18n_column, set_translation, source_hash
from festival.festivals.models import Festival


@dataclass(frozen=True)
class Missing:
    """Per language: how many texts lack a translation, and which items."""

    counts: dict[str, int]
    total: int
    # (kind key, id) -> (kind key, id, name, languages it lacks)
    items: list[tuple[str, int, str, list[str]]]


def missing(festival: Festival) -> Missing:
    """What is left to translate in each of the festival's other languages."""
    units = festival_units(festival)
    others = festival.all_content_languages[1:]
    counts: Counter[str] = Counter({lang: 0 for lang in others})
    lacking: dict[tuple[str, int], tuple[str, set[str]]] = {}
    for unit in units:
        for lang in others:
            if not unit.translations.get(lang):
                counts[lang] += 1
                lacking.setdefault((unit.kind, unit.item_id), (unit.name, set()))[1].add(lang)
    items = [
        (kind, item_id, name, [lang for lang in others if lang in langs])
        for (kind, item_id), (name, langs) in lacking.items()
    ]
    return Missing(dict(counts), len(units), items)


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
