"""PDF part of the benchmark: time for one institution's PDF and for all PDFs.

Runs ``sphinx-build -b qmpdf`` on a synthetic project whose website was just built
(same doctree folder, as ``python3 noxfile.py -s build`` does), first for the first
institution only (:data:`ONE_RUNS` times; the table gives the median, as one run of a
second or two says more about the machine's moment than about the build), then for all
institutions and the network PDF, each in one process (``handbook_pdf_jobs=1``) and with
``auto`` worker processes, and once more with ``auto`` for the institutions' PDFs alone
(the network PDF is one large document of its own). Each run starts with an empty output
folder, so every PDF is typeset (none is kept as unchanged).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
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
    all_serial: float
    all_parallel: float
    institutions_parallel: float
    files: int


def _qmpdf(src: Path, select: str, jobs: str) -> float:
    out = src / "_build" / "pdf"
    cmd = [sys.executable, "-m", "sphinx", "-b", "qmpdf", "-W", "--keep-going", "-n", "-q"]
    cmd += ["-d", str(src / "_build" / "doctrees"), "-D", f"handbook_pdf_select={select}"]
    cmd += ["-D", f"handbook_pdf_jobs={jobs}", str(src), str(out)]
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # Every run typesets: without the PDFs of the run before, none is kept as unchanged.
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=environ)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"PDF-Bau fehlgeschlagen für {src}:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def measure_pdfs(src: Path) -> PdfTimes:
    """Time the PDF builds of ``src`` (its website must have been built)."""
    one = statistics.median(_qmpdf(src, FIRST, "1") for _ in range(ONE_RUNS))
    serial = _qmpdf(src, "", "1")
    parallel = _qmpdf(src, "", "auto")
    files = len(list((src / "_build" / "pdf").glob("*.pdf")))
    members = ",".join(sorted(p.parent.name for p in (src / "institutions").glob("*/einrichtung.toml")))
    institutions = _qmpdf(src, members, "auto")
    return PdfTimes(one=one, all_serial=serial, all_parallel=parallel, institutions_parallel=institutions, files=files)


def pdf_table(results: dict[int, tuple[PdfTimes, float]]) -> str:
    """Markdown table: PDF times next to the full website build of the same project."""
    head = (
        f"| Einrichtungen | PDFs | eine Einrichtung (s, Median aus {ONE_RUNS} Läufen) | alle, 1 Prozess (s) "
        "| alle, je Kern ein Prozess (s) | nur die Einrichtungen, je Kern ein Prozess (s) | Website vollständig (s) |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = [
        f"| {n} | {t.files} | {t.one:.1f} | {t.all_serial:.1f} | {t.all_parallel:.1f} | {t.institutions_parallel:.1f} "
        f"| {html:.1f} |".replace(".", ",")
        for n, (t, html) in sorted(results.items())
    ]
    return head + "\n".join(rows) + "\n"
