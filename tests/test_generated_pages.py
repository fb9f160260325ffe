"""Generated pages never touch user files: traversal attempts in every name taken from data.

Each case copies the basic test root, puts a hostile value into one data file and runs
the fast check (Sphinx's dummy builder, as ``python3 noxfile.py -s check`` does). Every
byte of the source tree must stay as it was; new files may appear only inside the
generator's own folders; the value is reported in German with file and line.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import uncoloured
from qm_handbook.model.generated import MARKER

BASIC = Path(__file__).parent / "roots" / "test-basic"
OWNED = ("katalog/_generiert/", "institutions/_regionen/")


def _tree(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file (symlinks by their target text)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _check(src: Path, out: Path) -> str:
    """Run the fast check on ``src``; return its warnings."""
    warning = StringIO()
    with docutils_namespace():
        app = Sphinx(
            srcdir=src,
            confdir=src,
            outdir=out / "check",
            doctreedir=out / "doctrees",
            buildername="dummy",
            status=StringIO(),
            warning=warning,
            freshenv=True,
        )
        app.build()
    return uncoloured(warning.getvalue()).replace(str(src) + "/", "")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(BASIC, src, ignore=shutil.ignore_patterns("_generiert", "_regionen"))
    return src


def _assert_sources_intact(src: Path, before: dict[str, str]) -> None:
    after = _tree(src)
    user = {rel: digest for rel, digest in before.items() if not rel.startswith(OWNED)}
    assert user, "no user files to protect"
    changed = sorted(rel for rel, digest in user.items() if after.get(rel) != digest)
    assert changed == [], f"changed or deleted source files: {changed}"
    foreign = sorted(rel for rel in after if rel not in before and not rel.startswith(OWNED))
    assert foreign == [], f"files written outside the generated folders: {foreign}"


CATALOG = "katalog/mini-1.0.toml"
CASES = {
    # value in a data file → (file, old text, new text, line of the value, text of the message)
    "catalog_version": (
        CATALOG,
        'version = "1.0"',
        'version = "1.0/../../../institutions/alpha"',
        4,
        "Die Katalogversion „1.0/../../../institutions/alpha“ ist ungültig",
    ),
    "catalog_version_dots": (CATALOG, 'version = "1.0"', 'version = ".."', 4, "Die Katalogversion „..“ ist ungültig"),
    "catalog_code": (
        CATALOG,
        'kuerzel = "MINI"',
        'kuerzel = "../../institutions/alpha"',
        2,
        "Das Katalogkürzel „../../institutions/alpha“ ist ungültig",
    ),
    "area_code": (
        CATALOG,
        'kennung = "E1"',
        'kennung = "../../../institutions/alpha/index"',
        10,
        "Die Kennung des Qualitätsbereichs „../../../institutions/alpha/index“ ist ungültig",
    ),
    "region_code": (
        "netzwerk.toml",
        'kuerzel = "nord"',
        'kuerzel = "../alpha/index"',
        3,
        "Das Regionskürzel „../alpha/index“ ist ungültig",
    ),
    "region_code_backslash": (
        "netzwerk.toml",
        'kuerzel = "nord"',
        'kuerzel = "..\\\\alpha\\\\index"',
        3,
        "Das Regionskürzel „..\\alpha\\index“ ist ungültig",
    ),
    "institution_code": (
        "institutions/alpha/einrichtung.toml",
        'kuerzel = "A1"',
        'kuerzel = "../A1"',
        None,
        "Das Kürzel „../A1“ ist ungültig",
    ),
}


@pytest.mark.sphinx
@pytest.mark.parametrize("case", sorted(CASES))
def test_traversal_in_data_value_changes_no_source_byte(case: str, project: Path, tmp_path: Path) -> None:
    file, old, new, line, message = CASES[case]
    _check(project, tmp_path / "first")  # the generated folders exist, as after an earlier build
    _replace(project / file, old, new)
    before = _tree(project)
    warnings = _check(project, tmp_path / "out")
    _assert_sources_intact(project, before)
    hits = [w for w in warnings.splitlines() if message in w]
    assert hits, warnings
    expected = f"{file}:{line}:" if line else f"{file}:"
    assert hits[0].startswith(expected), hits[0]
    assert "Traceback" not in warnings


@pytest.mark.sphinx
def test_institution_folder_with_unusable_name_is_left_out(project: Path, tmp_path: Path) -> None:
    shutil.copytree(project / "institutions" / "alpha", project / "institutions" / "Alpha Beta")
    before = _tree(project)
    warnings = _check(project, tmp_path / "out")
    _assert_sources_intact(project, before)
    assert "institutions/Alpha Beta/einrichtung.toml:1: WARNING: Der Ordnername „Alpha Beta“" in warnings.replace(
        "WARNUNG", "WARNING"
    )


@pytest.mark.sphinx
def test_foreign_files_in_generated_folder_are_never_overwritten_or_deleted(project: Path, tmp_path: Path) -> None:
    _check(project, tmp_path / "first")
    generated = project / "katalog" / "_generiert"
    assert json.loads((generated / MARKER).read_text(encoding="utf-8"))["files"] == [
        "mini-1.0/d1.md",
        "mini-1.0/e1.md",
        "mini-1.0/index.md",
    ]
    own = generated / "mini-1.0" / "notizen.md"
    own.write_text("# Meine Notizen\n", encoding="utf-8")
    (generated / "mini-1.0" / "e1.md").unlink()
    (generated / "mini-1.0" / "e1.md").write_text("# Von Hand\n", encoding="utf-8")
    (generated / MARKER).unlink()  # as in a folder from before the marker
    _replace(project / CATALOG, 'version = "1.0"', 'version = "2.0"')
    before = _tree(project)
    warnings = _check(project, tmp_path / "out")
    after = _tree(project)
    # the hand-written files survive the catalog's move to a new folder; generated ones are cleaned up
    assert after["katalog/_generiert/mini-1.0/notizen.md"] == before["katalog/_generiert/mini-1.0/notizen.md"]
    assert after["katalog/_generiert/mini-1.0/e1.md"] == before["katalog/_generiert/mini-1.0/e1.md"]
    assert "katalog/_generiert/mini-1.0/index.md" not in after
    assert "katalog/_generiert/mini-2.0/e1.md" in after
    assert "Traceback" not in warnings


@pytest.mark.sphinx
def test_hand_written_file_at_a_generated_path_is_reported_not_overwritten(project: Path, tmp_path: Path) -> None:
    page = project / "institutions" / "_regionen" / "nord.md"
    page.parent.mkdir(parents=True)
    page.write_text("# Meine Seite über den Norden\n", encoding="utf-8")
    before = _tree(project)
    warnings = _check(project, tmp_path / "out")
    _assert_sources_intact(project, before)
    assert "institutions/_regionen/nord.md:1:" in warnings
    assert "„nord.md“ wurde nicht vom Generator angelegt und wird deshalb nicht überschrieben" in warnings
    assert "[qm.generated_folder]" in warnings


@pytest.mark.sphinx
def test_symlinked_generated_folder_is_not_followed(project: Path, tmp_path: Path) -> None:
    (project / "katalog" / "_generiert").symlink_to(project / "institutions" / "alpha", target_is_directory=True)
    before = _tree(project)
    warnings = _check(project, tmp_path / "out")
    _assert_sources_intact(project, before)
    assert "„katalog/_generiert“ ist ein symbolischer Link; dorthin werden keine Seiten erzeugt" in warnings
