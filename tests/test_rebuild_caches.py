"""Work skipped in repeated builds: the exports and the page check of unchanged input.

Repeated builds must give the same output and the same warnings as a fresh build;
only files whose input changed are written or checked again.
"""

from __future__ import annotations

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from qm_handbook.checks.page_scan import CACHE_FILE
from qm_handbook.reports.exports import DOWNLOADS

ROOTS = Path(__file__).parent / "roots"
#: Warning codes of the page check before reading (``qm_handbook.checks.pages``).
SCAN_CODES = ("file_encoding", "empty_page", "frontmatter_key", "frontmatter_missing", "frontmatter_value")
_SCAN = re.compile(r"\[qm\.(" + "|".join(SCAN_CODES) + r")\]$")


def _build(src: Path, *, fresh: bool = False) -> tuple[list[str], int, Path, Path]:
    """Build; return the page-check warnings, the status code, the outdir and the doctree dir."""
    warning = StringIO()
    app = SphinxTestApp("html", srcdir=src, freshenv=fresh, status=StringIO(), warning=warning,
                        warningiserror=True, keep_going=True)  # fmt: skip
    try:
        app.build()
    finally:
        app.cleanup()
    text = re.sub(r"\x1b\[[0-9;]*m", "", warning.getvalue()).replace(str(src) + "/", "")
    found = [line for line in text.splitlines() if _SCAN.search(line)]
    return found, app.statuscode, Path(app.outdir), Path(app.doctreedir)


def _snapshot(outdir: Path) -> dict[str, tuple[int, bytes]]:
    return {name: ((outdir / name).stat().st_mtime_ns, (outdir / name).read_bytes()) for name in DOWNLOADS}


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-reports", src)
    return src


def test_exports_are_written_only_when_their_data_changes(reports: Path) -> None:
    _, status, outdir, _ = _build(reports, fresh=True)
    assert status == 0
    first = _snapshot(outdir)
    _build(reports)
    # unchanged data: nothing rewritten, same bytes
    assert _snapshot(outdir) == first
    # a changed measure: every export is written again and shows the change
    page = reports / "institutions" / "alpha" / "massnahmen.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Auditplan erstellen", "Auditplan abstimmen"), "utf-8")
    _build(reports)
    changed = _snapshot(outdir)
    assert all(changed[name][0] != first[name][0] for name in DOWNLOADS)
    assert "Auditplan abstimmen" in (outdir / "auswertung" / "massnahmen.csv").read_text(encoding="utf-8-sig")
    # a deleted export is written again, byte for byte as before
    (outdir / "auswertung" / "luecken.csv").unlink()
    _build(reports)
    again = _snapshot(outdir)
    assert {name: data for name, (_, data) in again.items()} == {name: data for name, (_, data) in changed.items()}


def test_exports_of_a_repeated_build_equal_a_fresh_build(reports: Path, tmp_path: Path) -> None:
    _build(reports, fresh=True)
    _, _, outdir, _ = _build(reports)
    other = tmp_path / "other"
    shutil.copytree(ROOTS / "test-reports", other)
    _, _, fresh_out, _ = _build(other, fresh=True)
    assert {n: d for n, (_, d) in _snapshot(outdir).items()} == {n: d for n, (_, d) in _snapshot(fresh_out).items()}


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-broken", src)
    (src / "institutions" / "alpha" / "alt.md").write_bytes("# Alte Seite\n\nGrüße aus Köln.\n".encode("latin-1"))
    return src


def test_page_check_warnings_survive_repeated_builds(broken: Path) -> None:
    first, status, _, doctrees = _build(broken, fresh=True)
    assert status != 0
    assert {"[qm.empty_page]", "[qm.file_encoding]"} <= {w.rsplit(" ", 1)[-1] for w in first}
    assert (doctrees / CACHE_FILE).is_file()
    # nothing changed: the same warnings from the cache, the build still fails under -W
    second, status, _, _ = _build(broken)
    assert second == first
    assert status != 0
    # an edited page is checked again
    page = broken / "institutions" / "alpha" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("fassung:", "fasung:"), encoding="utf-8")
    third, _, _, _ = _build(broken)
    assert [w for w in third if "index.md" in w and "fasung" in w and w.endswith("[qm.frontmatter_key]")]
    # without the cache file: the same result as with it
    (doctrees / CACHE_FILE).unlink()
    fourth, _, _, _ = _build(broken)
    assert fourth == third
    fresh, _, _, _ = _build(broken, fresh=True)
    assert fresh == third


def test_fresh_build_checks_every_page_again(broken: Path) -> None:
    first, _, _, doctrees = _build(broken, fresh=True)
    assert first
    cache = doctrees / CACHE_FILE
    data = json.loads(cache.read_text(encoding="utf-8"))
    for entry in data["files"].values():
        entry["problems"] = []
    cache.write_text(json.dumps(data), encoding="utf-8")
    # the repeated build trusts the cache (this proves it is used) …
    assert _build(broken)[0] == []
    # … a build with a fresh environment (-E) does not
    assert _build(broken, fresh=True)[0] == first
    assert _build(broken)[0] == first
