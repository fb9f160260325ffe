"""Speed-ups for sphinx-needs 9.1 that do not change its output.

Measured on synthetic networks (see :mod:`.bench`), these spots of sphinx-needs grow
with the size of the network without need:

* Need cards: the layout engine parses every ``<<meta(...)>>`` call of the layout
  with :func:`ast.parse` for every need (about 25 calls per card). The parsed call
  depends only on the text, so it is cached.
* Need cards: ``meta()`` parses the label prefix (reStructuredText) *before* it
  looks whether the field has a value at all; most fields of a card are empty. For
  empty values (``None`` or ``""``, without ``show_empty``) the result is ``[]`` either
  way, so the call returns early.
* Need cards: every label prefix (``Status: ``) is parsed as reStructuredText
  again for every card. The parse result depends only on the text: it is cached per
  build process and copied for each use.
* ``needs.json``: written with :func:`json.dump`, which always uses Python's slow
  pure-Python encoder; the same text is produced with :func:`json.dumps` (C encoder)
  and written at once, several times faster for thousands of needs.
* Events: Sphinx builds ``repr()`` of the arguments of every event for a debug line,
  also when nobody logs it. sphinx-needs passes all needs to two events nobody listens
  to in the handbook; ``repr()`` of 13,136 needs took about a second per build. They are
  emitted only when some extension listens.
* Resolving: sphinx-needs looks for its view and role nodes (tables, lists, ``need``
  references, …) on every page with one generic test per node that tries 16 node
  types in turn: about six times slower than a walk that decides once per node type.
  The replacement walks the page in the same order and passes the same lists.
* Reading: before a page is read, sphinx-needs removes the page's needs by scanning
  *all* needs. On a fresh build no page has needs yet, which made reading quadratic in
  the number of pages; pages the environment does not know yet are skipped.

Each patch checks that the patched function is the one it was written for and stops
the build with a clear message otherwise (``constraints.txt`` pins sphinx-needs).

``handbook_speedups = False`` in ``conf.py`` turns all of them off for that build: the
patched functions then call sphinx-needs' originals unchanged (the patches stay
installed in the process, so builds with and without them can run side by side).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import ExtensionError

from .. import pipeline
from .listeners import replace_listener

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

_PATCHED = "_qm_handbook_patched"
#: Whether the running build uses the speed-ups (``handbook_speedups``).
_ACTIVE = {"on": True}


def _fail(what: str) -> ExtensionError:
    import sphinx_needs

    version = getattr(sphinx_needs, "__version__", "?")
    return ExtensionError(
        f"Die Beschleunigung für sphinx-needs passt nicht zur installierten Version {version} ({what}). "
        "Prüfen Sie ext/qm_handbook/compat/speedups.py oder installieren Sie die Versionen aus constraints.txt."
    )


def _cache_function_parsing() -> None:
    from sphinx_needs.functions.functions import DynamicFunctionParsed

    original = DynamicFunctionParsed.__dict__.get("from_string")
    if getattr(getattr(original, "__func__", None), _PATCHED, False):
        return
    if not isinstance(original, classmethod):
        raise _fail("DynamicFunctionParsed.from_string")
    parse = original.__func__

    @functools.lru_cache(maxsize=4096)
    def cached(func_string: str, allow_need: bool) -> Any:
        return parse(DynamicFunctionParsed, func_string, allow_need=allow_need)

    def from_string(cls: type, func_string: str, *, allow_need: bool = False) -> Any:
        if cls is not DynamicFunctionParsed or not _ACTIVE["on"]:
            return parse(cls, func_string, allow_need=allow_need)
        return cached(func_string, allow_need)

    setattr(from_string, _PATCHED, True)
    DynamicFunctionParsed.from_string = classmethod(from_string)  # type: ignore[method-assign,assignment]


def _skip_empty_meta() -> None:
    from sphinx_needs.layout import LayoutHandler

    original = LayoutHandler.meta
    if getattr(original, _PATCHED, False):
        return
    if original.__code__.co_varnames[:4] != ("self", "name", "prefix", "show_empty"):
        raise _fail("LayoutHandler.meta")

    @functools.wraps(original)
    def meta(self: Any, name: str, prefix: str | None = None, show_empty: bool = False) -> Any:
        if not show_empty and _ACTIVE["on"]:
            try:
                value = self.need[name]
            except KeyError:
                value = ""
            if value is None or value == "":
                return []
        return original(self, name, prefix, show_empty)

    setattr(meta, _PATCHED, True)
    LayoutHandler.meta = meta  # type: ignore[method-assign]


def _cache_inline_parsing() -> None:
    from sphinx_needs.layout import LayoutHandler

    original = LayoutHandler._parse
    if getattr(original, _PATCHED, False):
        return
    if original.__code__.co_varnames[:2] != ("self", "line"):
        raise _fail("LayoutHandler._parse")
    cache: dict[str, list[Any]] = {}

    @functools.wraps(original)
    def parse(self: Any, line: str) -> Any:
        if not _ACTIVE["on"]:
            return original(self, line)
        parsed = cache.get(line)
        if parsed is None:
            parsed = original(self, line)
            if len(cache) < 4096:
                cache[line] = parsed
        return [node.deepcopy() for node in parsed]

    setattr(parse, _PATCHED, True)
    LayoutHandler._parse = parse  # type: ignore[method-assign]


def _fast_needs_json() -> None:
    import json
    import os

    from sphinx_needs.needsfile import NeedsList

    original = NeedsList.write_json
    if getattr(original, _PATCHED, False):
        return
    if original.__code__.co_varnames[:3] != ("self", "needs_file", "needs_path") or not hasattr(NeedsList, "_finalise"):
        raise _fail("NeedsList.write_json")

    @functools.wraps(original)
    def write_json(self: Any, needs_file: str = "needs.json", needs_path: str = "") -> None:
        if not _ACTIVE["on"]:
            original(self, needs_file, needs_path)
            return
        self._finalise()
        folder = needs_path or self.outdir
        text = json.dumps(self.needs_list, sort_keys=True)
        with open(os.path.join(folder, needs_file), "w") as handle:  # noqa: PTH118, PTH123 (same as the original)
            handle.write(text)

    setattr(write_json, _PATCHED, True)
    NeedsList.write_json = write_json  # type: ignore[method-assign]


def _skip_purge_of_unknown_pages(app: Sphinx) -> None:
    from sphinx_needs.directives.need import purge_needs

    def purge_known_pages(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        if docname in env.all_docs or not _ACTIVE["on"]:
            purge_needs(app, env, docname)

    if not replace_listener(app, "env-purge-doc", purge_needs, lambda _original: purge_known_pages):
        raise _fail("purge_needs")


#: sphinx-needs' events that pass all needs; Sphinx builds ``repr()`` of the arguments of
#: every event for a debug line, 13,136 needs took about a second for the two
_NEEDS_EVENTS = frozenset({"needs-before-post-processing", "needs-before-sealing"})


def _quiet_needs_events(app: Sphinx) -> None:
    """Emit sphinx-needs' all-needs events only when some extension listens to them."""
    events = app.events
    original = events.emit

    @functools.wraps(original)
    def emit(name: str, *args: Any, **kwargs: Any) -> list[Any]:
        if name in _NEEDS_EVENTS and _ACTIVE["on"] and not events.listeners.get(name):
            return []  # what Sphinx returns for an event without listeners
        return original(name, *args, **kwargs)

    setattr(events, "emit", emit)  # noqa: B010 - this app's event manager only


_CALLER = "process_creator.<locals>.process_caller"
_MISSING = object()


def nodes_by_kind(tree: nodes.Node, kinds: Sequence[type[nodes.Node]]) -> dict[type[nodes.Node], list[nodes.Node]]:
    """The nodes of ``tree`` (itself included) that are instances of ``kinds``, in document order.

    Each node is listed under the first of ``kinds`` it is an instance of, as sphinx-needs'
    ``process_caller`` sorts the result of ``findall``; the kind of each node class is
    decided once per call.
    """
    kind_of: dict[type, Any] = {}
    found: dict[type[nodes.Node], list[nodes.Node]] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        cls = type(node)
        kind = kind_of.get(cls, _MISSING)
        if kind is _MISSING:
            kind = kind_of[cls] = next((k for k in kinds if issubclass(cls, k)), None)
        if kind is not None:
            found.setdefault(kind, []).append(node)
        if node.children:
            stack.extend(reversed(node.children))
    return found


def _fast_view_search(app: Sphinx) -> None:
    """Replace sphinx-needs' two ``doctree-resolved`` callers by ones with a faster walk."""
    listeners = [
        listener
        for listener in app.events.listeners.get("doctree-resolved", [])
        if getattr(listener.handler, "__qualname__", "") == _CALLER
        and getattr(listener.handler, "__module__", "") == "sphinx_needs.needs"
    ]
    if len(listeners) != 2:
        raise _fail("process_caller")
    for listener in listeners:
        original = listener.handler
        names = original.__code__.co_freevars
        if sorted(names) != ["doc_category", "node_list"] or original.__closure__ is None:
            raise _fail("process_caller")
        cells = dict(zip(names, (cell.cell_contents for cell in original.__closure__), strict=True))
        replace_listener(
            app, "doctree-resolved", original, functools.partial(_caller, cells["node_list"], cells["doc_category"])
        )


def _caller(
    node_list: dict[type[nodes.Element], Any], category: str, original: Callable[..., None]
) -> Callable[..., None]:
    from sphinx_needs.data import SphinxNeedsData

    kinds = list(node_list)

    @functools.wraps(original)
    def process_caller(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
        if not _ACTIVE["on"]:
            original(app, doctree, fromdocname)
            return
        docs = SphinxNeedsData(app.env).get_or_create_docs().get(category, [])
        if fromdocname not in docs and fromdocname != f"{app.config.root_doc}":
            return
        found = nodes_by_kind(doctree, kinds)
        for kind, handler in node_list.items():
            if handler is not None and found.get(kind):
                handler(app, doctree, fromdocname, found[kind])

    return process_caller


def _switch(app: Sphinx, config: Config) -> None:
    _ACTIVE["on"] = bool(config.handbook_speedups)


def setup_speedups(app: Sphinx) -> None:
    """Apply the patches (call after sphinx-needs is set up); ``handbook_speedups`` switches them."""
    _cache_function_parsing()
    _skip_empty_meta()
    _cache_inline_parsing()
    _fast_needs_json()
    _skip_purge_of_unknown_pages(app)
    _quiet_needs_events(app)
    _fast_view_search(app)
    if "handbook_speedups" not in app.config:
        app.add_config_value("handbook_speedups", True, "", types=frozenset({bool}))
    app.connect("config-inited", _switch, priority=pipeline.SWITCH_SPEEDUPS)
