"""The real demo network builds warning-free and its output matches its sources."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import REPO, DemoBuild, need_card, text_of
from qm_handbook.model.catalog import load_catalogs
from qm_handbook.model.institutions import load_institutions, load_network
from qm_handbook.model.metamodel import load_metamodel

pytestmark = pytest.mark.demo

MODEL = load_metamodel()
CATALOGS, _ = load_catalogs(REPO / "handbook" / "katalog", MODEL)
NETWORK, _ = load_network(REPO / "handbook" / "netzwerk.toml")
INSTITUTIONS, _ = load_institutions(REPO / "institutions", {r.code for r in NETWORK.regions} if NETWORK else set())
DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{(\w+)\}", re.MULTILINE)


def source_counts(folder: Path) -> Counter[str]:
    """Need directives per type, counted in the MyST sources of one folder."""
    counts: Counter[str] = Counter()
    for path in folder.rglob("*.md"):
        for _, name in DIRECTIVE.findall(path.read_text(encoding="utf-8")):
            if name in MODEL.types:
                counts[name] += 1
    return counts


def test_build_is_warning_free(demo: DemoBuild) -> None:
    assert demo.warnings == ""


def test_every_catalog_requirement_appears_once(demo: DemoBuild) -> None:
    expected = sorted(r.need_id for c in CATALOGS.values() for r in c.requirements())
    found = sorted(k for k, v in demo.needs.items() if v["type"] == "anforderung")
    assert found == expected


def test_every_statement_links_exactly_one_catalog_requirement(demo: DemoBuild) -> None:
    requirements = {k for k, v in demo.needs.items() if v["type"] == "anforderung"}
    statements = [v for v in demo.needs.values() if v["type"] == "umsetzung"]
    assert statements
    for need in statements:
        assert len(need["setzt_um"]) == 1, need["id"]
        assert need["setzt_um"][0] in requirements, need["id"]


@pytest.mark.parametrize("institution", INSTITUTIONS, ids=lambda i: i.code)
def test_need_counts_per_institution_match_sources(demo: DemoBuild, institution) -> None:  # type: ignore[no-untyped-def]
    prefix = f"institutions/{institution.slug}/"
    built = Counter(v["type"] for v in demo.needs.values() if v["docname"].startswith(prefix))
    assert built == source_counts(REPO / "institutions" / institution.slug)
    ids = [k for k, v in demo.needs.items() if v["docname"].startswith(prefix)]
    assert all(i.startswith(institution.code + "_") for i in ids)


@pytest.mark.parametrize("institution", INSTITUTIONS, ids=lambda i: i.code)
def test_institution_pages_exist_and_link_back_to_the_catalog(demo: DemoBuild, institution) -> None:  # type: ignore[no-untyped-def]
    folder = REPO / "institutions" / institution.slug
    for source in folder.rglob("*.md"):
        rel = source.relative_to(REPO).with_suffix(".html")
        assert (demo.outdir / rel).exists(), rel
    statements = [
        v
        for v in demo.needs.values()
        if v["type"] == "umsetzung" and v["docname"].startswith(f"institutions/{institution.slug}/")
    ]
    pages = {docname: demo.page(docname) for docname in {n["docname"] for n in statements}}
    for need in statements:
        card = need_card(pages[need["docname"]], need["id"])
        target = need["setzt_um"][0]
        links = [a["href"] for a in card.select("a[href]")]
        assert any("katalog/_generiert/" in h and h.endswith(f"#{target}") for h in links), links


def test_each_need_type_renders_with_german_labels(demo: DemoBuild) -> None:
    expected_labels = {
        "umsetzung": ["Umsetzung:", "setzt um:"],
        "nachweis": ["Nachweis:", "Erhoben am:", "belegt:"],
        "massnahme": ["Maßnahme:", "Fällig am:", "Quelle:"],
        "befund": ["Befund:", "Art des Befunds:"],
        "prozess": ["Prozess:", "Prozessart:"],
        "anforderung": ["Anforderung:", "Ebene:"],
        "pruefkriterium": ["Prüfkriterium:", "Prüfkriterium zu:"],
        "treffen": ["Netzwerktreffen:", "Datum:", "Gastgeber:", "behandelt:"],
        "aufgabe": ["Aufgabe:", "Zuständig:", "Fällig am:", "beschlossen in:"],
        "rueckmeldung": ["Kollegiale Rückmeldung:", "Für Einrichtung:", "Art des Befunds:"],
        "vereinbarung": ["Vereinbarungsfassung:", "Fassung:", "Angenommen von:", "beschlossen in:"],
    }
    assert set(expected_labels) == set(MODEL.types)
    for type_name, labels in expected_labels.items():
        need = next(v for v in demo.needs.values() if v["type"] == type_name)
        card = need_card(demo.page(need["docname"]), need["id"])
        text = text_of(card)
        for label in labels:
            assert label in text, (type_name, label)
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), type_name


def test_landing_page_has_a_card_per_institution(demo: DemoBuild) -> None:
    cards = demo.page("handbook/index").select(".qm-card")
    assert len(cards) == len(INSTITUTIONS)
    names = {c.select_one(".qm-card-title").get_text(strip=True) for c in cards}
    assert names == {i.name for i in INSTITUTIONS}
