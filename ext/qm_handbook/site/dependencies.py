"""Which pages show need data that lives on other pages.

A page with a matrix, a dashboard, a gap list or a table of needs shows data written
on other pages. When any need changes, such pages must be written again, even though
their own source did not change. Directives that render such views call
:func:`note_needs_view` while the page is read; the set is kept in the build
environment (parallel-safe: purged per page and merged from worker processes), and
the incremental-build logic reads it with :func:`needs_view_pages`.

A view that shows only some institutions passes their codes (``institutions=``); such
a page is written again only when needs of those institutions, of the catalog or of
the network change (:func:`needs_view_scopes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ATTR = "qm_needs_views"
_SCOPES = "qm_needs_view_scopes"


def _pages(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, _ATTR):
        setattr(env, _ATTR, set())
    pages: set[str] = getattr(env, _ATTR)
    return pages


def _scopes(env: BuildEnvironment) -> dict[str, frozenset[str] | None]:
    if not hasattr(env, _SCOPES):
        setattr(env, _SCOPES, {})
    scopes: dict[str, frozenset[str] | None] = getattr(env, _SCOPES)
    return scopes


def note_needs_view(
    env: BuildEnvironment, docname: str | None = None, *, institutions: Iterable[str] | None = None
) -> None:
    """Record that ``docname`` (default: the page being read) shows cross-page need data.

    :param institutions: codes of the only institutions the view shows (default: all)
    """
    page = docname or env.docname
    _pages(env).add(page)
    codes = frozenset(institutions or ())
    scopes = _scopes(env)
    if not codes:
        scopes[page] = None
    elif page not in scopes:
        scopes[page] = codes
    elif (known := scopes[page]) is not None:
        scopes[page] = known | codes


def needs_view_pages(env: BuildEnvironment) -> Set[str]:
    """All pages recorded by :func:`note_needs_view`."""
    return frozenset(_pages(env))


def needs_view_scopes(env: BuildEnvironment) -> Mapping[str, frozenset[str] | None]:
    """Page → codes of the institutions its views show (``None``: the whole network)."""
    scopes = _scopes(env)
    return {page: scopes.get(page) for page in _pages(env)}


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages(env).discard(docname)
    _scopes(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    _pages(env).update(_pages(other) & set(docnames))
    _scopes(env).update({page: scope for page, scope in _scopes(other).items() if page in docnames})


def setup_dependencies(app: Sphinx) -> None:
    """Keep the recorded set consistent across re-reads and parallel workers."""
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
