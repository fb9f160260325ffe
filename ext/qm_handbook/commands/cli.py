"""Terminal report: readiness and gaps per institution, with thresholds for CI.

``python3 noxfile.py -s report`` (or ``python -m qm_handbook report``) builds the
handbook with Sphinx's cheap ``dummy`` builder, takes the build's one computed
result (the same one the website and ``metrics.json`` show) and prints a German
table per institution. With ``--metrics _build/intern/metrics.json`` it reads the
result of an earlier HTML build instead of building again.

Thresholds make the command fail (exit code 1) with a German message, e.g.::

    python3 noxfile.py -s report -- --min-reifegrad 90 --keine-ueberfaelligen

The printing works on the ``metrics.json`` data, so the terminal shows exactly what
the exported file contains.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ..model.labels import format_date, format_percent
from ..reports.exports import SCHEMA_VERSION, metrics


class ReportError(Exception):
    """A German message for the user; the command exits with code 2."""


def _date(value: str | None) -> str:
    import datetime as dt

    return format_date(dt.date.fromisoformat(value)) if value else "–"


def build_metrics(srcdir: Path, outdir: Path, warning: TextIO) -> dict[str, Any]:
    """Build ``srcdir`` with the dummy builder and return the result as metrics data."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    from ..reports.result import get_result

    if not (srcdir / "conf.py").exists():
        raise ReportError(f"In {srcdir} liegt keine conf.py. Geben Sie mit --quelle den Ordner des Handbuchs an.")
    with docutils_namespace():  # leave no registered nodes behind when called in-process
        app = Sphinx(
            srcdir=srcdir,
            confdir=srcdir,
            outdir=outdir,
            doctreedir=outdir / ".doctrees",
            buildername="dummy",
            status=io.StringIO(),
            warning=warning,
        )
        app.build()
        if app.statuscode:
            raise ReportError("Der Bau des Handbuchs ist fehlgeschlagen; siehe die Meldungen oben.")
        return metrics(get_result(app))


def read_metrics(path: Path) -> dict[str, Any]:
    """Read ``metrics.json`` of an earlier build (checking the schema version)."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"Die Datei {path} gibt es nicht. Bauen Sie zuerst die Website (nox -s build).") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: Die Datei ist kein gültiges JSON.") from None
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ReportError(
            f"{path}: Schema-Version {data.get('schema_version')} wird nicht unterstützt "
            f"(erwartet: {SCHEMA_VERSION}). Bauen Sie die Website mit dieser Version neu."
        )
    return data


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(parts).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def format_report(data: dict[str, Any], codes: Sequence[str] = ()) -> str:
    """The German terminal report of metrics data."""
    statuses: list[str] = data["statuses"]
    kinds: dict[str, str] = data["gap_kinds"]
    members = [i for i in data["institutions"] if not codes or i["code"] in codes]
    net = data["network"]
    lines = [
        f"Auswertung des Qualitätshandbuchs – Stand: {_date(data['as_of'])}",
        f"Netzwerk: Reifegrad {format_percent(net['readiness']['percent'])}, "
        f"{sum(net['gap_counts'].values())} Lücken, {net['overdue_measures']} überfällige Maßnahmen",
        "",
    ]
    rows = []
    for m in members:
        r = m["readiness"]
        rows.append(
            [
                m["code"],
                m["short_name"],
                format_percent(r["percent"]),
                *(str(r["counts"].get(s, 0)) for s in statuses),
                str(sum(m["gap_counts"].values())),
                str(m["overdue_measures"]),
                _date(m["next_audit"]["date"]),
            ]
        )
    headers = ["Kürzel", "Einrichtung", "Reifegrad", *statuses, "Lücken", "überfällig", "nächstes Audit"]
    lines += _table(headers, rows, right=set(range(2, 2 + len(statuses) + 3)))
    for m in members:
        lines += ["", f"{m['code']} {m['name']} – Reifegrad {format_percent(m['readiness']['percent'])}"]
        area_rows = [
            [
                f"{a['code']} {a['title']}",
                format_percent(a["readiness"]["percent"]),
                *(str(a["readiness"]["counts"].get(s, 0)) for s in statuses),
            ]
            for a in m["areas"]
        ]
        lines += ["  " + x for x in _table(["Qualitätsbereich", "Reifegrad", *statuses], area_rows, set(range(1, 9)))]
        gaps = [[label, str(m["gap_counts"][k])] for k, label in kinds.items()]
        lines += ["  " + x for x in _table(["Art der Lücke", "Anzahl"], gaps, {1})]
    weights = " + ".join(
        f"{str(w).replace('.', ',').removesuffix(',0')} × {s}"
        for s, w in data["readiness_rule"]["weights"].items()
        if w
    )
    excluded = data["readiness_rule"]["not_applicable"]
    lines += ["", f"Reifegrad = ({weights}) ÷ anwendbare Anforderungen × 100 (ohne „{excluded}“)."]
    return "\n".join(lines) + "\n"


def check_thresholds(
    data: dict[str, Any],
    codes: Sequence[str] = (),
    *,
    min_readiness: float | None = None,
    no_overdue: bool = False,
    max_gaps: int | None = None,
) -> list[str]:
    """German messages for every threshold an institution misses (empty: all kept)."""
    failures = []
    for m in data["institutions"]:
        if codes and m["code"] not in codes:
            continue
        name = f"{m['code']} {m['short_name']}"
        percent = m["readiness"]["percent"]
        if min_readiness is not None and percent is not None and percent < min_readiness:
            failures.append(
                f"{name}: Reifegrad {format_percent(percent)} liegt unter der Schwelle von "
                f"{format_percent(min_readiness)}."
            )
        if no_overdue and m["overdue_measures"]:
            failures.append(f"{name}: {m['overdue_measures']} Maßnahme(n) sind überfällig.")
        gaps = sum(m["gap_counts"].values())
        if max_gaps is not None and gaps > max_gaps:
            failures.append(f"{name}: {gaps} Lücken, erlaubt sind höchstens {max_gaps}.")
    return failures


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qm_handbook", description="Auswertungen des Qualitätshandbuchs.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="Reifegrad und Lücken je Einrichtung im Terminal ausgeben")
    rep.add_argument("--quelle", type=Path, default=Path(), help="Ordner des Handbuchs (mit conf.py)")
    rep.add_argument("--metrics", type=Path, help="metrics.json eines früheren HTML-Baus lesen statt neu zu bauen")
    rep.add_argument("--ausgabe", type=Path, help="Ordner für den Bau (Standard: <quelle>/_build/report)")
    rep.add_argument("--einrichtung", default="", help="nur diese Kürzel, z. B. W1,W2")
    rep.add_argument("--min-reifegrad", type=float, help="Schwelle in Prozent, z. B. 90")
    rep.add_argument("--keine-ueberfaelligen", action="store_true", help="Fehler bei überfälligen Maßnahmen")
    rep.add_argument("--max-luecken", type=int, help="höchstens so viele Lücken je Einrichtung")
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run the command line; return the exit code (0 ok, 1 threshold missed, 2 error)."""
    args = _parser().parse_args(argv)
    codes = [c for c in args.einrichtung.replace(" ", ",").split(",") if c]
    try:
        if args.metrics is not None:
            data = read_metrics(args.metrics)
        else:
            src = args.quelle.resolve()
            data = build_metrics(src, (args.ausgabe or src / "_build" / "report").resolve(), err)
        known = {m["code"] for m in data["institutions"]}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ReportError(
                f"Unbekannte Einrichtung(en): {', '.join(unknown)}. Vorhanden: {', '.join(sorted(known))}."
            )
    except ReportError as exc:
        print(f"Fehler: {exc}", file=err)
        return 2
    out.write(format_report(data, codes))
    failures = check_thresholds(
        data, codes, min_readiness=args.min_reifegrad, no_overdue=args.keine_ueberfaelligen, max_gaps=args.max_luecken
    )
    if failures:
        out.write(f"\nSchwellen verfehlt ({len(failures)}):\n")
        out.writelines(f"- {f}\n" for f in failures)
        return 1
    if args.min_reifegrad is not None or args.keine_ueberfaelligen or args.max_luecken is not None:
        out.write("\nAlle Schwellen eingehalten.\n")
    return 0
