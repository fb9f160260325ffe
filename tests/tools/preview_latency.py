"""Measure the live preview: seconds from saving a page to its rebuilt HTML file.

Starts ``python3 noxfile.py -s preview`` (sphinx-autobuild) on a free port, waits for
the first build, then edits one page several times (appends a paragraph with a unique
word, as an author saving in the editor) and polls the page's HTML file until the word
is there. Prints each time and the median; restores the page at the end.

    python3 tests/tools/preview_latency.py --seite institutions/vhs-leipziger-land/leitbild.md --mal 5

Not part of the test suite (no timed assertions in tests); the numbers go into the
issue notes together with the machine's load (``uptime``).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate: object, timeout: float, step: float = 0.01) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seite", default="institutions/vhs-leipziger-land/leitbild.md")
    parser.add_argument("--mal", type=int, default=5)
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--pause", type=float, default=3.0, help="Sekunden Ruhe zwischen den Änderungen")
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
    try:
        served = lambda: log_path.read_bytes().count(b"Vorschau aktualisiert")  # noqa: E731
        if not wait_for(lambda: served() >= 1, 900, 0.5):
            print("Die Vorschau hat nicht innerhalb von 15 Minuten gebaut; siehe", log_path)
            return 1
        time.sleep(args.pause)
        for run in range(1, args.mal + 1):
            word = f"Vorschaumessung{run}x{os.getpid()}"
            before = served()
            seen = log_path.read_bytes().count("Geändert:".encode())
            started = time.monotonic()
            page.write_bytes(original + f"\n{word}\n".encode())
            wait_for(lambda: log_path.read_bytes().count("Geändert:".encode()) > seen, 120)  # noqa: B023
            detected = time.monotonic() - started
            if not wait_for(lambda: html.is_file() and word.encode() in html.read_bytes(), 120):  # noqa: B023
                print(f"Lauf {run}: die Seite wurde nicht innerhalb von 120 s neu geschrieben; siehe {log_path}")
                return 1
            seconds = time.monotonic() - started
            wait_for(lambda: served() > before, 120, 0.05)  # noqa: B023
            done = time.monotonic() - started
            times.append(seconds)
            print(
                f"Lauf {run}: Änderung erkannt nach {detected:.2f} s, Seite neu nach {seconds:.2f} s, "
                f"Bau fertig nach {done:.2f} s",
                flush=True,
            )
            time.sleep(args.pause)
    finally:
        page.write_bytes(original)
        time.sleep(args.pause)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    print(f"Median: {statistics.median(times):.2f} s über {len(times)} Läufe (Log: {log_path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
