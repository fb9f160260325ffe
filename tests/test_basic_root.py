"""A small handbook: catalog pages, profile box, cards and need cards in German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from conftest import load_needs, soup, text_of, warnings_of


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_builds_without_warnings(app: SphinxTestApp) -> None:
    app.build(force_all=True)
    assert warnings_of(app) == ""


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_catalog_becomes_pages_with_needs(app: SphinxTestApp) -> None:
    app.build(force_all=True)
    gen = Path(app.srcdir) / "katalog" / "_generiert" / "mini-1.0"
    assert sorted(p.name for p in gen.glob("*.md")) == ["d1.md", "e1.md", "index.md"]
    needs = load_needs(Path(app.outdir))
    reqs = {k: v for k, v in needs.items() if v["type"] == "anforderung"}
    assert sorted(reqs) == ["MINI_D1_1", "MINI_E1_1", "MINI_E1_2"]
    assert reqs["MINI_E1_1"]["ebene"] == "Einrichtungsebene"
    assert needs["MINI_E1_1_K1"]["kriterium_zu"] == ["MINI_E1_1"]
    page = soup(Path(app.outdir) / "katalog" / "_generiert" / "mini-1.0" / "e1.html")
    notice = page.select_one(".qm-illustrativ")
    assert notice is not None and "Nur zum Testen." in notice.get_text()


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_generated_pages_are_not_rewritten_when_unchanged(app: SphinxTestApp) -> None:
    app.build(force_all=True)
    page = Path(app.srcdir) / "katalog" / "_generiert" / "mini-1.0" / "e1.md"
    before = page.stat().st_mtime_ns
    app2 = SphinxTestApp("html", srcdir=Path(app.srcdir))
    try:
        app2.build()
    finally:
        app2.cleanup()
    assert page.stat().st_mtime_ns == before


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_profile_box_and_cards(app: SphinxTestApp) -> None:
    app.build(force_all=True)
    profile = soup(Path(app.outdir) / "institutions" / "alpha" / "index.html").select_one(".qm-steckbrief")
    assert profile is not None
    text = text_of(profile)
    assert "Zertifikat gültig bis 31.01.2027" in text
    assert "Fiktive Einrichtung" in text
    assert "Mini-Katalog 1.0" in text
    card = soup(Path(app.outdir) / "index.html").select_one(".qm-card")
    assert card is not None
    link = card.select_one("a")
    assert link is not None and link["href"] == "institutions/alpha/index.html"
    assert "zertifiziert" in card.get_text()
    assert "Region Nord (fiktiv)" in soup(Path(app.outdir) / "index.html").get_text()


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_need_cards_use_german_labels_and_dates(app: SphinxTestApp) -> None:
    app.build(force_all=True)
    page = soup(Path(app.outdir) / "institutions" / "alpha" / "bereich.html")
    text = text_of(page)
    assert "Maßnahme: Ziele festlegen" in text
    assert "Fällig am: 31.03.2026" in text
    assert "Gültig bis: 31.03.2027" in text
    # Links show the linked need's number and title (with date and status), not its raw ID.
    assert "setzt um: E1.1 Leitbild vorhanden" in text
    assert "verbessert durch: Ziele festlegen · Fällig am 31.03.2026 offen" in text
    assert not re.search(r"(?<![A-Z0-9_])MINI_E1_1", text)
    assert "2026-03-31" not in text
