"""Loading catalogs, the network and institution profiles (no Sphinx)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qm_handbook.model.catalog import load_catalog, load_catalogs, need_id
from qm_handbook.model.institutions import INSTITUTION_FILE, load_institutions, load_network
from qm_handbook.model.metamodel import load_metamodel

REPO = Path(__file__).resolve().parents[2]
CATALOG_DIR = REPO / "handbook" / "katalog"
MODEL = load_metamodel()


def test_need_ids_follow_the_catalog_numbering() -> None:
    assert need_id("DQE", "E1.1") == "DQE_E1_1"
    assert need_id("ISO", "9.2") == "ISO_9_2"


def test_demo_catalog_is_complete_and_labelled_illustrative() -> None:
    catalogs, problems = load_catalogs(CATALOG_DIR, MODEL)
    assert problems == []
    demo = catalogs["DQE 1.0"]
    assert demo.illustrative and "QES" in demo.notice
    numbers = [r.number for r in demo.requirements()]
    assert len(numbers) == len(set(numbers))
    for area in demo.areas:
        assert area.requirements, area.code
        assert area.level in demo.classification["ebene"]
        for req in area.requirements:
            assert req.number.startswith(area.code + ".")
            assert 2 <= len(req.criteria) <= 3, req.number
            assert req.text


def test_fingerprint_changes_with_the_text_only() -> None:
    catalogs, _ = load_catalogs(CATALOG_DIR, MODEL)
    req = catalogs["DQE 1.0"].requirements()[0]
    from dataclasses import replace

    assert replace(req, line=999).fingerprint == req.fingerprint
    assert replace(req, text=req.text + " Neu.").fingerprint != req.fingerprint


def test_catalog_problems_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(
        '[katalog]\nkuerzel = "X"\nname = "X"\nversion = "1"\n\n[[bereich]]\nkennung = "A"\ntitel = "A"\n'
        'ebene = "Einrichtungsebene"\n\n[[bereich.anforderung]]\nnummer = "A.1"\ntitel = "Eins"\ntext = "T"\n\n'
        '[[bereich.anforderung]]\nnummer = "A.1"\ntitel = "Doppelt"\ntext = "T"\n',
        encoding="utf-8",
    )
    catalog, problems = load_catalog(path, MODEL)
    assert catalog is not None
    assert [(p.code, p.line) for p in problems] == [("catalog_duplicate", 17)]
    assert "zuerst in Zeile 12" in problems[0].message


def test_demo_network_and_institutions_load_cleanly() -> None:
    network, problems = load_network(REPO / "handbook" / "netzwerk.toml")
    assert problems == [] and network is not None
    regions = {r.code for r in network.regions}
    institutions, problems = load_institutions(REPO / "institutions", regions)
    assert problems == []
    folders = sorted(p.parent.name for p in (REPO / "institutions").glob(f"*/{INSTITUTION_FILE}"))
    assert sorted(i.slug for i in institutions) == folders
    assert len({i.code for i in institutions}) == len(institutions)
    for region in network.regions:
        members = {i.code for i in institutions if i.region == region.code}
        assert set(region.rotation) == members, region.code


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        ('name = "X"\nkuerzel = "X1"\nregion = "nord"\nstatus = "zertfiziert"\nkatalog = "K 1"\n', "bad_value", 4),
        ('name = "X"\nkuerzl = "X1"\nregion = "nord"\nstatus = "Einführung"\nkatalog = "K 1"\n', "unknown_key", 2),
        ('name = "X"\nkuerzel = "X1"\nregion = "nord"\nstatus = "Einführung"\nkatalog = "K 1\n', "toml_syntax", 5),
    ],
)
def test_institution_file_problems(tmp_path: Path, content: str, code: str, line: int) -> None:
    folder = tmp_path / "inst" / "x"
    folder.mkdir(parents=True)
    (folder / INSTITUTION_FILE).write_text(content, encoding="utf-8")
    _, problems = load_institutions(tmp_path / "inst", {"nord"})
    assert [(p.code, p.line) for p in problems][:1] == [(code, line)]
    assert problems[0].file == folder / INSTITUTION_FILE


def test_status_typo_gets_did_you_mean_hint(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / INSTITUTION_FILE).write_text(
        'name = "X"\nkuerzel = "X1"\nregion = "nord"\nstatus = "zertfiziert"\nkatalog = "K 1"\n', encoding="utf-8"
    )
    _, problems = load_institutions(tmp_path, {"nord"})
    assert problems[0].hint == "Meinten Sie „zertifiziert“?"


def test_folder_without_institution_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "leer").mkdir()
    institutions, problems = load_institutions(tmp_path, set())
    assert institutions == []
    assert [p.code for p in problems] == ["missing_institution_file"]


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / INSTITUTION_FILE).write_bytes('name = "Größe"\n'.encode("latin-1"))
    _, problems = load_institutions(tmp_path, set())
    assert [p.code for p in problems] == ["file_encoding"]
