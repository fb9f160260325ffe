"""Institution views: audit view, gap list, measures plan, dashboard and card line.

The audit view follows the auditor's path per quality area: requirement → statement
(status) → evidence (validity) → open measures and findings. Gap lists and the
measures plan can be filtered by options; all views read the build's
:class:`~qm_handbook.reports.coverage_model.CoverageResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docutils import nodes

from ..model.labels import css_token, format_date
from .charts import Bar, bar_chart
from .coverage_model import GAP_KINDS, VALIDITY, Cell, CoverageResult, Gap, InstitutionResult, Measure
from .placeholder import ReportOptions
from .views_common import (
    Content,
    Linker,
    Row,
    bullets,
    formula,
    no_entries,
    para,
    pct,
    readiness_cells,
    ref,
    stand,
    status_node,
    table,
)


def _members(result: CoverageResult, codes: Sequence[str] | None) -> list[InstitutionResult]:
    if not codes:
        return list(result.institutions.values())
    return [result.institutions[c] for c in codes if c in result.institutions]


def _validity(ev_validity: str, valid_until: Any) -> nodes.inline:
    text = VALIDITY[ev_validity]
    if ev_validity in ("gueltig", "laeuft_ab", "abgelaufen") and valid_until:
        text += f" (bis {format_date(valid_until)})"
    elif ev_validity == "gueltig":
        text += " (unbefristet)"
    return nodes.inline(text, text, classes=["qm-gueltigkeit", f"qm-gueltigkeit-{ev_validity}"])


def _measure_line(ms: Measure, link: Linker) -> list[nodes.Node]:
    parts: list[nodes.Node] = [ref(link, ms.docname, ms.id, ms.title), nodes.Text(" – "), status_node(ms.status)]
    if ms.due:
        parts.append(nodes.Text(f", fällig am {format_date(ms.due)}"))
    if ms.overdue:
        parts += [nodes.Text(" "), nodes.inline("überfällig", "überfällig", classes=["qm-ueberfaellig"])]
    return parts


def _audit_row(req_label: list[Content], cell: Cell, link: Linker) -> list[Content]:
    statements = [para(ref(link, s.docname, s.id, s.title), " – ", status_node(s.status)) for s in cell.statements] or [
        para(status_node(cell.status, "fehlt – keine Umsetzung"))
    ]
    evidence = bullets(
        [
            [ref(link, e.docname, e.id, e.title), nodes.Text(": "), _validity(e.validity, e.valid_until)]
            for e in cell.evidence
        ],
        empty="kein Nachweis",
    )
    open_items: list[nodes.Node | Sequence[nodes.Node]] = [_measure_line(m, link) for m in cell.open_measures]
    for fd in cell.open_findings:
        open_items.append(
            [
                nodes.Text(f"Befund ({fd.kind}): "),
                ref(link, fd.docname, fd.id, fd.title),
                nodes.Text(" – "),
                status_node(fd.status),
            ]
        )
    return [para(*req_label), statements, evidence, bullets(open_items, empty="keine offenen Punkte")]


def audit_view(result: CoverageResult, code: str, options: ReportOptions, link: Linker) -> list[nodes.Node]:
    """Per quality area: requirement → statement → evidence → open measures and findings."""
    member = result.institutions[code]
    catalog = result.catalogs[member.catalog]
    wanted = set(options.get("bereich") or [])
    out: list[nodes.Node] = [stand(result)]
    audit = f"; nächstes {member.audit_label} am {format_date(member.audit_date)}" if member.audit_date else ""
    out.append(
        para(
            f"{member.institution.name}: Reifegrad {pct(member.readiness.percent)}{audit}.",
            classes=["qm-zusammenfassung"],
        )
    )
    for area, area_result in zip(catalog.areas, member.areas, strict=True):
        if wanted and area.code not in wanted:
            continue
        out.append(
            nodes.rubric(
                text=f"{area.code} {area.title} – Reifegrad {pct(area_result.readiness.percent)}",
                classes=["qm-bereich"],
            )
        )
        rows = []
        for req in area.requirements:
            label: list[Content] = [
                ref(link, result.requirement_docs.get(req.need_id, ""), req.need_id, f"{req.number} {req.title}")
            ]
            rows.append(
                Row(
                    _audit_row(label, member.cells[req.need_id], link),
                    cell_classes={1: [f"qm-st-{css_token(member.cells[req.need_id].status)}"]},
                )
            )
        out.append(
            table(
                ["Anforderung", "Umsetzung (Status)", "Nachweise (Gültigkeit)", "Offene Maßnahmen und Befunde"],
                rows,
                classes=["qm-auditansicht"],
                widths=[22, 26, 28, 24],
            )
        )
    return out


def gap_list(
    result: CoverageResult,
    codes: Sequence[str] | None,
    kinds: Sequence[str] | None,
    link: Linker,
    *,
    with_partners: bool = True,
) -> list[nodes.Node]:
    """The gaps of some institutions, optionally only some kinds.

    :param with_partners: name the partners that implement each gap's requirement
        (the website; an institution's certification PDF leaves other institutions out)
    """
    members = _members(result, codes)
    gaps = result.gaps([m.code for m in members], kinds or None)
    out: list[nodes.Node] = [stand(result)]
    if not gaps:
        out.append(no_entries("Keine Lücken gefunden."))
        return out
    many = len(members) > 1
    rows: list[Sequence[Content]] = []
    for gap in gaps:
        row: list[Content] = [nodes.inline(gap.label, gap.label, classes=["qm-luecke", f"qm-luecke-{gap.kind}"])]
        if many:
            row.append(gap.institution)
        row += [ref(link, gap.docname, gap.need_id, gap.title), gap.detail]
        rows.append([*row, partners(result, gap, link)] if with_partners else row)
    headers = ["Art", *(["Einrichtung"] if many else []), "Betrifft", "Hinweis"]
    if with_partners:
        headers.append("So machen es die Partner")
    widths = [16, *([8] if many else []), 34, 30, *([20] if with_partners else [])]
    out.append(table(headers, rows, classes=["qm-luecken"], widths=widths))
    summary = ", ".join(
        f"{label}: {sum(1 for g in gaps if g.kind == k)}"
        for k, label in GAP_KINDS.items()
        if any(g.kind == k for g in gaps)
    )
    out.append(para(f"{len(gaps)} Lücken ({summary}).", classes=["qm-summe"]))
    return out


#: at most this many partners are named next to one gap
PARTNERS_SHOWN = 4


def partners(result: CoverageResult, gap: Gap, link: Linker) -> Content:
    """Links to the statements of partners that implement the gap's requirement fully."""
    codes = [c for c in result.implemented_by.get(gap.requirement, ()) if c != gap.institution]
    if not codes:
        return "–"
    node = nodes.inline(classes=["qm-partner"])
    for i, code in enumerate(codes[:PARTNERS_SHOWN]):
        statements = result.institutions[code].cells[gap.requirement].statements
        node += nodes.Text(", " if i else "")
        # The public profile may have removed an internal statement: then the code only.
        node += ref(link, statements[0].docname, statements[0].id, code) if statements else nodes.Text(code)
    if len(codes) > PARTNERS_SHOWN:
        node += nodes.Text(f" und {len(codes) - PARTNERS_SHOWN} weitere")
    return node


def measures_plan(result: CoverageResult, options: ReportOptions, link: Linker) -> list[nodes.Node]:
    """Measures, filtered by institution, status, owner, open or overdue."""
    members = _members(result, options.get("einrichtung"))
    statuses = set(options.get("status") or [])
    owner = str(options.get("verantwortlich") or "").strip().lower()
    rows: list[Sequence[Content]] = []
    overdue = 0
    many = len(members) > 1
    for member in members:
        for ms in sorted(member.measures, key=lambda m: (m.due or result.as_of, m.id)):
            if statuses and ms.status not in statuses:
                continue
            if owner and ms.owner.lower() != owner:
                continue
            if options.get("ueberfaellig") and not ms.overdue:
                continue
            if options.get("offen") and ms.done:
                continue
            due: list[nodes.Node] = [nodes.Text(format_date(ms.due))]
            if ms.overdue:
                overdue += 1
                due += [nodes.Text(" "), nodes.inline("überfällig", "überfällig", classes=["qm-ueberfaellig"])]
            row: list[Content] = [para(ref(link, ms.docname, ms.id, ms.title), f" ({ms.id})")]
            if many:
                row.append(member.code)
            row += [status_node(ms.status), ms.owner, due, ms.source]
            rows.append(row)
    out: list[nodes.Node] = [stand(result)]
    if not rows:
        out.append(no_entries("Keine Maßnahmen für diese Auswahl."))
        return out
    headers = ["Maßnahme", *(["Einrichtung"] if many else []), "Status", "Verantwortlich", "Fällig am", "Quelle"]
    out.append(table(headers, rows, classes=["qm-massnahmenplan"]))
    out.append(para(f"{len(rows)} Maßnahmen, davon {overdue} überfällig.", classes=["qm-summe"]))
    return out


def institution_dashboard(result: CoverageResult, code: str, chart_id: str) -> list[nodes.Node]:
    """Key figures, readiness per quality area (chart and table) and gap counts."""
    member = result.institutions[code]
    out: list[nodes.Node] = [stand(result)]
    open_findings = sum(1 for f in member.findings if not f.closed)
    open_measures = sum(1 for m in member.measures if not m.done)
    figures: list[Sequence[Content]] = [
        ["Reifegrad", pct(member.readiness.percent)],
        ["Anwendbare Anforderungen", str(member.readiness.applicable)],
        ["Lücken", str(len(member.gaps))],
        ["Offene Maßnahmen (davon überfällig)", f"{open_measures} ({len(member.overdue_measures)})"],
        ["Offene Befunde", str(open_findings)],
        ["Nächstes Audit", f"{format_date(member.audit_date)} ({member.audit_label})" if member.audit_date else "–"],
    ]
    out.append(table(["Kennzahl", "Wert"], figures, classes=["qm-kennzahlen"], widths=[60, 40]))
    bars = [Bar(f"{a.code} {a.title}", a.readiness.percent, pct(a.readiness.percent)) for a in member.areas]
    out.append(nodes.rubric(text="Reifegrad je Qualitätsbereich"))
    out.append(
        nodes.raw(
            "",
            bar_chart(
                chart_id, f"Reifegrad je Qualitätsbereich – {member.code}", bars, description="Reifegrad in Prozent."
            ),
            format="html",
        )
    )
    rows = [Row([f"{a.code} {a.title}", *readiness_cells(a.readiness, result.statuses)]) for a in member.areas]
    rows.append(Row(["Gesamt", *readiness_cells(member.readiness, result.statuses)], classes=["qm-summenzeile"]))
    out.append(table(["Qualitätsbereich", *result.statuses, "Reifegrad"], rows, classes=["qm-reifegrad"]))
    counts = member.gap_counts()
    out.append(
        table(
            ["Art der Lücke", "Anzahl"],
            [[label, str(counts[k])] for k, label in GAP_KINDS.items()],
            classes=["qm-lueckenzahlen"],
            widths=[70, 30],
        )
    )
    out.append(formula(result))
    return out


def card_line(result: CoverageResult, code: str) -> list[nodes.Node]:
    """One line for the institution cards: readiness and gap count."""
    member = result.institutions.get(code)
    if member is None:
        return []
    text = f"Reifegrad {pct(member.readiness.percent)} · {len(member.gaps)} Lücken · Stand {format_date(result.as_of)}"
    return [nodes.paragraph(text=text, classes=["qm-card-reifegrad"])]
