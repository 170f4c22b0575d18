"""Printable SVG diagrams: a seating plan and a photo line-up.

Built as strings (every text escaped): a plan of 600 tables is drawn in
a few tens of milliseconds, where a template loop would take far longer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from festival.protocol import precedence
from festival.protocol.labels import diet_text, person_name, table_label
from festival.protocol.models import RankClass
from festival.protocol.seating import TableView

MAX_WIDTH = 1600
NAME_CHARS = 24


def _text(
    x: float,
    y: float,
    text: str,
    size: int = 11,
    *,
    weight: str = "",
    limit: int | None = NAME_CHARS,
) -> str:
    """A centred <text>; cut to ``limit`` characters (the whole in a <title>)."""
    bold = ' font-weight="bold"' if weight else ""
    short = text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
    title = f"<title>{escape(text)}</title>" if short != text else ""
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" text-anchor="middle"{bold}>'
        f"{title}{escape(short)}</text>"
    )


def _seat(x: float, y: float, number: int, guest: precedence.Person | None) -> list[str]:
    fill = "#fff" if guest is None else "#e8eef8"
    parts = [
        f'<circle cx="{x:.0f}" cy="{y:.0f}" r="11" fill="{fill}" stroke="#333"/>',
        _text(x, y + 4, str(number), 10),
    ]
    if guest is not None:
        parts.append(_text(x, y + 25, person_name(guest), 11))
        diet = diet_text(guest)
        if diet:
            parts.append(_text(x, y + 38, "◆ " + diet, 9))
    return parts


def _table_size(view: TableView) -> tuple[float, float]:
    seats = view.table.seats
    if view.table.shape.value == "round":
        radius = max(70.0, seats * 11.0)
        return 2 * radius + 200, 2 * radius + 200
    return seats * 130 + 40, 200


def _draw_table(view: TableView, x0: float, y0: float) -> list[str]:
    table, guests = view.table, view.by_seat
    w, h = _table_size(view)
    parts = [_text(x0 + w / 2, y0 + 18, table_label(table.shape, table.number), 14, weight="bold")]
    if table.shape.value == "round":
        radius = max(70.0, table.seats * 11.0)
        cx, cy = x0 + w / 2, y0 + h / 2
        parts.append(
            f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="{radius - 25:.0f}" '
            'fill="#f6f1e7" stroke="#333"/>'
        )
        for k in range(table.seats):
            # Seat 1 at the top; the numbers run to its right as the head sees it
            # (facing the table's centre): anticlockwise on paper.
            angle = -math.pi / 2 - 2 * math.pi * k / table.seats
            x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
            guest = guests.get(k + 1)
            parts += _seat(x, y, k + 1, guest.person if guest else None)
    else:
        if table.shape.value == "long":
            parts.append(
                f'<rect x="{x0 + 20:.0f}" y="{y0 + 60:.0f}" width="{w - 40:.0f}" height="30" '
                'fill="#f6f1e7" stroke="#333"/>'
            )
        for k in range(table.seats):
            guest = guests.get(k + 1)
            parts += _seat(x0 + 85 + k * 130, y0 + 45, k + 1, guest.person if guest else None)
    return parts


def plan_svg(views: Sequence[TableView], title: str) -> str:
    """The whole plan: tables flowed left to right, in rows, head table first."""
    parts: list[str] = []
    x = y = 0.0
    row_height = 0.0
    top = 40.0
    width = 0.0
    for view in views:
        w, h = _table_size(view)
        if x and x + w > MAX_WIDTH:
            x, y = 0.0, y + row_height
            row_height = 0.0
        parts += _draw_table(view, x, top + y)
        x += w
        width = max(width, x)
        row_height = max(row_height, h)
    height = top + y + row_height
    width = max(width, 400)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" role="img">'
        f"<title>{escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="#fff"/>'
        + _text(width / 2, 26, title, 18, weight="bold", limit=None)
    )
    return head + "".join(parts) + "</svg>"


def lineup_svg(lineup: Sequence[precedence.Standing], title: str, caption: str) -> str:
    """The photo line-up as the camera sees it: a figure per person, the
    rank above, the name below."""
    step = 150
    width = max(len(lineup) * step + 40, 400)
    height = 260
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" role="img">',
        f"<title>{escape(title)}</title>",
        '<rect width="100%" height="100%" fill="#fff"/>',
        _text(width / 2, 28, title, 18, weight="bold", limit=None),
        _text(width / 2, height - 12, caption, 11, limit=None),
    ]
    for n, standing in enumerate(lineup):
        cx = 20 + step * n + step / 2
        fill = "#c9a227" if standing.rank_class == RankClass.HOST else "#e8eef8"
        parts.append(_text(cx, 70, str(standing.rank), 14, weight="bold"))
        parts.append(f'<circle cx="{cx:.0f}" cy="100" r="16" fill="{fill}" stroke="#333"/>')
        parts.append(
            f'<rect x="{cx - 22:.0f}" y="120" width="44" height="60" rx="10" '
            'fill="#e8eef8" stroke="#333"/>'
        )
        parts.append(_text(cx, 200, person_name(standing.person), 11))
        parts.append(_text(cx, 215, standing.person.city_name, 10))
    parts.append("</svg>")
    return "".join(parts)
