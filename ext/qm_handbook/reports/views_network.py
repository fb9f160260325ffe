"""Network views: the matrix, the side-by-side view, readiness tables and the network dashboard.

All views read the :class:`~qm_handbook.reports.coverage_model.CoverageResult` of the build
and return docutils nodes. The matrix shows requirements × institutions; every cell
shows the status as text (with a colour class) and links to the statement. The
side-by-side view shows how each institution implements one requirement, so
partners can learn from each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docutils import nodes

from ..model.labels import css_token, format_date
from .charts import Bar, bar_chart
from .coverage_model import GAP_KINDS, CoverageResult, InstitutionResult
from .placeholder import ReportOptions
from .views_common import (
    Content,
    Linker,
    Row,
    formula,
    no_entries,
    para,
    pct,
    readiness_cells,
    ref,
    ref_to,
    stand,
    status_node,
    table,
    warning_box,
)


def _catalog_key(result: CoverageResult, options: ReportOptions) -> str | None:
    wanted = options.get("katalog")
    if wanted:
        return str(wanted) if wanted in result.catalogs else None
    used = [r.catalog for r in result.institutions.values()]
    return used[0] if used else next(iter(result.catalogs), None)


def _selected(result: CoverageResult, codes: Sequence[str] | None, catalog: str | None) -> list[InstitutionResult]:
    members = [r for r in result.institutions.values() if catalog is None or r.catalog == catalog]
    if codes:
        members = [r for r in members if r.code in codes]
    return members


def _legend(members: Sequence[InstitutionResult], link: Linker, prefix: dict[str, str]) -> nodes.paragraph:
    parts: list[Content] = ["Spalten: "]
    for index, member in enumerate(members):
        if index:
            parts.append(" · ")
        parts.append(f"{member.code} = ")
        parts.append(
            ref(link, prefix.get(member.code, ""), "", member.institution.short_name or member.institution.name)
        )
    return para(*parts, classes=["qm-legende"])


def matrix_view(
    result: CoverageResult, options: ReportOptions, link: Linker, index_docs: dict[str, str]
) -> list[nodes.Node]:
    """Requirements × institutions with status text per cell.

    :param index_docs: institution code → docname of its start page (for the legend)
    """
    key = _catalog_key(result, options)
    if key is None:
        return [warning_box(f"Der Katalog „{options.get('katalog')}“ ist nicht vorhanden.")]
    catalog = result.catalogs[key]
    members = _selected(result, options.get("einrichtung"), key)
    headers = ["Nr.", "Anforderung", *(m.code for m in members), "Netzwerk"]
    rows: list[Row] = []
    for area in catalog.areas:
        area_result = result.area_readiness.get((key, area.code))
        title = f"{area.code} {area.title}"
        if area_result is not None:
            title += f" – Reifegrad im Netzwerk {pct(area_result.readiness.percent)}"
        rows.append(Row([title], classes=["qm-bereichszeile"]))
        for req in area.requirements:
            cells: list[Content] = [
                req.number,
                ref(link, result.requirement_docs.get(req.need_id, ""), req.need_id, req.title),
            ]
            classes: dict[int, Any] = {}
            for index, member in enumerate(members, start=2):
                cell = member.cells[req.need_id]
                target = cell.statements[0] if cell.statements else None
                label = status_node(cell.status)
                if target is not None:
                    cells.append(ref(link, target.docname, target.id, cell.status, classes=["qm-zelllink"]))
                else:
                    cells.append(label)
                classes[index] = ["qm-zelle", f"qm-st-{css_token(cell.status)}"]
            cells.append(pct(result.requirement_readiness[req.need_id].percent))
            rows.append(Row(cells, cell_classes=classes))
    rows.append(
        Row(
            ["", "Reifegrad", *(pct(m.readiness.percent) for m in members), pct(result.readiness.percent)],
            classes=["qm-summenzeile"],
        )
    )
    out: list[nodes.Node] = [stand(result)]
    out.append(table(headers, rows, classes=["qm-matrix"], widths=[6, 34, *([8] * len(members)), 9]))
    out.append(_legend(members, link, index_docs))
    out.append(formula(result))
    return out


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One institution's row of the side-by-side view: all it shows, links resolved."""

    label: str
    status: str
    #: (link target or None, title, excerpt) per statement
    statements: tuple[tuple[str | None, str, str], ...]
    valid_evidence: int


@dataclass(frozen=True, slots=True)
class ComparisonData:
    """Everything the side-by-side view of one requirement shows (equal data, equal output)."""

    as_of: str
    summary: str
    rows: tuple[ComparisonRow, ...]


def comparison_data(result: CoverageResult, requirement: str, link: Linker) -> ComparisonData:
    """The data of the side-by-side view of ``requirement``."""
    rows: list[ComparisonRow] = []
    for member in result.institutions.values():
        cell = member.cells.get(requirement)
        if cell is None:
            continue
        statements = tuple(
            (link(st.docname, st.id) if st.docname else None, st.title, st.excerpt) for st in cell.statements
        )
        valid = sum(1 for e in cell.evidence if e.validity in ("gueltig", "laeuft_ab"))
        rows.append(ComparisonRow(f"{member.code} {member.institution.short_name}", cell.status, statements, valid))
    readiness = result.requirement_readiness.get(requirement)
    summary = f"Reifegrad im Netzwerk: {pct(readiness.percent) if readiness else '–'}"
    return ComparisonData(format_date(result.as_of), summary, tuple(rows))


def comparison_view(result: CoverageResult, requirement: str, link: Linker) -> list[nodes.Node]:
    """How every institution implements one requirement."""
    return render_comparison(comparison_data(result, requirement, link))


def render_comparison(data: ComparisonData) -> list[nodes.Node]:
    """The side-by-side view from its data alone."""
    rows: list[Sequence[Content]] = []
    for row in data.rows:
        if row.statements:
            text: list[nodes.Node] = [
                para(ref_to(uri, title, classes=["qm-titel"]), ": ", excerpt) for uri, title, excerpt in row.statements
            ]
        else:
            text = [no_entries("keine Umsetzung beschrieben")]
        rows.append([row.label, status_node(row.status), text, str(row.valid_evidence)])
    box = nodes.container(classes=["qm-vergleich"])
    box += nodes.rubric(text="So setzen die Einrichtungen die Anforderung um")
    box += para(f"Stand: {data.as_of} · {data.summary}", classes=["qm-stand"])
    if rows:
        box += table(["Einrichtung", "Status", "Umsetzung", "gültige Nachweise"], rows, widths=[18, 12, 60, 10])
    else:
        box += no_entries("Keine Einrichtung verwendet diesen Katalog.")
    return [box]


def readiness_view(result: CoverageResult, options: ReportOptions) -> list[nodes.Node]:
    """Readiness per institution (network) or per quality area (one institution)."""
    codes = options.get("einrichtung")
    headers_tail = [*result.statuses, "Reifegrad"]
    out: list[nodes.Node] = [stand(result)]
    if codes and len(codes) == 1 and codes[0] in result.institutions:
        member = result.institutions[codes[0]]
        rows: list[Row] = [
            Row([f"{a.code} {a.title}", *readiness_cells(a.readiness, result.statuses)]) for a in member.areas
        ]
        rows.append(Row(["Gesamt", *readiness_cells(member.readiness, result.statuses)], classes=["qm-summenzeile"]))
        out.append(table(["Qualitätsbereich", *headers_tail], rows, classes=["qm-reifegrad"]))
    else:
        members = _selected(result, codes, None)
        rows = [
            Row([f"{m.code} {m.institution.short_name}", *readiness_cells(m.readiness, result.statuses)])
            for m in members
        ]
        rows.append(Row(["Netzwerk", *readiness_cells(result.readiness, result.statuses)], classes=["qm-summenzeile"]))
        out.append(table(["Einrichtung", *headers_tail], rows, classes=["qm-reifegrad"]))
    out.append(formula(result))
    return out


def network_dashboard(
    result: CoverageResult, link: Linker, index_docs: dict[str, str], chart_id: str
) -> list[nodes.Node]:
    """Readiness per institution and per area as charts, plus gap counts in a table."""
    out: list[nodes.Node] = [stand(result)]
    members = list(result.institutions.values())
    bars = [Bar(f"{m.code} {m.institution.short_name}", m.readiness.percent, pct(m.readiness.percent)) for m in members]
    bars.append(Bar("Netzwerk", result.readiness.percent, pct(result.readiness.percent)))
    out.append(nodes.rubric(text="Reifegrad je Einrichtung"))
    out.append(
        nodes.raw(
            "",
            bar_chart(f"{chart_id}-e", "Reifegrad je Einrichtung", bars, description="Reifegrad in Prozent."),
            format="html",
        )
    )
    kinds = list(GAP_KINDS)
    rows: list[Row] = []
    for m in members:
        counts = m.gap_counts()
        name: list[nodes.Node] = [
            para(ref(link, index_docs.get(m.code, ""), "", f"{m.code} {m.institution.short_name}"))
        ]
        if m.audit_date:
            name.append(para(f"{m.audit_label}: {format_date(m.audit_date)}", classes=["qm-audittermin"]))
        rows.append(Row([name, pct(m.readiness.percent), str(len(m.gaps)), *(str(counts[k]) for k in kinds)]))
    totals = [sum(m.gap_counts()[k] for m in members) for k in kinds]
    rows.append(
        Row(
            ["Netzwerk", pct(result.readiness.percent), str(sum(totals)), *(str(t) for t in totals)],
            classes=["qm-summenzeile"],
        )
    )
    out.append(nodes.rubric(text="Kennzahlen je Einrichtung"))
    out.append(
        table(
            ["Einrichtung (nächstes Audit)", "Reifegrad", "Lücken", *GAP_KINDS.values()],
            rows,
            classes=["qm-kennzahlen"],
        )
    )
    area_bars = []
    area_rows: list[Row] = []
    for (catalog, _code), area in result.area_readiness.items():
        label = f"{area.code} {area.title}" + (f" ({catalog})" if len(result.catalogs) > 1 else "")
        area_bars.append(Bar(label, area.readiness.percent, pct(area.readiness.percent)))
        area_rows.append(Row([label, *readiness_cells(area.readiness, result.statuses)]))
    if area_bars:
        out.append(nodes.rubric(text="Reifegrad je Qualitätsbereich im Netzwerk"))
        out.append(
            nodes.raw(
                "",
                bar_chart(
                    f"{chart_id}-b",
                    "Reifegrad je Qualitätsbereich im Netzwerk",
                    area_bars,
                    description="Reifegrad in Prozent über alle Einrichtungen.",
                ),
                format="html",
            )
        )
        out.append(table(["Qualitätsbereich", *result.statuses, "Reifegrad"], area_rows, classes=["qm-reifegrad"]))
    out.append(formula(result))
    return out
