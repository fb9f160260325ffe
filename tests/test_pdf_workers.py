"""Where Typst runs (``pdf._workers``), when a PDF is kept instead of typeset again, and the
Typst started before Sphinx for a single PDF (``pdf._early``, ``_workers.start_early``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pdfcheck import Pdf
from qm_handbook.pdf import _early, _workers
from qm_handbook.pdf._render import RenderTask
from qm_handbook.pdf._workers import TypstPool

AS_OF = dt.date(2026, 11, 27)
REPO = Path(__file__).resolve().parents[1]
ROOT = Path(__file__).parent / "roots" / "test-pdf"
SENTENCE = "Dieser Satz kam nach dem ersten PDF hinzu."

#: Runs the build runner like ``python3 noxfile.py -s pdf`` and reports, as JSON on the last
#: line, whether the early worker typeset the PDF and whether the build typeset it itself.
SPY = """
import json, sys
from qm_handbook.commands import guard
from qm_handbook.pdf import _typst_worker, _workers
answered = []
ask = _workers._ask_early
def spy(request):
    reply = ask(request)
    answered.append(reply is not None)
    return reply
_workers._ask_early = spy
code = guard.sphinx_main(sys.argv[1:])
print(json.dumps({"early": answered, "own": _typst_worker._compiler is not None}))
sys.exit(code)
"""


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


@pytest.fixture(autouse=True)
def _no_early_worker_left() -> Iterator[None]:
    yield
    _workers.end_early()


def test_command_lines_that_make_exactly_one_pdf() -> None:
    base = ["-b", "qmpdf", "-d", "/tmp/d", "src", "out"]
    assert _early.compile_folder([*base, "-D", "handbook_pdf_select=vhs-a"]) == Path("/tmp/d/qmpdf/vhs-a")
    assert _early.compile_folder(["-bqmpdf", "--doctree-dir=/tmp/d", "--define", "handbook_pdf_select= netzwerk "]) == (
        Path("/tmp/d/qmpdf/netzwerk")
    )
    for argv in (
        [*base, "-D", "handbook_pdf_select=a,b"],  # two PDFs
        [*base, "-D", "handbook_pdf_select="],  # all PDFs
        [*base, "-D", "handbook_pdf_select=a", "-D", "handbook_pdf_teil=1/2"],
        [*base, "-D", "handbook_pdf_select=../a"],  # not a folder right below the compile folders
        [*base, "-D", "handbook_pdf_select=.."],
        ["-b", "html", "-d", "/tmp/d", "-D", "handbook_pdf_select=a", "src", "out"],
        ["-b", "qmpdf", "-D", "handbook_pdf_select=a", "src", "out"],  # doctree folder not named
        ["-M", "qmpdf", "src", "out", "-d", "/tmp/d", "-D", "handbook_pdf_select=a"],
    ):
        assert _early.compile_folder(argv) is None, argv


def test_early_worker_typesets_the_next_version_the_same_as_a_build_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered: list[bool] = []
    ask = _workers._ask_early

    def spy(request: dict[str, object]) -> dict[str, object] | None:
        reply = ask(request)
        answered.append(reply is not None)
        return reply

    monkeypatch.setattr(_workers, "_ask_early", spy)
    with TypstPool(1, inline=True) as pool:
        assert pool.submit(_task(tmp_path, "e", "Erste Fassung")).result().pages == 1
    folder = tmp_path / "work" / "e"
    assert _workers.start_early(folder)
    assert _workers._early is not None
    process, warm = _workers._early
    with TypstPool(1, inline=True) as pool:
        result = pool.submit(_task(tmp_path, "e", "Zweite Fassung")).result()
    assert (result.pages, result.reused, result.messages) == (1, False, ())
    # The first version had no early worker; the second took its answer (not the own Typst after a failure).
    assert answered == [False, True] and process.served == 1 and process.proc.returncode is not None
    assert _workers._early is None and not warm.exists()
    # The same document typeset by another compiler (this process's): the same bytes.
    with TypstPool(1, inline=True) as pool:
        assert pool.submit(_task(tmp_path, "f", "Zweite Fassung")).result().pages == 1
    assert (tmp_path / "out" / "e.pdf").read_bytes() == (tmp_path / "out" / "f.pdf").read_bytes()


def test_an_unneeded_early_worker_is_ended_and_none_starts_without_an_earlier_version(tmp_path: Path) -> None:
    assert not _workers.start_early(tmp_path / "work" / "nie-gebaut")
    assert _workers._early is None and not (tmp_path / "work").exists()
    with TypstPool(1, inline=True) as pool:
        pool.submit(_task(tmp_path, "g", "Fassung")).result()
    assert _workers.start_early(tmp_path / "work" / "g")
    assert _workers._early is not None
    process, warm = _workers._early
    # Unchanged: the PDF is kept, Typst is not needed; the worker is ended with the pool.
    with TypstPool(1, inline=True) as pool:
        assert pool.submit(_task(tmp_path, "g", "Fassung")).result().reused
    assert process.proc.returncode is not None and process.served == 0
    assert _workers._early is None and not warm.exists()


def test_a_failed_early_worker_leaves_the_pdf_to_the_build(tmp_path: Path) -> None:
    with TypstPool(1, inline=True) as pool:
        pool.submit(_task(tmp_path, "k", "Erste Fassung")).result()
    assert _workers.start_early(tmp_path / "work" / "k")
    assert _workers._early is not None
    process, warm = _workers._early
    process.proc.kill()
    process.proc.wait()
    with TypstPool(1, inline=True) as pool:
        result = pool.submit(_task(tmp_path, "k", "Zweite Fassung")).result()
    # Typeset by the build itself, without a message about the ended worker, which is gone.
    assert (result.pages, result.reused, result.messages) == (1, False, ())
    assert _workers._early is None and not warm.exists()
    assert "Zweite Fassung" in Pdf(tmp_path / "out" / "k.pdf").text


def test_no_early_worker_beside_a_resident_one_or_for_a_very_large_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TypstPool(1, inline=True) as pool:
        pool.submit(_task(tmp_path, "h", "Fassung")).result()
    monkeypatch.setattr(_workers, "LARGE_SOURCE", 10)
    assert not _workers.start_early(tmp_path / "work" / "h")
    monkeypatch.undo()
    monkeypatch.setattr(_workers, "_resident", object())
    assert not _workers.start_early(tmp_path / "work" / "h")
    assert _workers._early is None


def _build(src: Path, doctrees: Path, out: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "ext")}
    args = ["-b", "qmpdf", "-W", "--keep-going", "-n", "-q", "-d", str(doctrees)]
    args += ["-D", "handbook_pdf_select=alpha", str(src), str(out)]
    proc = subprocess.run([sys.executable, "-c", SPY, *args], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_the_build_runner_hands_a_single_pdf_to_typst_started_before_sphinx(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    doctrees, out = tmp_path / "doctrees", tmp_path / "out"
    # The first build finds no earlier version: it typesets the PDF itself.
    assert _build(src, doctrees, out) == {"early": [False], "own": True}
    page = src / "institutions" / "alpha" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\n{SENTENCE}\n", encoding="utf-8")
    # After an edit, the worker started before Sphinx typesets the new version.
    assert _build(src, doctrees, out) == {"early": [True], "own": False}
    assert not list((doctrees / "qmpdf").glob(f"*{_workers.WARM_SUFFIX}"))
    # The same bytes as a first build of the edited sources.
    fresh = tmp_path / "frisch"
    assert _build(src, tmp_path / "doctrees-frisch", fresh) == {"early": [False], "own": True}
    assert (out / "alpha.pdf").read_bytes() == (fresh / "alpha.pdf").read_bytes()
    assert SENTENCE in Pdf(out / "alpha.pdf").text
