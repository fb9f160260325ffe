"""Sphinx adapter for problems: log each one as ``qm.<code>`` with its location."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from sphinx.util import logging

from .diagnostics import CODES, Problem

logger = logging.getLogger(__name__)


def problem_location(problem: Problem, srcdir: Path) -> str:
    """``file:line`` of a problem, always with a line.

    Sphinx treats a location without ``:`` as a page name and looks it up in the build
    environment, which does not exist yet while the data files are loaded
    (``config-inited``); a location with a line never needs the environment.
    """
    file = problem.file if problem.file is not None else srcdir / f"{problem.docname}.md"
    shown: Path = file
    with contextlib.suppress(ValueError):
        shown = file.relative_to(srcdir)
    return f"{shown.as_posix()}:{problem.line or 1}"


def log_problems(problems: Iterable[Problem], srcdir: Path, *, env_ready: bool = True) -> None:
    """Log problems as Sphinx warnings of type ``qm`` (``-W`` turns them into errors).

    :param env_ready: False before the build environment exists (``config-inited``);
        page locations are then given as file paths
    """
    for problem in problems:
        if problem.code not in CODES:
            raise KeyError(f"unregistered warning code {problem.code!r}")
        location: str | tuple[str, int | None] | None
        if problem.docname is not None and env_ready:
            location = (problem.docname, problem.line)
        elif problem.file is not None or problem.docname is not None:
            location = problem_location(problem, srcdir)
        else:
            location = None
        logger.warning(problem.text(), type="qm", subtype=problem.code, location=location)
