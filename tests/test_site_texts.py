"""The demo site speaks German: no English theme texts, German permalink titles, own cards."""

from __future__ import annotations

import re

import pytest

from conftest import DemoBuild, card_field, need_card
from qm_handbook.compat.theme_texts import FURO_TEXTS
from qm_handbook.model.metamodel import load_metamodel

pytestmark = pytest.mark.demo

ENGLISH = [
    *FURO_TEXTS,
    "Link to this heading",
    "Toggle",
    "@pradyunsg",
    "Made with",
    "color theme",
]


def test_no_english_theme_texts(demo: DemoBuild) -> None:
    pages = sorted(demo.outdir.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        text = page.read_text(encoding="utf-8")
        left = [english for english in ENGLISH if english in text]
        assert left == [], (page.relative_to(demo.outdir), left)
    sample = (demo.outdir / "institutions/vhs-leipziger-land/index.html").read_text(encoding="utf-8")
    assert 'title="Link zu dieser Überschrift"' in sample
    assert 'aria-label="Farbschema wechseln: hell, dunkel, auto"' in sample


def test_cards_show_status_badge_and_linked_titles(demo: DemoBuild) -> None:
    model = load_metamodel()
    statement = demo.needs["W1_DQE_E1_1"]
    card = need_card(demo.page(statement["docname"]), "W1_DQE_E1_1")
    badge = card_field(card, "Status").select_one(".qm-status")
    assert badge.get_text() == statement["status"]
    assert f"qm-sk-{model.status_kind(statement['status'])}" in badge["class"]
    requirement = demo.needs[statement["setzt_um"][0]]
    link = card_field(card, "setzt um").select_one("a")
    assert link.get_text() == requirement["title"] and link["href"].endswith(f"#{requirement['id']}")
    assert not link.get("title")
    for evidence_id in statement["belegt_back"]:
        evidence = demo.needs[evidence_id]
        entry = card_field(card, "belegt durch").find("a", href=re.compile(f"#{evidence_id}$")).parent
        assert evidence["title"] in entry.get_text()
        day = evidence["erhoben_am"]
        assert f"Erhoben am {day[8:10]}.{day[5:7]}.{day[:4]}" in entry.get_text()


def test_every_need_type_gets_a_card(demo: DemoBuild) -> None:
    model = load_metamodel()
    for type_name in model.types:
        need = next(n for n in demo.needs.values() if n["type"] == type_name)
        card = need_card(demo.page(need["docname"]), need["id"])
        assert f"qm-need-{type_name}" in card["class"]
        assert card.select_one(".qm-need-typ").get_text() == model.types[type_name].title
