"""Where Typst runs: in this process for a single PDF, else in worker processes.

A worker is a plain Python process running :mod:`._typst_worker` as a script; it
imports only ``typst``, never Sphinx or this extension, so starting one costs a few
hundredths of a second. Workers are replaced after :data:`TASKS_PER_PROCESS` PDFs,
because Typst keeps a cache of every document it compiled for the life of the
process (about 100 MB per handbook; a very large document ends its worker at
once). With a worker for every core, each typesets with one thread
(``RAYON_NUM_THREADS=1`` unless the environment sets it): Typst's own threads would
compete with the other workers and the build process for the same cores. Two processes
typesetting 8 handbooks each at the same time used 1–2 % less CPU time so (three
alternating pairs of runs); in whole runs of all 131 PDFs at 130 institutions the
difference was smaller than the machine's noise. Fewer workers than cores keep all of
Typst's threads: one worker on two cores took 20 s instead of 23 s for the 33 PDFs at
32 institutions (two pairs). A single PDF is typeset in the build process itself, with
all of Typst's threads: no process to start. Sphinx keeps assembling the next documents
while the workers typeset (one thread per worker waits for its answer).

The PDF watch (:mod:`..commands.pdf_watch`) keeps one worker for its whole run, the
*resident* worker (:func:`keep_resident`), and every build forked from the watch sends
its single PDF there. Typst's cache then holds the last version of the document, and
the next version after an edit takes a fraction of the time: 0.11–0.15 s instead of
0.5–0.6 s for the demo institution's 50 pages, measured over 25 edits in one process,
whose memory levelled off at about 245 MB.

A build of a single PDF started by the build runner gets an *early* worker
(:func:`start_early`, see :mod:`._early`): it lays out the last version of the document
while Sphinx starts, and then typesets the new version with what it computed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ._render import PDF_STANDARDS, WORKER, RenderResult, RenderTask, finish, prepare, reuse
from ._typst_worker import SOURCE_NAME

#: PDFs one worker process typesets before it is replaced (see module docstring). Starting a
#: worker is cheap, and Typst gains nothing from documents it compiled before; 2 instead of 4
#: lowered the largest process of all demo PDFs from about 660 MB to about 510 MB.
TASKS_PER_PROCESS = 2
#: A source this long (characters; the network PDF of a large network) ends its worker at once:
#: Typst's cache of a 500-page document alone takes gigabytes.
LARGE_SOURCE = 1_000_000
#: Name ending of the copy of a compile folder that an early worker lays out (next to it).
WARM_SUFFIX = ".vorlauf"


class _Process:
    """One worker process and the number of PDFs it has typeset."""

    def __init__(self, *, one_thread: bool) -> None:
        # Kept open for the life of the process (closed in :meth:`close`).
        self.stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        environ = dict(os.environ)
        if one_thread:
            environ.setdefault("RAYON_NUM_THREADS", "1")
        self.proc = subprocess.Popen(
            # UTF-8 on the pipes on every system (Windows would use its ANSI code page).
            [sys.executable, "-I", "-X", "utf8", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            encoding="utf-8",
            env=environ,
        )
        self.served = 0

    def send(self, request: dict[str, Any]) -> bool:
        """Write one request; False if the process is gone."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        except OSError:
            return False
        return True

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdout is not None
        self.served += 1
        try:
            line = self.proc.stdout.readline() if self.send(request) else ""
            reply: dict[str, Any] = json.loads(line) if line else {}
        except (OSError, ValueError):  # ValueError: not UTF-8, or not JSON
            reply = {}
        if not reply:
            if self.proc.poll() is None:
                self.proc.kill()
            return {"crash": self._last_words()}
        return reply

    def _last_words(self) -> str:
        code = self.proc.wait()
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return f"Exit-Code {code}" + (f": {lines[-1]}" if lines else "")

    def close(self, *, kill: bool = False) -> None:
        """End the process: at once with ``kill``, else after the request it is working on."""
        if kill:
            self.proc.kill()
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.stderr.close()


#: The resident worker of this process and its forks (see module docstring); None: none.
_resident: _Process | None = None


def keep_resident() -> bool:
    """Start the resident worker, or a new one if it has ended (call before forking a build).

    :return: whether a new one was started (forks made before know only the old one)
    """
    global _resident
    if _resident is not None and _resident.proc.poll() is None:
        return False
    _resident = _Process(one_thread=False)
    return True


def end_resident() -> None:
    """End the resident worker, if there is one."""
    global _resident
    if _resident is not None:
        _resident.close()
        _resident = None


#: The early worker of a build of one PDF and the folder it lays out (see :func:`start_early`).
_early: tuple[_Process, Path] | None = None


def start_early(folder: Path) -> bool:
    """Start a worker that lays out the last version of the document in the compile folder
    ``folder`` (if there is one), in a copy next to it: the build rewrites ``folder``
    meanwhile. The build's PDF then goes to that worker (:meth:`TypstPool.submit`).

    Not in a process with a resident worker (the PDF watch has one), nor for a very
    large document (see :data:`LARGE_SOURCE`).

    :return: whether a worker was started (end it with :func:`end_early`)
    """
    global _early
    if _early is not None or _resident is not None:
        return False
    warm = folder.with_name(folder.name + WARM_SUFFIX)
    try:
        if (folder / SOURCE_NAME).stat().st_size >= LARGE_SOURCE:
            return False
        shutil.rmtree(warm, ignore_errors=True)
        # Linked, not copied, where the file system allows: the build replaces the folder's
        # files with new ones and never writes into them.
        shutil.copytree(folder, warm, copy_function=_link_or_copy)
        process = _Process(one_thread=False)
    except OSError:  # no earlier version, or no new process now: the build typesets in its own
        shutil.rmtree(warm, ignore_errors=True)
        return False
    _early = (process, warm)
    # If it has ended already, its answer is a crash and the build typesets in its own.
    process.send({"warm": str(warm), "standards": list(PDF_STANDARDS)})
    return True


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def end_early() -> None:
    """End the early worker, if there is one, at once (it may still be laying out)."""
    global _early
    if _early is not None:
        process, warm = _early
        _early = None
        process.close(kill=True)
        shutil.rmtree(warm, ignore_errors=True)


def _ask_early(request: dict[str, Any]) -> dict[str, Any] | None:
    """The early worker's reply to ``request`` (None: there is none, or it failed)."""
    if _early is None:
        return None
    reply = _early[0].ask(request)
    end_early()
    return None if "crash" in reply else reply


class TypstPool:
    """Typesets :class:`RenderTask` objects (see module docstring); use it as a context manager."""

    def __init__(self, workers: int, *, inline: bool) -> None:
        self._inline = inline
        self._threads = None if inline else ThreadPoolExecutor(max_workers=workers, thread_name_prefix="typst")
        self._idle: list[_Process] = []
        self._lock = threading.Lock()
        self._one_thread = workers >= (os.cpu_count() or 1)

    def submit(self, task: RenderTask) -> Future[RenderResult]:
        """Start typesetting ``task``; the future holds its result."""
        request, key = prepare(task)
        # With a resident worker the document is always typeset: that keeps Typst's cache warm
        # for the next edit, and an unchanged document costs it only hundredths of a second.
        reply = reuse(task, key) if _resident is None or not self._inline else None
        if reply is None and self._threads is not None:
            retire = len(task.source) >= LARGE_SOURCE
            return self._threads.submit(lambda: finish(task, key, self._remote(request, retire=retire)))
        if reply is None and _resident is not None:
            reply = _resident.ask(request)
        if reply is None and self._inline:
            # The early worker typesets, or it is not needed (the PDF was kept): ended either way.
            reply = _ask_early(request)
        if reply is None:
            from ._typst_worker import typeset

            reply = typeset(request)
        done: Future[RenderResult] = Future()
        done.set_result(finish(task, key, reply))
        return done

    def _remote(self, request: dict[str, Any], *, retire: bool) -> dict[str, Any]:
        with self._lock:
            process = self._idle.pop() if self._idle else None
        process = process or _Process(one_thread=self._one_thread)
        reply = process.ask(request)
        if retire or "crash" in reply or process.served >= TASKS_PER_PROCESS:
            process.close()
        else:
            with self._lock:
                self._idle.append(process)
        return reply

    def __enter__(self) -> TypstPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        end_early()
        if self._threads is not None:
            self._threads.shutdown(wait=True, cancel_futures=exc is not None)
        for process in self._idle:
            process.close()
        self._idle.clear()
