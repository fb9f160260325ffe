"""The garbage collector is kept away from objects that are not garbage, and back after a build."""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree
from sphinx.util import logging
from test_incremental import EDITS, ROOT, build, edit

from qm_handbook.compat.collector import _locate_pending_warnings, release, rendering

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


@pytest.mark.parametrize("released", [True, False])
def test_a_released_page_tree_is_freed_by_reference_counts_alone(released: bool) -> None:
    parsed = publish_doctree("Titel\n=====\n\nEin Absatz mit *Betonung*.\n\n- Punkt\n")
    parsed.reporter = parsed.transformer = None  # as Sphinx stores a page tree
    doctree = pickle.loads(pickle.dumps(parsed))  # as Sphinx loads it for writing
    gc.disable()
    try:
        paragraph = next(iter(doctree.findall(nodes.paragraph)))
        alive = [weakref.ref(doctree), weakref.ref(paragraph)]
        del paragraph
        if released:
            release(doctree)
        del doctree
        # Without the cut, the tree's cycles keep it until the collector runs.
        assert [ref() is None for ref in alive] == [released, released]
    finally:
        gc.enable()


def test_warnings_held_back_keep_their_location_after_the_tree_is_cut() -> None:
    parsed = publish_doctree("Titel\n=====\n\nEin Absatz mit *Betonung*.\n")
    parsed.reporter = parsed.transformer = None
    doctree = pickle.loads(pickle.dumps(parsed))
    emphasis = next(iter(doctree.findall(nodes.emphasis)))
    paragraph = emphasis.parent
    assert paragraph is not None and emphasis.line is None  # only the paragraph knows the line
    paragraph.source = "/handbuch/seite.md"
    second = pickle.loads(pickle.dumps(parsed))
    later = next(iter(second.findall(nodes.emphasis)))
    assert later.parent is not None
    later.parent.source = "/handbuch/andere.md"
    with logging.pending_warnings() as held:
        logging.getLogger(__name__).warning("Probe", location=emphasis)
        _locate_pending_warnings()
        release(doctree)
        assert [getattr(record, "location", None) for record in held.buffer] == [f"/handbuch/seite.md:{paragraph.line}"]
        # the next page's warning is located too, after those of the page before
        logging.getLogger(__name__).warning("Probe", location=later)
        _locate_pending_warnings()
        release(second)
        assert [getattr(record, "location", None) for record in held.buffer] == [
            f"/handbuch/seite.md:{paragraph.line}",
            f"/handbuch/andere.md:{paragraph.line}",
        ]
        held.buffer.clear()


def test_full_build_freezes_for_writing_a_status_change_after_rendering_views(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[str] = []
    real_freeze = gc.freeze

    def counting_freeze() -> None:
        frozen.append(sys._getframe(1).f_code.co_name)  # who froze
        real_freeze()

    monkeypatch.setattr(gc, "freeze", counting_freeze)
    work = tmp_path / "src"
    shutil.copytree(ROOT, work)
    build(work, tmp_path / "inc")
    # A first build reads every page: frozen once, when writing starts.
    assert frozen == ["_freeze_for_writing"]
    path, old, new = EDITS["title-status"]
    edit(work / path, old, new)
    frozen.clear()
    build(work, tmp_path / "inc")
    # After loading the environment and after rendering the views for their digests.
    assert frozen == ["_resume", "rendering"]
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
