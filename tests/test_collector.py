"""The garbage collector is kept away from objects that are not garbage, and back after a build."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental import EDITS, ROOT, build, edit

from qm_handbook.compat.pickling import rendering

EXT = Path(__file__).parent.parent / "ext"


def test_rendering_pauses_the_collector_and_freezes_only_when_asked() -> None:
    before = gc.get_freeze_count()
    try:
        with rendering(freeze=False):
            assert not gc.isenabled()
            kept = [[n] for n in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() == before
        with rendering(freeze=True):
            kept += [[n] for n in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= before + 1000
    finally:
        gc.unfreeze()
        gc.enable()
    assert len(kept) == 2000


def test_status_change_freezes_the_rendered_views_and_the_build_unfreezes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    path, old, new = EDITS["title-status"]
    edit(work / path, old, new)
    frozen: list[int] = []
    real_freeze = gc.freeze

    def counting_freeze() -> None:
        frozen.append(gc.get_count()[0])
        real_freeze()

    monkeypatch.setattr(gc, "freeze", counting_freeze)
    build(work, tmp_path / "inc")
    # Once after loading the environment, once after rendering the views for their digests.
    assert len(frozen) == 2
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


_PROBE = """
import atexit, gc, sys
from io import StringIO
from pathlib import Path
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count()))
from sphinx.application import Sphinx
src, out, speedups = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
app = Sphinx(src, src, out / "html", out / "doctrees", "html", status=StringIO(), warning=StringIO(),
             confoverrides={"handbook_speedups": speedups == "an"})
app.build()
print("frozen after build:", gc.get_freeze_count())
"""


@pytest.mark.parametrize(("speedups", "frozen"), [("an", True), ("aus", False)])
def test_everything_is_frozen_when_the_program_ends(tmp_path: Path, speedups: str, frozen: bool) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(EXT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT), str(tmp_path / "out"), speedups],
        capture_output=True, text=True, env=env, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(": ") for line in proc.stdout.splitlines())
    assert lines["frozen after build"] == "0"
    # The atexit probe was registered first, so it runs after the handbook's own handler.
    assert (int(lines["frozen at exit"]) > 0) is frozen
