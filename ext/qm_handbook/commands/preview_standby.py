"""The live preview's next build, prepared before the next save.

Every build first creates Sphinx's application: it reads ``conf.py``, sets up the
extensions, loads the data files, the saved environment and the theme. At demo scale
that is about 0.2 s before the first page is read, and none of it depends on the page
text. This module does it while the author is still typing:

* At start, the preview process forks a **build service** (:func:`start`): a
  single-threaded copy of the preloaded process that runs the preview's builds as forks
  of itself. sphinx-autobuild's worker sends it the build's arguments and the changed
  files and gets back the exit code (:func:`request`).
* After each build, the service forks the **standby**: the next preview build, which
  creates the application at once (with the environment the last build saved) and then
  waits. Its output is kept back meanwhile.
* On the next save, if only page sources (``.md``, ``.rst``) changed, the standby is
  released: it prints what it kept back, checks the page files (the page scan of
  :func:`~..checks.validate.scan_pages`, left out while waiting because the pages were
  still being edited) and builds. While it waits it writes nothing into the output
  folder, which the browser is reading. Sphinx finds the changed pages by their time stamps,
  as in every build.
* Anything else drops the standby and the build starts from the beginning as before:
  a data file, ``conf.py``, a template or a static file changed, a page was removed,
  the day changed (the as-of date), the extension's code changed, other arguments,
  pre-build commands, or the standby ended before it was ready.

The service and the standby ignore Ctrl+C (the build itself does not) and end with the
preview: the service when the preview closes its connection, the standby when the
service closes its pipe.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import Any, TextIO

#: Files whose change a prepared build can take: page sources, found again by Sphinx.
PAGE_SUFFIXES = (".md", ".rst")

#: The preview process's end of the connection to the build service (None: no service).
_service: Connection | None = None
_service_pid = 0
#: Whether the last build requested ran as a prepared build (for the tests and the status line).
last_prepared = False

Build = Callable[[Sequence[str]], int]


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl+C held back inside the block (main thread only): a SIGINT arriving meanwhile is
    raised as the block ends, in this process (a fork made inside drops it).

    Masking the signal would not do: a process-directed signal goes to any thread that
    does not mask it (the file watcher runs threads), and Python then raises it in the main
    thread all the same. A handler that only notes it raises nothing until the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    parent = os.getpid()
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and os.getpid() == parent and callable(previous):
            previous(signal.SIGINT, None)


def fork() -> int:
    """``os.fork()`` with Ctrl+C held back while it runs (see :func:`interrupts_held`).

    A SIGINT arriving during a fork would otherwise be raised inside the fork handlers
    (logging releases its lock there), where Python can only print it as ignored: the
    preview or PDF watch would go on as if Ctrl+C had never been pressed.
    """
    with interrupts_held():
        return os.fork()


def pages_only(changed: Sequence[str | Path]) -> bool:
    """Whether every changed file is a page source that (still) exists."""
    return bool(changed) and all(Path(p).suffix in PAGE_SUFFIXES and Path(p).is_file() for p in changed)


def _reap(pid: int) -> int:
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@dataclass(slots=True)
class Standby:
    """A prepared build waiting in a child process of the service."""

    pid: int
    go: int  # write end: one byte releases it, the end of the pipe drops it
    ready: int  # read end: one byte once the application is ready
    args: tuple[str, ...]
    day: datetime.date
    #: None until known: whether it got ready (False: it ended before)
    is_ready: bool | None = None

    def wait_ready(self) -> bool:
        """Wait until it is ready to build (False: it ended before)."""
        if self.is_ready is None:
            self.is_ready = os.read(self.ready, 1) == b"1"
            os.close(self.ready)
        return self.is_ready

    def takes(self, args: Sequence[str], changed: Sequence[str], unchanged: Callable[[], bool]) -> bool:
        """Whether this standby may run the requested build."""
        return tuple(args) == self.args and datetime.date.today() == self.day and pages_only(changed) and unchanged()

    def release(self) -> int | None:
        """Let it build; its exit code (None: it ended before it was ready, nothing was built)."""
        released = self.wait_ready()  # waits while it is still preparing
        try:
            if released:
                os.write(self.go, b"1")
        except OSError:
            released = False  # it ended meanwhile
        os.close(self.go)
        code = _reap(self.pid)
        return code if released else None

    def drop(self) -> None:
        """End it without building (it finishes preparing first, so it never stops half-way)."""
        os.close(self.go)
        _reap(self.pid)
        if self.is_ready is None:
            os.close(self.ready)


def _wait_then_build(args: Sequence[str], go: int, ready: int, build_once: Build) -> None:
    """The standby process: prepare, wait, build when released (never returns)."""
    from sphinx.application import Sphinx

    from ..checks import validate
    from .guard import exit_now

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    colour = ["--color"] if os.isatty(1) else []  # before the arguments: a later -N still wins
    sys.stdout.flush()
    sys.stderr.flush()
    # The build writes to the standard file descriptors, which point to a file until released.
    sys.stdout, sys.stderr = _writer(1, sys.stdout), _writer(2, sys.stderr)
    kept = tempfile.TemporaryFile()  # noqa: SIM115 - open until the process ends
    streams = os.dup(1), os.dup(2)
    os.dup2(kept.fileno(), 1)
    os.dup2(kept.fileno(), 2)
    scan = validate.scan_pages
    deferred: list[tuple[Any, Any]] = []
    # The page scan checks the pages' text, which may still change: it runs when released.
    setattr(validate, "scan_pages", lambda app, config: deferred.append((app, config)))  # noqa: B010
    copies = _copy_jquery_later()
    prepared = Sphinx.build

    def build_when_released(app: Sphinx, *args: Any, **kwargs: Any) -> None:
        if app.fresh_env_used:  # no saved environment: the scan checks differently; start anew
            exit_now(0)
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            os.write(ready, b"1")
            os.close(ready)
        except OSError:
            exit_now(0)  # the service is gone
        if os.read(go, 1) != b"1":
            exit_now(0)  # dropped: leave without a word (the kept output goes with the file)
        os.close(go)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(streams[0], 1)
        os.dup2(streams[1], 2)
        kept.seek(0)
        os.write(1, kept.read())
        for source, target in copies:
            shutil.copyfile(source, target)
        for found in deferred:
            scan(*found)
        prepared(app, *args, **kwargs)

    setattr(Sphinx, "build", build_when_released)  # noqa: B010
    exit_now(build_once([*colour, *args]))


def _copy_jquery_later() -> list[tuple[str, str]]:
    """Keep sphinxcontrib-jquery from copying its files while the build is prepared.

    It copies them into the output folder as soon as the configuration is read. The
    standby is prepared right after a build, while the browser reloads the page and
    fetches them: it would get a file being rewritten. The copies are made when released.
    """
    copies: list[tuple[str, str]] = []
    try:
        from sphinxcontrib import jquery  # type: ignore[import-untyped]
    except ImportError:
        return copies
    add_js_files = jquery.add_js_files

    def add_js_files_later(app: Any, config: Any) -> None:
        copy = shutil.copyfile
        setattr(shutil, "copyfile", lambda source, target, **kwargs: copies.append((source, target)))  # noqa: B010
        try:
            add_js_files(app, config)
        finally:
            setattr(shutil, "copyfile", copy)  # noqa: B010

    setattr(jquery, "add_js_files", add_js_files_later)  # noqa: B010
    return copies


def _writer(fd: int, like: TextIO) -> TextIO:
    """A text stream on file descriptor ``fd`` (whatever it points to at the time of writing)."""
    raw = io.FileIO(fd, "w", closefd=False)
    encoding = getattr(like, "encoding", None) or "utf-8"
    return io.TextIOWrapper(raw, encoding=encoding, errors=getattr(like, "errors", None), line_buffering=True)


def prepare(args: Sequence[str], build_once: Build) -> Standby:
    """Fork a standby for the build with ``args`` (also used by the PDF watch, :mod:`.pdf_watch`)."""
    go_read, go_write = os.pipe()
    ready_read, ready_write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = fork()
    if pid == 0:
        os.close(go_write)
        os.close(ready_read)
        _wait_then_build(args, go_read, ready_write, build_once)
    os.close(go_read)
    os.close(ready_write)
    return Standby(pid=pid, go=go_write, ready=ready_read, args=tuple(args), day=datetime.date.today())


def _serve(
    conn: Connection, build: Build, build_once: Build, unchanged: Callable[[], bool], setting: Sequence[str]
) -> None:
    """The build service: run each requested build, prepare the next one (never returns)."""
    from .guard import exit_now

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout, sys.stderr = _writer(1, sys.stdout), _writer(2, sys.stderr)  # every build writes to the descriptors
    standby: Standby | None = None
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break  # the preview ended
            if message == "bereit?":
                conn.send(standby is not None and standby.wait_ready())
                continue
            args, changed, allowed = message
            code = None
            if standby is not None and allowed and standby.takes(args, changed, unchanged):
                code = standby.release()
            elif standby is not None:
                standby.drop()
            standby, prepared = None, code is not None
            if code is None:
                code = build(args)
            conn.send((code, prepared))
            if allowed and unchanged():
                preview = list(args) if list(args[-len(setting) :]) == list(setting) else [*args, *setting]
                standby = prepare(preview, build_once)
    finally:
        if standby is not None:
            standby.drop()
        exit_now(0)


def start(build: Build, build_once: Build, unchanged: Callable[[], bool], setting: Sequence[str]) -> None:
    """Fork the build service (once, in the preloaded preview process, before threads start).

    :param build: runs one build from the beginning (in a fork, or a new process)
    :param build_once: one build in this process (what the standby runs)
    :param unchanged: whether the extension's code is still the preloaded one
    :param setting: the arguments that make a build a preview build
    """
    global _service, _service_pid
    if not hasattr(os, "fork") or _service is not None:
        return
    mine, theirs = Pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = fork()
    if pid == 0:
        mine.close()
        _serve(theirs, build, build_once, unchanged, setting)
    theirs.close()
    _service, _service_pid = mine, pid


def stop() -> None:
    """End the build service and its standby (the preview's end does the same)."""
    global _service
    if _service is None:
        return
    _service.close()
    _service = None
    _reap(_service_pid)


def prepared() -> bool:
    """Whether the next build is prepared (waits while it is being prepared)."""
    if _service is None:
        return False
    _service.send("bereit?")
    return bool(_service.recv())


def request(args: Sequence[str], changed: Sequence[Path], allowed: bool) -> int | None:
    """Have the service run the build; its exit code (None: no service, build yourself).

    :param allowed: whether a prepared build may run it (not after pre-build commands)
    """
    global last_prepared
    if _service is None:
        return None
    try:
        _service.send((list(args), [str(p) for p in changed], allowed))
        code, last_prepared = _service.recv()
    except (EOFError, OSError):
        return None
    return int(code)
