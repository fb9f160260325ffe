"""The pure report computation: statuses, evidence validity, gaps, readiness, as-of date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from qm_handbook.model.catalog import Area, Catalog, Requirement
from qm_handbook.model.config import resolve_as_of
from qm_handbook.model.institutions import Institution
from qm_handbook.model.metamodel import load_metamodel
from qm_handbook.reports.coverage import audit_date, compute_coverage, excerpt, percent
from qm_handbook.reports.coverage_model import CoverageResult, PageInfo

MODEL = load_metamodel()
REQS = tuple(
    Requirement(
        number=f"E1.{n}", title=f"Anforderung {n}", text="", area="E1", level="Einrichtungsebene", need_id=f"T_E1_{n}"
    )
    for n in (1, 2, 3)
)
CATALOG = Catalog(
    code="T",
    name="Test",
    version="1.0",
    title="Test",
    illustrative=True,
    notice="",
    description="",
    areas=(Area(code="E1", title="Bereich", level="Einrichtungsebene", description="", requirements=REQS),),
    path=Path("t.toml"),
)


def inst(code: str, **extra: Any) -> Institution:
    return Institution(
        slug=code.lower(),
        code=code,
        name=code,
        short_name=code,
        region="r",
        kind="VHS",
        fictional=True,
        status="zertifiziert",
        catalog="T 1.0",
        **extra,
    )


A1 = inst("A1", next_audit=dt.date(2026, 9, 30), next_internal_audit=dt.date(2027, 3, 1))
B1 = inst("B1")


def need(id_: str, type_: str, owner: str = "a1", page: str = "p", **fields: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "title": id_, "docname": f"inst/{owner}/{page}", "lineno": 1, **fields}


def run(needs: list[dict[str, Any]], as_of: dt.date = dt.date(2026, 6, 30), **kwargs: Any) -> CoverageResult:
    by_slug = {"a1": A1, "b1": B1}

    def institution_of(docname: str) -> Institution | None:
        parts = docname.split("/")
        return by_slug.get(parts[1]) if parts[0] == "inst" and len(parts) > 2 else None

    return compute_coverage(
        {n["id"]: n for n in needs},
        model=MODEL,
        catalogs={"T 1.0": CATALOG},
        institutions=[A1, B1],
        institution_of=institution_of,
        pages=kwargs.get("pages", {}),
        as_of=as_of,
    )


def kinds(result: CoverageResult, code: str = "A1") -> list[str]:
    return [g.kind for g in result.institutions[code].gaps]


@pytest.mark.parametrize(
    ("points", "applicable", "expected"),
    [(1.5, 4, 37.5), (2.0, 3, 66.7), (1.0, 16, 6.3), (0.5, 6, 8.3), (3.0, 3, 100.0), (0.0, 0, None)],
)
def test_percent_rounds_half_up_to_one_decimal(points: float, applicable: int, expected: float | None) -> None:
    assert percent(points, applicable) == expected


def test_weakest_statement_counts_and_not_applicable_is_excluded() -> None:
    result = run(
        [
            need("A1_1", "umsetzung", setzt_um=["T_E1_1"], status="umgesetzt"),
            need("A1_1B", "umsetzung", setzt_um=["T_E1_1"], status="teilweise"),
            need("A1_2", "umsetzung", setzt_um=["T_E1_2"], status="nicht anwendbar"),
            need("A1_3", "umsetzung", setzt_um=["T_E1_3"], status="unklar"),
        ]
    )
    cells = result.institutions["A1"].cells
    assert [cells[r.need_id].status for r in REQS] == ["teilweise", "nicht anwendbar", "geplant"]
    readiness = result.institutions["A1"].readiness
    assert (readiness.applicable, readiness.points, readiness.percent) == (2, 0.5, 25.0)
    assert result.institutions["B1"].readiness.counts["fehlt"] == 3
    assert result.readiness.percent == pytest.approx(round(0.5 / 5 * 100, 1))


def test_only_the_institutions_own_pages_count() -> None:
    result = run(
        [
            need("A1_1", "umsetzung", owner="b1", setzt_um=["T_E1_1"], status="umgesetzt"),
            {**need("A1_2", "umsetzung", setzt_um=["T_E1_2"], status="umgesetzt"), "docname": "netz/seite"},
        ]
    )
    assert [c.status for c in result.institutions["A1"].cells.values()] == ["fehlt"] * 3
    assert result.institutions["B1"].cells["T_E1_1"].status == "umgesetzt"


def test_evidence_validity_depends_on_as_of_and_audit() -> None:
    needs = [
        need("A1_1", "umsetzung", setzt_um=["T_E1_1"], status="umgesetzt"),
        need("A1_NW", "nachweis", belegt=["A1_1"], status="freigegeben", gueltig_bis="2026-08-31"),
    ]
    assert kinds(run(needs, dt.date(2026, 6, 30)))[-1] == "nachweis_laeuft_ab"
    last_day = kinds(run(needs, dt.date(2026, 8, 31)))
    assert "nachweis_abgelaufen" not in last_day and "nachweis_laeuft_ab" in last_day  # valid on its last day
    later = run(needs, dt.date(2026, 9, 1))
    assert "nachweis_abgelaufen" in kinds(later)
    assert "ohne_nachweis" not in kinds(later)  # expired evidence is its own gap kind


def test_draft_or_archived_evidence_is_not_enough() -> None:
    result = run(
        [
            need("A1_1", "umsetzung", setzt_um=["T_E1_1"], status="teilweise"),
            need("A1_NW", "nachweis", belegt=["A1_1"], status="Entwurf"),
            need("A1_2", "umsetzung", setzt_um=["T_E1_2"], status="geplant"),
        ]
    )
    gaps = result.institutions["A1"].gaps
    assert [(g.kind, g.need_id) for g in gaps][:2] == [("ohne_umsetzung", "T_E1_3"), ("ohne_nachweis", "A1_1")]
    assert gaps[1].detail == "Status „teilweise“, aber kein freigegebener Nachweis (nur Entwurf)"


def test_overdue_measures_use_the_as_of_date() -> None:
    needs = [
        need("A1_MA", "massnahme", status="in Arbeit", faellig_am="2026-03-31", verbessert=["T_E1_1"]),
        need("A1_MB", "massnahme", status="wirksam geprüft", faellig_am="2026-01-31"),
    ]
    assert kinds(run(needs, dt.date(2026, 3, 31))).count("massnahme_ueberfaellig") == 0
    result = run(needs, dt.date(2026, 4, 1))
    assert [g.need_id for g in result.institutions["A1"].gaps if g.kind == "massnahme_ueberfaellig"] == ["A1_MA"]
    assert [m.id for m in result.institutions["A1"].cells["T_E1_1"].open_measures] == ["A1_MA"]


def test_findings_need_a_measure_unless_strength_or_closed() -> None:
    result = run(
        [
            need("A1_BF1", "befund", befundart="Abweichung", status="offen"),
            need("A1_BF2", "befund", befundart="Verbesserungspotenzial", status="in Bearbeitung"),
            need("A1_BF3", "befund", befundart="Stärke", status="offen"),
            need("A1_BF4", "befund", befundart="Hinweis", status="geschlossen"),
            need("A1_MA", "massnahme", status="geplant", faellig_am="2027-01-01", behebt=["A1_BF2"]),
        ]
    )
    assert [g.need_id for g in result.institutions["A1"].gaps if g.kind == "befund_ohne_massnahme"] == ["A1_BF1"]


def test_pages_past_their_review_date() -> None:
    pages = {
        "inst/a1/alt": PageInfo(title="Alt", next_review=dt.date(2026, 6, 29)),
        "inst/a1/heute": PageInfo(title="Heute", next_review=dt.date(2026, 6, 30)),
        "netz/alt": PageInfo(title="Netz", next_review=dt.date(2020, 1, 1)),
    }
    gaps = [g for g in run([], pages=pages).institutions["A1"].gaps if g.kind == "pruefung_ueberfaellig"]
    assert [(g.title, g.detail) for g in gaps] == [("Alt", "nächste Prüfung war am 29.06.2026 fällig")]


def test_next_audit_prefers_external_and_skips_past_dates() -> None:
    assert audit_date(A1, dt.date(2026, 6, 30)) == (dt.date(2026, 9, 30), "externes Audit")
    assert audit_date(A1, dt.date(2026, 10, 1)) == (dt.date(2027, 3, 1), "internes Audit")
    assert audit_date(B1, dt.date(2026, 6, 30)) == (None, "")


def test_as_of_from_source_date_epoch_changes_the_result() -> None:
    epoch = str(int(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC).timestamp()))
    as_of = resolve_as_of("", {"SOURCE_DATE_EPOCH": epoch})
    assert as_of == dt.date(2026, 4, 1)
    assert resolve_as_of("2026-03-01", {"SOURCE_DATE_EPOCH": epoch}) == dt.date(2026, 3, 1)
    needs = [need("A1_MA", "massnahme", status="offen", faellig_am="2026-03-31")]
    assert run(needs, as_of).institutions["A1"].overdue_measures[0].id == "A1_MA"
    assert run(needs, resolve_as_of("2026-03-01", {})).institutions["A1"].overdue_measures == ()


def test_excerpt_cuts_at_a_word_boundary() -> None:
    assert excerpt("kurz  und\nknapp") == "kurz und knapp"
    assert excerpt("wort " * 100, limit=20) == "wort wort wort wort …"
