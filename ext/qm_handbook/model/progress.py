"""Which file the handbook is working on: named in the German message of an unexpected error.

Loaders, the page scan and (through two Sphinx events) the reading and writing of
pages note the file they start on. When a step fails with an unexpected exception the
note stays, so :mod:`qm_handbook.commands.guard` can name the file. No Sphinx imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_stack: list[Path] = []
_page: list[Path] = []


@contextmanager
def processing(path: Path) -> Iterator[None]:
    """Note ``path`` while the block runs; an exception leaves the note in place."""
    _stack.append(path)
    yield
    _stack.pop()


def note_page(path: Path) -> None:
    """The page Sphinx reads or writes now (replaces the previous one)."""
    _page[:] = [path]


def current_file() -> Path | None:
    """The innermost file being processed, else the page Sphinx was at, else None."""
    if _stack:
        return _stack[-1]
    return _page[0] if _page else None


def forget() -> None:
    """Start afresh (a new build in the same process)."""
    _stack.clear()
    _page.clear()
