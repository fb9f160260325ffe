"""Reports of the real demo network: HTML, metrics.json and the terminal report agree."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, DemoBuild, soup, text_of
from qm_handbook.commands.cli import main
from qm_handbook.model.labels import format_percent

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def metrics(demo: DemoBuild) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((demo.outdir / "metrics.json").read_text(encoding="utf-8"))
    return data


def test_demo_uses_its_as_of_date_and_shows_every_gap_kind(demo: DemoBuild, metrics: dict[str, Any]) -> None:
    assert metrics["as_of"] == "2026-11-27"
    assert set(metrics["network"]["gap_counts"]) == set(metrics["gap_kinds"])
    assert all(count > 0 for count in metrics["network"]["gap_counts"].values()), metrics["network"]["gap_counts"]
    for docname in ["handbook/stand/dashboard", "handbook/stand/matrix", "institutions/vhs-leipziger-land/stand"]:
        stands = demo.page(docname).select(".qm-stand")
        assert stands and all(text_of(s) == "Stand: 27.11.2026" for s in stands), docname


def test_html_json_and_terminal_agree(demo: DemoBuild, metrics: dict[str, Any], tmp_path: Path) -> None:
    table = demo.page("handbook/stand/dashboard").select_one("table.qm-kennzahlen")
    assert table is not None
    html_rows = {}
    for tr in table.select("tbody tr"):
        cells = [text_of(td) for td in tr.select("td")]
        html_rows[cells[0].split()[0]] = cells[1:]
    out, err = io.StringIO(), io.StringIO()
    assert main(["report", "--quelle", str(REPO), "--ausgabe", str(tmp_path / "report")], out=out, err=err) == 0, err
    summary = out.getvalue().splitlines()[5 : 5 + len(metrics["institutions"])]
    terminal = {line.split()[0]: line.split() for line in summary}
    kinds = list(metrics["gap_kinds"])
    for inst in metrics["institutions"]:
        code, readiness = inst["code"], format_percent(inst["readiness"]["percent"])
        gaps = [str(inst["gap_counts"][k]) for k in kinds]
        assert html_rows[code] == [readiness, str(sum(inst["gap_counts"].values())), *gaps], code
        row = terminal[code]
        assert " ".join(row[-10:-8]) == readiness and row[-3] == str(sum(inst["gap_counts"].values())), row
        assert row[-2] == str(inst["overdue_measures"]), row
    assert html_rows["Netzwerk"][0] == format_percent(metrics["network"]["readiness"]["percent"])
    assert f"Reifegrad {html_rows['Netzwerk'][0]}" in out.getvalue().splitlines()[1]


def test_matrix_cells_link_to_the_statements(demo: DemoBuild, metrics: dict[str, Any]) -> None:
    page_path = demo.outdir / "handbook" / "stand" / "matrix.html"
    cells = soup(page_path).select("td.qm-zelle")
    requirements = metrics["catalogs"][0]["requirements"]
    assert len(cells) == len(requirements) * len(metrics["institutions"])
    expected = [r["status"][i["code"]] for r in requirements for i in metrics["institutions"]]
    assert [text_of(c) for c in cells] == expected
    pages: dict[Path, str | None] = {}
    for cell in cells:
        link = cell.find("a")
        if text_of(cell) == "fehlt":
            assert link is None
            continue
        target, _, anchor = link["href"].partition("#")
        path = (page_path.parent / target).resolve()
        if path not in pages:
            pages[path] = path.read_text(encoding="utf-8") if path.exists() else None
        page = pages[path]
        assert page is not None and f'id="{anchor}"' in page, link["href"]


def test_institution_pages_show_dashboard_gaps_and_audit_view(demo: DemoBuild, metrics: dict[str, Any]) -> None:
    for inst in metrics["institutions"]:
        page = demo.page(f"institutions/{inst['slug']}/stand")
        assert page.select_one("svg.qm-diagramm title") is not None, inst["code"]
        assert len(page.select("table.qm-luecken tbody tr")) == len(inst["gaps"]), inst["code"]
        assert len(page.select("table.qm-auditansicht")) == len(inst["areas"])
        card_text = f"Reifegrad {format_percent(inst['readiness']['percent'])} · {len(inst['gaps'])} Lücken"
        assert card_text in text_of(demo.page("handbook/index").select_one(".qm-cards").parent)
    for stem in ("matrix", "massnahmen", "nachweise", "luecken"):
        assert (demo.outdir / "auswertung" / f"{stem}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (demo.outdir / "auswertung" / "auswertung.xlsx").stat().st_size > 0
