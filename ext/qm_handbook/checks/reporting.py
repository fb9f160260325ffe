"""Sphinx adapter for problems: log each one as ``qm.<code>`` with its location."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sphinx.util import logging

from .diagnostics import CODES, Problem

logger = logging.getLogger(__name__)


def log_problems(problems: Iterable[Problem], srcdir: Path) -> None:
    """Log problems as Sphinx warnings of type ``qm`` (``-W`` turns them into errors)."""
    for problem in problems:
        if problem.code not in CODES:
            raise KeyError(f"unregistered warning code {problem.code!r}")
        location: str | tuple[str, int | None] | None
        if problem.docname is not None:
            location = (problem.docname, problem.line)
        elif problem.file is not None:
            location = problem.location(srcdir)
        else:
            location = None
        logger.warning(problem.text(), type="qm", subtype=problem.code, location=location)
