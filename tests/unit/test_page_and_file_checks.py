"""Page headers, page files and data files: code, place and German message per bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from qm_handbook.checks.diagnostics import CODES
from qm_handbook.checks.pages import check_front_matter, check_source_file
from qm_handbook.model.catalog import load_catalog
from qm_handbook.model.institutions import load_institution, load_institutions
from qm_handbook.model.metamodel import load_metamodel

HEADER = """---
fassung: "1.0"
status: freigegeben
verantwortlich: QMB
freigegeben_von: Leitung
freigegeben_am: 2026-01-15
naechste_pruefung: 2027-01-15
sichtbarkeit: intern
---

# Seite
"""


def test_complete_header_is_fine() -> None:
    assert list(check_front_matter("institutions/a/x", HEADER, required=True)) == []


def test_draft_needs_no_approval() -> None:
    text = HEADER.replace("status: freigegeben", "status: Entwurf")
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("freigegeben_"))
    assert list(check_front_matter("institutions/a/x", text, required=True)) == []


# (name, text, required, code, line, German text)
HEADER_CASES = [
    ("typo in key", HEADER.replace("verantwortlich:", "verantwortich:"), False, "frontmatter_key", 4,
     "Unbekannter Schlüssel „verantwortich“ im Seitenkopf. Meinten Sie „verantwortlich“?"),
    ("missing key", HEADER.replace("naechste_pruefung: 2027-01-15\n", ""), True, "frontmatter_missing", 1,
     "Im Seitenkopf fehlt „naechste_pruefung“"),
    ("no header on institution page", "# Seite\n", True, "frontmatter_missing", 1,
     "Die Seite hat keinen Seitenkopf"),
    ("unknown status", HEADER.replace("status: freigegeben", "status: frei"), False, "frontmatter_value", 3,
     "„status“ hat den Wert „frei“; erlaubt sind: Entwurf, freigegeben, archiviert"),
    ("unknown visibility", HEADER.replace("sichtbarkeit: intern", "sichtbarkeit: geheim"), False,
     "frontmatter_value", 8, "„sichtbarkeit“ hat den Wert „geheim“"),
    ("german date", HEADER.replace("freigegeben_am: 2026-01-15", "freigegeben_am: 15.01.2026"), False,
     "frontmatter_value", 6, "„freigegeben_am“ ist kein gültiges Datum: „15.01.2026“"),
    ("review before approval", HEADER.replace("naechste_pruefung: 2027-01-15", "naechste_pruefung: 2025-01-15"),
     False, "frontmatter_value", 7, "Die nächste Prüfung (2025-01-15) liegt nicht nach der Freigabe (2026-01-15)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "required", "code", "line", "message"), [c[1:] for c in HEADER_CASES],
                         ids=[c[0] for c in HEADER_CASES])  # fmt: skip
def test_bad_header(text: str, required: bool, code: str, line: int, message: str) -> None:
    problems = list(check_front_matter("institutions/a/x", text, required=required))
    assert [(p.code, p.docname, p.line) for p in problems] == [(code, "institutions/a/x", line)]
    assert message in problems[0].text()
    assert code in CODES


def test_broken_yaml_is_left_to_myst() -> None:
    # MyST reports it (myst.topmatter, translated); the page check must not add noise
    assert list(check_front_matter("institutions/a/x", '---\nfassung: "1.0\n---\n# X\n', required=True)) == []


def test_page_in_wrong_encoding(tmp_path: Path) -> None:
    page = tmp_path / "alt.md"
    page.write_bytes("# Alt\n\nText\nGrüße aus Köln\n".encode("latin-1"))
    text, problems = check_source_file(page)
    assert text is None
    assert [(p.code, p.file, p.line) for p in problems] == [("file_encoding", page, 4)]
    assert "nicht UTF-8-kodiert (Zeichen 0xFC in Zeile 4)" in problems[0].text()


def test_empty_page(tmp_path: Path) -> None:
    page = tmp_path / "leer.md"
    page.write_text("\n  \n", encoding="utf-8")
    _, problems = check_source_file(page)
    assert [(p.code, p.line) for p in problems] == [("empty_page", 1)]
    assert "Die Seite ist leer." in problems[0].text()


INSTITUTION = """name = "Akademie"
kuerzel = "A1"
region = "nord"
status = "zertifiziert"
katalog = "MINI 1.0"

[zertifizierung]
zertifikat_gueltig_bis = 2027-01-31
"""

# (name, text, code, line, German text)
INSTITUTION_CASES = [
    ("unknown key", INSTITUTION.replace('region = "nord"', 'region = "nord"\nkuerzl = "A2"'), "unknown_key", 4,
     "Unbekannter Schlüssel „kuerzl“. Meinten Sie „kuerzel“?"),
    ("unknown status", INSTITUTION.replace('"zertifiziert"', '"zertfiziert"'), "bad_value", 4,
     "„status“ hat den Wert „zertfiziert“; erlaubt sind: Einführung, Selbstevaluation, zertifiziert. "
     "Meinten Sie „zertifiziert“?"),
    ("bad date", INSTITUTION.replace("2027-01-31", '"31.01.2027"'), "bad_value", 8,
     "„zertifikat_gueltig_bis“ ist kein gültiges Datum"),
    ("missing name", INSTITUTION.replace('name = "Akademie"\n', ""), "missing_key", 1,
     "Das Pflichtfeld „name“ fehlt"),
    ("syntax error", INSTITUTION.replace('region = "nord"', 'region = "nord'), "toml_syntax", 3,
     "Die Datei ist kein gültiges TOML"),
    ("unknown region", INSTITUTION.replace('"nord"', '"nort"'), "bad_value", 3,
     "Die Region „nort“ ist im Netzwerk nicht angelegt"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code", "line", "message"), [c[1:] for c in INSTITUTION_CASES],
                         ids=[c[0] for c in INSTITUTION_CASES])  # fmt: skip
def test_bad_institution_file(tmp_path: Path, text: str, code: str, line: int, message: str) -> None:
    path = tmp_path / "a" / "einrichtung.toml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    _, problems = load_institution(path, {"nord"})
    assert [(p.code, p.file, p.line) for p in problems] == [(code, path, line)], [p.text() for p in problems]
    assert message in problems[0].text()


def test_institution_folder_without_file(tmp_path: Path) -> None:
    (tmp_path / "neu").mkdir()
    _, problems = load_institutions(tmp_path, set())
    assert [(p.code, p.file, p.line) for p in problems] == [
        ("missing_institution_file", tmp_path / "neu" / "einrichtung.toml", 1)
    ]
    assert "fehlt die Datei einrichtung.toml" in problems[0].text()


CATALOG = """[katalog]
kuerzel = "MINI"
name = "Mini"
version = "1.0"

[[bereich]]
kennung = "E1"
titel = "Führung"
ebene = "Einrichtungsebene"

[[bereich.anforderung]]
nummer = "E1.1"
titel = "Leitbild"
text = "Es gibt ein Leitbild."

[[bereich.anforderung]]
nummer = "E1.2"
titel = "Ziele"
text = "Es gibt Ziele."
"""

CATALOG_CASES = [
    ("duplicate number", CATALOG.replace('nummer = "E1.2"', 'nummer = "E1.1"'), "catalog_duplicate", 17,
     "Die Anforderung E1.1 ist doppelt (zuerst in Zeile 12)"),
    ("missing title", CATALOG.replace('titel = "Ziele"\n', ""), "missing_key", 17,
     "Das Pflichtfeld „titel“ der Anforderung E1.2 fehlt"),
    ("unknown level", CATALOG.replace('version = "1.0"\n', 'version = "1.0"\ngliederung = {ebene = ["Stufe"]}\n')
     .replace('ebene = "Einrichtungsebene"\n', 'ebene = "Einrichtung"\n'), "bad_value", 10,
     "„ebene“ hat den Wert „Einrichtung“"),
    ("number outside its area", CATALOG.replace('nummer = "E1.2"', 'nummer = "D1.2"'), "bad_value", 17,
     "Die Anforderung D1.2 steht im Qualitätsbereich E1"),
    ("no requirement text", CATALOG.replace('text = "Es gibt Ziele."\n', ""), "missing_key", 17,
     "Die Anforderung E1.2 hat keinen Anforderungstext"),
    ("unknown key", CATALOG.replace('titel = "Leitbild"', 'titel = "Leitbild"\ntitle = "x"'), "unknown_key", 14,
     "Unbekannter Schlüssel „title“ in [bereich.anforderung]. Meinten Sie „titel“?"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "code", "line", "message"), [c[1:] for c in CATALOG_CASES],
                         ids=[c[0] for c in CATALOG_CASES])  # fmt: skip
def test_bad_catalog_file(tmp_path: Path, text: str, code: str, line: int, message: str) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_catalog(path, load_metamodel())
    assert [(p.code, p.line) for p in problems] == [(code, line)], [(p.line, p.text()) for p in problems]
    assert message in problems[0].text()
