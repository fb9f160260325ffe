"""Where Typst runs (``pdf._workers``) and when a PDF is kept instead of typeset again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qm_handbook.pdf import _workers
from qm_handbook.pdf._render import RenderTask
from qm_handbook.pdf._workers import TypstPool

AS_OF = dt.date(2026, 11, 27)


def _task(tmp_path: Path, name: str, body: str) -> RenderTask:
    source = (
        '#set document(title: "Probe", date: datetime(year: 2026, month: 11, day: 27))\n'
        f'#set text(lang: "de")\n#"{body}"\n'
    )
    folder, target = tmp_path / "work" / name, tmp_path / "out" / f"{name}.pdf"
    return RenderTask(source=source, folder=folder, target=target, as_of=AS_OF)


def test_unchanged_inputs_keep_the_pdf_and_any_change_typesets_again(tmp_path: Path) -> None:
    with TypstPool(1, inline=True) as pool:
        first = pool.submit(_task(tmp_path, "a", "Erste Fassung")).result()
    target = tmp_path / "out" / "a.pdf"
    written = target.read_bytes()
    assert (first.pages, first.reused, first.messages) == (1, False, ())
    with TypstPool(1, inline=True) as pool:
        again = pool.submit(_task(tmp_path, "a", "Erste Fassung")).result()
    assert (again.pages, again.reused) == (1, True)
    assert target.read_bytes() == written
    # Other text: Typst runs again.
    with TypstPool(1, inline=True) as pool:
        changed = pool.submit(_task(tmp_path, "a", "Zweite Fassung")).result()
    assert not changed.reused and target.read_bytes() != written
    # The PDF in the output folder is not the one last written: typeset again, never trusted.
    target.write_bytes(b"%PDF-1.7 anderes")
    with TypstPool(1, inline=True) as pool:
        replaced = pool.submit(_task(tmp_path, "a", "Zweite Fassung")).result()
    assert not replaced.reused and target.read_bytes().startswith(b"%PDF-") and len(target.read_bytes()) > 1000
    # Another as-of date is another input.
    task = _task(tmp_path, "a", "Zweite Fassung")
    later = RenderTask(source=task.source, folder=task.folder, target=task.target, as_of=AS_OF + dt.timedelta(days=1))
    with TypstPool(1, inline=True) as pool:
        assert not pool.submit(later).result().reused


def test_a_failed_run_leaves_no_old_pdf(tmp_path: Path) -> None:
    with TypstPool(1, inline=True) as pool:
        assert pool.submit(_task(tmp_path, "b", "gut")).result().pages == 1
    broken = _task(tmp_path, "b", "gut")
    broken = RenderTask(source=broken.source + "#unbekannt\n", folder=broken.folder, target=broken.target, as_of=AS_OF)
    with TypstPool(1, inline=True) as pool:
        result = pool.submit(broken).result()
    assert result.pages == 0 and result.messages[0].error
    assert "Zeile 4 des erzeugten Typst-Quelltexts" in result.messages[0].text
    assert not broken.target.exists()
    assert not (tmp_path / "work" / "b.json").exists()


def test_worker_processes_write_the_same_bytes_as_the_build_process(tmp_path: Path) -> None:
    tasks = [_task(tmp_path / "p", f"d{i}", f"Dokument {i}") for i in range(_workers.TASKS_PER_PROCESS * 2 + 1)]
    with TypstPool(2, inline=False) as pool:
        results = [pool.submit(t).result() for t in tasks]
    assert [r.pages for r in results] == [1] * len(tasks)
    assert not any(r.reused or r.messages for r in results)
    inline = [_task(tmp_path / "i", f"d{i}", f"Dokument {i}") for i in range(len(tasks))]
    with TypstPool(1, inline=True) as pool:
        for task in inline:
            pool.submit(task).result()
    for remote, local in zip(tasks, inline, strict=True):
        assert remote.target.read_bytes() == local.target.read_bytes()


def test_a_crashed_worker_is_a_german_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "absturz.py"
    script.write_text("import sys\nsys.stdin.readline()\nsys.exit('Speicher erschöpft')\n", encoding="utf-8")
    monkeypatch.setattr(_workers, "WORKER", script)
    task = _task(tmp_path, "c", "Text")
    with TypstPool(1, inline=False) as pool:
        result = pool.submit(task).result()
    assert result.pages == 0
    (message,) = result.messages
    assert message.error
    assert message.text == "Der Typst-Prozess ist unerwartet beendet worden (Exit-Code 1: Speicher erschöpft)."
    assert not task.target.exists()
