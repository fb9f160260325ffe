"""Compare the demo's HTML output of two source trees, volatile parts stripped.

Used to show that a refactoring leaves the site unchanged (issue 11)::

    git archive main | tar -x -C /tmp/base
    python tests/tools/compare_html.py /tmp/base . --work /tmp/compare

Both trees are built with ``sphinx-build -b html`` of the running Python (use the nox
environment: ``.nox/tests/bin/python``) into separate folders under ``--work``; with
``--no-build`` existing folders are compared. Then every text file of the output is
compared after stripping what differs between any two builds:

* sphinx-needs' generated container ids (``SNCB-<hex>``) and uuids,
* asset cache-busting checksums (``?v=<hash>``),
* the build stamps ``.buildinfo``, ``auswertung/.stand`` and ``schema_violations.json`` (timings).

Pages changed on purpose are named with ``--allow GLOB`` (listed, not counted).

Exit status 0 when no page differs; otherwise the differing files are listed with
the first differing lines.
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
from pathlib import Path

VOLATILE = (
    (re.compile(r"SNCB-[0-9a-f]+"), "SNCB-<id>"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\?v=[0-9a-f]{8,}"), "?v=<hash>"),
)
#: Build stamps: ``.stand`` hashes the export code itself; sphinx-needs' schema report has timings.
SKIP = {".buildinfo", ".buildinfo.bak", ".stand", "schema_violations.json"}
TEXT = {".html", ".js", ".json", ".css", ".csv", ".txt", ".svg"}


def build(src: Path, work: Path, name: str) -> Path:
    out = work / f"{name}-html"
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(work / f"{name}-doctrees"), str(src), str(out)],
        check=True,
    )
    return out


def normalise(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def compare(base: Path, new: Path, allow: tuple[str, ...] = ()) -> list[str]:
    """Names of differing files (with a short diff each), empty when equal."""
    report: list[str] = []
    names = {p.relative_to(base) for p in base.rglob("*") if p.is_file()}
    names |= {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    for rel in sorted(names):
        if rel.name in SKIP or rel.parts[0] == ".doctrees" or any(rel.match(glob) for glob in allow):
            continue
        a, b = base / rel, new / rel
        if not a.is_file() or not b.is_file():
            report.append(f"nur in {'neu' if b.is_file() else 'alt'}: {rel}")
            continue
        if rel.suffix not in TEXT:
            if a.read_bytes() != b.read_bytes():
                report.append(f"verschieden (binär): {rel}")
            continue
        old_text = normalise(a.read_text(encoding="utf-8", errors="replace"))
        new_text = normalise(b.read_text(encoding="utf-8", errors="replace"))
        if old_text != new_text:
            diff = difflib.unified_diff(old_text.splitlines(), new_text.splitlines(), str(a), str(b), n=0, lineterm="")
            report.append(f"verschieden: {rel}\n" + "\n".join(list(diff)[:12]))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="Quellordner vorher (z. B. aus git archive main)")
    parser.add_argument("new", type=Path, help="Quellordner nachher")
    parser.add_argument("--work", type=Path, default=Path("/tmp/qm-compare"), help="Ordner für die Ausgaben")
    parser.add_argument("--allow", action="append", default=[], help="Datei-Muster, die sich ändern dürfen")
    parser.add_argument("--no-build", action="store_true", help="vorhandene Ausgaben vergleichen")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.no_build:
        base, new = args.work / "base-html", args.work / "new-html"
    else:
        base, new = build(args.base, args.work, "base"), build(args.new, args.work, "new")
    report = compare(base, new, tuple(args.allow))
    files = sum(1 for p in base.rglob("*") if p.is_file())
    print("\n".join(report) if report else f"gleich: {files} Dateien (ohne flüchtige Teile)")
    return 1 if report else 0


if __name__ == "__main__":
    raise SystemExit(main())
