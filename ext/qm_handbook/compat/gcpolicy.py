"""Python's garbage collector during a build: off while the environment loads, then frozen.

Loading the saved environment creates millions of objects (needs, their links, page
trees). Python's cyclic garbage collector runs every 700 new objects and walks ever
more of them, although none of them is garbage: at 32 institutions it took three
quarters of the load time (0.53 s of which 0.40 s collecting, measured with
``pickle.load`` of ``environment.pickle``). So the collector is off from the first
configuration step until the builder is ready; then everything loaded so far is
moved out of its reach (:func:`gc.freeze`), which keeps the later collections short.
(Freezing again after reading would keep the page trees Sphinx holds until they are
written: freed later, they could no longer be collected; measured at 32 institutions,
the peak memory of a full build nearly doubled.)
After the build the collector is back as before, for programs that run several
builds in one process (the tests).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import pipeline

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Whether this module switched the collector off (and must switch it on again).
_PAUSED = {"on": False}


def _pause(app: Sphinx, config: Config) -> None:
    if gc.isenabled():
        gc.disable()
        _PAUSED["on"] = True


def _resume(app: Sphinx) -> None:
    if _PAUSED["on"]:
        _PAUSED["on"] = False
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off for a block that loads many objects that are not garbage."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _restore(app: Sphinx, exception: Exception | None) -> None:
    _resume(app)
    gc.unfreeze()


def setup_gc_policy(app: Sphinx) -> None:
    """Pause the collector while the environment loads; freeze what is loaded."""
    app.connect("config-inited", _pause, priority=pipeline.PAUSE_GC)
    app.connect("builder-inited", _resume, priority=pipeline.RESUME_GC)
    app.connect("build-finished", _restore, priority=pipeline.RESTORE_GC)
