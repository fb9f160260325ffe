"""Report pages are written again only when what their views show has changed.

After a need changes, :mod:`.incremental` marks every page whose views show needs of
the changed need's institution, or of the whole network. Most of those pages show
the same as before: a status change in one institution changes its row in the
matrix, but not the list of meetings or the good-practice examples of another area.

For a page that is to be written **only** because of its views, and whose views are
all handbook reports (with the institution cards), learning-network views or lists of
statements to re-check, this module computes the output of
those views (the same render functions the page uses) before the pages are written,
and compares a digest of it with the digest stored when the page was last written. If
they are equal and the page's file is there, the page is not written again.

A page is always written when:
- its source was read again, or another ``env-get-updated`` handler asks for it (the
  document registers, the preview's catch-up, pages that came or went);
- it shows a changed need itself (cards, links, roles);
- the builder finds it outdated (templates, settings);
- its table of contents lists a page read again whose entry there changed (Sphinx adds
  every page whose table of contents lists a page to write; those listing only pages
  whose entries stayed the same are left out too, see :mod:`.toc_entries`);
- it has other views (sphinx-needs tables, the document registers);
- no digest is stored for it.

The digests are noted while a page is written, in every build that writes it (also
``-a`` and ``-E``), from the views it shows (:func:`record_view`); a page written after
its digest was computed takes the views rendered for it (:func:`take_rendered`).

Nothing is left out when the build was asked to write everything (``-a``) or named
files. The pages are left out before Sphinx prepares writing, which takes every page
to write out of the search index and puts back only those it writes.

The digests live in the doctree folder (:data:`DIGEST_FILE`, per builder). The file
is removed when writing starts and saved only after a build without an error, so a
build that breaks off can never leave a digest that does not match the page on disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.html import StandaloneHTMLBuilder

from ..state import get_state
from .collector import rendering
from .listeners import replace_listener
from .toc_entries import changed_entries

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: In the doctree folder: output folder and page → digest of its views' output.
DIGEST_FILE = "qm-ansichten-{builder}.json"


def _feed(digest: Any, node: nodes.Node) -> None:
    """Add a node tree to ``digest``: tag names, attributes and texts, in document order."""
    update = digest.update
    stack: list[nodes.Node | None] = [node]
    while stack:
        item = stack.pop()
        if item is None:
            update(b"\x01")  # end of an element's children
        elif isinstance(item, nodes.Text):
            update(b"\x02" + str(item).encode("utf-8"))
        elif isinstance(item, nodes.Element):
            update(f"\x03{item.tagname}{item.attributes!r}".encode())
            stack.append(None)
            stack.extend(reversed(item.children))
        else:
            update(repr(item).encode("utf-8"))


def _part(made: list[Any]) -> bytes:
    """The digest of one view's output."""
    digest = hashlib.blake2b(digest_size=16)
    for made_node in made:
        if isinstance(made_node, nodes.Node):
            _feed(digest, made_node)
        else:
            digest.update(repr(made_node).encode("utf-8"))
    return digest.digest()


def _keys(calls: list[tuple[str, str, Any]]) -> list[tuple[str, int]]:
    """(kind, number of the view of that kind on the page) for each view, in page order."""
    counts: dict[str, int] = {}
    keys = []
    for kind, _view, _options in calls:
        keys.append((kind, counts.get(kind, 0)))
        counts[kind] = counts.get(kind, 0) + 1
    return keys


def _combine(parts: list[bytes]) -> str:
    return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()


def _render(app: Sphinx, page: str, calls: list[tuple[str, str, Any]]) -> str:
    """Digest of the output of the views of ``page``, as the page renders them.

    The rendered views are kept for the page's writing (:func:`take_rendered`), so a
    page written after all renders each view once.
    """
    from ..checks.suspect import render_zu_pruefen
    from ..learning.directives import VIEWS as LEARNING_VIEWS
    from ..learning.directives import get_learning
    from ..reports.directives import render, view_data
    from ..reports.placeholder import qm_report
    from ..reports.result import get_result

    kept = get_state(app).write.rendered_views
    parts = []
    for (kind, view, options), (_kind, index) in zip(calls, _keys(calls), strict=True):
        if kind == "suspect":
            made: list[Any] = [render_zu_pruefen(app, page, options["code"])]
        elif kind == "report":
            node = qm_report("", view=view, options=options)
            data = view_data(app, node, page, get_result(app))
            if data is not None:  # rendered from this data alone: its text stands for the output
                made = [data_text(view, data)]
            else:
                made = render(app, node, page, get_result(app), f"qm-diagramm-{index}")
                kept[(page, kind, index)] = (view, options, made)
        else:
            opts = {**options, "chart_id": f"qm-lernzyklus-{index}"}
            made = LEARNING_VIEWS[view](app, page, get_learning(app), opts)
            kept[(page, kind, index)] = (view, options, made)
        parts.append(_part(made))
    return _combine(parts)


def data_text(view: str, data: object) -> str:
    """What stands for the output of a view rendered from its data alone."""
    return f"{view}:{data!r}"


def record_view(app: Sphinx, page: str, kind: str, index: int, made: list[Any]) -> None:
    """Note the digest of a view as ``page`` is written (``made``: its nodes, or its data text).

    After the build the page's digest is stored from these, so the next build can leave
    the page out without rendering its views first (also after ``-a`` or ``-E``).
    """
    parts = get_state(app).write.view_parts
    if parts is not None:
        parts.setdefault(page, {})[(kind, index)] = _part(made)


def recording(app: Sphinx) -> bool:
    """Whether the views of the pages written are noted (:func:`record_view`)."""
    return get_state(app).write.view_parts is not None


def _written_digest(app: Sphinx, page: str) -> str | None:
    records = get_state(app).records
    calls = records.view_calls.get(page)
    parts = (get_state(app).write.view_parts or {}).get(page, {})
    if not calls or page in records.opaque_views:
        return None
    keys = _keys(calls)
    if any(key not in parts for key in keys):
        return None
    return _combine([parts[key] for key in keys])


def take_rendered(app: Sphinx, page: str, kind: str, index: int, view: str, options: Any) -> list[Any] | None:
    """The view ``index`` of ``kind`` on ``page`` if it was rendered for its digest (once)."""
    kept = get_state(app).write.rendered_views.pop((page, kind, index), None)
    if kept is None or kept[0] != view or kept[1] != options:
        return None
    return kept[2]


def _load(path: Path, outdir: str, code: str) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("outdir") != outdir or not isinstance(data.get("pages"), dict):
        return {}
    if data.get("code") != code:  # a view may render its data differently now
        return {}
    return {str(k): str(v) for k, v in data["pages"].items()}


def unchanged_pages(app: Sphinx, docnames: Set[str], stored: dict[str, str]) -> set[str]:
    """Pages of ``docnames`` whose views show the same as when they were last written.

    Updates ``stored`` to the digests of the pages as they will be after this build.
    """
    state = get_state(app)
    records = state.records
    builder = app.builder
    env = app.env
    outdated = set(builder.get_outdated_docs())
    # Sphinx adds the pages whose table of contents lists a page to write: needed only for
    # pages read again whose entry in that table changed (title, headings; :mod:`.toc_entries`).
    tocs = {toc for read in changed_entries(app, state.read_now) for toc in env.files_to_rebuild.get(read, ())}
    always = state.direct | state.forced | state.read_now | outdated | tocs
    candidates = (state.view_only & docnames) - always
    # Pages there for no other reason than a table of contents of a page not read again.
    toc_only = docnames - state.view_only - always
    skip: set[str] = set(toc_only)
    fresh: dict[str, str] = {}
    # The views stay alive until their pages are written.
    with rendering(freeze=len(state.read_now) < len(candidates)):
        for page in sorted(candidates):
            calls = records.view_calls.get(page)
            if not calls or page in records.opaque_views:
                continue
            fresh[page] = _render(app, page, calls)
            written = isinstance(builder, StandaloneHTMLBuilder) and Path(builder.get_outfilename(page)).is_file()
            if stored.get(page) == fresh[page] and written:
                skip.add(page)
    for page in docnames - skip:
        stored.pop(page, None)
    stored.update(fresh)
    kept = state.write.rendered_views
    for left_out in [k for k in kept if k[0] in skip]:
        del kept[left_out]
    return skip


def _record_forced_pages(app: Sphinx) -> None:
    """Record which pages every other ``env-get-updated`` handler asks to write again.

    The view rule's own pages (:mod:`.incremental`, :mod:`.reuse`) are candidates for
    leaving out; what any other handler asks for (the document registers, the preview's
    catch-up, pages that came or went) is always written.
    """
    from .incremental import NeedDisplayCollector
    from .reuse import views_of_changed_pages

    def record(handler: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(app: Sphinx, env: Any) -> list[str]:
            found = list(handler(app, env) or ())
            get_state(app).forced.update(found)
            return found

        return wrapped

    for listener in list(app.events.listeners.get("env-get-updated", [])):
        handler = listener.handler
        ours = handler is views_of_changed_pages or isinstance(getattr(handler, "__self__", None), NeedDisplayCollector)
        if not ours:
            replace_listener(app, "env-get-updated", handler, record)


def _wrap_writing(app: Sphinx) -> None:
    from .builder_output import SITE_BUILDERS
    from .reuse import code_version

    builder = app.builder
    if builder.name not in SITE_BUILDERS or not getattr(app.config, "handbook_speedups", True):
        return
    original_prepare: Callable[[set[str]], None] = builder.prepare_writing
    path = Path(app.doctreedir) / DIGEST_FILE.format(builder=builder.name)
    outdir = str(Path(app.outdir).resolve())
    code = code_version()
    stored: dict[str, str] = {}
    written: set[str] = set()
    asked = {"everything": False}

    _record_forced_pages(app)

    def prepare_writing(docnames: set[str]) -> None:
        # Before Sphinx prepares writing: it takes the pages to write out of the search
        # index, and puts back only those it writes. The set is the one it writes next.
        stored.update(_load(path, outdir, code))
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        if asked["everything"]:
            for page in docnames:
                stored.pop(page, None)
        else:
            docnames -= unchanged_pages(app, set(docnames), stored)
        get_state(app).write.view_parts = {}
        written.clear()
        written.update(docnames)
        original_prepare(docnames)

    def asking(method: Callable[..., None]) -> Callable[..., None]:
        def wrapped(*args: Any, **kwargs: Any) -> None:
            asked["everything"] = True  # ``-a`` or a list of files: write what was asked
            method(*args, **kwargs)

        return wrapped

    def save(app: Sphinx, exception: Exception | None) -> None:
        for page in written:
            digest = _written_digest(app, page)
            if digest is not None:
                stored[page] = digest
        if exception is None:
            with contextlib.suppress(OSError):
                data = {"outdir": outdir, "code": code, "pages": stored}
                path.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")

    builder.prepare_writing = prepare_writing  # type: ignore[method-assign,assignment]
    # Both are final in Sphinx's typing; only this build's builder object is changed.
    setattr(builder, "build_all", asking(builder.build_all))  # noqa: B010
    setattr(builder, "build_specific", asking(builder.build_specific))  # noqa: B010
    app.connect("build-finished", save)


def setup_view_digests(app: Sphinx) -> None:
    """Filter the pages to write once the builder exists."""
    app.connect("builder-inited", _wrap_writing)
