"""Report views rendered for the view digests are not rendered again when their page is written.

``compat/view_digests.py`` renders the views of report pages to compare them with the
last build; the pages whose views changed are written, and ``process_reports`` takes
those rendered nodes (same view, options and result) instead of rendering them again.
That the pages come out as from a clean build is checked in ``test_view_digests.py``.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from test_incremental import ROOT, build, edit
from test_view_digests import OWNER, PROOFS, STATEMENTS

from qm_handbook.reports import directives


def test_views_of_a_written_report_page_are_rendered_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    edit(work / PROOFS, OWNER.format("Leitung"), OWNER.format("QMB"))
    build(work, tmp_path / "inc")  # stores the digests
    calls: Counter[tuple[str, str, str]] = Counter()
    original = directives.render

    def counting(app: Any, node: Any, fromdocname: str, result: Any, chart_id: str) -> list[Any]:
        calls[(fromdocname, node["view"], chart_id)] += 1
        return original(app, node, fromdocname, result, chart_id)

    monkeypatch.setattr(directives, "render", counting)
    edit(work / STATEMENTS, ":status: teilweise", ":status: umgesetzt")
    _app, written = build(work, tmp_path / "inc")
    assert "institutions/alpha/stand" in written  # its views changed
    on_page = {key: n for key, n in calls.items() if key[0] == "institutions/alpha/stand"}
    assert on_page
    assert set(on_page.values()) == {1}
