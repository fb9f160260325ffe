"""Reports on a purpose-built test root with one known case of every gap kind and status.

Expected numbers are derived by hand from ``tests/roots/test-reports`` (as of 30.06.2026):

Alpha (A1, external audit 30.09.2026): E1.1 umgesetzt, E1.2 teilweise (only a draft as
evidence), E1.3 geplant, D1.1 nicht anwendbar, D1.2 fehlt → (1 + 0.5) / 4 = 37.5 %;
E1: 1.5 / 3 = 50 %, D1: 0 / 1 = 0 %. One gap of every kind: D1.2 without statement,
E1.2 without released evidence, A1_NW_3 expired (31.05.2026), A1_NW_4 expiring before
the audit (31.08.2026), A1_MA_1 overdue (31.03.2026, offen), page "Umsetzung" past its
review (15.01.2026), A1_BF_1 (Abweichung, open, no measure). Not gaps: A1_MA_2 (erledigt),
A1_BF_2 (fixed by A1_MA_3), A1_BF_3 (Stärke), A1_BF_4 (geschlossen).

Beta (B1, only internal audit 15.07.2026): all five umgesetzt, D1.2 has a second
statement "teilweise" → cell teilweise → (4 + 0.5) / 5 = 90 %; evidence via process
(E1.1) and via requirement (E1.2) count; D1.1 has only archived evidence → gap;
B1_NW_3 valid until 10.07.2026 expires before the internal audit → gap.

Network: 5 umgesetzt, 2 teilweise, 1 geplant, 1 n. a., 1 fehlt → 6 / 9 = 66.7 %.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sphinx.testing.util import SphinxTestApp

from conftest import built_copy, soup, text_of, warnings_of
from qm_handbook.commands.cli import main

ROOT = Path(__file__).parent / "roots" / "test-reports"
GAP_COUNTS_A1 = {
    "ohne_umsetzung": 1,
    "ohne_nachweis": 1,
    "nachweis_abgelaufen": 1,
    "nachweis_laeuft_ab": 1,
    "massnahme_ueberfaellig": 1,
    "pruefung_ueberfaellig": 1,
    "befund_ohne_massnahme": 1,
}
GAP_COUNTS_B1 = dict.fromkeys(GAP_COUNTS_A1, 0) | {"ohne_nachweis": 1, "nachweis_laeuft_ab": 1}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    with built_copy(ROOT, tmp_path_factory.mktemp("reports")) as app:
        yield app


def metrics_of(app: SphinxTestApp) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(app.outdir) / "metrics.json").read_text(encoding="utf-8"))
    return data


def institution(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(i for i in data["institutions"] if i["code"] == code)


def test_builds_without_warnings(built: SphinxTestApp) -> None:
    assert warnings_of(built) == ""


def test_metrics_json_has_exact_numbers(built: SphinxTestApp) -> None:
    data = metrics_of(built)
    assert data["schema_version"] == 1
    assert data["as_of"] == "2026-06-30"
    assert data["statuses"] == ["umgesetzt", "teilweise", "geplant", "nicht anwendbar", "fehlt"]
    a1, b1 = institution(data, "A1"), institution(data, "B1")
    assert a1["readiness"] == {
        "counts": {"umgesetzt": 1, "teilweise": 1, "geplant": 1, "nicht anwendbar": 1, "fehlt": 1},
        "applicable": 4,
        "points": 1.5,
        "percent": 37.5,
    }
    assert [(a["code"], a["readiness"]["percent"]) for a in a1["areas"]] == [("E1", 50.0), ("D1", 0.0)]
    assert a1["gap_counts"] == GAP_COUNTS_A1
    assert a1["next_audit"] == {"date": "2026-09-30", "kind": "externes Audit"}
    assert (a1["open_measures"], a1["overdue_measures"], a1["open_findings"]) == (2, 1, 3)
    assert b1["readiness"]["percent"] == 90.0
    assert [(a["code"], a["readiness"]["percent"]) for a in b1["areas"]] == [("E1", 100.0), ("D1", 75.0)]
    assert b1["gap_counts"] == GAP_COUNTS_B1
    assert b1["next_audit"] == {"date": "2026-07-15", "kind": "internes Audit"}
    assert data["network"]["readiness"]["percent"] == 66.7
    assert data["network"]["gap_counts"] == {k: GAP_COUNTS_A1[k] + GAP_COUNTS_B1[k] for k in GAP_COUNTS_A1}


def test_statuses_evidence_and_gap_targets(built: SphinxTestApp) -> None:
    data = metrics_of(built)
    a1 = {r["id"]: r for r in institution(data, "A1")["requirements"]}
    b1 = {r["id"]: r for r in institution(data, "B1")["requirements"]}
    assert {k: v["status"] for k, v in a1.items()} == {
        "MINI_E1_1": "umgesetzt",
        "MINI_E1_2": "teilweise",
        "MINI_E1_3": "geplant",
        "MINI_D1_1": "nicht anwendbar",
        "MINI_D1_2": "fehlt",
    }
    assert {e["id"]: e["validity"] for e in a1["MINI_E1_1"]["evidence"]} == {
        "A1_NW_1": "gueltig",
        "A1_NW_3": "abgelaufen",
        "A1_NW_4": "laeuft_ab",
    }
    assert a1["MINI_E1_2"]["evidence"] == [{"id": "A1_NW_2", "validity": "nicht_freigegeben"}]
    assert a1["MINI_E1_3"]["open_measures"] == ["A1_MA_3"]
    assert b1["MINI_D1_2"]["status"] == "teilweise"
    assert b1["MINI_D1_2"]["statements"] == ["B1_MINI_D1_2", "B1_MINI_D1_2_AUSSEN"]
    assert [e["id"] for e in b1["MINI_E1_1"]["evidence"]] == ["B1_NW_1"]  # via the process
    assert [e["id"] for e in b1["MINI_E1_2"]["evidence"]] == ["B1_NW_2"]  # via the requirement
    assert b1["MINI_D1_1"]["evidence"] == [{"id": "B1_NW_4", "validity": "archiviert"}]
    gaps = {g["kind"]: g for g in institution(data, "A1")["gaps"]}
    assert gaps["ohne_umsetzung"]["need_id"] == "MINI_D1_2"
    assert gaps["ohne_nachweis"]["need_id"] == "A1_MINI_E1_2"
    assert gaps["nachweis_abgelaufen"]["need_id"] == "A1_NW_3"
    assert gaps["nachweis_laeuft_ab"]["detail"] == "gültig bis 31.08.2026, externes Audit am 30.09.2026"
    assert gaps["massnahme_ueberfaellig"]["need_id"] == "A1_MA_1"
    assert gaps["pruefung_ueberfaellig"]["docname"] == "institutions/alpha/umsetzung"
    assert gaps["befund_ohne_massnahme"]["need_id"] == "A1_BF_1"
    # the statement on the root page belongs to no institution
    assert all("X1_MINI_D1_2" not in r["statements"] for r in a1.values())


def test_html_dashboard_matrix_and_audit_view(built: SphinxTestApp) -> None:
    out = Path(built.outdir)
    dash = soup(out / "dashboard.html")
    assert all("Stand: 30.06.2026" in text_of(p) for p in dash.select(".qm-stand"))
    assert len(dash.select(".qm-stand")) == 5
    figures = dash.select_one("table.qm-kennzahlen")
    assert figures is not None
    rows = [[text_of(td) for td in tr.select("td")] for tr in figures.select("tbody tr")]
    assert rows[0][1:] == ["37,5 %", "7", "1", "1", "1", "1", "1", "1", "1"]
    assert rows[1][1:] == ["90,0 %", "2", "0", "1", "0", "1", "0", "0", "0"]
    assert rows[2] == ["Netzwerk", "66,7 %", "9", "1", "2", "1", "2", "1", "1", "1"]
    svg = dash.select_one("svg.qm-diagramm")
    assert svg is not None and svg.find("title") is not None
    assert "A1 Alpha: 37,5 %" in svg.find("desc").get_text()
    assert len(dash.select("table.qm-luecken tbody tr")) == 9
    assert [text_of(a) for a in dash.select("table.qm-massnahmenplan tbody a")] == ["Ziele für alle Fachbereiche"]
    links = {a["href"] for a in dash.select(".qm-downloads a")}
    assert {"metrics.json", "auswertung/matrix.csv", "auswertung/auswertung.xlsx"} <= links
    matrix = soup(out / "matrix.html")
    cells = matrix.select("td.qm-zelle")
    assert [text_of(c) for c in cells] == [
        "umgesetzt",
        "umgesetzt",
        "teilweise",
        "umgesetzt",
        "geplant",
        "umgesetzt",
        "nicht anwendbar",
        "umgesetzt",
        "fehlt",
        "teilweise",
    ]
    assert "qm-st-fehlt" in cells[8]["class"] and cells[8].find("a") is None
    assert cells[0].find("a")["href"] == "institutions/alpha/umsetzung.html#A1_MINI_E1_1"
    comparison = matrix.select_one(".qm-vergleich")
    assert comparison is not None and "Reifegrad im Netzwerk: 25,0 %" in text_of(comparison)
    audit = soup(out / "institutions" / "alpha" / "stand.html").select("table.qm-auditansicht")
    assert len(audit) == 2
    first = [text_of(td) for td in audit[0].select("tbody tr")[0].select("td")]
    assert first[0] == "E1.1 Leitbild vorhanden"
    assert "abgelaufen (bis 31.05.2026)" in first[2] and "läuft vor dem Audit ab (bis 31.08.2026)" in first[2]
    card = soup(out / "index.html").select(".qm-card-reifegrad")
    assert [text_of(c) for c in card] == [
        "Reifegrad 37,5 % · 7 Lücken · Stand 30.06.2026",
        "Reifegrad 90,0 % · 2 Lücken · Stand 30.06.2026",
    ]


def test_csv_and_xlsx_exports(built: SphinxTestApp) -> None:
    folder = Path(built.outdir) / "auswertung"
    raw = (folder / "massnahmen.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Kürzel", "Einrichtung", "ID", "Maßnahme"]
    assert rows[1][2:8] == ["A1_MA_1", "Ziele für alle Fachbereiche", "offen", "QMB", "31.03.2026", "ja"]
    assert len(rows) == 4
    matrix = list(csv.reader(io.StringIO((folder / "matrix.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert matrix[0] == ["Katalog", "Bereich", "Nummer", "Anforderung", "A1", "B1", "Reifegrad im Netzwerk (%)"]
    assert matrix[5] == ["Mini-Katalog 1.0", "D1", "D1.2", "Programm geplant", "fehlt", "teilweise", "25,0"]
    gaps = list(csv.reader(io.StringIO((folder / "luecken.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(gaps) == 1 + 9
    book = load_workbook(folder / "auswertung.xlsx")
    assert book.sheetnames == ["Matrix", "Maßnahmen", "Nachweise", "Lücken"]
    sheet = book["Nachweise"]
    assert [c.value for c in sheet[1]][:4] == ["Kürzel", "Einrichtung", "ID", "Nachweis"]
    by_id = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    assert len(by_id) == 9
    assert by_id["A1_NW_3"][8].value.date() == dt.date(2026, 5, 31)
    assert by_id["A1_NW_3"][8].number_format == "DD.MM.YYYY"
    assert by_id["A1_NW_3"][9].value == "abgelaufen"


def test_terminal_report_matches_and_thresholds_fail(built: SphinxTestApp) -> None:
    path = str(Path(built.outdir) / "metrics.json")
    out = io.StringIO()
    assert main(["report", "--metrics", path], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "Auswertung des Qualitätshandbuchs – Stand: 30.06.2026"
    assert lines[1] == "Netzwerk: Reifegrad 66,7 %, 9 Lücken, 1 überfällige Maßnahmen"
    assert lines[5].split() == ["A1", "Alpha", "37,5", "%", "1", "1", "1", "1", "1", "7", "1", "30.09.2026"]
    assert lines[6].split() == ["B1", "Beta", "90,0", "%", "4", "1", "0", "0", "0", "2", "0", "15.07.2026"]
    out = io.StringIO()
    assert main(["report", "--metrics", path, "--min-reifegrad", "90", "--keine-ueberfaelligen"], out=out) == 1
    text = out.getvalue()
    assert "Schwellen verfehlt (2):" in text
    assert "- A1 Alpha: Reifegrad 37,5 % liegt unter der Schwelle von 90,0 %." in text
    assert "- A1 Alpha: 1 Maßnahme(n) sind überfällig." in text
    out = io.StringIO()
    assert main(["report", "--metrics", path, "--einrichtung", "B1", "--min-reifegrad", "90"], out=out) == 0
    assert "Alle Schwellen eingehalten." in out.getvalue()
    err = io.StringIO()
    assert main(["report", "--metrics", path, "--einrichtung", "Z9"], out=io.StringIO(), err=err) == 2
    assert err.getvalue().startswith("Fehler: Unbekannte Einrichtung(en): Z9.")


def test_terminal_report_builds_with_the_dummy_builder(built: SphinxTestApp, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["report", "--quelle", str(built.srcdir), "--ausgabe", str(tmp_path / "r")], out=out, err=err)
    assert code == 0, err.getvalue()
    reference = io.StringIO()
    main(["report", "--metrics", str(Path(built.outdir) / "metrics.json")], out=reference)
    assert out.getvalue() == reference.getvalue()


def test_xlsx_keeps_text_starting_with_equals_as_text(tmp_path: Path) -> None:
    """Text from the sources that starts with "=" is a string in the workbook, never a formula."""
    from qm_handbook.reports.exports import write_xlsx

    path = tmp_path / "auswertung.xlsx"
    write_xlsx(
        path,
        {"luecken": (["ID", "Text", "Frist"], [["X1", '=HYPERLINK("http://x")', dt.date(2026, 1, 2)]])},
        dt.date(2026, 6, 30),
    )
    sheet = load_workbook(path)["Lücken"]
    assert sheet["B2"].value == '=HYPERLINK("http://x")'
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].number_format == "DD.MM.YYYY"
    assert sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
