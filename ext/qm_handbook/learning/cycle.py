"""Learning-cycle view: measures by phase of the quality development cycle, over time.

A measure's phase follows from its status (``[reports.cycle_phases]`` in
``metamodel.toml``: Planen, Umsetzen, Prüfen, Verankern). The timeline counts the
measures of an institution (or of the whole network) by the quarter of their due
date and by phase, for the six quarters up to the as-of date and the two after it, so
the network sees between two meetings what moved. Measures include the action items
and peer-review findings assigned to the institution, read from the one report result.
The chart is static SVG with ``<title>`` and ``<desc>`` (every number in words); the
same numbers are shown in a table. No Sphinx imports apart from docutils nodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from docutils import nodes

from ..reports.charts import FONT_FAMILY, FONT_SIZE
from ..reports.coverage_model import Measure
from ..reports.views_common import Content, para, table
from .rotation import Quarter, next_quarter, quarter_of

#: quarters shown before (including) and after the as-of quarter
BEFORE, AFTER = 6, 2
PHASE_COLOURS = ("#9db4d6", "#d9a441", "#5b9a68", "#2e5d8a")
WIDTH, LABEL, ROW, GAP, TOP = 640, 110, 18, 8, 10


def quarters_around(as_of: dt.date) -> list[Quarter]:
    """The quarters of the timeline, oldest first."""
    year, q = quarter_of(as_of)
    index = year * 4 + q - 1 - (BEFORE - 1)
    first = (index // 4, index % 4 + 1)
    out = [first]
    while len(out) < BEFORE + AFTER:
        out.append(next_quarter(out[-1]))
    return out


def phase_of(status: str, phases: Mapping[str, Sequence[str]]) -> str:
    return next((p for p, values in phases.items() if status in values), "")


def timeline(
    measures: Iterable[Measure], phases: Mapping[str, Sequence[str]], as_of: dt.date
) -> tuple[list[tuple[Quarter, dict[str, int]]], dict[str, int], int]:
    """(per quarter: counts by phase), totals by phase, measures outside the window or undated."""
    window = quarters_around(as_of)
    rows = {q: dict.fromkeys(phases, 0) for q in window}
    totals = dict.fromkeys(phases, 0)
    outside = 0
    for ms in measures:
        phase = phase_of(ms.status, phases)
        if not phase:
            continue
        totals[phase] += 1
        q = quarter_of(ms.due) if ms.due else None
        if q in rows:
            rows[q][phase] += 1
        else:
            outside += 1
    return [(q, rows[q]) for q in window], totals, outside


def _label(q: Quarter) -> str:
    return f"{q[1]}/{q[0]}"


def timeline_svg(
    chart_id: str, title: str, rows: Sequence[tuple[Quarter, dict[str, int]]], phases: Sequence[str]
) -> str:
    """Stacked horizontal bars, one per quarter, as accessible SVG text."""
    peak = max([sum(c.values()) for _, c in rows] + [1])
    height = TOP * 2 + len(rows) * (ROW + GAP) + ROW
    plot = WIDTH - LABEL - 40
    words = "; ".join(f"{_label(q)}: " + ", ".join(f"{p} {c[p]}" for p in phases) for q, c in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qm-diagramm qm-lernzyklus" role="img" '
        f'font-size="{FONT_SIZE}" font-family="{FONT_FAMILY}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH}px" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape("Maßnahmen je Quartal der Fälligkeit und Phase. " + words)}</desc>',
    ]
    for index, (q, counts) in enumerate(rows):
        y = TOP + index * (ROW + GAP)
        parts.append(f'<text x="{LABEL - 6}" y="{y + ROW - 5}" text-anchor="end">{_label(q)}</text>')
        x = float(LABEL)
        for phase, colour in zip(phases, PHASE_COLOURS, strict=False):
            width = plot * counts[phase] / peak
            if width:
                parts.append(
                    f'<rect class="qm-phase" fill="{colour}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{ROW}">'
                    f"<title>{escape(f'{phase}: {counts[phase]}')}</title></rect>"
                )
            x += width
        parts.append(f'<text x="{x + 6:.1f}" y="{y + ROW - 5}">{sum(counts.values())}</text>')
    y = height - ROW + 4
    x = float(LABEL)
    for phase, colour in zip(phases, PHASE_COLOURS, strict=False):
        parts.append(f'<rect fill="{colour}" x="{x:.1f}" y="{y - 10}" width="10" height="10" />')
        parts.append(f'<text x="{x + 14:.1f}" y="{y}">{escape(phase)}</text>')
        x += 110
    parts.append("</svg>")
    return "".join(parts)


def cycle_view(
    measures: Sequence[Measure], phases: Mapping[str, Sequence[str]], as_of: dt.date, chart_id: str, who: str
) -> list[nodes.Node]:
    """Totals by phase, the timeline chart and its number table."""
    rows, totals, outside = timeline(measures, phases, as_of)
    names = list(phases)
    summary = ", ".join(f"{p}: {n}" for p, n in totals.items())
    out: list[nodes.Node] = [para(f"{who}: {len(measures)} Maßnahmen nach Phase des Entwicklungskreises – {summary}.")]
    svg = timeline_svg(chart_id, f"Lernzyklus {who}", rows, names)
    out.append(nodes.raw("", svg, format="html", classes=["qm-diagramm-rahmen"]))
    body: list[Sequence[Content]] = [[_label(q), *(str(c[p]) for p in names), str(sum(c.values()))] for q, c in rows]
    out.append(table(["Quartal (fällig)", *names, "Summe"], body, classes=["qm-lernzyklus-tabelle"]))
    if outside:
        out.append(
            para(f"{outside} Maßnahmen sind außerhalb dieses Zeitraums fällig oder ohne Termin.", classes=["qm-summe"])
        )
    return out
