"""The garbage collector after loading: while pages are written, and when the program ends.

(Loading itself is in :mod:`.pickling`: the collector pauses until the environment is
loaded, then freezes it.)

**Writing the site.**

When writing starts, everything alive is data the pages are made from: the environment,
the resolved needs, the coverage result and, after reading, the page trees Sphinx keeps
for writing (``env._write_doc_doctree_cache``; all pages after a full build). Python's
collector ran a full pass over all of it whenever the objects that outlived two younger
passes had grown by a quarter; while the pages were written that happened about every
four seconds at 130 institutions (20 passes, 28 s of a 119 s full build, measured with
``gc.callbacks``), each freeing the trees of the pages written since the last pass.

So at ``write-started`` of a build that read at least a tenth of the pages (after a
small change only a few trees are alive) the build collects once and then freezes everything
(:func:`gc.freeze`): later passes walk only what writing makes. A page tree that was
frozen can then no longer be freed by the collector, only by its reference count; its
cycles (every node points to its parent and to the document, the document to its
transformer and reporter and back) are therefore cut right after the page is written
(:func:`release`), which frees the tree at once. Nodes that resolving replaced before
(pending references, whose replacement keeps a pointer to its old parent) are no longer
in the tree and stay until ``build-finished`` unfreezes everything (:mod:`.pickling`);
the largest memory is at the start of writing and stays the same (523 MB at 130).
The node locations of warnings that Sphinx holds back until the last page is written
are turned into text before a tree is cut.

Only for the website builders and with ``handbook_speedups`` on; a build with ``-j``
writes pages in other processes and keeps the usual collector (Sphinx decides that only
when the build starts, so the wrapper asks for every page).

**Report views for digests.** An incremental build renders the report views of many
pages to compare their digests (:mod:`.view_digests`); at 130 institutions those are
millions of table nodes, and the collector walked them four times while they were made
(0.8 s of a 6 s status change). :func:`rendering` pauses it for such a block and then
freezes everything, when fewer pages were read than views rendered: the views of pages
not written again, the page trees read and any garbage not collected yet are collected
only after the build (the peak memory stays the same, measured at 130).

**The end of the program.** When the program ends, Python collects once more over
everything still alive: about 2 s after a build at 130 institutions, 0.2 s after one
institution's PDF, in which the user waits for the prompt. Everything is frozen just
before (:func:`atexit.register`), so that collection has nothing to walk; the memory goes
back to the system with the process. Only the cycles among frozen objects are not
collected then, and no handbook, Sphinx or sphinx-needs object needs a finalizer at exit
(files are closed where they are written).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .. import pipeline
from .pickling import paused

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

#: Whether everything is frozen when the program ends (registered once per process).
_AT_EXIT = {"registered": False}


@contextlib.contextmanager
def rendering(*, freeze: bool) -> Iterator[None]:
    """The collector off for a block that makes many objects that stay alive; then frozen.

    Only inside a build: its ``build-finished`` unfreezes them again. ``freeze`` only
    when little else is alive that becomes garbage before the build ends (the page
    trees of a build that read many pages would stay in memory until then).
    """
    with paused():
        yield
    if freeze and gc.isenabled():
        gc.freeze()


def _freeze_everything() -> None:
    gc.freeze()


def _freeze_at_exit(app: Sphinx, config: Config) -> None:
    if getattr(config, "handbook_speedups", True) and not _AT_EXIT["registered"]:
        _AT_EXIT["registered"] = True
        atexit.register(_freeze_everything)


def release(doctree: nodes.document) -> None:
    """Cut the reference cycles of a page tree nobody uses any more.

    Besides the tree, the document's own tables (``ids``, ``nameids``, footnotes …) may
    hold nodes no longer in it (a section whose title became the page title); their
    pointers are cut, too, and the document forgets all its attributes.
    """
    from docutils import nodes

    roots: list[nodes.Node] = [doctree]
    for value in vars(doctree).values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        roots.extend(item for item in items if isinstance(item, nodes.Node) and item is not doctree)
    seen: set[int] = set()
    for root in roots:
        if id(root) in seen:
            continue
        for node in list(root.findall()):
            seen.add(id(node))
            node.parent = None
            if "_document" in vars(node):
                node._document = None
    vars(doctree).clear()


#: the held-back warnings' lists seen after the last page, each with how many of its
#: records have a text location already (lists, not ids: an id may come back for a new list)
_LOCATED: list[tuple[list[Any], int]] = []


def _locate_pending_warnings() -> None:
    """Turn the node locations of postponed warnings into text while the tree is whole.

    Sphinx holds back the warnings of the writing phase and finds a node's file and line
    (through its parents) only when it passes them on, after the last page. Records
    handled after an earlier page are not looked at again (the lists only grow while
    the pages are written).
    """
    import logging

    from docutils import nodes
    from sphinx.util.logging import NAMESPACE, MemoryHandler, get_node_location

    seen: list[tuple[list[Any], int]] = []
    for handler in logging.getLogger(NAMESPACE).handlers:
        if isinstance(handler, MemoryHandler):
            buffer = handler.buffer
            done = next((count for known, count in _LOCATED if known is buffer), 0)
            done = done if done <= len(buffer) else 0
            for record in buffer[done:]:
                location = getattr(record, "location", None)
                if isinstance(location, nodes.Node):
                    record.location = get_node_location(location)
            seen.append((buffer, len(buffer)))
    _LOCATED[:] = seen


def _active(app: Sphinx) -> bool:
    from .builder_output import SITE_BUILDERS

    return (
        app.builder.name in SITE_BUILDERS
        and bool(getattr(app.config, "handbook_speedups", True))
        and not getattr(app.builder, "parallel_ok", False)
    )


def _freeze_for_writing(app: Sphinx, builder: Builder) -> None:
    from ..state import get_state

    # After a small change only a few page trees are alive; the collection before the
    # freeze would cost more than it saves (the report views freeze themselves, above).
    if _active(app) and gc.isenabled() and get_state(app).mostly_read(len(app.env.all_docs)):
        gc.collect()
        gc.freeze()


def _release_after_writing(app: Sphinx) -> None:
    builder = app.builder
    if not _active(app):
        return
    original: Callable[[str, Any], None] = builder.write_doc

    def write_doc(docname: str, doctree: nodes.document) -> None:
        original(docname, doctree)
        if not builder.parallel_ok:  # known only once the build runs
            _locate_pending_warnings()
            release(doctree)

    builder.write_doc = write_doc  # type: ignore[method-assign]


def setup_collector(app: Sphinx) -> None:
    """Freeze what is alive when writing starts and when the program ends; free written page trees."""
    app.connect("config-inited", _freeze_at_exit)
    app.connect("builder-inited", _release_after_writing)
    app.connect("write-started", _freeze_for_writing, priority=pipeline.FREEZE_FOR_WRITING)
