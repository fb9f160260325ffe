"""Exports next to the website: ``metrics.json``, CSV and XLSX files.

After every HTML build the build's :class:`~qm_handbook.reports.coverage_model.CoverageResult`
is written to

* ``metrics.json`` – all figures in a versioned schema (``schema_version``), read by
  the terminal report (``python -m qm_handbook report``) and by other tools;
* ``auswertung/matrix.csv``, ``massnahmen.csv``, ``nachweise.csv``, ``luecken.csv`` –
  UTF-8 with BOM and ``;`` as separator, dates as TT.MM.JJJJ, so spreadsheet programs
  with German settings open them directly;
* ``auswertung/auswertung.xlsx`` – the same tables as worksheets (openpyxl).

This module has no Sphinx imports.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model.labels import format_date
from .coverage_model import GAP_KINDS, VALIDITY, CoverageResult, Readiness

SCHEMA_VERSION = 1
EXPORT_DIR = "auswertung"
#: Download path (relative to the site root) → German label.
DOWNLOADS: dict[str, str] = {
    "metrics.json": "Kennzahlen (JSON)",
    f"{EXPORT_DIR}/auswertung.xlsx": "Auswertung als Excel-Arbeitsmappe (XLSX)",
    f"{EXPORT_DIR}/matrix.csv": "Matrix Anforderungen × Einrichtungen (CSV)",
    f"{EXPORT_DIR}/massnahmen.csv": "Maßnahmen (CSV)",
    f"{EXPORT_DIR}/nachweise.csv": "Nachweise (CSV)",
    f"{EXPORT_DIR}/luecken.csv": "Lücken (CSV)",
}
Value = str | int | float | dt.date | None
Sheet = tuple[list[str], list[list[Value]]]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _readiness(r: Readiness) -> dict[str, Any]:
    return {"counts": r.counts, "applicable": r.applicable, "points": r.points, "percent": r.percent}


def metrics(result: CoverageResult) -> dict[str, Any]:
    """The result as JSON-ready data (schema version :data:`SCHEMA_VERSION`)."""
    institutions = []
    for member in result.institutions.values():
        inst = member.institution
        institutions.append(
            {
                "code": inst.code,
                "name": inst.name,
                "short_name": inst.short_name,
                "slug": inst.slug,
                "catalog": member.catalog,
                "next_audit": {"date": _date(member.audit_date), "kind": member.audit_label},
                "readiness": _readiness(member.readiness),
                "areas": [
                    {"code": a.code, "title": a.title, "readiness": _readiness(a.readiness)} for a in member.areas
                ],
                "gap_counts": member.gap_counts(),
                "open_measures": sum(1 for m in member.measures if not m.done),
                "overdue_measures": len(member.overdue_measures),
                "open_findings": sum(1 for f in member.findings if not f.closed),
                "requirements": [
                    {
                        "id": req_id,
                        "status": cell.status,
                        "statements": [s.id for s in cell.statements],
                        "evidence": [{"id": e.id, "validity": e.validity} for e in cell.evidence],
                        "open_measures": [m.id for m in cell.open_measures],
                        "open_findings": [f.id for f in cell.open_findings],
                    }
                    for req_id, cell in member.cells.items()
                ],
                "gaps": [
                    {
                        "kind": g.kind,
                        "title": g.title,
                        "detail": g.detail,
                        "need_id": g.need_id,
                        "docname": g.docname,
                        "date": _date(g.date),
                        "requirement": g.requirement,
                        "partners": [c for c in result.implemented_by.get(g.requirement, ()) if c != member.code],
                    }
                    for g in member.gaps
                ],
            }
        )
    catalogs = []
    for key, catalog in result.catalogs.items():
        members = result.for_catalog(key)
        catalogs.append(
            {
                "key": key,
                "label": catalog.label,
                "areas": [
                    {
                        "code": a.code,
                        "title": a.title,
                        "readiness": _readiness(result.area_readiness[(key, a.code)].readiness),
                    }
                    for a in catalog.areas
                ],
                "requirements": [
                    {
                        "id": r.need_id,
                        "number": r.number,
                        "title": r.title,
                        "area": r.area,
                        "readiness": _readiness(result.requirement_readiness[r.need_id]),
                        "status": {m.code: m.cells[r.need_id].status for m in members},
                    }
                    for r in catalog.requirements()
                ],
            }
        )
    gap_totals = dict.fromkeys(GAP_KINDS, 0)
    for member in result.institutions.values():
        for kind, count in member.gap_counts().items():
            gap_totals[kind] += count
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": result.as_of.isoformat(),
        "statuses": list(result.statuses),
        "gap_kinds": GAP_KINDS,
        "readiness_rule": {"weights": result.weights, "not_applicable": result.not_applicable},
        "network": {
            "readiness": _readiness(result.readiness),
            "gap_counts": gap_totals,
            "overdue_measures": sum(len(m.overdue_measures) for m in result.institutions.values()),
        },
        "catalogs": catalogs,
        "institutions": institutions,
    }


def sheets(result: CoverageResult) -> dict[str, Sheet]:
    """The export tables: file stem → (German headers, rows)."""
    matrix_rows: list[list[Value]] = []
    codes = list(result.institutions)
    for key, catalog in result.catalogs.items():
        members = result.for_catalog(key)
        for req in catalog.requirements():
            statuses: list[Value] = [
                result.institutions[c].cells[req.need_id].status if c in {m.code for m in members} else None
                for c in codes
            ]
            matrix_rows.append(
                [
                    catalog.label,
                    req.area,
                    req.number,
                    req.title,
                    *statuses,
                    result.requirement_readiness[req.need_id].percent,
                ]
            )
    measures: list[list[Value]] = []
    evidence: list[list[Value]] = []
    gaps: list[list[Value]] = []
    for member in result.institutions.values():
        name = member.institution.name
        for m in member.measures:
            measures.append(
                [
                    member.code,
                    name,
                    m.id,
                    m.title,
                    m.status,
                    m.owner,
                    m.due,
                    "ja" if m.overdue else "nein",
                    m.source,
                    ", ".join(m.targets),
                ]
            )
        for e in member.evidence:
            evidence.append(
                [
                    member.code,
                    name,
                    e.id,
                    e.title,
                    e.kind,
                    e.status,
                    e.owner,
                    e.collected_on,
                    e.valid_until,
                    VALIDITY[e.validity],
                    ", ".join(e.targets),
                    e.location,
                ]
            )
        for g in member.gaps:
            gaps.append([member.code, name, g.label, g.title, g.need_id, g.detail, g.date])
    return {
        "matrix": (["Katalog", "Bereich", "Nummer", "Anforderung", *codes, "Reifegrad im Netzwerk (%)"], matrix_rows),
        "massnahmen": (
            [
                "Kürzel",
                "Einrichtung",
                "ID",
                "Maßnahme",
                "Status",
                "Verantwortlich",
                "Fällig am",
                "Überfällig",
                "Quelle",
                "Bezug",
            ],
            measures,
        ),
        "nachweise": (
            [
                "Kürzel",
                "Einrichtung",
                "ID",
                "Nachweis",
                "Art",
                "Status",
                "Verantwortlich",
                "Erhoben am",
                "Gültig bis",
                "Gültigkeit",
                "Belegt",
                "Ablage",
            ],
            evidence,
        ),
        "luecken": (["Kürzel", "Einrichtung", "Art", "Betrifft", "ID", "Hinweis", "Datum"], gaps),
    }


def _csv_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def write_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Value]]) -> None:
    """UTF-8 with BOM, ``;`` separated, German dates and decimal commas."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows([_csv_value(v) for v in row] for row in rows)


_SHEET_TITLES = {"matrix": "Matrix", "massnahmen": "Maßnahmen", "nachweise": "Nachweise", "luecken": "Lücken"}


def write_xlsx(path: Path, tables: dict[str, Sheet], as_of: dt.date) -> None:
    """One worksheet per table; dates as real dates shown as TT.MM.JJJJ.

    Written in openpyxl's write-only mode (rows are streamed, no cell objects kept):
    column widths and the frozen header row are set before the rows.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for stem, (headers, rows) in tables.items():
        sheet = book.create_sheet(_SHEET_TITLES.get(stem, stem))
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header)), *(len(_csv_value(r[index - 1])) for r in rows)])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
        sheet.freeze_panes = "A2"
        head = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            sheet.append([_xlsx_value(sheet, value, WriteOnlyCell) for value in row])
    book.properties.title = f"Auswertung, Stand {format_date(as_of)}"
    book.properties.created = dt.datetime.combine(as_of, dt.time())
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_reproducible_zip(buffer.getvalue(), as_of))


def _xlsx_value(sheet: Any, value: Value, cell_type: Any) -> Any:
    """A value as written: dates formatted TT.MM.JJJJ, text starting with "=" kept as text."""
    if isinstance(value, dt.date):
        cell = cell_type(sheet, value=value)
        cell.number_format = "DD.MM.YYYY"
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"  # text from the sources starting with "=" stays text, never a formula
        return cell
    return value


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _reproducible_zip(data: bytes, as_of: dt.date) -> bytes:
    """Rewrite an XLSX so that the same data gives the same bytes.

    openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry;
    both are replaced by the as-of date.
    """
    stamp = f"{as_of.isoformat()}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=(as_of.year, as_of.month, as_of.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


#: Beside the exports: the fingerprint of the data they were written from.
STAMP = f"{EXPORT_DIR}/.stand"


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    raise TypeError(f"not serializable: {type(value).__name__}")


def fingerprint(data: dict[str, Any], tables: dict[str, Sheet]) -> str:
    """A hash of everything the exports contain (and of the code that writes them)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    payload = json.dumps([data, tables], ensure_ascii=False, default=_json_default)
    digest.update(payload.encode("utf-8"))
    return digest.hexdigest()


def export_paths(outdir: Path) -> list[Path]:
    """All files :func:`write_exports` writes."""
    return [outdir / name for name in DOWNLOADS]


def write_exports(result: CoverageResult, outdir: Path) -> list[Path]:
    """Write ``metrics.json`` and the CSV/XLSX files; return the written paths.

    When the data is the same as in the last run and every file is still there,
    nothing is written (the files would come out byte for byte the same) and the
    returned list is empty.
    """
    data = metrics(result)
    tables = sheets(result)
    stamp = outdir / STAMP
    stand = fingerprint(data, tables)
    if all(p.is_file() for p in export_paths(outdir)) and stamp.is_file() and stamp.read_text("utf-8") == stand:
        return []
    folder = outdir / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    written = [outdir / "metrics.json"]
    written[0].write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for stem, (headers, rows) in tables.items():
        path = folder / f"{stem}.csv"
        write_csv(path, headers, rows)
        written.append(path)
    xlsx = folder / "auswertung.xlsx"
    write_xlsx(xlsx, tables, result.as_of)
    written.append(xlsx)
    stamp.write_text(stand, encoding="utf-8")
    return written
