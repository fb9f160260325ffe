"""Result types of the report computation (see :mod:`qm_handbook.reports.coverage`).

The types are plain dataclasses without Sphinx imports, so views, exports, the
terminal report and tests share them. :mod:`qm_handbook.reports.coverage` fills them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model.catalog import Catalog
from ..model.institutions import Institution

#: Gap kinds in display order: key → German label.
GAP_KINDS: dict[str, str] = {
    "ohne_umsetzung": "Anforderung ohne Umsetzung",
    "ohne_nachweis": "Umsetzung ohne Nachweis",
    "nachweis_abgelaufen": "Nachweis abgelaufen",
    "nachweis_laeuft_ab": "Nachweis läuft vor dem Audit ab",
    "massnahme_ueberfaellig": "Maßnahme überfällig",
    "pruefung_ueberfaellig": "Seitenprüfung überfällig",
    "befund_ohne_massnahme": "Befund ohne Maßnahme",
}

#: Validity of one piece of evidence: key → German label.
VALIDITY: dict[str, str] = {
    "gueltig": "gültig",
    "laeuft_ab": "läuft vor dem Audit ab",
    "abgelaufen": "abgelaufen",
    "nicht_freigegeben": "nicht freigegeben",
    "archiviert": "archiviert",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class PageInfo:
    """What reports need to know about one handbook page."""

    title: str
    next_review: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedRef:
    """A need as shown in reports (enough to print and link it)."""

    id: str
    title: str
    docname: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement(NeedRef):
    """An Umsetzung: how an institution implements a requirement."""

    owner: str = ""
    excerpt: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence(NeedRef):
    """A Nachweis with its validity on the as-of date."""

    kind: str = ""
    owner: str = ""
    location: str = ""
    collected_on: dt.date | None = None
    valid_until: dt.date | None = None
    validity: str = "gueltig"
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Measure(NeedRef):
    """A Maßnahme with its due date."""

    owner: str = ""
    due: dt.date | None = None
    source: str = ""
    done: bool = False
    overdue: bool = False
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding(NeedRef):
    """A Befund from an audit or review."""

    kind: str = ""
    audit: str = ""
    found_on: dt.date | None = None
    closed: bool = False
    needs_measure: bool = False
    measures: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One institution × one requirement."""

    requirement: str
    status: str
    statements: tuple[Statement, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    measures: tuple[Measure, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def open_measures(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if not m.done)

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.closed)


@dataclass(frozen=True, slots=True, kw_only=True)
class Gap:
    """One gap: what is missing or late, where, and since when."""

    kind: str
    institution: str
    title: str
    detail: str
    docname: str = ""
    need_id: str = ""
    date: dt.date | None = None
    #: the catalog requirement the gap is about (for good-practice partners), if any
    requirement: str = ""

    @property
    def label(self) -> str:
        return GAP_KINDS[self.kind]


@dataclass(frozen=True, slots=True, kw_only=True)
class Readiness:
    """Status counts and the readiness score of a set of cells."""

    counts: dict[str, int]
    applicable: int
    points: float
    percent: float | None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class AreaResult:
    """Readiness of one quality area (for one institution or the network)."""

    code: str
    title: str
    requirements: tuple[str, ...]
    readiness: Readiness


@dataclass(slots=True, kw_only=True)
class InstitutionResult:
    """Everything reports show about one institution."""

    institution: Institution
    catalog: str
    audit_date: dt.date | None
    audit_label: str
    cells: dict[str, Cell]
    areas: tuple[AreaResult, ...]
    readiness: Readiness
    gaps: tuple[Gap, ...]
    measures: tuple[Measure, ...]
    findings: tuple[Finding, ...]
    evidence: tuple[Evidence, ...]

    @property
    def code(self) -> str:
        return self.institution.code

    def gap_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(GAP_KINDS, 0)
        for gap in self.gaps:
            counts[gap.kind] += 1
        return counts

    @property
    def overdue_measures(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.overdue)


@dataclass(slots=True, kw_only=True)
class CoverageResult:
    """The result of one build: read by every view, export and the terminal report."""

    as_of: dt.date
    statuses: tuple[str, ...]
    weights: dict[str, float]
    not_applicable: str
    catalogs: dict[str, Catalog]
    institutions: dict[str, InstitutionResult]
    readiness: Readiness
    area_readiness: dict[tuple[str, str], AreaResult] = field(default_factory=dict)
    requirement_readiness: dict[str, Readiness] = field(default_factory=dict)
    #: requirement ID → institutions that implement it fully (good-practice partners)
    implemented_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: docname of each catalog requirement's page (for links)
    requirement_docs: dict[str, str] = field(default_factory=dict)

    def for_catalog(self, key: str) -> list[InstitutionResult]:
        """Institutions that use the catalog ``key``, in registry order."""
        return [r for r in self.institutions.values() if r.catalog == key]

    def gaps(self, institutions: Iterable[str] | None = None, kinds: Iterable[str] | None = None) -> list[Gap]:
        """Gaps of some (default all) institutions and kinds, in display order."""
        codes = list(institutions) if institutions is not None else list(self.institutions)
        wanted = set(kinds) if kinds is not None else set(GAP_KINDS)
        return [g for c in codes if c in self.institutions for g in self.institutions[c].gaps if g.kind in wanted]
