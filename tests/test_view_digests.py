"""Report pages are written again only when their views show something new (``compat/view_digests.py``).

Each case builds a copy of the incremental test root, makes a first change (which stores
the digests of the report pages written), then a second one, and checks which pages the
second build wrote, and that every page equals a clean build of the changed sources.
"""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.util.docutils import docutils_namespace
from test_incremental import ROOT, build, edit, same_as_clean

from conftest import html_app

PROOFS = "institutions/alpha/nachweise.md"
STATEMENTS = "institutions/alpha/umsetzung.md"
OWNER = ":verantwortlich: {}\n:erhoben_am: 2025-03-01\n:gueltig_bis"
#: the report pages whose views show proofs and statements of institution alpha
REPORTS = {"institutions/alpha/stand", "katalog/_generiert/mini-1.0/d1", "katalog/_generiert/mini-1.0/e1"}

#: second change → the report pages it changes (the others are not written again)
CASES = {
    # a field no report shows: the report pages stay as they are
    "owner": ((PROOFS, OWNER.format("QMB"), OWNER.format("Team")), set()),
    # the status of a statement on requirement E1.2: the dashboard, the gaps and the
    # comparison on the catalog page of area E1 change; area D1's page does not
    "status": (
        (STATEMENTS, ":status: teilweise", ":status: umgesetzt"),
        {"institutions/alpha/stand", "katalog/_generiert/mini-1.0/e1"},
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_report_pages_written_only_when_their_views_change(tmp_path: Path, case: str) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    edit(work / PROOFS, OWNER.format("Leitung"), OWNER.format("QMB"))
    _app, first = build(work, tmp_path / "inc")
    assert not first & REPORTS  # digests stored while the first build wrote them; nothing new to show
    (page, old, new), expected = CASES[case]
    edit(work / page, old, new)
    _app, second = build(work, tmp_path / "inc")
    assert REPORTS & second == expected
    same_as_clean(tmp_path, work)
    # The pages left out keep their place in the search index.
    assert indexed(tmp_path / "inc" / "html") == indexed(tmp_path / "clean" / "html")


def indexed(outdir: Path) -> list[str]:
    """The pages in the search index."""
    text = (outdir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return sorted(data["docnames"])


def test_write_everything_when_asked(tmp_path: Path) -> None:
    """``-a`` (and named files) write what was asked, also with stored digests."""
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    edit(work / PROOFS, OWNER.format("Leitung"), OWNER.format("QMB"))
    _app, every = build(work, tmp_path / "inc")
    with docutils_namespace():
        app = html_app(work, tmp_path / "inc", StringIO())
        written: set[str] = set()
        app.connect("html-page-context", lambda app, pagename, *args: written.add(pagename))
        app.build(force_all=True)
    assert written >= every | REPORTS
    assert indexed(tmp_path / "inc" / "html") == sorted(app.env.found_docs)


def test_digests_only_after_a_complete_build(tmp_path: Path) -> None:
    """A build that breaks off leaves no digests: the next one writes every report page."""
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    edit(work / PROOFS, OWNER.format("Leitung"), OWNER.format("QMB"))
    build(work, tmp_path / "inc")
    stored = next((tmp_path / "inc" / "doctrees").glob("qm-ansichten-*.json"))
    stored.unlink()  # as a build that stopped half-way leaves it
    edit(work / PROOFS, OWNER.format("QMB"), OWNER.format("Team"))
    _app, written = build(work, tmp_path / "inc")
    assert written >= REPORTS


def test_new_code_writes_every_report_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests stored by other code of the extension count for nothing: a view may render differently now."""
    from qm_handbook.compat import reuse

    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    edit(work / PROOFS, OWNER.format("Leitung"), OWNER.format("QMB"))
    build(work, tmp_path / "inc")
    monkeypatch.setattr(reuse, "code_version", lambda: "andere Fassung der Erweiterung")
    edit(work / PROOFS, OWNER.format("QMB"), OWNER.format("Team"))
    _app, written = build(work, tmp_path / "inc")
    assert written >= REPORTS


def test_digests_stored_by_any_build_that_writes_the_page(tmp_path: Path) -> None:
    """A full build stores the digests of the pages it writes: the first status change after it
    writes only the report pages whose views change, as later ones do."""
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")  # a fresh environment: every page written, digests noted while writing
    (page, old, new), expected = CASES["status"]
    edit(work / page, old, new)
    _app, written = build(work, tmp_path / "inc")
    assert REPORTS & written == expected
    same_as_clean(tmp_path, work)
