"""Gaps of one institution: what is missing or late, for gap lists and dashboards.

:mod:`qm_handbook.reports.coverage` calls these functions while it computes an
:class:`~qm_handbook.reports.coverage_model.InstitutionResult`. Gap kinds and their German
labels are :data:`~qm_handbook.reports.coverage_model.GAP_KINDS`; gaps are sorted by kind (in
that order), then by date, and otherwise keep catalog (or source) order. No Sphinx
imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..model.catalog import Requirement
from ..model.institutions import Institution
from ..model.labels import format_date
from ..model.metamodel import ReportRules
from .coverage_model import GAP_KINDS, Cell, Evidence, Finding, Gap, Measure, PageInfo


def requirement_gaps(
    inst: Institution, req: Requirement, cell: Cell, rules: ReportRules, needs: Mapping[str, Mapping[str, Any]]
) -> list[Gap]:
    """A requirement without statement, or with a status that needs evidence but has none released."""
    label = f"{req.number} {req.title}"
    if cell.status == rules.missing_status:
        need = needs.get(req.need_id, {})
        return [
            Gap(
                kind="ohne_umsetzung",
                institution=inst.code,
                title=label,
                detail="keine Umsetzung im Handbuch der Einrichtung",
                docname=str(need.get("docname") or ""),
                need_id=req.need_id,
                requirement=req.need_id,
            )
        ]
    if cell.status in rules.needs_evidence and not any(e.status in rules.evidence_valid for e in cell.evidence):
        drafts = [e for e in cell.evidence if e.validity == "nicht_freigegeben"]
        detail = f"Status „{cell.status}“, aber kein freigegebener Nachweis"
        if drafts:
            detail += f" (nur {', '.join(e.status for e in drafts)})"
        first = next(s for s in cell.statements if s.status != rules.not_applicable)
        return [
            Gap(
                kind="ohne_nachweis",
                institution=inst.code,
                title=label,
                detail=detail,
                docname=first.docname,
                need_id=first.id,
                requirement=req.need_id,
            )
        ]
    return []


def item_gaps(
    inst: Institution,
    evidence: Sequence[Evidence],
    measures: Sequence[Measure],
    findings: Sequence[Finding],
    audit: dt.date | None,
    audit_label: str,
) -> list[Gap]:
    """Expired or expiring evidence, overdue measures, findings without a measure."""
    gaps = []
    for ev in evidence:
        if ev.validity == "abgelaufen":
            detail = f"gültig bis {format_date(ev.valid_until)}"
            gaps.append(_gap("nachweis_abgelaufen", inst, ev.title, detail, ev, ev.valid_until))
        elif ev.validity == "laeuft_ab":
            detail = f"gültig bis {format_date(ev.valid_until)}, {audit_label} am {format_date(audit)}"
            gaps.append(_gap("nachweis_laeuft_ab", inst, ev.title, detail, ev, ev.valid_until))
    for ms in measures:
        if ms.overdue:
            detail = f"fällig am {format_date(ms.due)}, Status „{ms.status}“"
            gaps.append(_gap("massnahme_ueberfaellig", inst, ms.title, detail, ms, ms.due))
    for fd in findings:
        if fd.needs_measure:
            detail = f"{fd.kind} ({fd.audit}), Status „{fd.status}“; keine Maßnahme behebt den Befund"
            gaps.append(_gap("befund_ohne_massnahme", inst, fd.title, detail, fd, fd.found_on))
    return gaps


def review_gaps(inst: Institution, pages: Sequence[tuple[str, PageInfo]], as_of: dt.date) -> list[Gap]:
    """Pages of the institution whose next review date has passed."""
    return [
        Gap(
            kind="pruefung_ueberfaellig",
            institution=inst.code,
            title=info.title,
            detail=f"nächste Prüfung war am {format_date(info.next_review)} fällig",
            docname=docname,
            date=info.next_review,
        )
        for docname, info in pages
        if info.next_review is not None and info.next_review < as_of
    ]


def sort_gaps(gaps: list[Gap]) -> None:
    """Sort in place by kind (order of ``GAP_KINDS``), then date; stable within both."""
    kind_order = list(GAP_KINDS)
    gaps.sort(key=lambda g: (kind_order.index(g.kind), g.date or dt.date.max))


def _gap(kind: str, inst: Institution, title: str, detail: str, ref: Any, date: dt.date | None) -> Gap:
    return Gap(
        kind=kind, institution=inst.code, title=title, detail=detail, docname=ref.docname, need_id=ref.id, date=date
    )
