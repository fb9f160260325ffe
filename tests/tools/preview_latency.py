"""Measure the live preview: seconds from saving a page to its rebuilt HTML file.

Starts ``python3 noxfile.py -s preview`` (sphinx-autobuild) on a free port, waits for
the first build, then edits one page several times (appends a paragraph with a unique
word, as an author saving in the editor) and polls the page's HTML file until the word
is there. Prints each time and the median; restores the page at the end.

    python3 tests/tools/preview_latency.py --seite institutions/vhs-leipziger-land/leitbild.md --mal 5

With ``--browser`` (run it with a Python that has Playwright, e.g. ``.nox/tests/bin/python``),
the page is also open in the system's headless Chromium, and the time until the page
the browser reloaded by itself shows the new word is printed ("im Browser"): that is
what an author sees.

The CPU time per change (user+sys of the preview's whole process group, including the
finished build processes; read from ``/proc``, so Linux only) is printed as well: on a
shared machine it varies much less than the wall time.

Not part of the test suite (no timed assertions in tests); the numbers go into the
issue notes together with the machine's load (``uptime``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate: object, timeout: float, step: float = 0.01) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def group_cpu(pgid: int) -> float | None:
    """CPU seconds (user+sys, own and of reaped children) of every process in group ``pgid``."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ...
            total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def shows(tab: Any, word: str) -> bool:
    """Whether the page open in ``tab`` shows ``word`` (False while it is reloading)."""
    try:
        return bool(tab.evaluate("w => !!document.body && document.body.innerText.includes(w)", word))
    except Exception:  # the page is being replaced by the reloaded one
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seite", default="institutions/vhs-leipziger-land/leitbild.md")
    parser.add_argument("--mal", type=int, default=5)
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--pause", type=float, default=3.0, help="Sekunden Ruhe zwischen den Änderungen")
    parser.add_argument(
        "--tausche", nargs=2, metavar=("ALT", "NEU"),
        help="bei jeder zweiten Änderung zusätzlich ALT durch NEU ersetzen (z. B. einen Status; \\n: Zeilenumbruch)",
    )  # fmt: skip
    parser.add_argument("--browser", action="store_true", help="auch im Browser messen (Playwright, Chromium)")
    parser.add_argument("extra", nargs="*", help="weitere Argumente für die preview-Sitzung")
    args = parser.parse_args()
    page = ROOT / args.seite
    html = ROOT / "_build" / "preview" / Path(args.seite).with_suffix(".html")
    original = page.read_bytes()
    log_path = Path(tempfile.gettempdir()) / "qm-vorschau-messung.log"
    log = log_path.open("wb")
    command = [sys.executable, str(ROOT / "noxfile.py"), "-s", "preview", "--", "--port", str(args.port), *args.extra]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    times: list[float] = []
    cpu_times: list[float] = []
    shown_times: list[float] = []
    stack = contextlib.ExitStack()
    try:
        served = lambda: log_path.read_bytes().count(b"Vorschau aktualisiert")  # noqa: E731
        if not wait_for(lambda: served() >= 1, 900, 0.5):
            print("Die Vorschau hat nicht innerhalb von 15 Minuten gebaut; siehe", log_path)
            return 1
        tab = None
        if args.browser:
            sys.path.insert(0, str(ROOT / "tests"))
            from browser import chromium

            tab = stack.enter_context(chromium()).new_page()
            tab.goto(f"http://127.0.0.1:{args.port}/{Path(args.seite).with_suffix('.html').as_posix()}")
            tab.wait_for_load_state("load")
        time.sleep(args.pause)
        for run in range(1, args.mal + 1):
            word = f"Vorschaumessung{run}x{os.getpid()}"
            before = served()
            seen = log_path.read_bytes().count("Geändert:".encode())
            cpu_before = group_cpu(proc.pid)
            started = time.monotonic()
            text = original
            if args.tausche and run % 2 == 1:
                old, new = (part.replace("\\n", "\n").encode() for part in args.tausche)
                if old not in original:
                    print(f"„{args.tausche[0]}“ steht nicht in {args.seite}")
                    return 1
                text = original.replace(old, new, 1)
            page.write_bytes(text + f"\n{word}\n".encode())
            wait_for(lambda: log_path.read_bytes().count("Geändert:".encode()) > seen, 120)  # noqa: B023
            detected = time.monotonic() - started
            if not wait_for(lambda: html.is_file() and word.encode() in html.read_bytes(), 120):  # noqa: B023
                print(f"Lauf {run}: die Seite wurde nicht innerhalb von 120 s neu geschrieben; siehe {log_path}")
                return 1
            seconds = time.monotonic() - started
            wait_for(lambda: served() > before, 120, 0.05)  # noqa: B023
            done = time.monotonic() - started
            in_browser = ""
            if tab is not None:
                if not wait_for(lambda: shows(tab, word), 120):  # noqa: B023
                    print(f"Lauf {run}: der Browser hat die Änderung nicht innerhalb von 120 s gezeigt")
                    return 1
                shown_times.append(time.monotonic() - started)
                in_browser = f", im Browser nach {shown_times[-1]:.2f} s"
            times.append(seconds)
            time.sleep(args.pause)  # the build's processes end and are counted
            cpu_after = group_cpu(proc.pid)
            used = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
            cpu = "" if used is None else f", CPU {used:.2f} s"
            if used is not None:
                cpu_times.append(used)
            print(
                f"Lauf {run}: Änderung erkannt nach {detected:.2f} s, Seite neu nach {seconds:.2f} s, "
                f"Bau fertig nach {done:.2f} s{in_browser}{cpu}",
                flush=True,
            )
    finally:
        stack.close()
        page.write_bytes(original)
        time.sleep(args.pause)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    print(f"Median: {statistics.median(times):.2f} s über {len(times)} Läufe (Log: {log_path})")
    if shown_times:
        print(
            f"Im Browser: Median {statistics.median(shown_times):.2f} s "
            f"({min(shown_times):.2f}–{max(shown_times):.2f} s)"
        )
    if cpu_times:
        print(
            f"CPU je Änderung: Median {statistics.median(cpu_times):.2f} s "
            f"({min(cpu_times):.2f}–{max(cpu_times):.2f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
