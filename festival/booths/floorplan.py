"""The floor plan as SVG: each hall a grid of numbered stands, booths on theirs.

A pure function of plain values, so the public map, the organisers' print
and the tests draw the same picture. Printable on A4 (a viewBox, no fixed
size) and readable without colour (a taken stand carries its city's name).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

CELL_W, CELL_H, GAP, HALL_GAP, TITLE_H = 120, 64, 6, 28, 30
# Presentation attributes, not a <style>: the pages' Content-Security-Policy
# (style-src 'self') would drop an inline style sheet, in the page and in the file.
FREE = Markup('fill="#fff" stroke="#888"')
TAKEN = Markup('fill="#e8f0fb" stroke="#1d4f91" stroke-width="2"')


@dataclass(frozen=True)
class Hall:
    id: int
    name: str
    rows: int
    columns: int


@dataclass(frozen=True)
class Stand:
    """A booth on a stand: its number in its hall and what the stand shows."""

    title: str
    city: str
    href: str = ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg(halls: Sequence[Hall], placed: Mapping[tuple[int, int], Stand], title: str) -> Markup:
    """The SVG document: ``placed`` maps (hall id, stand number) to its booth."""
    width = max((h.columns for h in halls), default=1) * (CELL_W + GAP) + GAP
    parts: list[Markup] = []
    y = 0
    for hall in halls:
        parts.append(
            Markup('<text x="{}" y="{}" font-size="18" font-weight="bold">{}</text>').format(
                GAP, y + TITLE_H - 8, hall.name
            )
        )
        y += TITLE_H
        for number in range(1, hall.rows * hall.columns + 1):
            row, column = divmod(number - 1, hall.columns)
            x, top = GAP + column * (CELL_W + GAP), y + row * (CELL_H + GAP)
            stand = placed.get((hall.id, number))
            cell = Markup(
                '<rect x="{}" y="{}" width="{}" height="{}" {}/>'
                '<text x="{}" y="{}" font-size="12" fill="#555">{}</text>'
            ).format(x, top, CELL_W, CELL_H, TAKEN if stand else FREE, x + 6, top + 16, number)
            if stand:
                cell += Markup(
                    '<text x="{}" y="{}" font-size="13" font-weight="bold">{}</text>'
                    '<text x="{}" y="{}" font-size="11">{}</text>'
                ).format(
                    x + 6, top + 36, _clip(stand.city, 16), x + 6, top + 54, _clip(stand.title, 18)
                )
                label = f"{number}: {stand.city}, {stand.title}"
                inner = Markup("<title>{}</title>").format(label) + cell
                if stand.href:
                    cell = Markup('<a href="{}">{}</a>').format(stand.href, inner)
                else:
                    cell = Markup("<g>{}</g>").format(inner)
            parts.append(cell)
        y += hall.rows * (CELL_H + GAP) + HALL_GAP
    height = max(y, TITLE_H)
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" '
        'aria-labelledby="floor-plan-title" font-family="sans-serif">'
        '<title id="floor-plan-title">{}</title>'
    ).format(width, height, title)
    return head + Markup("").join(parts) + Markup("</svg>")
