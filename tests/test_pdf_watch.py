"""The PDF watch (``commands/pdf_watch.py``, ``pdf._workers.keep_resident``).

The watch runs as ``python3 noxfile.py -s pdf -- <Ordner> --beobachten`` does, on a copy
of the PDF test root: it typesets the PDF, and after an edit of a page again, with the
same Typst process. The PDF after the edit is byte-identical to the PDF of a fresh
build of the edited sources. Ctrl+C ends the watch and its Typst process.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from conftest import REPO, uncoloured
from pdfcheck import Pdf
from qm_handbook.commands import pdf_watch
from qm_handbook.pdf import _workers
from qm_handbook.pdf._render import RenderTask
from qm_handbook.pdf._workers import TypstPool

ROOT = Path(__file__).parent / "roots" / "test-pdf"
SENTENCE = "Dieser Satz kam während der Beobachtung hinzu."
#: Generous: the first build of the watch imports everything once.
WAIT = 180

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the warm builds of the watch need fork (Linux)")


def _args(src: Path, out: Path, doctrees: Path, slug: str) -> list[str]:
    return [
        "-b", "qmpdf", "-W", "--keep-going", "-n", "-q", "-d", str(doctrees),
        "-D", f"handbook_pdf_select={slug}", str(src), str(out),
    ]  # fmt: skip


class Lines:
    """The watch's output, line by line, with a time limit per wait."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert proc.stdout is not None
        stream = proc.stdout

        def read() -> None:
            for line in stream:
                self._queue.put(line.rstrip("\n"))
            self._queue.put(None)

        threading.Thread(target=read, daemon=True).start()

    def until(self, start: str) -> str:
        while True:
            try:
                line = self._queue.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"keine Zeile „{start} …“ nach {WAIT} s; bisher: {self.seen}")
            if line is None:
                pytest.fail(f"die Beobachtung endete vor „{start} …“; Ausgabe: {self.seen}")
            self.seen.append(line)
            if line.startswith(start):
                return line


def _typst_children(pid: int) -> set[int]:
    """Process ids of the Typst workers started by process ``pid``."""
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        if parent == pid and b"_typst_worker" in command:
            found.add(int(entry.name))
    return found


def _written(pid: int) -> int:
    """Bytes process ``pid`` has written so far (its replies and the PDFs it typeset).

    Not its CPU time: with Typst's cache warm, the test's small PDF can be typeset in less
    than one clock tick.
    """
    fields = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return int(fields["wchar"])


def _fresh_pdf(src: Path, base: Path, slug: str) -> bytes:
    """The PDF of a fresh build (website, then PDF) of ``src``."""
    warning = StringIO()
    for builder, out in (("html", base / "html"), ("qmpdf", base / "html" / "pdf")):
        with patch_docutils(src), docutils_namespace():
            app = Sphinx(
                srcdir=src, confdir=src, outdir=out, doctreedir=base / "doctrees", buildername=builder,
                status=StringIO(), warning=warning,
                confoverrides={"nitpicky": True, "handbook_pdf_select": slug if builder == "qmpdf" else ""},
            )  # fmt: skip
            app.build()
    assert uncoloured(warning.getvalue()) == ""
    return (base / "html" / "pdf" / f"{slug}.pdf").read_bytes()


def test_watch_typesets_again_after_an_edit_with_the_same_typst(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    out, doctrees = tmp_path / "out" / "pdf", tmp_path / "doctrees"
    env = {**os.environ, "PYTHONPATH": str(REPO / "ext")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qm_handbook.commands.pdf_watch", "--ignore", str(tmp_path / "out"),
         *_args(src, out, doctrees, "alpha")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    lines = Lines(proc)
    try:
        first = lines.until(pdf_watch.READY)
        assert str(out / "alpha.pdf") in first
        assert SENTENCE not in Pdf(out / "alpha.pdf").text
        typst = _typst_children(proc.pid)
        assert len(typst) == 1, lines.seen
        (worker,) = typst
        before = _written(worker)

        page = src / "institutions" / "alpha" / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + f"\n{SENTENCE}\n", encoding="utf-8")
        assert lines.until("Geändert:") == "Geändert: index.md – setze das PDF neu …"
        lines.until(pdf_watch.READY)
        assert SENTENCE in Pdf(out / "alpha.pdf").text
        # The same Typst process typeset it again (a build's own Typst would leave it idle).
        assert _typst_children(proc.pid) == typst and _written(worker) > before + len((out / "alpha.pdf").read_bytes())
        edited = page.read_text(encoding="utf-8")
        # A reference to nowhere: a warning, which -W makes the build fail; the watch says so and goes on.
        page.write_text(edited + "\nSiehe {ref}`gibt-es-nicht`.\n", encoding="utf-8")
        lines.until("Geändert:")
        assert "aber der Bau meldet Probleme" in lines.until("PDF neu gesetzt")
        assert any("gibt-es-nicht" in line for line in lines.seen)
        page.write_text(edited, encoding="utf-8")
        lines.until(pdf_watch.READY)
        # A file right in the project folder, saved twice as some editors do: a new file renamed over it.
        network = src / "netzwerk.toml"
        for _save in range(2):
            (src / "netzwerk.toml.neu").write_bytes(network.read_bytes())
            (src / "netzwerk.toml.neu").replace(network)
            assert lines.until("Geändert:") == "Geändert: netzwerk.toml – setze das PDF neu …"
            lines.until(pdf_watch.READY)
        watched = (out / "alpha.pdf").read_bytes()

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT) == 0
        lines.until("PDF-Beobachtung beendet.")
        assert not any(Path(f"/proc/{pid}").exists() for pid in typst)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
    assert not [line for line in lines.seen if "Traceback" in line or "INFO" in line], lines.seen
    assert [line for line in lines.seen if "WARNING" in line and "gibt-es-nicht" not in line] == []
    assert watched == _fresh_pdf(src, tmp_path / "fresh", "alpha")


def test_watch_needs_exactly_one_institution(tmp_path: Path) -> None:
    for select in ("", "alpha,beta"):
        with pytest.raises(pdf_watch.UsageError, match="genau einer Einrichtung"):
            pdf_watch.parse(_args(tmp_path, tmp_path / "out", tmp_path / "d", select))
    watch = pdf_watch.parse(["--re-ignore", "/entwurf/", *_args(tmp_path, tmp_path / "out", tmp_path / "d", "beta")])
    assert watch.pdf == (tmp_path / "out" / "beta.pdf").resolve()
    assert watch.ignores(str(tmp_path / "out" / "beta.pdf")) and watch.ignores(str(tmp_path / "d" / "x.pickle"))
    assert watch.ignores(str(tmp_path / "entwurf" / "a.md"))
    assert watch.ignores(str(tmp_path / "entwurf"))  # the folder itself, when created
    # What the builds generate is never a change, with or without options.
    assert watch.ignores(str(tmp_path / "katalog" / "_generiert" / "a.md"))
    assert watch.ignores(str(tmp_path / "institutions" / "_regionen"))
    assert not watch.ignores(str(tmp_path / "institutions" / "beta" / "index.md"))
    for name in ("institutions", ".nox", ".git", "out", "d"):
        (tmp_path / name).mkdir()
    (tmp_path / "conf.py").write_text("", encoding="utf-8")
    # Tool folders (names with a dot) and the output folders are not watched at all.
    assert watch.top_level() == {"conf.py": pdf_watch._file_state(tmp_path / "conf.py"), "institutions": None}


def test_resident_worker_typesets_and_is_never_skipped(tmp_path: Path) -> None:
    task = RenderTask(
        source='#set document(title: "Probe")\n#set text(lang: "de")\n#"Probe"\n',
        folder=tmp_path / "work",
        target=tmp_path / "probe.pdf",
        as_of=dt.date(2026, 11, 27),
    )
    _workers.keep_resident()
    try:
        resident = _workers._resident
        assert resident is not None
        for served in (1, 2):
            with TypstPool(1, inline=True) as pool:
                result = pool.submit(task).result()
            # The same inputs again: typeset by the resident worker all the same (its cache stays warm).
            assert (result.pages, result.reused, resident.served) == (1, False, served)
        _workers.keep_resident()
        assert _workers._resident is resident  # still running: kept
    finally:
        _workers.end_resident()
    assert _workers._resident is None and resident.proc.poll() is not None


def test_status_line_names_the_saved_files_not_the_editor_s_temporary_ones(tmp_path: Path) -> None:
    page = tmp_path / "index.md"
    page.write_text("x", encoding="utf-8")
    assert pdf_watch.changed_names([str(tmp_path / ".index.md.swp"), str(page)]) == "index.md"
    gone = [str(tmp_path / "alt.md")]
    assert pdf_watch.changed_names(gone) == "alt.md"  # a removed page is a change, too
