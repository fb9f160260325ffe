"""Pages listing an edited page are written again only when its entry changed (``compat/toc_entries.py``).

Each case builds a copy of the incremental test root (which stores the entries of all
pages), edits a page that the institution's start page lists in its table of contents,
and checks whether the start page was written again, and that every page equals a clean
build of the edited sources.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.util.docutils import docutils_namespace
from test_incremental import ROOT, build, edit, same_as_clean

from conftest import html_app

PAGE = "institutions/alpha/nachweise.md"
LISTING = "institutions/alpha/index"
TITLE = "# Nachweise\n"

#: edit → whether the page listing the edited page is written again
CASES = {
    "text": ((TITLE, TITLE + "\nEin neuer Satz.\n"), False),
    "title": ((TITLE, "# Nachweise und Belege\n"), True),
    "heading": ((TITLE, TITLE + "\nEin neuer Satz.\n\n## Neuer Abschnitt\n\nText.\n"), True),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_listing_page_written_only_when_the_entry_changes(tmp_path: Path, case: str) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    (old, new), listed = CASES[case]
    edit(work / PAGE, old, new)
    _app, written = build(work, tmp_path / "inc")
    assert "institutions/alpha/nachweise" in written
    assert (LISTING in written) is listed
    same_as_clean(tmp_path, work)


def test_everything_written_stores_every_entry(tmp_path: Path) -> None:
    """After ``-a`` the stored entries are those the pages show: a title changed back is written again."""
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    edit(work / PAGE, TITLE, "# Belege\n")
    with docutils_namespace():
        app = html_app(work, tmp_path / "inc", StringIO())
        app.build(force_all=True)
    edit(work / PAGE, "# Belege\n", TITLE)
    _app, written = build(work, tmp_path / "inc")
    assert LISTING in written
    same_as_clean(tmp_path, work)


def test_entries_only_after_a_complete_build(tmp_path: Path) -> None:
    """A build that breaks off leaves no stored entries: the next one writes the listing pages."""
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    stored = next((tmp_path / "inc" / "doctrees").glob("qm-inhaltsverzeichnis-*.json"))
    stored.unlink()  # as a build that stopped half-way leaves it
    edit(work / PAGE, TITLE, TITLE + "\nEin neuer Satz.\n")
    _app, written = build(work, tmp_path / "inc")
    assert LISTING in written
