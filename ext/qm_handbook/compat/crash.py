"""Sphinx's crash report replaced by the handbook's German one (for our build runner only).

``sphinx-build`` catches every exception of a build and hands it to
``sphinx._cli.util.errors.handle_exception``, which prints an English traceback
excerpt. :func:`install_crash_handler` replaces that function *in the process of
:mod:`qm_handbook.commands.guard`* (never inside a user's own ``sphinx-build``), after
checking that its signature is the one this code was written for. The page being read
or written is noted through two events (:func:`setup_page_notes`), so the message can
name it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..model.progress import note_page

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

#: Parameters of Sphinx 9's handler; another signature means the hook is not installed.
_EXPECTED = ["exception", "stderr", "use_pdb", "print_traceback", "message_log", "extensions"]

Report = Callable[[BaseException, TextIO], None]


def install_crash_handler(report: Report) -> bool:
    """Let ``report(exception, stderr)`` handle every exception ``sphinx-build`` catches.

    :return: False (nothing changed) when Sphinx's handler has an unknown signature
    """
    import sphinx._cli.util.errors as errors

    original = errors.handle_exception
    if list(inspect.signature(original).parameters) != _EXPECTED:
        return False

    def german(exception: BaseException, stderr: TextIO, *args: Any, **kwargs: Any) -> None:
        report(exception, stderr)

    errors.handle_exception = german  # type: ignore[assignment]
    return True


def _read(app: Sphinx, docname: str, source: list[str]) -> None:
    note_page(Path(app.env.doc2path(docname)))


def _resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    note_page(Path(app.env.doc2path(docname)))


def setup_page_notes(app: Sphinx) -> None:
    """Note each page when Sphinx starts reading it and when it is written."""
    app.connect("source-read", _read)
    app.connect("doctree-resolved", _resolved)
