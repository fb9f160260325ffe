"""The build runner skips a build only when nothing it depends on changed (commands/uptodate.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qm_handbook.commands import uptodate

REPO = Path(__file__).resolve().parent.parent
ROOT = Path(__file__).parent / "roots" / "test-basic"
SKIPPED = "Keine Änderung seit dem letzten fehlerfreien Lauf"


def _run(src: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    out = src / "_build"
    cmd = [sys.executable, "-m", "qm_handbook.commands.guard", "-b", "html", "-n", "-q", *extra]
    cmd += ["-d", str(out / "doctrees"), str(src), str(out / "html")]
    env = {**os.environ, "PYTHONPATH": str(REPO / "ext")}
    return subprocess.run(cmd, capture_output=True, text=True, check=False, env=env, cwd=src)


def _touch_later(path: Path, text: str | None = None) -> None:
    if text is not None:
        path.write_text(text, encoding="utf-8")
    later = path.stat().st_mtime + 2
    os.utime(path, (later, later))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    src = tmp_path / "projekt"
    shutil.copytree(ROOT, src)
    return src


def test_unchanged_build_is_skipped_and_any_change_builds_again(project: Path) -> None:
    first = _run(project, "-W")
    assert first.returncode == 0, first.stderr
    assert (project / "_build" / "html" / uptodate.STAMP).is_file()
    page = next((project / "_build" / "html").rglob("index.html"))
    before = page.stat().st_mtime_ns

    second = _run(project, "-W")
    assert second.returncode == 0 and SKIPPED in second.stdout
    assert page.stat().st_mtime_ns == before

    # another command line (a setting) is another build
    assert SKIPPED not in _run(project, "-W", "-D", "handbook_as_of=2026-01-01").stdout
    assert SKIPPED not in _run(project, "-W").stdout  # back to the old setting: built again
    assert SKIPPED in _run(project, "-W").stdout

    # an edited source page
    source = next(project.rglob("index.md"))
    _touch_later(source, source.read_text(encoding="utf-8") + "\nEin neuer Satz.\n")
    rebuilt = _run(project, "-W")
    assert SKIPPED not in rebuilt.stdout and rebuilt.returncode == 0
    assert "Ein neuer Satz." in (
        project / "_build" / "html" / source.relative_to(project).with_suffix(".html")
    ).read_text(encoding="utf-8")

    # a deleted output file is written again
    target = project / "_build" / "html" / source.relative_to(project).with_suffix(".html")
    target.unlink()
    assert SKIPPED not in _run(project, "-W").stdout
    assert target.is_file()

    # a changed data file (not a page)
    data = project / "netzwerk.toml"
    _touch_later(data)
    assert SKIPPED not in _run(project, "-W").stdout

    # -E always builds, and leaves a stamp the next plain build (also with -j) matches
    assert SKIPPED not in _run(project, "-W", "-E").stdout
    assert SKIPPED in _run(project, "-W", "-j", "2").stdout


def test_a_build_with_warnings_leaves_no_stamp(project: Path) -> None:
    source = next(project.rglob("index.md"))
    _touch_later(source, source.read_text(encoding="utf-8") + "\n{doc}`gibt-es-nicht`\n")
    first = _run(project)
    assert first.returncode == 0
    assert "gibt-es-nicht" in first.stderr
    assert not (project / "_build" / "html" / uptodate.STAMP).exists()
    second = _run(project)
    assert SKIPPED not in second.stdout  # the warning is reported again, not hidden by a skip


def test_tool_folders_are_not_inputs(project: Path) -> None:
    assert _run(project, "-W").returncode == 0
    (project / ".nox").mkdir()
    (project / ".nox" / "irgendwas.txt").write_text("x", encoding="utf-8")
    assert SKIPPED in _run(project, "-W").stdout


def test_unknown_command_lines_always_build() -> None:
    assert uptodate.invocation(["-b", "html", "quelle", "ziel", "seite.md"]) is None
    forced = uptodate.invocation(["-b", "html", "-a", "-E", "-j", "auto", "quelle", "ziel"])
    assert forced is not None and forced.forced and forced.argv == ("-b", "html", "quelle", "ziel")
    assert uptodate.invocation(["--gibt-es-nicht", "quelle", "ziel"]) is None
    call = uptodate.invocation(["-b", "html", "-Q", "quelle", "ziel"])
    assert call is not None and call.silent and call.doctreedir == call.outdir / ".doctrees"


def test_the_stamp_knows_every_installed_package_and_its_version() -> None:
    from importlib import metadata

    from qm_handbook.commands.uptodate import _packages

    listed = [entry.rpartition(":")[2].lower() for entry in _packages()]
    for dist in metadata.distributions():
        name = re.sub(r"[-_.]+", "_", dist.metadata["Name"]).lower()
        assert any(item.startswith(f"{name}-{dist.version}.") for item in listed), (name, dist.version)
