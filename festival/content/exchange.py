"""Translations out and back in: XLIFF 2.0 (one target language per file)
and XLSX (one column per language). Every row carries a hash of its source
text, so an import can refuse a translation made from an older source."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from xml.parsers import expat

from openpyxl import Workbook

from festival.cities.tabular import TableError, read_table
from festival.content.registry import FIELD_LABELS, Unit
from festival.content.services import Incoming
from festival.core.cells import FORMULA_STARTS, safe_cell
from festival.core.content import source_hash

XLIFF_NS = "urn:oasis:names:tc:xliff:document:2.0"
_X = "{" + XLIFF_NS + "}"


class ExchangeError(ValueError):
    """A file that cannot be read as a translation export."""


def _context(unit: Unit) -> str:
    return f"{unit.name} · {FIELD_LABELS.get(unit.field, unit.field)}"


def xliff(units: list[Unit], slug: str, source_lang: str, target_lang: str) -> bytes:
    """An XLIFF 2.0 document of ``units``, with their current ``target_lang`` text."""
    ET.register_namespace("", XLIFF_NS)
    root = ET.Element(
        _X + "xliff", {"version": "2.0", "srcLang": source_lang, "trgLang": target_lang}
    )
    file = ET.SubElement(root, _X + "file", {"id": slug})
    for unit in units:
        node = ET.SubElement(file, _X + "unit", {"id": unit.key})
        notes = ET.SubElement(node, _X + "notes")
        ET.SubElement(notes, _X + "note", {"category": "source-hash"}).text = source_hash(
            unit.source
        )
        ET.SubElement(notes, _X + "note", {"category": "context"}).text = _context(unit)
        segment = ET.SubElement(node, _X + "segment")
        ET.SubElement(segment, _X + "source").text = unit.source
        target = unit.translations.get(target_lang)
        if target:
            ET.SubElement(segment, _X + "target").text = target
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _refuse_doctype(*_args: object) -> None:
    raise ExchangeError("doctype")


def _cell(text: str) -> str:
    """A cell's text as typed: the quote ``safe_cell`` put before a formula start goes."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read_xliff(data: bytes) -> list[Incoming]:
    """The translations of an XLIFF 2.0 file made by :func:`xliff`, read
    with expat (like cities.tabular): a DTD is refused, so no entity expands."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    # Our exports never declare a DTD: one could only be there to expand entities.
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = lambda tag, attrs: builder.start(_tag(tag), attrs)
    parser.EndElementHandler = lambda tag: builder.end(_tag(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
        root = builder.close()
    except (expat.ExpatError, AssertionError) as error:
        raise ExchangeError("xml") from error
    if root.tag != _X + "xliff" or not root.get("trgLang"):
        raise ExchangeError("not-xliff")
    lang = root.get("trgLang", "")
    entries = []
    for unit in root.iter(_X + "unit"):
        digest = ""
        for note in unit.iter(_X + "note"):
            if note.get("category") == "source-hash":
                digest = (note.text or "").strip()
        target = unit.find(f"{_X}segment/{_X}target")
        if target is not None and (target.text or "").strip():
            entries.append(Incoming(unit.get("id", ""), lang, digest, target.text or ""))
    return entries


def _tag(name: str) -> str:
    """expat's "ns}local" as ElementTree's "{ns}local"."""
    return "{" + name if "}" in name else name


def xlsx(units: list[Unit], languages: list[str]) -> bytes:
    """A workbook: key, source hash, context, then one column per language
    (the default first, the source)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("translations")
    sheet.append(["key", "source_hash", "context", *languages])
    default = languages[0]
    for unit in units:
        texts = [
            unit.source if lang == default else unit.translations.get(lang, "")
            for lang in languages
        ]
        sheet.append(
            [safe_cell(v) for v in [unit.key, source_hash(unit.source), _context(unit), *texts]]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_xlsx(data: bytes, filename: str, languages: list[str]) -> list[Incoming]:
    """The translations of a workbook made by :func:`xlsx` (or its CSV)."""
    try:
        table = read_table(data, filename)
    except TableError as error:
        raise ExchangeError("table") from error
    header = [h.strip() for h in table.header]
    if "key" not in header or "source_hash" not in header:
        raise ExchangeError("columns")
    at = {name: n for n, name in enumerate(header)}
    entries = []
    for _line, cells in table.rows:
        cells = cells + [""] * (len(header) - len(cells))
        key, digest = cells[at["key"]].strip(), cells[at["source_hash"]].strip()
        for lang in languages[1:]:
            if lang in at and cells[at[lang]].strip():
                entries.append(Incoming(key, lang, digest, _cell(cells[at[lang]])))
    return entries
