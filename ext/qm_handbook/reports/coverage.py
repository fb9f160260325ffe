"""The one computation behind every report: status, evidence, gaps and readiness.

Once per build, when sphinx-needs has resolved all needs, :func:`compute_coverage`
turns the needs (plain mappings, as sphinx-needs provides them), the institution
registry, the catalogs, the page control data and the as-of date into a
:class:`~qm_handbook.reports.coverage_model.CoverageResult`. The matrix, the audit views, gap
lists, the measures plan, the dashboards, the side-by-side view, ``metrics.json``, the
CSV/XLSX exports and the terminal report all read this result; none of them looks at
the needs again.

Rules (documented for users in ``handbook/mitarbeit/auswertungen.md``):

* Only needs on an institution's own pages count for it.
* A requirement without any Umsetzung has the status ``fehlt``. With several
  Umsetzungen the least advanced status counts; an unknown status counts as the
  least advanced applicable one.
* Evidence of a statement: Nachweise that ``belegt`` the statement, the requirement
  (from the same institution) or a process the statement is ``beschrieben_in``.
* Readiness = Σ weight(status) / applicable requirements × 100, weights from
  ``metamodel.toml`` (umgesetzt 1, teilweise 0.5, others 0); ``nicht anwendbar``
  is left out of the denominator.

Everything is indexed in one pass over the needs, so the cost grows linearly with
the number of needs. The gap rules live in :mod:`qm_handbook.reports.coverage_gaps`. This
module has no Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..model.catalog import Catalog, Requirement
from ..model.institutions import Institution
from ..model.labels import parse_date
from ..model.metamodel import Metamodel, ReportRules
from .coverage_gaps import item_gaps, requirement_gaps, review_gaps, sort_gaps
from .coverage_model import (
    AreaResult,
    Cell,
    CoverageResult,
    Evidence,
    Finding,
    Gap,
    InstitutionResult,
    Measure,
    PageInfo,
    Readiness,
    Statement,
)
from .good_practice import implemented_index
from .network_measures import assigned_measures

NeedMap = Mapping[str, Any]


def percent(points: float, applicable: int) -> float | None:
    """Readiness in percent, rounded half-up to one decimal (None when nothing applies)."""
    if applicable == 0:
        return None
    value = Decimal(str(points)) * 100 / Decimal(applicable)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def readiness_of(
    statuses: Iterable[str], all_statuses: Sequence[str], weights: Mapping[str, float], not_applicable: str
) -> Readiness:
    """Count statuses and score them (``not_applicable`` is neither counted as applicable nor scored)."""
    counts = dict.fromkeys(all_statuses, 0)
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    applicable = sum(n for s, n in counts.items() if s != not_applicable)
    points = sum(weights.get(s, 0.0) * n for s, n in counts.items() if s != not_applicable)
    return Readiness(counts=counts, applicable=applicable, points=points, percent=percent(points, applicable))


def excerpt(text: str, limit: int = 220) -> str:
    """The start of a statement's text, cut at a word boundary."""
    flat = " ".join(str(text or "").split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"


def audit_date(inst: Institution, as_of: dt.date) -> tuple[dt.date | None, str]:
    """The institution's next audit on or after ``as_of``: the external one, else the internal one."""
    for date, label in ((inst.next_audit, "externes Audit"), (inst.next_internal_audit, "internes Audit")):
        if date is not None and date >= as_of:
            return date, label
    return None, ""


def _links(need: NeedMap, name: str) -> tuple[str, ...]:
    value = need.get(name) or ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _text(need: NeedMap, name: str) -> str:
    return str(need.get(name) or "")


def _order(need: NeedMap) -> tuple[str, int]:
    return (_text(need, "docname"), int(need.get("lineno") or 0))


def _evidence(need: NeedMap, rules: ReportRules, as_of: dt.date, audit: dt.date | None) -> Evidence:
    status = _text(need, "status")
    valid_until = parse_date(need.get("gueltig_bis"))
    if status in rules.evidence_ignored:
        validity = "archiviert"
    elif valid_until is not None and valid_until < as_of:
        validity = "abgelaufen"
    elif status not in rules.evidence_valid:
        validity = "nicht_freigegeben"
    elif valid_until is not None and audit is not None and valid_until < audit:
        validity = "laeuft_ab"
    else:
        validity = "gueltig"
    return Evidence(
        id=_text(need, "id"),
        title=_text(need, "title"),
        docname=_text(need, "docname"),
        status=status,
        kind=_text(need, "nachweisart"),
        owner=_text(need, "verantwortlich"),
        location=_text(need, "ablage"),
        collected_on=parse_date(need.get("erhoben_am")),
        valid_until=valid_until,
        validity=validity,
        targets=_links(need, "belegt"),
    )


def _measure(need: NeedMap, rules: ReportRules, as_of: dt.date) -> Measure:
    status = _text(need, "status")
    due = parse_date(need.get("faellig_am"))
    done = status in rules.measure_done
    return Measure(
        id=_text(need, "id"),
        title=_text(need, "title"),
        docname=_text(need, "docname"),
        status=status,
        owner=_text(need, "verantwortlich"),
        due=due,
        source=_text(need, "quelle"),
        done=done,
        overdue=not done and due is not None and due < as_of,
        targets=_links(need, "verbessert") + _links(need, "behebt"),
    )


def _finding(need: NeedMap, rules: ReportRules, fixed_by: Mapping[str, list[str]]) -> Finding:
    status = _text(need, "status")
    kind = _text(need, "befundart")
    closed = status in rules.finding_closed
    measures = tuple(fixed_by.get(_text(need, "id"), ()))
    return Finding(
        id=_text(need, "id"),
        title=_text(need, "title"),
        docname=_text(need, "docname"),
        status=status,
        kind=kind,
        audit=_text(need, "audit"),
        found_on=parse_date(need.get("festgestellt_am")),
        closed=closed,
        needs_measure=kind in rules.finding_needs_measure and not closed and not measures,
        measures=measures,
        targets=_links(need, "betrifft"),
    )


def _cell_status(statements: Sequence[Statement], statuses: Sequence[str], rules: ReportRules) -> str:
    if not statements:
        return rules.missing_status
    applicable = [s for s in statuses if s not in (rules.not_applicable, rules.missing_status)]
    ranks = []
    for st in statements:
        if st.status == rules.not_applicable:
            continue
        ranks.append(applicable.index(st.status) if st.status in applicable else len(applicable) - 1)
    if not ranks:
        return rules.not_applicable
    return applicable[max(ranks)]


def _unique(items: Iterable[Any]) -> tuple[Any, ...]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return tuple(seen.values())


class _Builder:
    """Computes one :class:`InstitutionResult` from the needs bucketed for it."""

    def __init__(self, model: Metamodel, needs: Mapping[str, NeedMap], as_of: dt.date) -> None:
        self.rules = model.reports
        self.statuses = (*model.types["umsetzung"].status, self.rules.missing_status)
        self.needs = needs
        self.as_of = as_of

    def institution(
        self,
        inst: Institution,
        catalog: Catalog,
        owned: Mapping[str, list[NeedMap]],
        pages: Sequence[tuple[str, PageInfo]],
        fixed_by: Mapping[str, list[str]],
    ) -> InstitutionResult:
        rules, as_of = self.rules, self.as_of
        audit, audit_label = audit_date(inst, as_of)
        evidence = [_evidence(n, rules, as_of, audit) for n in owned.get("nachweis", [])]
        measures = [_measure(n, rules, as_of) for n in owned.get("massnahme", [])]
        findings = [_finding(n, rules, fixed_by) for n in owned.get("befund", [])]
        evidence_by: dict[str, list[Evidence]] = defaultdict(list)
        for ev in evidence:
            for target in ev.targets:
                evidence_by[target].append(ev)
        measures_by: dict[str, list[Measure]] = defaultdict(list)
        measure_ids = {m.id: m for m in measures}
        for ms in measures:
            for target in ms.targets:
                measures_by[target].append(ms)
        findings_by: dict[str, list[Finding]] = defaultdict(list)
        for fd in findings:
            for target in fd.targets:
                findings_by[target].append(fd)
        wanted = {r.need_id for r in catalog.requirements()}
        statements_by: dict[str, list[tuple[Statement, tuple[str, ...]]]] = defaultdict(list)
        for need in owned.get("umsetzung", []):
            statement = Statement(
                id=_text(need, "id"),
                title=_text(need, "title"),
                docname=_text(need, "docname"),
                status=_text(need, "status"),
                owner=_text(need, "verantwortlich"),
                excerpt=excerpt(_text(need, "content")),
            )
            for target in _links(need, "setzt_um"):
                if target in wanted:
                    statements_by[target].append((statement, _links(need, "beschrieben_in")))
        cells: dict[str, Cell] = {}
        gaps: list[Gap] = []
        for req in catalog.requirements():
            cell = self._cell(req, statements_by.get(req.need_id, []), evidence_by, measures_by, findings_by)
            for fd in cell.findings:
                cell = _with_measures(cell, [measure_ids[m] for m in fd.measures if m in measure_ids])
            cells[req.need_id] = cell
            gaps += requirement_gaps(inst, req, cell, rules, self.needs)
        gaps += item_gaps(inst, evidence, measures, findings, audit, audit_label)
        gaps += review_gaps(inst, pages, as_of)
        sort_gaps(gaps)
        areas = tuple(
            AreaResult(
                code=area.code,
                title=area.title,
                requirements=tuple(r.need_id for r in area.requirements),
                readiness=self.readiness(cells[r.need_id].status for r in area.requirements),
            )
            for area in catalog.areas
        )
        return InstitutionResult(
            institution=inst,
            catalog=catalog.key,
            audit_date=audit,
            audit_label=audit_label,
            cells=cells,
            areas=areas,
            readiness=self.readiness(c.status for c in cells.values()),
            gaps=tuple(gaps),
            measures=tuple(measures),
            findings=tuple(findings),
            evidence=tuple(evidence),
        )

    def readiness(self, statuses: Iterable[str]) -> Readiness:
        return readiness_of(statuses, self.statuses, self.rules.weights, self.rules.not_applicable)

    def _cell(
        self,
        req: Requirement,
        found: Sequence[tuple[Statement, tuple[str, ...]]],
        evidence_by: Mapping[str, list[Evidence]],
        measures_by: Mapping[str, list[Measure]],
        findings_by: Mapping[str, list[Finding]],
    ) -> Cell:
        statements = [s for s, _ in found]
        keys = [req.need_id, *(s.id for s in statements)]
        processes = [p for _, procs in found for p in procs]
        return Cell(
            requirement=req.need_id,
            status=_cell_status(statements, self.statuses, self.rules),
            statements=tuple(statements),
            evidence=_unique(e for k in [*keys, *processes] for e in evidence_by.get(k, ())),
            measures=_unique(m for k in keys for m in measures_by.get(k, ())),
            findings=_unique(f for k in keys for f in findings_by.get(k, ())),
        )


def _with_measures(cell: Cell, extra: Sequence[Measure]) -> Cell:
    if not extra:
        return cell
    return Cell(
        requirement=cell.requirement,
        status=cell.status,
        statements=cell.statements,
        evidence=cell.evidence,
        measures=_unique([*cell.measures, *extra]),
        findings=cell.findings,
    )


def compute_coverage(
    needs: Mapping[str, NeedMap],
    *,
    model: Metamodel,
    catalogs: Mapping[str, Catalog],
    institutions: Sequence[Institution],
    institution_of: Callable[[str], Institution | None],
    pages: Mapping[str, PageInfo],
    as_of: dt.date,
) -> CoverageResult:
    """Compute status, evidence, gaps and readiness for every institution.

    :param needs: all resolved needs by ID (sphinx-needs' view or ``needs.json`` data)
    :param model: the metamodel (status vocabularies and report rules)
    :param catalogs: catalogs by key (``DQE 1.0``)
    :param institutions: the registry, in display order
    :param institution_of: maps a docname to the institution whose folder holds it
    :param pages: title and next review date of every page, by docname
    :param as_of: the date every comparison uses
    """
    scope = {t.name for t in model.types_in_scope("institution")}
    owned: dict[str, dict[str, list[NeedMap]]] = defaultdict(lambda: defaultdict(list))
    fixed_by: dict[str, list[str]] = defaultdict(list)
    for need in sorted((n for n in needs.values() if n.get("type") in scope), key=_order):
        inst = institution_of(_text(need, "docname"))
        if inst is None:
            continue
        owned[inst.code][_text(need, "type")].append(need)
        for finding in _links(need, "behebt"):
            fixed_by[finding].append(_text(need, "id"))
    # Shared action items and peer-review findings are measures of the institutions they name.
    for code, extra in assigned_measures(needs, model).items():
        owned[code]["massnahme"].extend(extra)
    pages_of: dict[str, list[tuple[str, PageInfo]]] = defaultdict(list)
    for docname in sorted(pages):
        inst = institution_of(docname)
        if inst is not None:
            pages_of[inst.code].append((docname, pages[docname]))
    builder = _Builder(model, needs, as_of)
    results: dict[str, InstitutionResult] = {}
    for inst in institutions:
        catalog = catalogs.get(inst.catalog)
        if catalog is not None:
            results[inst.code] = builder.institution(
                inst, catalog, owned.get(inst.code, {}), pages_of.get(inst.code, []), fixed_by
            )
    area_readiness: dict[tuple[str, str], AreaResult] = {}
    requirement_readiness: dict[str, Readiness] = {}
    for catalog in catalogs.values():
        members = [r for r in results.values() if r.catalog == catalog.key]
        for req in catalog.requirements():
            requirement_readiness[req.need_id] = builder.readiness(r.cells[req.need_id].status for r in members)
        for area in catalog.areas:
            area_readiness[(catalog.key, area.code)] = AreaResult(
                code=area.code,
                title=area.title,
                requirements=tuple(r.need_id for r in area.requirements),
                readiness=builder.readiness(r.cells[q.need_id].status for r in members for q in area.requirements),
            )
    return CoverageResult(
        as_of=as_of,
        statuses=builder.statuses,
        weights=dict(model.reports.weights),
        not_applicable=model.reports.not_applicable,
        catalogs=dict(catalogs),
        institutions=results,
        readiness=builder.readiness(c.status for r in results.values() for c in r.cells.values()),
        area_readiness=area_readiness,
        requirement_readiness=requirement_readiness,
        implemented_by=implemented_index(results.values(), model.reports.weights),
        requirement_docs={
            r.need_id: _text(needs.get(r.need_id, {}), "docname") for c in catalogs.values() for r in c.requirements()
        },
    )
