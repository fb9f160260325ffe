"""PDF part of the benchmark: time for one institution's PDF and for all PDFs.

Runs the PDF builder (``-b qmpdf``) through the handbook's build runner, as
``python3 noxfile.py -s pdf`` does (:mod:`.guard`), on a synthetic project whose website
was just built (same doctree folder, as ``python3 noxfile.py -s build`` does):

* the first institution only, :data:`ONE_RUNS` times (the table gives the median, as one
  run of a second or two says more about the machine's moment than about the build). The
  first of them finds no earlier version of the PDF's document; the others do, as every
  call after the first does, and Typst starts on it before Sphinx (:mod:`..pdf._early`);
* all institutions and the network PDF, each in one process (``handbook_pdf_jobs=1``) and
  with ``auto`` worker processes, and once more with ``auto`` for the institutions' PDFs
  alone (the network PDF is one large document of its own).

Each of these runs starts with an empty output folder, so every PDF is typeset (none is
kept as unchanged). Then the first institution's PDF after an edit, as a QM officer makes
it: a sentence is appended to its start page and the PDF is built by a new call,
:data:`ONE_RUNS` times, the median. Last, the same under the PDF watch (:mod:`.pdf_watch`):
the time from saving an edited page to the watch's status line, :data:`ONE_RUNS` edits,
the median. The edited page is restored after each of the two.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

FIRST = "einrichtung-001"
#: Runs of the one-institution PDF (see module docstring).
ONE_RUNS = 3


@dataclass(frozen=True, slots=True)
class PdfTimes:
    """Wall-clock seconds of the PDF builds of one project."""

    one: float
    #: a new call after an edit of the institution's start page
    edited: float
    all_serial: float
    all_parallel: float
    institutions_parallel: float
    watched: float
    files: int


def _pdf_args(src: Path, select: str, jobs: str) -> list[str]:
    """sphinx-build's arguments for the PDFs ``select`` of ``src`` (into ``_build/pdf``)."""
    args = ["-b", "qmpdf", "-W", "--keep-going", "-n", "-q", "-d", str(src / "_build" / "doctrees")]
    args += ["-D", f"handbook_pdf_select={select}", "-D", f"handbook_pdf_jobs={jobs}"]
    return [*args, str(src), str(src / "_build" / "pdf")]


def measuring_environ() -> dict[str, str]:
    """This environment with Python's bytecode cache on (as the nox sessions run builds, like a
    normal installation) and the extension on Python's path (for the commands run with ``-m``)."""
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    ext = str(Path(__file__).resolve().parents[2])  # the folder holding this extension
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [ext, environ.get("PYTHONPATH")]))
    return environ


def _qmpdf(src: Path, select: str, jobs: str, *, empty: bool = True) -> float:
    # With ``empty`` every run typesets: without the PDFs of the run before, none is kept as unchanged.
    if empty:
        shutil.rmtree(src / "_build" / "pdf", ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "qm_handbook.commands.guard", *_pdf_args(src, select, jobs)],
        capture_output=True,
        text=True,
        check=False,
        env=measuring_environ(),
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"PDF-Bau fehlgeschlagen für {src}:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def _edited(src: Path) -> float:
    """Median seconds of a new call for the first institution's PDF after appending a
    sentence to its start page (restored at the end)."""
    page = src / "institutions" / FIRST / "index.md"
    original = page.read_text(encoding="utf-8")
    seconds = []
    try:
        for run in range(ONE_RUNS):
            page.write_text(f"{original}\nProbesatz {run + 1} vor einem neuen Aufruf.\n", encoding="utf-8")
            seconds.append(_qmpdf(src, FIRST, "auto", empty=False))
    finally:
        page.write_text(original, encoding="utf-8")
    return statistics.median(seconds)


def _watched(src: Path) -> float:
    """Median seconds from saving an edited page to the PDF watch's status line."""
    from .pdf_watch import READY

    cmd = [sys.executable, "-m", "qm_handbook.commands.pdf_watch", "--ignore", str(src / "_build")]
    cmd += _pdf_args(src, FIRST, "auto")
    environ = measuring_environ()
    # The bench ends the watch with SIGINT, as Ctrl+C does: a bench started with SIGINT ignored
    # (a shell's background job) must not pass that on, or the watch would go on building.
    reset = (lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if os.name == "posix" else None
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environ, preexec_fn=reset
    )
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.perf_counter(), line))
        lines.put((time.perf_counter(), ""))

    def ready() -> float:
        seen = []
        while True:
            at, line = lines.get(timeout=600)
            seen.append(line)
            if line.startswith(READY):
                return at
            if not line or line.startswith(("Das PDF konnte nicht", "PDF neu gesetzt")):
                raise SystemExit(f"PDF-Beobachtung fehlgeschlagen für {src}:\n{''.join(seen)}")

    threading.Thread(target=read, daemon=True).start()
    page = src / "institutions" / FIRST / "index.md"
    original = page.read_text(encoding="utf-8")
    seconds = []
    try:
        ready()
        for run in range(ONE_RUNS):
            time.sleep(1)  # a pause, as between two saves
            saved = time.perf_counter()
            page.write_text(f"{original}\nProbesatz {run + 1} der Messung.\n", encoding="utf-8")
            seconds.append(ready() - saved)
    finally:
        page.write_text(original, encoding="utf-8")
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    return statistics.median(seconds)


def measure_pdfs(src: Path) -> PdfTimes:
    """Time the PDF builds of ``src`` (its website must have been built)."""
    one = statistics.median(_qmpdf(src, FIRST, "auto") for _ in range(ONE_RUNS))
    serial = _qmpdf(src, "", "1")
    parallel = _qmpdf(src, "", "auto")
    files = len(list((src / "_build" / "pdf").glob("*.pdf")))
    members = ",".join(sorted(p.parent.name for p in (src / "institutions").glob("*/einrichtung.toml")))
    institutions = _qmpdf(src, members, "auto")
    edited = _edited(src)
    watched = _watched(src)
    return PdfTimes(
        one=one,
        edited=edited,
        all_serial=serial,
        all_parallel=parallel,
        institutions_parallel=institutions,
        watched=watched,
        files=files,
    )


def pdf_table(results: dict[int, tuple[PdfTimes, float]]) -> str:
    """Markdown table: PDF times next to the full website build of the same project."""
    head = (
        f"| Einrichtungen | PDFs | eine Einrichtung (s, Median aus {ONE_RUNS} Läufen) "
        f"| eine Einrichtung nach einer Änderung, neuer Aufruf (s, Median aus {ONE_RUNS}) | alle, 1 Prozess (s) "
        "| alle, je Kern ein Prozess (s) | nur die Einrichtungen, je Kern ein Prozess (s) "
        f"| eine Einrichtung nach einer Änderung, `--beobachten` (s, Median aus {ONE_RUNS}) "
        "| Website vollständig (s) |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = [
        f"| {n} | {t.files} | {t.one:.1f} | {t.edited:.1f} | {t.all_serial:.1f} | {t.all_parallel:.1f} "
        f"| {t.institutions_parallel:.1f} | {t.watched:.1f} | {html:.1f} |".replace(".", ",")
        for n, (t, html) in sorted(results.items())
    ]
    return head + "\n".join(rows) + "\n"
