"""Suspect statements end to end: catalog text changes, statements flagged, re-confirmed one by one."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from conftest import soup, text_of, uncoloured
from qm_handbook.commands.confirm import ConfirmError, confirm_page, find_statements, run
from qm_handbook.model.catalog import load_catalogs
from qm_handbook.model.metamodel import load_metamodel

ROOT = Path(__file__).parent / "roots" / "test-suspect"


def _build(src: Path, builder: str = "dummy") -> list[str]:
    warning = StringIO()
    app = SphinxTestApp(builder, srcdir=src, freshenv=True, status=StringIO(), warning=warning)
    try:
        app.build(force_all=True)
    finally:
        app.cleanup()  # restores docutils' registries for the other tests
    text = uncoloured(warning.getvalue())
    assert "Traceback" not in text
    # The session-wide demo build leaves docutils registrations behind, which Sphinx
    # notes when another app starts; those lines are not about the sources.
    return [line for line in text.splitlines() if line.strip() and "while setting up extension" not in line]


def _flagged(warnings: list[str]) -> list[str]:
    return sorted(m.group(1) for w in warnings if (m := re.search(r"WARNING: (\S+) ist zu prüfen", w)))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns("_build", "_generiert"))
    return src


def test_changed_requirement_flags_all_institutions_until_confirmed(project: Path) -> None:
    assert _build(project) == []
    catalog = project / "katalog" / "mini-1.0.toml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace(
            "Die Einrichtung hat ein Leitbild.", "Die Einrichtung hat ein veröffentlichtes Leitbild."
        ),
        encoding="utf-8",
    )
    model = load_metamodel()
    statements = sorted(
        st.id
        for path in (project / "institutions").rglob("*.md")
        for st in find_statements(path, path.read_text(encoding="utf-8"), {"umsetzung": "setzt_um"}).statements
        if st.requirement == "MINI_E1_1"
    )
    assert len(statements) == 2  # one per institution
    warnings = _build(project, "html")
    assert _flagged(warnings) == statements
    assert all(w.endswith("[qm.zu_pruefen]") for w in warnings), warnings
    listed = text_of(soup(project / "_build" / "html" / "institutions" / "beta" / "index.html"))
    assert "B1_MINI_E1_1 – Leitbild: der Text von MINI_E1_1 wurde seit der letzten Bestätigung geändert" in listed

    page = project / "institutions" / "beta" / "bereich.md"
    before = page.read_bytes()
    report = run(project, ["B1_MINI_E1_1"])
    after = page.read_bytes()
    new_fp = next(r.fingerprint for c in load_catalogs(project / "katalog", model)[0].values()
                  for r in c.requirements() if r.need_id == "MINI_E1_1")  # fmt: skip
    # only the :geprueft_gegen: line of that statement changed; CRLF endings are kept
    old_lines, new_lines = before.split(b"\r\n"), after.split(b"\r\n")
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert len(changed) == 1 and changed[0][1] == f":geprueft_gegen: {new_fp}".encode()
    assert report[0] == f"B1_MINI_E1_1: bestätigt gegen MINI_E1_1 (Fassung {new_fp})"
    assert _flagged(_build(project)) == [s for s in statements if s != "B1_MINI_E1_1"]


def test_unknown_id_is_refused_and_nothing_changes(project: Path) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*.md")}
    with pytest.raises(ConfirmError, match=r"Unbekannte Kennung\(en\): B1_GIBTS_NICHT\. Es wurde nichts geändert"):
        run(project, ["B1_MINI_E1_1", "B1_GIBTS_NICHT"])
    with pytest.raises(ConfirmError, match="Die Einrichtung „X9“ gibt es nicht"):
        run(project, [], institution="X9")
    assert {p: p.read_bytes() for p in project.rglob("*.md")} == before


def test_missing_fingerprint_line_is_inserted_after_the_link() -> None:
    text = "# T\r\n\r\n```{umsetzung} Ziele\r\n:id: B1_X\r\n:setzt_um: MINI_E1_2\r\n:status: geplant\r\n```\r\n"
    page = find_statements(Path("x.md"), text, {"umsetzung": "setzt_um"})
    assert confirm_page(page, {"B1_X"}, {"MINI_E1_2": "abc123abc123"}) == ["B1_X"]
    assert "".join(page.lines) == text.replace(
        ":setzt_um: MINI_E1_2\r\n", ":setzt_um: MINI_E1_2\r\n:geprueft_gegen: abc123abc123\r\n"
    )


def test_confirm_by_institution(project: Path) -> None:
    lines = run(project, [], institution="A1")
    assert lines[-1] == "1 Umsetzung(en) bestätigt, 0 Datei(en) geändert."
    assert lines[0].startswith("A1_MINI_E1_1: bestätigt gegen MINI_E1_1")
