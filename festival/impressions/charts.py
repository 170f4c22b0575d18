"""Server-rendered SVG bar charts: pure functions, no request, no database.

Accessible: role="img" with a <title> and a <desc> the SVG is labelled by,
and every page that shows a chart also shows its numbers in a table. No
style attributes (the CSP forbids inline styles): colours and sizes are SVG
presentation attributes, and the page's CSS scales the whole drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

BAR_COLOUR = "#1d5fa8"
TRACK_COLOUR = "#e8ecf1"
TEXT_COLOUR = "#1b1f24"

WIDTH = 520
ROW = 30
BAR = 20
GAP_TOP = 8
LABEL_WIDTH = 200
VALUE_WIDTH = 90


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length (in the chart's unit) and the text shown after it."""

    label: str
    value: float
    shown: str


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    description: str,
    max_value: float | None = None,
    label_chars: int = 26,
    compact: bool = False,
) -> Markup:
    """A horizontal bar chart as an inline <svg> element.

    ``chart_id`` must be unique on the page (it names the title and desc).
    Bars scale to ``max_value`` (default: the largest value). ``compact``
    draws thinner rows, for long lists.
    """
    row, bar_height, font = (18, 12, 11) if compact else (ROW, BAR, 13)
    top = max_value if max_value is not None else max((b.value for b in bars), default=0)
    top = top or 1
    track = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = GAP_TOP * 2 + row * max(len(bars), 1)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img"'
        f' aria-labelledby="{title_id} {desc_id}" font-family="sans-serif" font-size="{font}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = GAP_TOP + index * row
        middle = y + row / 2
        length = max(0.0, min(bar.value, top)) / top * track
        parts.append("<g>")
        # "Très bien : 2 (67 %)": the punctuation of the reader's language.
        named = _("%(label)s: %(count)s", label=bar.label, count=bar.shown)
        parts.append(f"<title>{escape(named)}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end"'
            f' dominant-baseline="middle" fill="{TEXT_COLOUR}">'
            f"{escape(_shorten(bar.label, label_chars))}</text>"
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + (row - bar_height) / 2:.1f}" width="{track}"'
            f' height="{bar_height}" rx="3" fill="{TRACK_COLOUR}"/>'
        )
        if length > 0:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + (row - bar_height) / 2:.1f}" width="{length:.1f}"'
                f' height="{bar_height}" rx="3" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + track + 8}" y="{middle:.1f}"'
            f' dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(bar.shown)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    # Every piece of text above went through escape(): the markup is ours.
    return Markup("".join(parts))  # noqa: S704
