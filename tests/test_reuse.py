"""Reusing the last clean build's resolved needs and result (``compat/reuse.py``).

Each case builds a copy of the incremental test root, changes something, builds again
in the same folders and checks two things: whether the stored needs were taken, and
that every page and ``needs.json`` equal those of a clean build of the changed sources.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import html_app, uncoloured
from qm_handbook.compat import reuse as reuse_module
from qm_handbook.compat.reuse import CACHE_PATTERN, KEEP, cache_file, current, note_written, still_written

ROOT = Path(__file__).parent / "roots" / "test-incremental"
_RANDOM = re.compile(r"SNCB-[0-9a-f-]{8,}")
PAGE = "institutions/alpha/umsetzung.md"


def build(src: Path, out: Path, **overrides: object) -> tuple[Sphinx, str]:
    """Build ``src`` into ``out``; return the app and its warnings."""
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, out, warning, confoverrides=dict(overrides))
        app.build()
    return app, uncoloured(warning.getvalue())


def outputs(outdir: Path) -> dict[str, str]:
    """Every page, needs.json, the exports and calendars (random sphinx-needs ids normalised)."""
    found = {
        str(p.relative_to(outdir)): _RANDOM.sub("SNCB-x", p.read_text(encoding="utf-8"))
        for p in sorted(outdir.rglob("*.html"))
        if not p.relative_to(outdir).parts[0].startswith("_")
    }
    found["needs.json"] = json.dumps(json.loads((outdir / "needs.json").read_text(encoding="utf-8")), sort_keys=True)
    # the exports and the calendars, which a reusing build leaves as they are
    for path in [
        outdir / "metrics.json",
        *sorted((outdir / "auswertung").glob("*.csv")),
        *sorted((outdir / "kalender").glob("*.ics")),
    ]:
        found[str(path.relative_to(outdir))] = path.read_text(encoding="utf-8")
    return found


def change(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def assert_like_clean(tmp_path: Path, work: Path) -> None:
    clean_src = tmp_path / "clean-src"
    shutil.copytree(work, clean_src)
    _app, warnings = build(clean_src, tmp_path / "clean")
    assert warnings == ""
    incremental, clean = outputs(tmp_path / "inc" / "html"), outputs(tmp_path / "clean" / "html")
    assert sorted(incremental) == sorted(clean)
    assert {"metrics.json", "auswertung/luecken.csv", "kalender/netzwerk.ics"} <= clean.keys()
    assert [name for name in clean if incremental[name] != clean[name]] == []


def first_build(tmp_path: Path) -> Path:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    app, warnings = build(work, tmp_path / "inc")
    assert warnings == ""
    reuse = current(app)
    assert reuse is not None and not reuse.used
    assert cache_file(app, reuse.key).is_file()
    return work


#: edit → whether the stored needs may be taken
CASES = {
    # one sentence outside every need, on the same line
    "sentence": ("tabelle.md", "Alle Nachweise:", "Alle Nachweise des Netzwerks auf einen Blick:", True),
    # a page title: needs show their section, reports the page titles
    "title": (PAGE, "# Umsetzung\n", "# Umsetzung der Anforderungen\n", False),
    # a new paragraph above the needs: they move to other lines (needs.json shows them)
    "lines-moved": (PAGE, "# Umsetzung\n", "# Umsetzung\n\nEin neuer Absatz.\n\nUnd noch einer.\n", True),
    # a statement's status: the resolved needs and the reports change
    "status": (PAGE, ":status: teilweise", ":status: umgesetzt", False),
    # a need's text
    "need-text": (PAGE, "Wir setzen Jahresziele.", "Wir setzen messbare Jahresziele.", False),
    # a page's control data (next review): the result lists it
    "metadata": (PAGE, "naechste_pruefung: 2027-01-15", "naechste_pruefung: 2026-02-01", False),
    # a data file that no page reads as source
    "data-file": ("netzwerk.toml", 'name = "Testnetz"', 'name = "Testnetz Nord"', False),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_reuse_only_when_nothing_it_depends_on_changed(tmp_path: Path, case: str) -> None:
    work = first_build(tmp_path)
    page, old, new, expected = CASES[case]
    change(work / page, old, new)
    app, warnings = build(work, tmp_path / "inc")
    assert warnings == ""
    reuse = current(app)
    assert reuse is not None and reuse.used is expected
    assert_like_clean(tmp_path, work)


def test_as_of_date_and_switch_decide_reuse(tmp_path: Path) -> None:
    work = first_build(tmp_path)
    app, _ = build(work, tmp_path / "inc", handbook_as_of="2026-03-01")
    reuse = current(app)
    assert reuse is not None and not reuse.used
    # Builds with different settings (here the as-of date) each keep their stored data.
    app, _ = build(work, tmp_path / "inc")
    reuse = current(app)
    assert reuse is not None and reuse.used
    app, _ = build(work, tmp_path / "inc", handbook_as_of="2026-03-01")
    reuse = current(app)
    assert reuse is not None and reuse.used
    build(work, tmp_path / "inc", handbook_as_of="2026-03-02")
    assert len(list((tmp_path / "inc" / "doctrees").glob(CACHE_PATTERN))) == KEEP
    app, _ = build(work, tmp_path / "inc", handbook_speedups=False)
    assert current(app) is None


def test_build_with_warning_stores_nothing(tmp_path: Path) -> None:
    work = first_build(tmp_path)
    stored = sorted((tmp_path / "inc" / "doctrees").glob(CACHE_PATTERN))
    before = [p.read_bytes() for p in stored]
    # a link to a need that does not exist: a warning
    change(work / PAGE, "Wir setzen Jahresziele.", "Wir setzen Jahresziele, siehe {need}`A1_FEHLT`.")
    _app, warnings = build(work, tmp_path / "inc")
    assert "A1_FEHLT" in warnings
    assert sorted((tmp_path / "inc" / "doctrees").glob(CACHE_PATTERN)) == stored
    assert [p.read_bytes() for p in stored] == before
    # Back to the first text: the key of the first build again, so its data is taken.
    change(work / PAGE, "Wir setzen Jahresziele, siehe {need}`A1_FEHLT`.", "Wir setzen Jahresziele.")
    app, warnings = build(work, tmp_path / "inc")
    assert warnings == ""
    reuse = current(app)
    assert reuse is not None and reuse.used
    assert_like_clean(tmp_path, work)


def test_new_duplicate_id_is_reported(tmp_path: Path) -> None:
    """A need with a taken ID on a page without needs: sphinx-needs drops it, the checks report it."""
    work = first_build(tmp_path)
    text = "```{nachweis} Kopie\n:id: A1_NW_LEITBILD\n:belegt: A1_MINI_E1_1\n```\n"
    change(work / "tabelle.md", "Alle Nachweise:", text + "\nAlle Nachweise:")
    app, warnings = build(work, tmp_path / "inc")
    reuse = current(app)
    assert reuse is not None and not reuse.used
    assert "A1_NW_LEITBILD" in warnings and "qm.duplicate_id" in warnings


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the build's copies need fork (Linux)")
def test_outputs_written_by_copies_at_the_same_time_keep_their_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copies of a build write ``needs.json``, the calendars and the exports at the same
    time; each one's note of the key it wrote under must survive the others'."""
    app = SimpleNamespace(doctreedir=str(tmp_path / "doctrees"), outdir=str(tmp_path / "out"))
    (tmp_path / "doctrees").mkdir()
    monkeypatch.setattr(reuse_module, "current", lambda _app: SimpleNamespace(key="K", used=True))
    outputs = ("needs.json", "kalender", "auswertung", "metrics.json")
    pids = []
    for output in outputs:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the copy
            try:
                for _ in range(300):
                    note_written(app, output, ":v")
            finally:
                os._exit(0)
        pids.append(pid)
    for pid in pids:
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    assert [o for o in outputs if not still_written(app, o, ":v")] == []
    # A build without a key (it warned) forgets what it wrote, and only that.
    monkeypatch.setattr(reuse_module, "current", lambda _app: None)
    note_written(app, "needs.json")
    monkeypatch.setattr(reuse_module, "current", lambda _app: SimpleNamespace(key="K", used=True))
    assert [o for o in outputs if not still_written(app, o, ":v")] == ["needs.json"]
