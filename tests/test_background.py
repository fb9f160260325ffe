"""Side outputs written in a copy of the build (``qm_handbook/background.py``).

Real builds of a copy of the incremental test root: the copy runs the need checks and
writes ``needs.json``, the exports, the calendars, ``objects.inv`` and the stored build;
the files equal those of a build without a copy, a warning in the copy reaches the
build's warnings with its location, and a writer that fails in the copy is run again by
the build itself.
"""

from __future__ import annotations

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import docutils_namespace

from conftest import html_app, uncoloured
from qm_handbook import background
from qm_handbook.background import connect_output
from qm_handbook.compat.reuse import cache_file, current
from qm_handbook.state import get_state

ROOT = Path(__file__).parent / "roots" / "test-incremental"
pytestmark = pytest.mark.skipif(not background.sys.platform.startswith("linux"), reason="the copy is made on Linux")


def _side_files(outdir: Path) -> dict[str, bytes]:
    names = ["needs.json", "metrics.json", "objects.inv"]
    names += [str(p.relative_to(outdir)) for p in sorted((outdir / "auswertung").iterdir())]
    names += [str(p.relative_to(outdir)) for p in sorted((outdir / "kalender").iterdir())]
    return {name: (outdir / name).read_bytes() for name in names}


def _build(tmp_path: Path, name: str, *writers: background.Handler) -> tuple[Sphinx, str]:
    src = tmp_path / f"{name}-src"
    shutil.copytree(ROOT, src)
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, tmp_path / name, warning)
        for writer in writers:
            connect_output(app, writer)
        app.build()
    return app, uncoloured(warning.getvalue())


def test_the_copy_writes_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app, warnings = _build(tmp_path, "copy")
    assert warnings == ""
    job = get_state(app).write.side_job
    assert job is not None and job.joined
    # every writer (checks, needs.json, exports, calendars, inventory, stored build) finished in the copy
    assert job.done == set(range(len(get_state(app).side_outputs)))
    reuse = current(app)
    assert reuse is not None and cache_file(app, reuse.key).is_file()
    # A fresh build read every page: writing them takes longer than all side outputs, so one
    # copy runs them all instead of two that would each copy the memory of the needs.
    assert len(job.copies) == 1
    assert not any(report.exists() for _pid, report in job.copies)

    monkeypatch.setattr(background, "_can_fork", lambda app, *builders: False)
    alone, warnings = _build(tmp_path, "alone")
    assert warnings == ""
    assert get_state(alone).write.side_job is None
    copied, written = _side_files(tmp_path / "copy" / "html"), _side_files(tmp_path / "alone" / "html")
    assert {"needs.json", "metrics.json", "auswertung/auswertung.xlsx", "kalender/netzwerk.ics"} <= written.keys()
    assert sorted(copied) == sorted(written)
    assert [name for name in written if copied[name] != written[name]] == []


def test_a_warning_in_the_copy_counts(tmp_path: Path) -> None:
    def warn(app: Sphinx, exception: Exception | None) -> None:
        logging.getLogger(__name__).warning("Probe aus der Kopie", location=("index", 3))

    app, warnings = _build(tmp_path, "warn", warn)
    assert "index.md:3: WARNING: Probe aus der Kopie" in warnings
    assert app._warncount == 1
    # a build with a warning keeps no stored build, also when the copy wrote its part
    reuse = current(app)
    assert reuse is not None
    assert not cache_file(app, reuse.key).exists()
    assert list(cache_file(app, reuse.key).parent.glob("*.neu")) == []


def test_a_writer_failing_in_the_copy_runs_again(tmp_path: Path) -> None:
    parent = os.getpid()
    mark = tmp_path / "geschrieben.txt"

    def fail_in_copy(app: Sphinx, exception: Exception | None) -> None:
        if os.getpid() != parent:
            raise RuntimeError("in der Kopie")
        mark.write_text(f"{parent}", encoding="utf-8")

    app, warnings = _build(tmp_path, "fail", fail_in_copy)
    assert warnings == ""
    job = get_state(app).write.side_job
    assert job is not None
    assert len(get_state(app).side_outputs) - 1 not in job.done
    assert mark.read_text(encoding="utf-8") == f"{parent}"


def test_check_warnings_from_the_copy_as_from_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A need check run in the copy warns like one run in the build: German text, file, line."""

    def warnings_of(name: str) -> tuple[Sphinx, list[str]]:
        src = tmp_path / name
        shutil.copytree(ROOT, src)
        page = src / "institutions" / "alpha" / "umsetzung.md"
        text = page.read_text(encoding="utf-8")
        assert ":status: teilweise" in text
        page.write_text(text.replace(":status: teilweise", ":status: halbfertig", 1), encoding="utf-8")
        warning = StringIO()
        with docutils_namespace():
            app = html_app(src, tmp_path / f"{name}-out", warning)
            app.build()
        return app, uncoloured(warning.getvalue()).replace(str(src), "SRC").splitlines()

    app, copied = warnings_of("copy")
    job = get_state(app).write.side_job
    assert job is not None and job.done == set(range(len(get_state(app).side_outputs)))
    assert app._warncount == 1
    assert len(copied) == 1
    assert copied[0].startswith("SRC/institutions/alpha/umsetzung.md:22: WARNING: Der Status „halbfertig“")
    assert copied[0].endswith("[qm.bad_status]")
    monkeypatch.setattr(background, "_can_fork", lambda app, *builders: False)
    alone, written = warnings_of("alone")
    assert get_state(alone).write.side_job is None
    assert copied == written


def count_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, the ids of the copies this process makes (in the order made)."""
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    return forks


def test_the_environment_saved_by_a_copy_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After an edit the environment is saved by a copy made after reading; the next build takes it up."""
    forks = count_forks(monkeypatch)
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    with docutils_namespace():
        first = html_app(src, tmp_path / "out")
        first.build()
    assert len(forks) == 1  # a fresh start saves the environment itself; one copy for the side outputs
    page = src / "institutions" / "alpha" / "umsetzung.md"
    page.write_text(page.read_text(encoding="utf-8").replace(":status: teilweise", ":status: umgesetzt", 1), "utf-8")
    with docutils_namespace():
        edited = html_app(src, tmp_path / "out")
        edited.build()
    # Now also the environment, saved by a copy after reading; one page of twelve was read, so
    # the side outputs run in two copies side by side (checks, needs.json, calendars, inventory |
    # exports, stored build): the few pages to write would not hide one copy's time.
    assert len(forks) == 4
    assert not get_state(edited).mostly_read(len(edited.env.all_docs))
    assert get_state(edited).write.env_saver is None  # waited for
    read: list[str] = []
    with docutils_namespace():
        second = html_app(src, tmp_path / "out")
        second.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
        second.build()
    assert not second.fresh_env_used
    assert read == []
    assert len(second.env.found_docs) == len(first.env.found_docs) > 0


def test_another_project_in_the_same_process_saves_its_environment(tmp_path: Path) -> None:
    """After a handbook build, a project without the extension builds as usual in the same process."""
    _build(tmp_path, "handbook")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "conf.py").write_text("project = 'ohne Handbuch'\n", encoding="utf-8")
    (plain / "index.rst").write_text("Titel\n=====\n\nText.\n", encoding="utf-8")
    for _ in range(2):
        warning = StringIO()
        with docutils_namespace():
            app = html_app(plain, tmp_path / "plain-out", warning)
            app.build()
        assert uncoloured(warning.getvalue()) == ""
    assert not app.fresh_env_used  # the second build loaded what the first saved


def test_suppressed_check_warnings_keep_the_stored_build(tmp_path: Path) -> None:
    """A check code silenced with ``suppress_warnings`` does not stop the stored build from being kept."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    page = src / "institutions" / "alpha" / "umsetzung.md"
    page.write_text(page.read_text(encoding="utf-8").replace(":status: teilweise", ":status: halbfertig", 1), "utf-8")
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, tmp_path / "out", warning, confoverrides={"suppress_warnings": ["qm.bad_status"]})
        app.build()
    assert uncoloured(warning.getvalue()) == ""
    assert get_state(app).write.side_job is not None
    reuse = current(app)
    assert reuse is not None and cache_file(app, reuse.key).is_file()


def test_a_failed_public_build_leaves_no_unfiltered_needs_json_or_inventory(tmp_path: Path) -> None:
    """The copy wrote needs.json and objects.inv before the build failed: the public profile removes them."""
    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-publish", src)

    def fail(app: Sphinx, doctree: object, docname: str) -> None:
        raise RuntimeError("Abbruch beim Schreiben")

    with docutils_namespace():
        app = html_app(src, tmp_path / "out", confoverrides={"handbook_profil": "oeffentlich"})
        app.connect("doctree-resolved", fail)
        with pytest.raises(Exception, match="Abbruch beim Schreiben"):
            app.build()
    assert get_state(app).write.side_job is not None
    outdir = tmp_path / "out" / "html"
    assert (outdir / "metrics.json").is_file()  # the copy did write
    assert not (outdir / "needs.json").exists()
    assert not (outdir / "objects.inv").exists()


def test_the_pdf_builder_saves_the_environment_by_a_copy_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF build that read an edited page (as in the PDF watch) saves the environment by a copy."""
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    with docutils_namespace():
        html_app(src, tmp_path / "out").build()
    page = src / "institutions" / "alpha" / "umsetzung.md"
    page.write_text(page.read_text(encoding="utf-8").replace(":status: teilweise", ":status: umgesetzt", 1), "utf-8")
    forks = count_forks(monkeypatch)
    read: list[str] = []

    def pdf_build() -> Sphinx:
        warning = StringIO()
        with docutils_namespace():
            app = Sphinx(
                srcdir=src, confdir=src, outdir=tmp_path / "out" / "pdf", doctreedir=tmp_path / "out" / "doctrees",
                buildername="qmpdf", status=StringIO(), warning=warning, confoverrides={"handbook_pdf_select": "alpha"},
            )  # fmt: skip
            app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
            app.build()
        assert uncoloured(warning.getvalue()) == ""
        return app

    edited = pdf_build()
    assert read == ["institutions/alpha/umsetzung"]
    assert len(forks) == 1 and get_state(edited).write.env_saver is None  # saved by a copy, waited for
    read.clear()
    again = pdf_build()
    assert not again.fresh_env_used and read == []  # the copy's environment holds the edit
    assert (tmp_path / "out" / "pdf" / "alpha.pdf").is_file()
