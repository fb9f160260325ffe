"""The preview's prepared builds (``commands/preview_standby.py``) on real builds.

The build service runs the preview's builds and prepares the next one before the next
save. A prepared build must come out as any build of the edited sources (reports
included), report the problems of the page as it was saved (the page scan waits for
the release), and be dropped whenever something other than a page source changed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_preview import ROOT, STATUS_EDIT, build, edit, pages

from qm_handbook.commands import preview, preview_standby

PROOFS = "institutions/alpha/nachweise.md"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Path]:
    """The build service; it and its builds write to the file it yields."""
    preview.preload()
    log = tmp_path / "vorschau.log"
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("wb") as target:
        os.dup2(target.fileno(), 1)
        os.dup2(target.fileno(), 2)
        try:
            preview_standby.start(preview.fork_build, preview.build_once, preview.warm, preview.PREVIEW_SETTING)
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
    try:
        yield log
    finally:
        preview_standby.stop()


def _stamps(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_pages_only() -> None:
    here = Path(__file__)
    assert preview_standby.pages_only([ROOT / "index.md", ROOT / PROOFS])
    assert not preview_standby.pages_only([])
    assert not preview_standby.pages_only([ROOT / "index.md", ROOT / "netzwerk.toml"])
    assert not preview_standby.pages_only([here.with_name("entfernt.md")])  # removed: not a page edit


def test_prepared_build_writes_what_a_full_build_writes(tmp_path: Path, service: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    out = tmp_path / "out"
    args = ["-d", str(out / "doctrees"), str(work), str(out / "html")]
    assert preview.run_build(args) == 0
    assert not preview_standby.last_prepared  # the first build of a preview
    files = _stamps(out / "html")
    assert preview_standby.prepared()  # the next build is ready: it has read the pages before the edit
    assert _stamps(out / "html") == files  # and wrote nothing the browser may be loading
    before = len(service.read_bytes())

    # A status edit and a new unknown key in a page header: the prepared build shows both.
    edit(work / STATUS_EDIT[0], *STATUS_EDIT[1:])
    edit(work / PROOFS, "verantwortlich: QMB\n", "verantwortlich: QMB\nfarbe: rot\n")
    changed = [work / STATUS_EDIT[0], work / PROOFS]
    assert preview.run_build([*args, *preview.PREVIEW_SETTING], changed) == 0
    assert preview_standby.last_prepared
    text = service.read_bytes()[before:].decode("utf-8")
    assert "Unbekannter Schlüssel „farbe“" in text  # the page scan saw the saved page
    assert text.index("Running Sphinx") < text.index("build succeeded")  # kept-back output first

    edit(work / PROOFS, "verantwortlich: QMB\nfarbe: rot\n", "verantwortlich: QMB\n")
    assert preview.run_build([*args, *preview.PREVIEW_SETTING], [work / PROOFS]) == 0
    assert preview_standby.last_prepared
    clean_src = tmp_path / "clean-src"
    shutil.copytree(work, clean_src)
    build(clean_src, tmp_path / "clean")
    prepared, clean = pages(out / "html"), pages(tmp_path / "clean" / "html")
    assert prepared.keys() - {"genindex.html", "search.html"} == clean.keys() - {"genindex.html", "search.html"}
    assert [name for name in clean if name in prepared and prepared[name] != clean[name]] == []


def test_other_changes_build_from_the_beginning(tmp_path: Path, service: Path) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    out = tmp_path / "out"
    args = ["-d", str(out / "doctrees"), str(work), str(out / "html")]
    preview_args = [*args, *preview.PREVIEW_SETTING]
    assert preview.run_build(args) == 0
    # a data file changed: the prepared build (with the old data loaded) is dropped
    network = work / "netzwerk.toml"
    network.write_text(network.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview.run_build(preview_args, [network]) == 0
    assert not preview_standby.last_prepared
    # after pre-build commands (which may change anything) neither
    edit(work / STATUS_EDIT[0], *STATUS_EDIT[1:])
    assert preview.run_build(preview_args, [work / STATUS_EDIT[0]], prepared=False) == 0
    assert not preview_standby.last_prepared
    # other arguments than prepared
    edit(work / STATUS_EDIT[0], STATUS_EDIT[2], STATUS_EDIT[1])
    assert preview.run_build([*preview_args, "-D", "handbook_vorschau=ja"], [work / STATUS_EDIT[0]]) == 0
    assert not preview_standby.last_prepared
    # back to the usual arguments: the build prepared with the other ones is dropped, the next one is taken
    edit(work / STATUS_EDIT[0], *STATUS_EDIT[1:])
    assert preview.run_build(preview_args, [work / STATUS_EDIT[0]]) == 0
    assert not preview_standby.last_prepared
    edit(work / STATUS_EDIT[0], STATUS_EDIT[2], STATUS_EDIT[1])
    assert preview.run_build(preview_args, [work / STATUS_EDIT[0]]) == 0
    assert preview_standby.last_prepared
    assert "teilweise" in (out / "html" / "institutions" / "alpha" / "umsetzung.html").read_text(encoding="utf-8")
    edit(work / STATUS_EDIT[0], *STATUS_EDIT[1:])
    assert preview.run_build(preview_args, [work / STATUS_EDIT[0]]) == 0
    assert preview_standby.last_prepared
    assert "teilweise" not in (out / "html" / "institutions" / "alpha" / "umsetzung.html").read_text(encoding="utf-8")
    preview_standby.stop()
    # seven builds; the four prepared builds that were dropped printed nothing
    assert service.read_text(encoding="utf-8").count("Running Sphinx") == 7


def test_ctrl_c_during_a_fork_is_raised_after_it_never_lost() -> None:
    """A SIGINT arriving while Ctrl+C is held back is raised when the block ends, in the parent only."""
    reached_end = False
    with pytest.raises(KeyboardInterrupt), preview_standby.interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here; it only notes the signal
        reached_end = True
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # A fork inside the block: the child ends normally, the parent gets the interrupt.
    with pytest.raises(KeyboardInterrupt), preview_standby.interrupts_held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        pid = preview_standby.fork()
        if pid == 0:
            os._exit(0)
    _pid, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
