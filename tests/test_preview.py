"""The live preview's builds (commands/preview.py, compat/preview_mode.py) on real builds.

A preview build (``handbook_vorschau = "ja"``) must write exactly what a full build
writes for the edited sources, reports included, and leave out only the search index,
the exports, the calendars and the general index; the next full build of the same
folder catches up. The warm builds run in a fork of a preloaded process. The builder
goes through the crash guard, speaks German, survives pickling (sphinx-autobuild hands it
to a worker) and makes every build after the first a preview build.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import html_app, uncoloured
from qm_handbook.commands import preview
from qm_handbook.compat.preview_mode import PENDING, TEMPLATE_CACHE

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(__file__).parent / "roots" / "test-incremental"
STATUS_EDIT = (
    "institutions/alpha/umsetzung.md",
    ":geprueft_gegen: 09c90b35e3ff\n:status: teilweise",
    ":geprueft_gegen: 09c90b35e3ff\n:status: umgesetzt",
)
#: Output a preview build leaves out (besides the search index and the general index).
LEFT_OUT = ("needs.json", "metrics.json", "auswertung", "kalender")


def build(src: Path, out: Path, **overrides: str) -> tuple[Sphinx, set[str]]:
    """Build ``src`` into ``out`` (warning-free); return the app and the pages it wrote."""
    written: set[str] = set()
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, out, warning, confoverrides=overrides)
        app.connect("html-page-context", lambda app, pagename, *args: written.add(pagename))
        app.build()
    assert uncoloured(warning.getvalue()) == ""
    return app, written


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def pages(outdir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(outdir)): p.read_text(encoding="utf-8")
        for p in sorted(outdir.rglob("*.html"))
        if not p.relative_to(outdir).parts[0].startswith("_")
    }


def normalised(html: str) -> str:
    """Without the random container ids of sphinx-needs (``SNCB-<uuid>``)."""
    return re.sub(r"SNCB-[0-9a-f-]{8,}", "SNCB-x", html)


def test_preview_build_writes_what_a_full_build_writes_but_no_index(tmp_path: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    html = tmp_path / "out" / "html"
    # The preview's first build is a full one: search index, needs.json, calendars, no record.
    build(work, tmp_path / "out")
    for name in (*LEFT_OUT, "searchindex.js", "genindex.html"):
        assert (html / name).exists(), name
    assert not (html / PENDING).exists()
    report_before = (html / "institutions/alpha/stand.html").read_text(encoding="utf-8")
    index_before = (html / "searchindex.js").read_bytes()
    for name in LEFT_OUT:  # removed, to see whether the preview build writes them again
        target = html / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()

    edit(work / STATUS_EDIT[0], *STATUS_EDIT[1:])
    _app, written = build(work, tmp_path / "out", handbook_vorschau="ja")

    # Exactly the pages of a clean full build of the edited sources, reports included.
    clean_src = tmp_path / "clean-src"
    shutil.copytree(work, clean_src)
    build(clean_src, tmp_path / "clean")
    ours = {name: normalised(text) for name, text in pages(html).items()}
    clean = {name: normalised(text) for name, text in pages(tmp_path / "clean" / "html").items()}
    assert sorted(ours) == sorted(clean)
    assert [name for name in clean if ours[name] != clean[name]] == []
    report_after = (html / "institutions/alpha/stand.html").read_text(encoding="utf-8")
    assert normalised(report_after) != normalised(report_before)  # the dashboard shows the new status
    assert "institutions/alpha/stand" in written and "institutions/alpha/umsetzung" in written

    # Left out: no search index update, no exports, no calendars, no general index or search page.
    assert (html / "searchindex.js").read_bytes() == index_before
    for name in LEFT_OUT:
        assert not (html / name).exists(), name
    assert not written & {"genindex", "search"}
    pending = set(json.loads((html / PENDING).read_text(encoding="utf-8")))
    assert pending == written
    assert any((tmp_path / "out" / "doctrees" / TEMPLATE_CACHE).iterdir())  # compiled templates kept

    # The next full build writes the unindexed pages again and everything left out.
    _app, caught_up = build(work, tmp_path / "out")
    assert pending <= caught_up
    assert not (html / PENDING).exists()
    assert (html / "searchindex.js").read_bytes() != index_before
    for name in LEFT_OUT:
        assert (html / name).exists(), name


def test_warm_builds_run_in_a_fork_and_fall_back_to_a_new_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    out = tmp_path / "out"
    args = ["-q", "-d", str(out / "doctrees"), str(work), str(out / "html")]
    page = out / "html" / "institutions" / "alpha" / "umsetzung.html"
    preview.preload()
    assert preview.warm()
    assert preview.run_build(args) == 0
    assert "teilweise" in page.read_text(encoding="utf-8")

    edit(work / STATUS_EDIT[0], *STATUS_EDIT[1:])
    assert preview.run_build([*args, *preview.PREVIEW_SETTING]) == 0
    assert (out / "html" / PENDING).is_file()  # a preview build, run in the fork
    assert "teilweise" not in page.read_text(encoding="utf-8")

    # After a change to the extension's files a fork would run old code: a new process builds.
    monkeypatch.setattr(preview, "_preloaded", {})
    monkeypatch.setenv("PYTHONPATH", str(REPO / "ext"))
    assert not preview.warm()
    edit(work / STATUS_EDIT[0], STATUS_EDIT[2], STATUS_EDIT[1])
    assert preview.run_build(args) == 0
    assert "teilweise" in page.read_text(encoding="utf-8")
    assert not (out / "html" / PENDING).exists()  # a full build, which caught up


def recorder(calls: list[list[str]], code: int) -> Callable[..., int]:
    def run_build(args: Sequence[str], changed: Sequence[Path] = (), *, prepared: bool = True) -> int:
        calls.append(list(args))
        return code

    return run_build


def builder() -> preview.GuardedBuilder:
    return preview.GuardedBuilder(["src", "out"], url_host="127.0.0.1:8000", pre_build_commands=[],
                                  post_build_commands=[])  # fmt: skip


def test_builds_run_through_the_crash_guard() -> None:
    # a build in a new process (no fork, or the extension changed) goes through the guard too
    assert preview.guarded_command(["src", "out"]) == [
        sys.executable, "-m", "qm_handbook.commands.preview", "--bau", "src", "out"
    ]  # fmt: skip
    assert preview.german("Starting initial build") == "Erster Bau der Vorschau …"


def test_builder_survives_pickling() -> None:
    # sphinx-autobuild hands the builder to a worker process
    assert isinstance(pickle.loads(pickle.dumps(builder())), preview.GuardedBuilder)


def test_failed_build_is_reported_in_german(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(preview, "run_build", recorder(calls, 2))
    builder()(changed_paths=[Path("institutions/x/leitbild.md")])
    out = capsys.readouterr().out
    assert calls == [["src", "out", *preview.PREVIEW_SETTING]]
    assert "Geändert: leitbild.md" in out and "Der Bau ist fehlgeschlagen (Exit-Code 2" in out
    assert preview.READY not in out


def test_only_builds_after_a_change_are_preview_builds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(preview, "run_build", recorder(calls, 0))
    builder()(changed_paths=())  # the first build of a preview: a full one
    builder()(changed_paths=[Path("institutions/x/leitbild.md")])
    assert calls == [["src", "out"], ["src", "out", "-D", "handbook_vorschau=ja"]]
    assert capsys.readouterr().out.count(preview.READY) == 2
