"""Static SVG bar charts for the dashboards (no JavaScript, no plotting library).

A chart is plain SVG text with ``role="img"``, a ``<title>`` and a ``<desc>`` that
lists every value, so screen readers and text browsers get the same numbers. Each
bar carries its value as text next to it; colours only repeat what the text says.
The dashboards always show the same numbers in a table as well.

This module has no Sphinx or docutils imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 70
BAR_HEIGHT = 18
GAP = 8
TOP = 10
#: Readiness thresholds for the bar colour classes (text always shows the value).
BANDS = ((90.0, "hoch"), (60.0, "mittel"), (0.0, "niedrig"))
COLOURS = {"hoch": "#2e7d4f", "mittel": "#b58105", "niedrig": "#b5472b", "leer": "#999999"}


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: label, value in percent (None: not applicable) and the text shown."""

    label: str
    value: float | None
    text: str


FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_SIZE = 11


def band(value: float | None) -> str:
    """Colour band of a readiness value."""
    if value is None:
        return "leer"
    return next(name for limit, name in BANDS if value >= limit)


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], *, description: str = "") -> str:
    """A horizontal bar chart of percentages (0–100) as SVG text.

    :param chart_id: unique within the page (used for the title/desc ids)
    :param title: short accessible title
    :param bars: the bars, top to bottom
    :param description: introduction of the text alternative; the values are appended
    """
    height = TOP * 2 + len(bars) * (BAR_HEIGHT + GAP)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    values = "; ".join(f"{b.label}: {b.text}" for b in bars)
    desc = f"{description} {values}".strip()
    parts = [
        # Font set on the SVG itself: page CSS does not reach inside it (the PDF replaces it by its own font).
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qm-diagramm" role="img" font-size="{FONT_SIZE}" '
        f'font-family="{FONT_FAMILY}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width:{WIDTH}px" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + plot * tick / 100
        parts.append(
            f'<line class="qm-achse" stroke="#cccccc" x1="{x:.1f}" y1="{TOP - 4}" '
            f'x2="{x:.1f}" y2="{height - TOP + 4}" />'
        )
    for index, item in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + GAP)
        width = plot * max(0.0, min(100.0, item.value or 0.0)) / 100
        label = item.label if len(item.label) <= 30 else item.label[:29] + "…"
        parts.append(
            f'<text class="qm-beschriftung" x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 5}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        parts.append(
            f'<rect class="qm-balken qm-band-{band(item.value)}" fill="{COLOURS[band(item.value)]}" '
            f'x="{LABEL_WIDTH}" y="{y}" '
            f'width="{width:.1f}" height="{BAR_HEIGHT}" />'
        )
        parts.append(
            f'<text class="qm-wert" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR_HEIGHT - 5}">'
            f"{escape(item.text)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
