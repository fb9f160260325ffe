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

from typing import TYPE_CHECKING, Any

from sphinx.environment.collectors import EnvironmentCollector

from ..state import DocRecords, state_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Set

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def note_needs_view(
    env: BuildEnvironment,
    docname: str | None = None,
    *,
    institutions: Iterable[str] | None = None,
    call: tuple[str, str, Any] | None = None,
) -> None:
    """Record that ``docname`` (default: the page being read) shows cross-page need data.

    :param institutions: codes of the only institutions the view shows (default: all)
    :param call: ``(kind, view, options)`` of a handbook view whose output
        :mod:`..compat.view_digests` can compute on its own; without it the page is
        written again whenever needs in scope change
    """
    page = docname or env.docname
    records = state_of(env).records
    records.needs_views.add(page)
    if call is None:
        records.opaque_views.add(page)
    else:
        records.view_calls.setdefault(page, []).append(call)
    codes = frozenset(institutions or ())
    scopes = records.needs_view_scopes
    if not codes:
        scopes[page] = None
    elif page not in scopes:
        scopes[page] = codes
    elif (known := scopes[page]) is not None:
        scopes[page] = known | codes


def needs_view_pages(env: BuildEnvironment) -> Set[str]:
    """All pages recorded by :func:`note_needs_view`."""
    return frozenset(state_of(env).records.needs_views)


def needs_view_scopes(env: BuildEnvironment) -> Mapping[str, frozenset[str] | None]:
    """Page → codes of the institutions its views show (``None``: the whole network)."""
    records = state_of(env).records
    return {page: records.needs_view_scopes.get(page) for page in records.needs_views}


class NeedsViewCollector(EnvironmentCollector):
    """Keeps the recorded pages consistent across re-reads and parallel reading processes."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        records = state_of(env).records
        records.needs_views.discard(docname)
        records.needs_view_scopes.pop(docname, None)
        records.view_calls.pop(docname, None)
        records.opaque_views.discard(docname)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        mine: DocRecords = state_of(env).records
        theirs: DocRecords = state_of(other).records
        mine.needs_views.update(theirs.needs_views & set(docnames))
        mine.needs_view_scopes.update(
            {page: scope for page, scope in theirs.needs_view_scopes.items() if page in docnames}
        )
        mine.view_calls.update({page: calls for page, calls in theirs.view_calls.items() if page in docnames})
        mine.opaque_views.update(theirs.opaque_views & set(docnames))

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        pass  # the directives record their pages while the page is read


def setup_dependencies(app: Sphinx) -> None:
    """Keep the recorded set consistent across re-reads and parallel workers."""
    app.add_env_collector(NeedsViewCollector)
