"""Exports are reproducible: the same data and as-of date give the same bytes."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from qm_handbook.reports.exports import write_xlsx


def test_xlsx_is_byte_identical_across_saves(tmp_path: Path) -> None:
    tables = {"matrix": (["Nr.", "Fällig am"], [["E1.1", dt.date(2026, 3, 31)]])}
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx(first, tables, dt.date(2026, 11, 27))
    write_xlsx(second, tables, dt.date(2026, 11, 27))
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        # openpyxl would stamp the wall-clock time here; the as-of date makes it reproducible.
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 27, 0, 0, 0)}
        assert b"2026-11-27T00:00:00Z</dcterms:modified>" in archive.read("docProps/core.xml")


def test_xlsx_keeps_text_starting_with_equals_as_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "a.xlsx"
    title = '=HYPERLINK("http://example.org","klick")'
    write_xlsx(path, {"massnahmen": (["Titel"], [[title]])}, dt.date(2026, 11, 27))
    cell = load_workbook(path)["Maßnahmen"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == title
