"""Incremental builds give the same pages as clean builds after needs change.

For each edit: build the test root clean, edit one page, build again incrementally,
then build the edited sources clean elsewhere and compare every HTML page. Only the
random-by-design container ids of sphinx-needs (``SNCB-<uuid>``) are normalised.
"""

from __future__ import annotations

import os
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import html_app, uncoloured
from qm_handbook.compat.incremental import NeedPrint, pages_to_rewrite
from qm_handbook.state import state_of

ROOT = Path(__file__).parent / "roots" / "test-incremental"
_RANDOM = re.compile(r"SNCB-[0-9a-f-]{8,}")


def build(src: Path, out: Path, parallel: int = 0) -> tuple[Sphinx, set[str]]:
    """Build ``src`` into ``out``; return the app and the pages it wrote."""
    written: set[str] = set()
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, out, warning, parallel=parallel)
        app.connect("html-page-context", lambda app, pagename, *args: written.add(pagename))
        app.build()
    warnings = uncoloured(warning.getvalue())
    assert warnings == "", warnings
    return app, written


def pages(outdir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(outdir)): _RANDOM.sub("SNCB-x", p.read_text(encoding="utf-8"))
        for p in sorted(outdir.rglob("*.html"))
        if not p.relative_to(outdir).parts[0].startswith("_")
    }


def same_as_clean(tmp_path: Path, work: Path) -> None:
    """Every page of the output in ``tmp_path/inc`` equals a clean build of ``work`` (and no page is missing)."""
    clean_src = tmp_path / "clean-src"
    shutil.copytree(work, clean_src)
    build(clean_src, tmp_path / "clean")
    incremental, clean = pages(tmp_path / "inc" / "html"), pages(tmp_path / "clean" / "html")
    assert sorted(incremental) == sorted(clean)
    assert [name for name in clean if incremental[name] != clean[name]] == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


EDITS = {
    # a proof now supports another statement: back-links move between two statements
    "link-target": ("institutions/alpha/nachweise.md", ":belegt: A1_MINI_E1_1\n", ":belegt: A1_MINI_E1_2\n"),
    # a statement's title and status change: the table, the need role and links show it
    "title-status": (
        "institutions/alpha/umsetzung.md",
        "```{umsetzung} Jahresziele\n:id: A1_MINI_E1_2\n:setzt_um: MINI_E1_2\n"
        ":geprueft_gegen: 09c90b35e3ff\n:status: teilweise",
        "```{umsetzung} Jahresziele mit Kennzahlen\n:id: A1_MINI_E1_2\n:setzt_um: MINI_E1_2\n"
        ":geprueft_gegen: 09c90b35e3ff\n:status: umgesetzt",
    ),
    # a proof is removed
    "removed": (
        "institutions/alpha/nachweise.md",
        "```{nachweis} Leitbild-Dokument",
        "Kein Nachweis mehr.\n\n```{admonition} Entfernt",
    ),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_incremental_equals_clean(tmp_path: Path, case: str) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    page, old, new = EDITS[case]
    if case == "removed":
        text = (work / page).read_text(encoding="utf-8")
        start = text.index("```{nachweis} Leitbild-Dokument")
        end = text.index("```\n", text.index(":sichtbarkeit:", start)) + 4
        (work / page).write_text(text[:start] + text[end:], encoding="utf-8")
        later = (work / page).stat().st_mtime + 5
        os.utime(work / page, (later, later))
    else:
        edit(work / page, old, new)
    _app, written = build(work, tmp_path / "inc")
    same_as_clean(tmp_path, work)
    # Not everything was rewritten: the rewrite is targeted.
    assert "institutions/alpha/massnahmen" not in written or case == "title-status"


def test_noop_build_writes_nothing(tmp_path: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "out")
    _app, written = build(work, tmp_path / "out")
    assert written <= {"genindex", "search"}


def _print(doc: str, digest: str, *targets: str) -> NeedPrint:
    return NeedPrint(docname=doc, digest=digest, targets=frozenset(targets))


def test_pages_to_rewrite_follows_links_both_ways() -> None:
    old = {"N1": _print("nachweise", "a", "U1")}
    new = {"N1": _print("nachweise", "b", "U2")}
    incoming = {"N1": {"bericht"}}
    docname_of = {"N1": "nachweise", "U1": "umsetzung", "U2": "umsetzung2", "X": "x"}
    refs = {"text": {"U2"}, "other": {"X"}}
    views = {"tabelle": None, "stand-a": frozenset({"A"}), "stand-b": frozenset({"B"})}
    pages = pages_to_rewrite(old, new, docname_of, incoming, refs, views, lambda doc: "A")
    # U1 lost a back-link, U2 gained one, "bericht" links to N1, "text" shows U2 via a role
    # views: the network-wide one and the one of institution A, not the one of B
    assert pages == {"nachweise", "umsetzung", "umsetzung2", "bericht", "text", "tabelle", "stand-a"}


def test_pages_to_rewrite_nothing_changed() -> None:
    same = {"N1": _print("nachweise", "a", "U1")}
    assert pages_to_rewrite(same, dict(same), {"N1": "nachweise"}, {}, {}, {"tabelle": None}, lambda doc: None) == set()


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    """Reading with two processes merges the handbook's bookkeeping and gives the same pages."""
    shutil.copytree(ROOT, tmp_path / "a")
    shutil.copytree(ROOT, tmp_path / "b")
    serial, _ = build(tmp_path / "a", tmp_path / "serial")
    parallel, _ = build(tmp_path / "b", tmp_path / "parallel", parallel=2)
    assert parallel.is_parallel_allowed("read")
    assert pages(tmp_path / "serial" / "html") == pages(tmp_path / "parallel" / "html")
    assert (tmp_path / "serial" / "html" / "needs.json").read_bytes() == (
        tmp_path / "parallel" / "html" / "needs.json"
    ).read_bytes()
    mine, theirs = state_of(parallel.env).records, state_of(serial.env).records
    for attr in ("needs_views", "needs_view_scopes", "need_role_refs"):
        assert getattr(mine, attr) == getattr(theirs, attr), attr
    assert {"tabelle", "institutions/alpha/stand"} <= mine.needs_views
