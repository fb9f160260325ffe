"""Benchmark: build synthetic networks of several sizes and report the numbers.

``python3 noxfile.py -s bench`` (or ``python -m qm_handbook.commands.bench 8 32 130``) generates,
for each number of institutions, the network with needs and the same pages without
needs (see :mod:`.synth`), and measures with ``sphinx-build -b html -W --keep-going -n``:

* the full build (fresh environment), time per page and peak memory (RSS of the largest
  process, and the sampled sum of PSS over the build's processes, which counts memory the
  build shares with its copies once),
* a no-op build (nothing changed),
* an incremental build after editing one statement (an ``umsetzung``: title and status),

each once for the handbook and once for the plain baseline. The builds run as separate
processes with Python's bytecode cache enabled (``PYTHONDONTWRITEBYTECODE`` is removed
for them), as in a normal installation. The results are printed
and, with ``--docs FILE``, written as a Markdown table between the markers
``<!-- bench:start -->`` and ``<!-- bench:end -->`` of that page, with a description
of the machine. Times are wall-clock seconds of one run; the machine load is recorded.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .bench_pdf import PdfTimes, measure_pdfs, measuring_environ, pdf_table
from .synth import generate

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
EDIT_PAGE = "institutions/einrichtung-001/anforderungen/e1.md"


@dataclass(slots=True)
class Run:
    """One sphinx-build run."""

    seconds: float
    peak_rss_mb: float
    cpu_seconds: float = 0.0
    #: largest sum of the proportional memory (PSS) of the run's processes, sampled (Linux)
    peak_pss_mb: float = 0.0


@dataclass(slots=True)
class Result:
    """All measurements of one project (with or without needs)."""

    pages: int
    needs: int
    full: Run
    noop: Run
    edit: Run
    #: after changing one sentence outside any need
    sentence: Run
    #: further full builds with other ``-j`` values (``--auch-jobs``)
    by_jobs: dict[str, Run] = field(default_factory=dict)


def timed(cmd: list[str], report: Path, *, cwd: Path | None = None, what: str = "") -> Run:
    """Run ``cmd`` in a subprocess; return wall time, CPU time (with children) and peak RSS."""
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if timer:
        cmd = [timer, "-v", "-o", str(report), *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    environ = measuring_environ()
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ, cwd=cwd
    ) as running:
        sampler = _PssSampler(running.pid)
        sampler.start()
        stdout, stderr = running.communicate()
        sampler.stop()
    proc = subprocess.CompletedProcess(cmd, running.returncode, stdout, stderr)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{what or cmd[0]} fehlgeschlagen:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    peak_kb = 0
    cpu = 0.0
    if timer and report.exists():
        text = report.read_text(encoding="utf-8")
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        peak_kb = int(match.group(1)) if match else 0
        cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
    if not peak_kb:
        # Fallback: the largest child so far (monotonic, so only exact for the largest run).
        peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return Run(seconds=seconds, peak_rss_mb=peak_kb / 1024, cpu_seconds=cpu, peak_pss_mb=sampler.peak_kb / 1024)


class _PssSampler(threading.Thread):
    """Samples the summed PSS of a process and its descendants every 0.1 s (Linux; 0 elsewhere).

    The build's copies (:mod:`..background`) share memory pages with it; RSS counts a shared
    page in every process, PSS splits it, so the sum is the memory the run really occupies.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()

    def _tree(self) -> list[int]:
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            with contextlib.suppress(OSError, ValueError):
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo.extend(int(c) for c in (task / "children").read_text().split())
        return found

    def run(self) -> None:
        while not self._done.wait(0.1):
            total = 0
            for pid in self._tree():
                with contextlib.suppress(OSError):
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                            break
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> None:
        self._done.set()
        self.join()


def sphinx_build(src: Path, *, fresh: bool, jobs: str = "1") -> Run:
    """Run sphinx-build on ``src`` (``-j jobs``) in a subprocess; return wall time and peak RSS."""
    out = src / "_build"
    # The handbook's build runner, as in the nox sessions (it skips a build with nothing changed).
    cmd = [sys.executable, "-m", "qm_handbook.commands.guard", "-b", "html", "-W", "--keep-going", "-n", "-q"]
    cmd += ["-j", jobs, *(["-E"] if fresh else []), "-d", str(out / "doctrees"), str(src), str(out / "html")]
    # The time report lies beside the project: a file inside it would be a changed input.
    return timed(cmd, src.parent / f"{src.name}-zeit.txt", what=f"sphinx-build für {src}")


def edit_sentence(src: Path) -> None:
    """Change one sentence of the first paragraph of the edited page (no need changes)."""
    page = src / EDIT_PAGE
    text = page.read_text(encoding="utf-8")
    new = text.replace(" im Jahr.", " im Jahr, geändert.", 1)
    assert new != text
    page.write_text(new, encoding="utf-8")
    later = time.time() + 1
    os.utime(page, (later, later))


def edit_statement(src: Path, plain: bool) -> None:
    """Change title and status of the first statement of the first institution."""
    page = src / EDIT_PAGE
    text = page.read_text(encoding="utf-8")
    if plain:
        new = text.replace("- status: ", "- status: geändert ", 1).replace("**Umsetzung: ", "**Umsetzung: Neu: ", 1)
    else:
        new = re.sub(r":status: \w+", ":status: geplant", text, count=1).replace("{umsetzung} ", "{umsetzung} Neu: ", 1)
    assert new != text
    page.write_text(new, encoding="utf-8")
    later = time.time() + 1
    os.utime(page, (later, later))


def measure(workdir: Path, count: int, *, plain: bool, jobs: str = "1", also: tuple[str, ...] = ()) -> Result:
    """Full, no-op and edit build of one network; ``also``: further full builds with other ``-j``."""
    src = workdir / f"n{count}-{'plain' if plain else 'needs'}"
    stats = generate(src, count, plain=plain)
    extra = {j: sphinx_build(src, fresh=True, jobs=j) for j in also}
    full = sphinx_build(src, fresh=True, jobs=jobs)
    noop = sphinx_build(src, fresh=False, jobs=jobs)
    edit_sentence(src)
    sentence = sphinx_build(src, fresh=False, jobs=jobs)
    edit_statement(src, plain)
    edit = sphinx_build(src, fresh=False, jobs=jobs)
    return Result(stats["pages"], stats["needs"], full, noop, edit, sentence, by_jobs=extra)


def machine() -> str:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text(encoding="utf-8"))
        cpu = match.group(1).strip() if match else cpu
    ram = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text(encoding="utf-8"))
        ram = f"{int(match.group(1)) / 1024 / 1024:.0f} GiB" if match else ram
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("sphinx", "myst-parser", "sphinx-needs", "furo"))
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} Kerne ({cpu}), {ram} RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; {versions}; Last (1/5/15 min) bei Ende: {load}"
    )


def _num(value: float, digits: int = 1) -> str:
    """A number with a German decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")


def table(results: dict[int, tuple[Result, Result]]) -> str:
    """The Markdown table of all results."""
    head = (
        "| Einrichtungen | Seiten | Needs | Vollständig (s) | s je Seite | ohne Needs (s) | Faktor | "
        "CPU vollständig / ohne Needs (s) | Faktor CPU | "
        "Leerlauf (s) | Satz geändert (s) | Aussage geändert (s) | ohne Needs: geändert (s) | Spitze RSS (MB) | "
        "Spitze PSS aller Prozesse (MB) | ohne Needs RSS (MB) |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for count, (hb, plain) in sorted(results.items()):
        cpu_factor = hb.full.cpu_seconds / plain.full.cpu_seconds if plain.full.cpu_seconds else 0.0
        rows.append(
            f"| {count} | {hb.pages} | {hb.needs} | {_num(hb.full.seconds)} | {_num(hb.full.seconds / hb.pages, 3)} | "
            f"{_num(plain.full.seconds)} | {_num(hb.full.seconds / plain.full.seconds, 2)} | "
            f"{_num(hb.full.cpu_seconds)} / {_num(plain.full.cpu_seconds)} | {_num(cpu_factor, 2)} | "
            f"{_num(hb.noop.seconds)} | {_num(hb.sentence.seconds)} | {_num(hb.edit.seconds)} | "
            f"{_num(plain.edit.seconds)} | "
            f"{max(hb.full.peak_rss_mb, hb.edit.peak_rss_mb):.0f} | "
            f"{max(hb.full.peak_pss_mb, hb.edit.peak_pss_mb):.0f} | {plain.full.peak_rss_mb:.0f} |"
        )
    return head + "\n".join(rows) + "\n"


def write_docs(page: Path, text: str) -> None:
    """Replace the part between the markers of ``page`` with ``text``."""
    content = page.read_text(encoding="utf-8")
    if START not in content or END not in content:
        raise SystemExit(f"{page}: Markierungen {START} und {END} fehlen.")
    before, rest = content.split(START, 1)
    _old, after = rest.split(END, 1)
    page.write_text(f"{before}{START}\n{text}{END}{after}", encoding="utf-8")


def jobs_table(results: dict[int, tuple[Result, Result]], jobs: str) -> str:
    """Full builds of the handbook with different ``-j`` values (time and CPU time)."""
    others = sorted({j for hb, _plain in results.values() for j in hb.by_jobs})
    head = f"| Einrichtungen | -j {jobs}: Zeit / CPU (s) | " + " | ".join(f"-j {j}: Zeit / CPU (s)" for j in others)
    head += " |\n|---:|---:|" + "---:|" * len(others) + "\n"
    rows = []
    for count, (hb, _plain) in sorted(results.items()):
        cells = [hb.full, *(hb.by_jobs[j] for j in others)]
        rows.append(f"| {count} | " + " | ".join(f"{_num(r.seconds)} / {_num(r.cpu_seconds)}" for r in cells) + " |")
    return head + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    from .bench_strictdoc import SdocResult, comparison_table, measure_strictdoc

    parser = argparse.ArgumentParser(prog="python -m qm_handbook.commands.bench", description="Leistungsmessung")
    parser.add_argument("anzahl", nargs="*", type=int, default=[8, 32, 130], help="Anzahlen der Einrichtungen")
    parser.add_argument("--arbeitsordner", type=Path, default=Path("_build/bench"), help="Ordner für die Projekte")
    parser.add_argument("--docs", type=Path, default=None, help="Seite, in die die Tabelle geschrieben wird")
    parser.add_argument("--jobs", default="1", help="-j für sphinx-build (Zahl oder auto; Standard: 1)")
    parser.add_argument(
        "--auch-jobs", nargs="*", default=[], help="zusätzlich ein vollständiger Lauf je angegebenem -j-Wert"
    )
    parser.add_argument("--strictdoc", type=Path, default=None, help="Befehl strictdoc: Vergleich mit StrictDoc")
    args = parser.parse_args(argv)
    results: dict[int, tuple[Result, Result]] = {}
    compared: dict[int, tuple[Result, SdocResult]] = {}
    pdfs: dict[int, tuple[PdfTimes, float]] = {}
    for count in args.anzahl:
        print(f"… {count} Einrichtungen", flush=True)
        hb = measure(args.arbeitsordner, count, plain=False, jobs=args.jobs, also=tuple(args.auch_jobs))
        pdfs[count] = (measure_pdfs(args.arbeitsordner / f"n{count}-needs"), hb.full.seconds)
        if args.strictdoc is not None:
            compared[count] = (hb, measure_strictdoc(args.strictdoc, args.arbeitsordner, count))
        results[count] = (hb, measure(args.arbeitsordner, count, plain=True, jobs=args.jobs))
        print(table(results), flush=True)
        if compared:
            print(comparison_table(compared), flush=True)
    command = " ".join(map(str, args.anzahl)) + (" --strictdoc" if compared else "")
    text = f"Gemessen auf: {machine()}\n\nBefehl: `python3 noxfile.py -s bench -- {command}` (`-j {args.jobs}`)\n\n"
    text += table(results)
    if args.auch_jobs:
        text += "\nVollständiger Lauf mit verschiedenen `-j`:\n\n" + jobs_table(results, args.jobs)
    text += "\nPDFs (Typst) derselben Netzwerke, nach dem Bau der Website:\n\n" + pdf_table(pdfs)
    if compared:
        versions = f"StrictDoc {metadata_version_of(args.strictdoc)}"
        text += f"\nVergleich mit {versions}, gleiche Form, im selben Lauf nacheinander gemessen:\n\n"
        text += comparison_table(compared)
    print(text)
    if args.docs:
        write_docs(args.docs, text)
    return 0


def metadata_version_of(strictdoc: Path) -> str:
    """The version the ``strictdoc`` command reports."""
    proc = subprocess.run([str(strictdoc), "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"\d+\.\d+\.\d+", proc.stdout + proc.stderr)
    return match.group(0) if match else "?"


if __name__ == "__main__":
    from .guard import run_guarded

    raise SystemExit(run_guarded(main))
