"""Which pages show need data that lives on other pages.

A page with a matrix, a dashboard, a gap list or a table of needs shows data written
on other pages. When any need changes, such pages must be written again, even though
their own source did not change. Directives that render such views call
:func:`note_needs_view` while the page is read; the set is kept in the build
environment (parallel-safe: purged per page and merged from worker processes), and
the incremental-build logic reads it with :func:`needs_view_pages`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ATTR = "qm_needs_views"


def _pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, _ATTR):
        setattr(env, _ATTR, set())
    pages: set[str] = getattr(env, _ATTR)
    return pages


def note_needs_view(env: BuildEnvironment, docname: str | None = None) -> None:
    """Record that ``docname`` (default: the page being read) shows cross-page need data."""
    _pages(env).add(docname or env.docname)


def needs_view_pages(env: BuildEnvironment) -> Set[str]:
    """All pages recorded by :func:`note_needs_view`."""
    return frozenset(_pages(env))


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages(env).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    _pages(env).update(_pages(other) & set(docnames))


def setup_dependencies(app: Sphinx) -> None:
    """Keep the recorded set consistent across re-reads and parallel workers."""
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
