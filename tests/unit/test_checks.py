"""Need checks: every bad input gives its code, place and German message (no Sphinx build).

A small valid network (the catalog of the ``basic`` test root, two institutions, one
network meeting) produces no problem; each case changes one thing and expects exactly
one problem with a stable code at the changed need's page and line.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qm_handbook.checks.diagnostics import CODES, Problem
from qm_handbook.checks.rules import DroppedNeed, check_all
from qm_handbook.model.catalog import load_catalogs
from qm_handbook.model.context import HandbookContext
from qm_handbook.model.institutions import Institution
from qm_handbook.model.metamodel import load_metamodel

ROOT = Path(__file__).resolve().parents[1] / "roots" / "test-basic"
Need = dict[str, Any]


def _institution(slug: str, code: str, catalog: str = "MINI 1.0") -> Institution:
    return Institution(
        slug=slug,
        code=code,
        name=slug,
        short_name=slug,
        region="nord",
        kind="",
        fictional=True,
        status="zertifiziert",
        catalog=catalog,
    )


@pytest.fixture(scope="module")
def ctx() -> HandbookContext:
    model = load_metamodel()
    catalogs, problems = load_catalogs(ROOT / "katalog", model)
    assert problems == []
    return HandbookContext(
        srcdir=ROOT,
        model=model,
        catalogs=catalogs,
        network=None,
        institutions=[_institution("alpha", "A1"), _institution("beta", "B1"), _institution("gamma", "C1", "X 1.0")],
        institutions_dir="institutions",
        as_of=dt.date(2026, 6, 30),
    )


def _need(nid: str, type_: str, docname: str, lineno: int, **values: Any) -> Need:
    return {"id": nid, "type": type_, "docname": docname, "doctype": ".md", "lineno": lineno, **values}


def valid_needs(ctx: HandbookContext) -> dict[str, Need]:
    """A small network without any problem (fingerprints taken from the catalog)."""
    fp = {nid: req.fingerprint for nid, (_, req) in ctx.requirements.items()}
    cat = "katalog/_generiert/mini-1.0/e1"
    needs = [
        _need("MINI_E1_1", "anforderung", cat, 5, katalog="MINI 1.0", bereich="E1", ebene="Einrichtungsebene",
              nummer="E1.1"),
        _need("MINI_E1_2", "anforderung", cat, 20, katalog="MINI 1.0", bereich="E1", ebene="Einrichtungsebene",
              nummer="E1.2"),
        _need("A1_MINI_E1_1", "umsetzung", "institutions/alpha/bereich", 12, status="umgesetzt",
              setzt_um=["MINI_E1_1"], geprueft_gegen=fp["MINI_E1_1"]),
        _need("A1_MINI_E1_2", "umsetzung", "institutions/alpha/bereich", 30, status="geplant",
              setzt_um=["MINI_E1_2"], geprueft_gegen=fp["MINI_E1_2"]),
        _need("A1_NW_LEITBILD", "nachweis", "institutions/alpha/nachweise", 8, status="freigegeben",
              belegt=["A1_MINI_E1_1"], nachweisart="Dokument", verantwortlich="Leitung",
              erhoben_am="2025-03-01", gueltig_bis="2027-03-31", sichtbarkeit="öffentlich"),
        _need("A1_MA_01", "massnahme", "institutions/alpha/massnahmen", 4, status="offen",
              verbessert=["A1_MINI_E1_1"], verantwortlich="QMB", faellig_am="2026-03-31", quelle="internes Audit"),
        _need("A1_PR_PLANUNG", "prozess", "institutions/alpha/prozesse", 6, status="freigegeben",
              prozessart="Kernprozess", verantwortlich="QMB"),
        _need("B1_MINI_E1_1", "umsetzung", "institutions/beta/bereich", 10, status="teilweise",
              setzt_um=["MINI_E1_1"], geprueft_gegen=fp["MINI_E1_1"]),
        _need("NETZ_TR_2026_1", "treffen", "netzwerk/treffen", 3, status="geplant", datum="2026-03-12",
              gastgeber="A1", behandelt=["MINI_E1_1", "A1_MA_01"]),
    ]  # fmt: skip
    return {n["id"]: n for n in needs}


def _run(ctx: HandbookContext, needs: dict[str, Need], dropped: list[DroppedNeed] | None = None) -> list[Problem]:
    return list(check_all(needs.values(), ctx, dropped or []))


def test_valid_network_has_no_problems(ctx: HandbookContext) -> None:
    assert _run(ctx, valid_needs(ctx)) == []


def _set(nid: str, **values: Any) -> Callable[[dict[str, Need]], None]:
    def change(needs: dict[str, Need]) -> None:
        for key, value in values.items():
            if value is None:
                needs[nid].pop(key, None)
            else:
                needs[nid][key] = value

    return change


def _add(nid: str, type_: str, docname: str, lineno: int, **values: Any) -> Callable[[dict[str, Need]], None]:
    def change(needs: dict[str, Need]) -> None:
        needs[nid] = _need(nid, type_, docname, lineno, **values)

    return change


NW = "institutions/alpha/nachweise"
#: Placeholder for the current fingerprint of the statement's requirement.
CURRENT = "<aktuell>"
ST = "institutions/alpha/bereich"

# (name, change, code, docname, line, German text the message must contain)
CASES: list[tuple[str, Callable[[dict[str, Need]], None], str, str, int, str]] = [
    ("required field", _set("A1_NW_LEITBILD", erhoben_am=None, gueltig_bis=None), "missing_field", NW, 8,
     "fehlt das Pflichtfeld „Erhoben am“ (:erhoben_am:)"),
    ("german date", _set("A1_MA_01", faellig_am="31.03.2026"), "bad_date", "institutions/alpha/massnahmen", 4,
     "„Fällig am“ von A1_MA_01 ist kein gültiges Datum: „31.03.2026“"),
    ("implausible year", _set("A1_NW_LEITBILD", erhoben_am="2205-03-01", gueltig_bis=None), "bad_date", NW, 8,
     "liegt im Jahr 2205"),
    ("valid-until before collected", _set("A1_NW_LEITBILD", gueltig_bis="2024-12-31"), "date_order", NW, 8,
     "„Gültig bis“ (2024-12-31) vor „Erhoben am“ (2025-03-01)"),
    ("vocabulary typo", _set("A1_NW_LEITBILD", nachweisart="Dokumnet"), "bad_choice", NW, 8,
     "Meinten Sie „Dokument“?"),
    ("status typo", _set("A1_MINI_E1_1", status="umgesezt"), "bad_status", ST, 12, "Meinten Sie „umgesetzt“?"),
    ("status of another type", _set("A1_MA_01", status="umgesetzt"), "bad_status", "institutions/alpha/massnahmen",
     4, "ist für Maßnahme nicht vorgesehen"),
    ("no status", _set("A1_PR_PLANUNG", status=None), "bad_status", "institutions/alpha/prozesse", 6,
     "hat keinen Status"),
    ("not applicable without reason", _set("A1_MINI_E1_2", status="nicht anwendbar"), "status_needs_field", ST, 30,
     "„nicht anwendbar“, aber kein Feld „Begründung“"),
    ("field of another type", _set("A1_NW_LEITBILD", faellig_am="2026-01-01"), "field_not_allowed", NW, 8,
     "das für Nachweis nicht vorgesehen ist"),
    ("link of another type", _set("A1_PR_PLANUNG", belegt=["A1_MINI_E1_1"]), "link_not_allowed",
     "institutions/alpha/prozesse", 6, "diese Verknüpfung ist nur für Nachweis vorgesehen"),
    ("statement without requirement", _set("A1_MINI_E1_2", setzt_um=None), "missing_link", ST, 30,
     "hat keine Verknüpfung „setzt um“"),
    ("statement with two requirements", _set("A1_MINI_E1_2", setzt_um=["MINI_E1_2", "MINI_E1_1"]),
     "too_many_links", ST, 30, "nennt bei „setzt um“ 2 Ziele"),
    ("requirement that does not exist", _set("A1_MINI_E1_2", setzt_um=["MINI_E1_3"]), "unknown_link", ST, 30,
     "auf „MINI_E1_3“, die es nicht gibt. Meinten Sie „MINI_E1_2“?"),
    ("evidence for a meeting", _set("A1_NW_LEITBILD", belegt=["NETZ_TR_2026_1"]), "link_target_type", NW, 8,
     "NETZ_TR_2026_1 (Netzwerktreffen); erlaubt sind Ziele vom Typ Umsetzung, Anforderung, Prozess"),
    ("link into another institution", _set("A1_NW_LEITBILD", belegt=["B1_MINI_E1_1"]), "cross_institution_link",
     NW, 8, "auf B1_MINI_E1_1 der Einrichtung B1"),
    ("requirement of another catalog",
     _add("C1_MINI_E1_1", "umsetzung", "institutions/gamma/bereich", 7, status="geplant", setzt_um=["MINI_E1_1"],
          geprueft_gegen=CURRENT), "wrong_catalog", "institutions/gamma/bereich", 7, "arbeitet aber mit „X 1.0“"),
    ("id without short code",
     _add("NW_PLAN", "nachweis", NW, 40, status="freigegeben", belegt=["A1_MINI_E1_1"], nachweisart="Dokument",
          verantwortlich="QMB", erhoben_am="2026-01-01", sichtbarkeit="intern"),
     "id_prefix", NW, 40, "Schreiben Sie z. B. „A1_NW_PLAN“"),
    ("entry of another institution",
     _add("B1_NW_PLAN", "nachweis", NW, 44, status="freigegeben", nachweisart="Dokument", verantwortlich="QMB",
          erhoben_am="2026-01-01", sichtbarkeit="intern"),
     "wrong_place", NW, 44, "gehört nach seiner Kennung zur Einrichtung B1, steht aber auf einer Seite von A1"),
    ("statement on a network page",
     _add("NETZ_MINI_E1_1", "umsetzung", "netzwerk/index", 9, status="geplant", setzt_um=["MINI_E1_1"]),
     "wrong_place", "netzwerk/index", 9, "steht nicht auf den Seiten einer Einrichtung"),
    ("meeting on an institution page",
     _add("A1_TR_1", "treffen", ST, 50, status="geplant", datum="2026-01-01", gastgeber="A1"),
     "wrong_place", ST, 50, "steht auf einer Seite der Einrichtung A1"),
    ("meeting without NETZ_",
     _add("TR_2026_9", "treffen", "netzwerk/treffen", 20, status="geplant", datum="2026-01-01", gastgeber="A1"),
     "id_prefix", "netzwerk/treffen", 20, "beginnt nicht mit NETZ_"),
    ("second statement for a requirement",
     _add("A1_E1_1_NEU", "umsetzung", ST, 60, status="geplant", setzt_um=["MINI_E1_1"],
          geprueft_gegen=CURRENT),
     "duplicate_statement", ST, 60, "schon die zweite Umsetzung von MINI_E1_1 in A1 (erste: A1_MINI_E1_1 in "
     "institutions/alpha/bereich.md:12)"),
    ("requirement text changed", _set("B1_MINI_E1_1", geprueft_gegen="000000000000"), "zu_pruefen",
     "institutions/beta/bereich", 10, "B1_MINI_E1_1 ist zu prüfen: der Text von MINI_E1_1 wurde seit der letzten "
     "Bestätigung geändert"),
    ("never confirmed", _set("A1_MINI_E1_2", geprueft_gegen=None), "zu_pruefen", ST, 30,
     "wurde noch nie gegen den Text von MINI_E1_2 bestätigt"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "code", "docname", "line", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_reported(
    ctx: HandbookContext, change: Callable[[dict[str, Need]], None], code: str, docname: str, line: int, text: str
) -> None:
    needs = copy.deepcopy(valid_needs(ctx))
    change(needs)
    for need in needs.values():
        if need.get("geprueft_gegen") == CURRENT:
            need["geprueft_gegen"] = ctx.requirements[need["setzt_um"][0]][1].fingerprint
    problems = _run(ctx, needs)
    assert [p.code for p in problems] == [code], [p.text() for p in problems]
    problem = problems[0]
    assert code in CODES
    assert (problem.docname, problem.line) == (docname, line)
    assert text in problem.text()
    assert problem.hint, "every message says how to fix it"


def test_duplicate_id_names_both_places(ctx: HandbookContext) -> None:
    dropped = [DroppedNeed(id="A1_NW_LEITBILD", docname="institutions/alpha/massnahmen", lineno=33)]
    problems = _run(ctx, valid_needs(ctx), dropped)
    assert [(p.code, p.docname, p.line) for p in problems] == [("duplicate_id", "institutions/alpha/massnahmen", 33)]
    assert "zuerst in institutions/alpha/nachweise.md:8" in problems[0].text()


def test_every_code_has_german_description_and_example() -> None:
    for code in CODES.values():
        assert code.severity in {"error", "warning"}
        assert code.description.endswith(".") and code.example
