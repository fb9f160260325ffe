"""The two build profiles: ``intern`` (everything) and ``oeffentlich`` (the public site).

Both profiles read the same sources into the same doctrees; ``handbook_profil`` only
changes what is *written*, so the second profile reuses the first one's doctree folder
and costs only the writing. In the public profile

* internal pages are not written, and disappear from every table of contents, the
  sidebar and the previous/next links;
* internal items are removed from the pages they stand on before sphinx-needs renders
  them, and every link to an internal item or page becomes the plain marker ``intern``
  (no link, no title);
* the coverage result that every view and export reads is redacted
  (:func:`.redact.redact_result`), ``needs.json`` and ``objects.inv`` are filtered;
* page sources (``_sources``) are not published and PDF download links are left out
  (the certification PDFs belong to the internal profile);
* every page carries a Content-Security-Policy that allows scripts only from the
  site's own ``_static`` folder (:mod:`.csp`).

Other modules (for example the need cards) ask :func:`need_shown` and use
:func:`intern_marker` instead of deciding visibility themselves.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from .. import pipeline
from ..compat.builder_output import (
    SITE_BUILDERS,
    drop_downloads,
    drop_index_entries,
    replace_cached_doctree,
    skip_pages,
)
from ..model.config import get_config
from ..model.context import handbook_context
from ..model.needs import resolved_needs
from ..site.stale_outputs import MANIFEST
from ..state import get_state
from .redact import redact_inventory, redact_needs_json, redact_result
from .visibility import INTERNAL, MARKER_TEXT, VisibilityIndex, build_index

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

logger = logging.getLogger(__name__)

PUBLIC_PROFILE = "oeffentlich"
INTERNAL_PROFILE = "intern"
PROFILES = (INTERNAL_PROFILE, PUBLIC_PROFILE)
MARKER_CLASS = "qm-intern"


def is_public(config: Config) -> bool:
    """True in the public profile (asked once per item: reads the one setting directly)."""
    return bool(config.handbook_profil == PUBLIC_PROFILE)


def _public_site(app: Sphinx) -> bool:
    return is_public(app.config) and app.builder.name in SITE_BUILDERS


def get_visibility(app: Sphinx) -> VisibilityIndex:
    """The visibility of every page and item of this build (write phase; computed once)."""
    write = get_state(app).write
    if write.visibility is None:
        env = app.env
        ctx = handbook_context(app)
        write.visibility = build_index(
            model=ctx.model,
            docnames=env.found_docs,
            metadata=env.metadata,
            needs=resolved_needs(app),
            institution_of=ctx.institution_of,
            titles={d: t.astext() for d, t in env.titles.items()},
        )
    return write.visibility


def need_shown(app: Sphinx, need_id: str) -> bool:
    """Whether the output of this build may show the item ``need_id`` (title, text, link)."""
    return not (is_public(app.config) and get_visibility(app).need_is_internal(need_id))


def intern_marker() -> nodes.inline:
    """What a public page shows in place of a link to an internal item or page."""
    return nodes.inline(MARKER_TEXT, MARKER_TEXT, classes=[MARKER_CLASS])


# --- configuration and builder ------------------------------------------------------


def _configure(app: Sphinx, config: Config) -> None:
    profile = get_config(config).profil
    if profile not in PROFILES:
        from sphinx.errors import ConfigError

        raise ConfigError(
            f"handbook_profil = „{profile}“ ist unbekannt. Erlaubt sind „{INTERNAL_PROFILE}“ "
            f"(alles, mit PDFs) und „{PUBLIC_PROFILE}“ (öffentliche Website)."
        )
    if profile == PUBLIC_PROFILE:
        config.html_copy_source = False
        config.html_show_sourcelink = False


def _skip_internal_pages(app: Sphinx) -> None:
    """Public site: internal pages are not written at all. PDFs only from the internal profile."""
    if is_public(app.config) and app.builder.name == "qmpdf":
        from sphinx.errors import ConfigError

        raise ConfigError(
            "Die PDFs für die Zertifizierung entstehen nur aus der internen Fassung "
            f"(handbook_profil = „{INTERNAL_PROFILE}“); sie enthalten interne Seiten und Einträge."
        )
    if _public_site(app):
        skip_pages(app.builder, lambda docname: get_visibility(app).doc_is_internal(docname))


def _prepare(app: Sphinx, builder: Builder) -> None:
    """Public site: redact the result, hide internal pages from tables of contents, downloads."""
    if not _public_site(app):
        return
    from ..reports.result import get_result, set_result

    index = get_visibility(app)
    set_result(app, redact_result(get_result(app), index))
    env = app.env
    env.toctree_includes = {
        parent: [d for d in children if not index.doc_is_internal(d)]
        for parent, children in env.toctree_includes.items()
        if not index.doc_is_internal(parent)
    }
    for toc in env.tocs.values():
        for toctree in toc.findall(addnodes.toctree):
            _filter_toctree(toctree, index)
    replace_cached_doctree(env, app.config.root_doc, lambda doctree: _filter_toctrees(doctree, index))
    drop_downloads(env, index.internal_docs)
    drop_index_entries(env, index.internal_docs)


def _filter_toctrees(doctree: nodes.Node, index: VisibilityIndex) -> None:
    for toctree in doctree.findall(addnodes.toctree):
        _filter_toctree(toctree, index)


def _filter_toctree(toctree: addnodes.toctree, index: VisibilityIndex) -> None:
    toctree["entries"] = [(t, ref) for t, ref in toctree["entries"] if not index.doc_is_internal(ref)]
    toctree["includefiles"] = [d for d in toctree["includefiles"] if not index.doc_is_internal(d)]


# --- pages ----------------------------------------------------------------------------


def _remove_internal_items(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Before sphinx-needs renders: drop internal items and internal toctree entries."""
    if not _public_site(app):
        return
    from sphinx_needs.nodes import Need

    index = get_visibility(app)
    for node in list(doctree.findall(Need)):
        if any(index.need_is_internal(i) for i in node.get("ids", [])):
            node.parent.remove(node)
    for target in list(doctree.findall(nodes.target)):
        if any(index.need_is_internal(i) for i in target.get("ids", [])):
            target.parent.remove(target)
    _filter_toctrees(doctree, index)


def _mark_internal_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """After rendering: links to internal items/pages become ``intern``; no PDF links."""
    if not _public_site(app):
        return
    index = get_visibility(app)
    builder = app.builder
    here = posixpath.dirname(builder.get_target_uri(docname))
    internal_uris = _internal_uris(app, index)
    parents = set()
    for ref in list(doctree.findall(nodes.reference)):
        if _is_internal_target(ref, here, index, internal_uris):
            parents.add(ref.parent)
            if ref.parent.parent is not None:
                parents.add(ref.parent.parent)
            ref.replace_self(intern_marker())
    for parent in parents:
        _collapse_markers(parent)
    for node in list(doctree.findall(nodes.Element)):
        if "qm-pdf-download" in node.get("classes", ()):
            node.parent.remove(node)
        elif any(index.need_is_internal(i) for i in node.get("ids", ())):
            node["ids"] = [i for i in node["ids"] if not index.need_is_internal(i)]


def _internal_uris(app: Sphinx, index: VisibilityIndex) -> frozenset[str]:
    """Output paths of the internal pages (computed once per build)."""
    write = get_state(app).write  # the index is the write phase's, so is this set
    if write.internal_uris is None:
        write.internal_uris = frozenset(app.builder.get_target_uri(d) for d in index.internal_docs)
    return write.internal_uris


def _is_marker(node: nodes.Node) -> bool:
    """The marker, or an inline that holds nothing but the marker."""
    if not isinstance(node, nodes.inline):
        return False
    return MARKER_CLASS in node["classes"] or (len(node.children) == 1 and _is_marker(node.children[0]))


def _collapse_markers(parent: nodes.Element) -> None:
    """In a list of links, all internal ones become one ``intern`` at the end.

    ``intern, A1_NW_1, intern`` becomes ``A1_NW_1, intern``: how many internal items
    there are is no one's business. Only lists of the form ``item, item, …`` change.
    """
    children = list(parent.children)
    separators = children[1::2]
    if len(children) < 3 or any(not isinstance(c, nodes.Text) or str(c) != ", " for c in separators):
        return
    items = children[0::2]
    kept = [c for c in items if not _is_marker(c)]
    if len(kept) + 1 >= len(items):
        return
    parent.clear()
    for i, item in enumerate([*kept, intern_marker()]):
        if i:
            parent += nodes.Text(", ")
        parent += item


def _is_internal_target(ref: nodes.reference, here: str, index: VisibilityIndex, internal_uris: frozenset[str]) -> bool:
    refid = ref.get("refid", "")
    if refid and index.need_is_internal(refid):
        return True
    uri: str = ref.get("refuri", "")
    if not uri or "://" in uri or uri.startswith("mailto:"):
        return False
    path, _, anchor = uri.partition("#")
    if anchor and index.need_is_internal(anchor):
        return True
    return bool(path) and posixpath.normpath(posixpath.join(here, path)) in internal_uris


# --- after writing ----------------------------------------------------------------


def _redact_outputs(app: Sphinx, exception: BaseException | None) -> None:
    """Filter needs.json and objects.inv (written by sphinx-needs and Sphinx).

    After a failed build they are removed instead: they may have been written (by the
    copy of the build, :mod:`..background`, or before the failure) but not filtered.
    """
    if not _public_site(app):
        return
    outdir = Path(app.outdir)
    if exception is not None:
        for unfiltered in ("needs.json", "objects.inv"):
            (outdir / unfiltered).unlink(missing_ok=True)
        return
    index = get_visibility(app)
    needs_json = outdir / "needs.json"
    if needs_json.is_file():
        data = json.loads(needs_json.read_text(encoding="utf-8"))
        text = json.dumps(redact_needs_json(data, index), ensure_ascii=False, indent=4, sort_keys=True)
        needs_json.write_text(text, encoding="utf-8")
    # pages that were public in an earlier build and are internal now
    for docname in index.internal_docs:
        (outdir / app.builder.get_target_uri(docname)).unlink(missing_ok=True)
    _filter_manifest(outdir / MANIFEST, index)
    inventory = outdir / "objects.inv"
    if inventory.is_file():
        uris = [app.builder.get_target_uri(d) for d in index.internal_docs]
        inventory.write_bytes(redact_inventory(inventory.read_bytes(), index, uris))


def _filter_manifest(path: Path, index: VisibilityIndex) -> None:
    """The output manifest (:mod:`..site.stale_outputs`) names only the pages published here."""
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    data["seiten"] = [d for d in data.get("seiten", []) if not index.doc_is_internal(d)]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0), encoding="utf-8")


def setup_profile(app: Sphinx) -> None:
    """Register the profile's handlers (all do nothing in the internal profile)."""
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _skip_internal_pages)
    app.connect("write-started", _prepare, priority=pipeline.PUBLIC_PROFILE)
    app.connect("doctree-resolved", _remove_internal_items, priority=pipeline.BEFORE_NEED_CARDS)
    app.connect("doctree-resolved", _mark_internal_links, priority=pipeline.AFTER_NEED_CARDS)
    app.connect("build-finished", _redact_outputs, priority=pipeline.REDACT_OUTPUTS)


__all__ = ["INTERNAL", "PUBLIC_PROFILE", "get_visibility", "intern_marker", "is_public", "need_shown"]
