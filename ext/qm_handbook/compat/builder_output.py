"""What the HTML builder writes: leaving out pages, downloads and a cached doctree.

The public profile (:mod:`qm_handbook.publish.profile`) must not write internal
pages, must not copy downloads only internal pages use, and must show a root table of
contents without internal pages. Sphinx has no public switch for any of that, so the
three touches of its internals are here (tested with Sphinx 9.0.4):

* the builder's ``write_documents`` is wrapped to drop pages from the set to write;
* entries of ``env.dlfiles`` whose pages are all left out are removed, and so are the
  general-index entries of those pages;
* the root document, which Sphinx re-reads from its in-memory pickle cache for every
  sidebar, is replaced in that cache by a filtered copy (memory only, nothing on disk).

If Sphinx changes these, the build stops with a German message instead of silently
publishing internal pages.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Set
from typing import TYPE_CHECKING

from sphinx.errors import ExtensionError

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: The builders that write the website (only they write exports, calendars, side outputs).
SITE_BUILDERS = frozenset({"html", "dirhtml"})


def _changed(what: str) -> ExtensionError:
    import sphinx

    return ExtensionError(
        f"Das öffentliche Profil greift in Sphinx ein ({what}; getestet mit Sphinx 9.0.4, installiert: "
        f"{sphinx.__version__}). Diese Stelle hat sich geändert; prüfen Sie "
        "ext/qm_handbook/compat/builder_output.py oder installieren Sie die Version aus constraints.txt."
    )


def skip_pages(builder: Builder, skip: Callable[[str], bool]) -> None:
    """Make ``builder`` leave out every page for which ``skip(docname)`` is true."""
    write_documents: Callable[[Set[str]], None] | None = getattr(builder, "write_documents", None)
    if write_documents is None:
        raise _changed("Builder.write_documents fehlt")

    def write_kept(docnames: Set[str]) -> None:
        write_documents({d for d in docnames if not skip(d)})

    builder.write_documents = write_kept  # type: ignore[method-assign]


def drop_downloads(env: BuildEnvironment, docnames: Set[str]) -> None:
    """Forget downloads used only by ``docnames`` (they are then not copied)."""
    for name in list(env.dlfiles):
        users, _dest = env.dlfiles[name]
        users.difference_update(docnames)
        if not users:
            del env.dlfiles[name]


def drop_index_entries(env: BuildEnvironment, docnames: Set[str]) -> None:
    """Forget the general-index entries (``genindex.html``) of ``docnames``."""
    entries = env.get_domain("index").data.get("entries")
    if not isinstance(entries, dict):
        raise _changed("IndexDomain.data['entries'] fehlt")
    for docname in docnames:
        entries.pop(docname, None)


def replace_cached_doctree(env: BuildEnvironment, docname: str, change: Callable[[nodes.document], None]) -> None:
    """Apply ``change`` to the doctree Sphinx hands out for ``docname`` in this build."""
    cache = getattr(env, "_pickled_doctree_cache", None)
    if not isinstance(cache, dict):
        raise _changed("BuildEnvironment._pickled_doctree_cache fehlt")
    doctree = env.get_doctree(docname)
    change(doctree)
    cache[docname] = pickle.dumps(doctree, pickle.HIGHEST_PROTOCOL)
