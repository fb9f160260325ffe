"""Outputs that nothing in the build reads are written in a copy of the build, beside the pages.

``needs.json``, the evaluation downloads (metrics, CSV, XLSX), the calendars, Sphinx's
``objects.inv`` and the stored build of :mod:`.compat.reuse` come from data that is final
once the needs are resolved and the coverage result is computed: nothing written
afterwards changes them, and no page reads them. The need checks only warn. In a large
network all this takes a few seconds, which the build spent on one core while the other
one idled.

A feature connects such a writer with :func:`connect_output` instead of connecting it to
``build-finished`` itself. When writing starts (:data:`.pipeline.SIDE_OUTPUTS_START`,
after the result and the public profile), the build forks one copy per copy number given
there (two: the checks, ``needs.json``, calendars and ``objects.inv``; the exports and
the stored build); each runs its writers in the order of their priorities while the
build writes the pages. After a build that read at least a tenth of the pages, a single
copy runs all writers: writing the pages then takes far longer than the side outputs,
and every copy turns the memory pages it reads into its own (reference counts), so a
second copy would only add its memory (about 170 MB at 130 institutions). When the build
finishes (:data:`.pipeline.SIDE_OUTPUTS_JOIN`, before any other handler), it waits for
the copies and passes on their log messages in the writers' order, so warnings count as
if the build had written the outputs itself. A writer that failed in a copy, or a copy
that did not finish, is simply run again by the build itself at its usual place; so is
every writer when no copy was made.

The environment Sphinx saves after reading is saved the same way (:class:`_EnvPickle`):
by a copy made at that moment, while the build goes on; the build waits for it when it
finishes. Not after a fresh start (``-E``, first build), where that copy would hold the
whole new environment while the build resolves it.

A copy is made only on Linux (``fork`` is safe there for a process without threads;
Windows has none, and on macOS system libraries forbid it), for the website builders
(the environment also for the PDF builder), with the speed-ups on
(``handbook_speedups``), outside the live preview's builds (their side outputs are few
and small; a copy would only add its start) and when the build runs no other thread.
Only builds with the handbook extension are affected: another project built in the
same process saves its environment as usual.

After a failed build, outputs the copy wrote stay (they belong to the sources just
read); the public profile removes its unfiltered ``needs.json`` and ``objects.inv``.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import os
import pickle
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util import logging as sphinx_logging
from sphinx.util.logging import LogCollector, get_node_location

from . import pipeline
from .compat.builder_output import SITE_BUILDERS
from .state import get_state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

Handler = Callable[["Sphinx", "Exception | None"], Any]
_LOG = sphinx_logging.getLogger(__name__)

#: Attributes of a log record that Sphinx's handlers read (besides level and message).
_RECORD_EXTRAS = ("type", "subtype", "location", "nonl", "color", "once", "skip_warningsiserror")


@dataclass(slots=True)
class SideJob:
    """The running copies of the build: their processes and the files they report into."""

    #: (process id, report file) per copy
    copies: list[tuple[int, Path]] = field(default_factory=list)
    #: writers (by their position in the registry) a copy finished without error
    done: set[int] = field(default_factory=set)
    joined: bool = False


def connect_output(app: Sphinx, handler: Handler, priority: int = pipeline.SPHINX_DEFAULT, *, copy: int = 0) -> None:
    """Connect ``handler`` to ``build-finished``; it may run early, in a copy of the build.

    ``handler(app, exception)`` must write files only, read nothing that the page writing
    changes, and do nothing that the build itself reads afterwards. ``copy`` numbers the
    copy it runs in: writers of different numbers run side by side, unless the build
    read many pages (then one copy runs them all, see the module docstring).
    """
    registry = get_state(app).side_outputs
    index = len(registry)
    registry.append((priority, handler, copy))

    def unless_done(app: Sphinx, exception: Exception | None) -> Any:
        job = get_state(app).write.side_job
        if job is not None and index in job.done:
            return None
        return handler(app, exception)

    app.connect("build-finished", unless_done, priority=priority)


def will_copy(app: Sphinx) -> bool:
    """Whether this build writes its side outputs in a copy (decided once, in the write phase).

    A writer that is skipped in the build because the copy runs it must ask this, not
    whether the copy is running: if making the copy fails, the build runs the writer
    itself at ``build-finished``.
    """
    write = get_state(app).write
    if write.side_copy is None:
        write.side_copy = bool(get_state(app).side_outputs) and _can_fork(app)
    return write.side_copy


#: Builders whose saved environment is written by a copy: the website builders and the PDF
#: builder (which reads pages itself after an edit, e.g. in the PDF watch: about half a second
#: at 130 institutions). Its Typst threads start only after the environment is saved.
ENV_SAVERS = SITE_BUILDERS | {"qmpdf"}


def _can_fork(app: Sphinx, builders: frozenset[str] = SITE_BUILDERS) -> bool:
    from .compat.preview_mode import is_preview

    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and app.builder.name in builders
        and bool(getattr(app.config, "handbook_speedups", True))
        and not is_preview(app.config)
        and threading.active_count() == 1
    )


def _portable(record: logging.LogRecord) -> dict[str, Any]:
    """A log record as plain data (a node as location becomes its ``file:line``)."""
    data: dict[str, Any] = {
        "name": record.name,
        "levelno": record.levelno,
        "levelname": record.levelname,
        "msg": record.getMessage(),
        "args": None,
    }
    for extra in _RECORD_EXTRAS:
        if hasattr(record, extra):
            value = getattr(record, extra)
            if isinstance(value, nodes.Node):
                value = get_node_location(value)
            data[extra] = value
    return data


def _run_copy(app: Sphinx, report: Path, copies: frozenset[int]) -> None:
    """In a copy: run the writers of the copy numbers ``copies``, report which finished and what they logged."""
    outcome: list[tuple[int, bool, list[dict[str, Any]]]] = []
    registry = get_state(app).side_outputs
    parent = os.getppid()
    mine = [i for i in range(len(registry)) if registry[i][2] in copies]
    for index in sorted(mine, key=lambda i: registry[i][0]):
        collector = LogCollector()
        with collector.collect():
            try:
                registry[index][1](app, None)
                ok = True
            except Exception:  # the build runs this writer again itself and reports the error
                ok = False
        outcome.append((index, ok, [_portable(r) for r in collector.logs] if ok else []))
        if os.getppid() != parent:
            break  # the build is gone: write nothing more
    with report.open("wb") as f:
        pickle.dump(outcome, f, pickle.HIGHEST_PROTOCOL)


def _start(app: Sphinx, builder: Builder) -> None:
    """When writing starts: fork the copies that write the side outputs."""
    state = get_state(app)
    if not will_copy(app):
        return
    job = state.write.side_job = SideJob()
    numbers = sorted({entry[2] for entry in state.side_outputs})
    # Each copy touches the needs it writes out, and every memory page it touches becomes its
    # own (reference counts): two copies hold two such sets. When many pages were read, writing
    # them takes far longer than all side outputs together, so one copy runs them all.
    groups = [frozenset(numbers)] if state.mostly_read(len(app.env.all_docs)) else [frozenset({n}) for n in numbers]
    for copies in groups:
        # Without a copy (doctree folder not writable, no memory) the build writes them itself.
        try:
            handle, name = tempfile.mkstemp(prefix="qm-nebenlauf-", suffix=".pickle", dir=app.doctreedir)
        except OSError:
            continue
        os.close(handle)
        report = Path(name)
        pid = _fork(functools.partial(_run_copy, app, report, copies), show_failure=False)
        if pid is None:
            report.unlink(missing_ok=True)
            continue
        job.copies.append((pid, report))


def _fork(work: Callable[[], None], *, show_failure: bool) -> int | None:
    """Run ``work`` in a copy of this process, which then ends; the copy's id (``None``: no copy).

    The copy ends with code 0 after ``work``, 1 after an error (with its traceback on
    stderr if ``show_failure``); the build waits for it and reads that code.
    """
    _flush_streams()
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - the copy ends here
        code = 1
        try:
            gc.disable()  # short-lived; collecting would only copy memory pages of the build
            work()
            code = 0
        except BaseException:
            if show_failure:
                traceback.print_exc()
                _flush_streams()
        finally:
            os._exit(code)
    return pid


class _EnvPickle:
    """Stands in for the ``pickle`` module in :mod:`sphinx.builders`: the environment is saved in a copy.

    Sphinx saves the environment after reading and before writing, and waits for it
    (about a second at 130 institutions). The copy made at that moment holds exactly the
    environment Sphinx would save; it writes it into the file Sphinx opened, while the
    build goes on. Everything else is passed to :mod:`pickle`.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)

    def dump(self, obj: Any, file: Any, *args: Any, **kwargs: Any) -> None:
        from sphinx.environment import BuildEnvironment

        app = getattr(obj, "_app", None) if isinstance(obj, BuildEnvironment) else None
        # Not after a fresh start (-E, first build): every page was read, and a copy holding the
        # whole new environment while the build resolves it would add its size to the memory
        # peak for a second's gain in a build of minutes.
        if app is None or "qm_handbook" not in app.extensions or app.fresh_env_used or not _can_fork(app, ENV_SAVERS):
            pickle.dump(obj, file, *args, **kwargs)  # other projects in the same process: as usual
            return

        def save() -> None:
            # Ctrl+C reaches the whole process group: the copy finishes the file all the same
            # (a half-written environment would make the next build read every page again).
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            pickle.dump(obj, file, *args, **kwargs)
            file.flush()

        # The traceback goes to stderr; the build reports the failure when it waits for the copy.
        pid = _fork(save, show_failure=True)
        if pid is None:
            pickle.dump(obj, file, *args, **kwargs)
            return
        get_state(app).write.env_saver = pid


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _wait_for_env(app: Sphinx) -> None:
    """Wait for the copy saving the environment; if it failed, the next build starts afresh."""
    from sphinx.application import ENV_PICKLE_FILENAME

    write = get_state(app).write
    if write.env_saver is None:
        return
    _, status = os.waitpid(write.env_saver, 0)
    write.env_saver = None
    if os.waitstatus_to_exitcode(status) != 0:
        with contextlib.suppress(OSError):
            (Path(app.doctreedir) / ENV_PICKLE_FILENAME).unlink()
        _LOG.warning(
            "Die Umgebung des Laufs konnte nicht gespeichert werden (Fehlermeldung oben); der nächste "
            "Lauf liest deshalb alle Seiten neu. Tritt das wieder auf, bitte die Meldung an die "
            "Entwicklung weitergeben.",
            type="qm",
            subtype="env_not_saved",
        )


def _join(app: Sphinx, exception: Exception | None) -> None:
    """When the build finishes: wait for the copies, take over the messages of the side outputs."""
    _wait_for_env(app)
    state = get_state(app)
    job = state.write.side_job
    if job is None or job.joined:
        return
    job.joined = True
    outcome: list[tuple[int, bool, list[dict[str, Any]]]] = []
    for pid, report in job.copies:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) == 0:
            with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError), report.open("rb") as f:
                outcome.extend(pickle.load(f))
        with contextlib.suppress(OSError):
            report.unlink()
    # the messages in the order of the writers, as the build would have logged them
    registry = state.side_outputs
    for index, ok, records in sorted(outcome, key=lambda found: (registry[found[0]][0], found[0])):
        if not ok:
            continue
        job.done.add(index)
        for data in records:
            logging.getLogger(data["name"]).handle(logging.makeLogRecord(data))


def _inventory_as_side_output(app: Sphinx) -> None:
    """Sphinx's ``objects.inv`` lists the objects found while reading: a side output too."""

    builder = app.builder
    dump: Callable[[], None] | None = getattr(builder, "dump_inventory", None)
    if builder.name not in SITE_BUILDERS or dump is None:
        return

    def write_inventory(app: Sphinx, exception: Exception | None) -> None:
        if exception is None:
            dump()

    setattr(builder, "dump_inventory", lambda: None)  # noqa: B010 - written by write_inventory
    connect_output(app, write_inventory)


def setup_background(app: Sphinx) -> None:
    """Save the environment in a copy; fork the side outputs' copy when writing starts; wait for both."""
    import sphinx.builders

    if getattr(sphinx.builders, "pickle", None) is pickle:  # as in Sphinx 9; otherwise saved as usual
        setattr(sphinx.builders, "pickle", _EnvPickle())  # noqa: B010 - Sphinx's module global
    app.connect("builder-inited", _inventory_as_side_output)
    app.connect("write-started", _start, priority=pipeline.SIDE_OUTPUTS_START)
    app.connect("build-finished", _join, priority=pipeline.SIDE_OUTPUTS_JOIN)
