"""The cached page check: unchanged files are not read again, changed ones are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qm_handbook.checks import page_scan
from qm_handbook.checks.page_scan import check_page, scan

HEADER = (
    '---\nfassung: "1.0"\nstatus: Entwurf\nverantwortlich: QMB\nnaechste_pruefung: 2027-01-15\n'
    "sichtbarkeit: intern\n---\n"
)


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "inst").mkdir(parents=True)
    (src / "inst" / "gut.md").write_text(HEADER + "# Gut\n", encoding="utf-8")
    (src / "inst" / "kopf.md").write_text(HEADER.replace("status:", "stauts:") + "# Kopf\n", encoding="utf-8")
    (src / "inst" / "leer.md").write_text("\n", encoding="utf-8")
    (src / "inst" / "alt.md").write_bytes("# Grüße\n".encode("latin-1"))
    return src


FILES = ["inst/alt.md", "inst/gut.md", "inst/kopf.md", "inst/leer.md"]


def required(docname: str) -> bool:
    return docname.startswith("inst/")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked: list[str] = []

    def check(path: Path, rel: str, *, required: bool) -> tuple[bool, list[page_scan.Problem]]:
        checked.append(rel)
        return check_page(path, rel, required=required)

    monkeypatch.setattr(page_scan, "check_page", check)
    return checked


def test_cached_scan_equals_uncached_and_skips_unchanged(
    pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = scan(pages, FILES, required, None)
    assert {p.code for p in plain.problems} >= {"file_encoding", "empty_page", "frontmatter_key"}
    assert plain.skipped == ["inst/alt.md"]
    cache = tmp_path / "doctrees" / page_scan.CACHE_FILE
    checked = counting(monkeypatch)
    first = scan(pages, FILES, required, cache)
    assert checked == FILES and cache.is_file()
    second = scan(pages, FILES, required, cache)
    assert checked == FILES  # nothing checked again
    assert first == plain and second.problems == plain.problems and second.skipped == plain.skipped
    assert second.reused == len(FILES)


def test_changed_file_and_changed_rules_are_checked_again(
    pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / page_scan.CACHE_FILE
    scan(pages, FILES, required, cache)
    checked = counting(monkeypatch)
    page = pages / "inst" / "kopf.md"
    page.write_text(HEADER + "# Kopf\n", encoding="utf-8")
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = scan(pages, FILES, required, cache)
    assert checked == ["inst/kopf.md"]
    assert "frontmatter_key" not in {p.code for p in after.problems}
    # a page that no longer needs a header (other required rule) is checked again
    scan(pages, FILES, lambda docname: docname != "inst/leer", cache)
    assert checked == ["inst/kopf.md", "inst/leer.md"]
    # other checking code: everything is checked again
    monkeypatch.setattr(page_scan, "check_version", lambda: "other")
    scan(pages, FILES, required, cache)
    assert checked[2:] == FILES


def test_unreadable_cache_is_ignored(pages: Path, tmp_path: Path) -> None:
    cache = tmp_path / page_scan.CACHE_FILE
    cache.write_text("{kaputt", encoding="utf-8")
    assert scan(pages, FILES, required, cache).problems == scan(pages, FILES, required, None).problems
    assert scan(pages, FILES, required, cache, reuse=False).reused == 0
