"""Loading and saving the environment fast: the garbage collector, and dataclass states.

**Garbage collector.** Loading the saved environment creates millions of objects (needs,
their links, page trees). Python's cyclic garbage collector runs every 700 new objects
and walks ever more of them, although none of them is garbage: at 32 institutions it
took three quarters of the load time (0.53 s of which 0.40 s collecting, measured with
``pickle.load`` of ``environment.pickle``). So the collector is off from the first
configuration step until the builder is ready; then everything loaded so far is
moved out of its reach (:func:`gc.freeze`), which keeps the later collections short.
When Sphinx dropped the loaded environment (saved by another version) and started a
fresh one, the dropped one is collected instead (frozen, it kept 200 MB at 130
institutions for the whole build).
(Freezing again after reading would keep the page trees Sphinx holds until they are
written: freed later, they could no longer be collected; measured at 32 institutions,
the peak memory of a full build nearly doubled.) After the build the collector is back
as before, for programs that run several builds in one process (the tests). What the
collector does after loading (writing, the end of the program) is in :mod:`.collector`.

**Dataclass states.** Frozen dataclasses with slots (sphinx-needs' links and sources,
the handbook's fingerprints and results) are pickled through generated methods that
look up the dataclass fields again for every object; at 130 institutions that was
about 0.6 s of every load and 0.4 s of every save. The replacements keep the same state
(the list of field values in field order), so environments saved with and without
them load alike; they look the field names up once per class.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .. import pipeline

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Marks the state methods set here (a second setup leaves them as they are).
_MARK = "_qm_fast_state"
#: Whether this module switched the collector off (and must switch it on again).
_PAUSED = {"on": False}


def _pause(app: Sphinx, config: Config) -> None:
    # A build in this process that was cut short may have left objects frozen.
    gc.unfreeze()
    if gc.isenabled():
        gc.disable()
        _PAUSED["on"] = True


def _resume(app: Sphinx) -> None:
    if _PAUSED["on"]:
        _PAUSED["on"] = False
        gc.enable()
        if app.fresh_env_used:
            # A saved environment that did not fit (another version) was loaded and dropped:
            # collect it now; frozen, it would stay in memory for the whole build.
            gc.collect()
        else:
            gc.freeze()


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


def _fast_states(classes: Iterable[type]) -> int:
    """Give frozen slotted dataclasses state methods with the field names looked up once."""
    count = 0
    for cls in classes:
        own = vars(cls)
        if not dataclasses.is_dataclass(cls) or "__setstate__" not in own or getattr(own["__setstate__"], _MARK, False):
            continue
        names = tuple(f.name for f in dataclasses.fields(cls))

        def getstate(self: Any, _names: tuple[str, ...] = names) -> list[Any]:
            return [getattr(self, name) for name in _names]

        def setstate(self: Any, state: list[Any], _names: tuple[str, ...] = names) -> None:
            for name, value in zip(_names, state, strict=True):
                object.__setattr__(self, name, value)

        setattr(setstate, _MARK, True)
        setattr(cls, "__getstate__", getstate)  # noqa: B010  (a method set on the class)
        setattr(cls, "__setstate__", setstate)  # noqa: B010
        count += 1
    return count


def _classes_of(module_names: Iterable[str]) -> Iterator[type]:
    for name in module_names:
        module = sys.modules.get(name)
        if module is not None:
            yield from (v for v in vars(module).values() if isinstance(v, type) and v.__module__ == name)


def setup_pickling(app: Sphinx) -> None:
    """Pause the collector while the environment loads; faster dataclass states."""
    import sphinx_needs.need_item  # noqa: F401  (the module must be loaded for its classes)

    ours = [name for name in sys.modules if name == "qm_handbook" or name.startswith("qm_handbook.")]
    _fast_states(_classes_of(["sphinx_needs.need_item", *sorted(ours)]))
    app.connect("config-inited", _pause, priority=pipeline.PAUSE_GC)
    app.connect("builder-inited", _resume, priority=pipeline.RESUME_GC)
    app.connect("build-finished", _restore, priority=pipeline.RESTORE_GC)
