"""Typst started before Sphinx when a build makes a single PDF.

A new run of ``python3 noxfile.py -s pdf -- <Ordner>`` spends about 0.7 s starting
Python, Sphinx and the extensions and loading the saved environment, then assembles
the document, and only then does Typst lay it out: 0.5–0.8 s for an institution's
50 pages, on one core while the other waits. Typst needs nothing from Sphinx to lay out
the *last* version of the document, which is still in its compile folder from the last
build. So the build runner (:mod:`..commands.guard`) starts a Typst worker as its first
step (:func:`start`): while Sphinx starts, the worker typesets a copy of the last version
(:func:`._workers.start_early`), mostly on the core Sphinx leaves idle. The new version
then goes to that worker, and Typst reuses what it computed: 0.06–0.1 s for an unchanged
document and 0.1–0.16 s after a sentence or paragraph was added, instead of 0.5–0.8 s
(demo-sized institution of the benchmark, 49 pages).

Only when the command line names exactly one PDF (``-D handbook_pdf_select=<Ordner>``,
no part) and the doctree folder (``-d``); anything else, a first build without a compile
folder, or a folder name that is not a plain name, starts nothing. The early worker is
ended with the build whether it was used or not (an unchanged PDF that is kept needs no
Typst at all).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

#: The builder of the certification PDFs (:class:`._builder.QmPdfBuilder`; kept apart to load nothing).
BUILDER = "qmpdf"
#: Folder below the doctree folder holding one compile folder (Typst's root) per PDF.
WORK_DIR = "qmpdf"
#: A folder name that can only mean a folder right below the compile folders.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _values(argv: Sequence[str], short: str, long: str) -> list[str]:
    """Every value given to option ``short``/``long`` (``-b X``, ``-bX``, ``--builder X``, ``--builder=X``)."""
    found = []
    args = list(argv)
    for index, arg in enumerate(args):
        following = args[index + 1] if index + 1 < len(args) else None
        if arg in (short, long) and following is not None:
            found.append(following)
        elif arg.startswith(long + "="):
            found.append(arg[len(long) + 1 :])
        elif arg.startswith(short) and len(arg) > len(short) and not arg.startswith("--"):
            found.append(arg[len(short) :])
    return found


def compile_folder(argv: Sequence[str]) -> Path | None:
    """The compile folder of the one PDF that the ``sphinx-build`` arguments ``argv`` make
    (None: not a build of exactly one PDF, or not understood)."""
    if "-M" in argv or _values(argv, "-b", "--builder") != [BUILDER]:
        return None
    doctrees = _values(argv, "-d", "--doctree-dir")
    settings = dict(v.partition("=")[::2] for v in _values(argv, "-D", "--define"))
    select = settings.get("handbook_pdf_select", "").strip()
    if len(doctrees) != 1 or settings.get("handbook_pdf_teil", "").strip() or not _PLAIN_NAME.fullmatch(select):
        return None
    return Path(doctrees[0]) / WORK_DIR / select


def start(argv: Sequence[str]) -> bool:
    """Start the early worker for the build ``argv`` where it helps (see module docstring).

    :return: whether one was started (then end it with :func:`stop` after the build)
    """
    folder = compile_folder(argv)
    if folder is None:
        return False  # not a single PDF: the worker module is not even loaded
    from . import _workers

    return _workers.start_early(folder)


def stop() -> None:
    """End the early worker, used or not."""
    from . import _workers

    _workers.end_early()
