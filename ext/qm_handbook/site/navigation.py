"""Site navigation in furo's sidebar, computed once per build instead of once per page.

Furo (2025.12.19) renders the sidebar from ``furo_navigation_tree``, which its
``html-page-context`` handler computes for every page: it resolves the *whole* toctree
(``collapse=False, maxdepth=-1``) relative to the page and parses the result with
BeautifulSoup to add the expand/collapse checkboxes. That costs time proportional to
the number of pages on every page, so a network of 130 institutions (about 3,000 pages)
builds in hours instead of minutes.

This module keeps furo's look and markup but changes the cost:

* Once per build the global toctree is resolved a single time (relative to a neutral
  page name) and turned into a small tree of :class:`NavItem`. The tree is kept in the
  doctree folder and reused while toctrees, titles and settings stay the same.
* Per page, the sidebar HTML is rendered from that tree with plain string operations:
  relative links, the ``current`` marks on the page and its ancestors, furo's
  ``has-children``/``current-page`` classes and checkboxes, exactly as furo writes them.
* With ``handbook_navigation = "aktuell"`` (the default) the sidebar lists the
  institutions of the *current* regional network and the pages of the *current*
  institution only; other regional networks and institutions appear as one link each.
  So a page's sidebar holds the network pages, the regions, one region's institutions
  and one institution's pages, not all 3,000 pages.
  ``"alle"`` lists every page, like furo does.

Furo's own computation is switched off per build by wrapping its listener: the wrapper
hides the ``toctree`` function from furo (furo then returns an empty tree cheaply) and
our value is filled in. The hook into furo's handler (``furo._html_page_context``) is in
:mod:`qm_handbook.compat.navigation`;
if a furo release changes it, the build stops with a clear message instead of
silently producing a slow or wrong sidebar.
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.builders import Builder
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from ..compat.navigation import hook_furo_navigation
from .regions import REGION_DIR

if TYPE_CHECKING:
    from bs4 import Tag
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: Neutral page name used to resolve the toctree once: links come out root-relative.
NEUTRAL_DOC = "__qm_navigation__"
TOGGLE_LABEL = "Navigation ein- oder ausklappen: "
_ICON = '<span class="icon"><svg><use href="#svg-arrow-right"></use></svg></span>'
SCOPES = ("aktuell", "alle")
#: The resolved tree is kept between builds in the doctree folder.
CACHE_FILE = "qm-navigation.pickle"
CACHE_VERSION = 2


@dataclass(slots=True, eq=False)
class NavItem:
    """One entry of the navigation tree (an ``<li>`` with its link)."""

    li_class: str
    a_class: str
    target: str | None
    anchor: str
    href: str
    title_html: str
    title_text: str
    children: list[NavItem] | None = None
    matches: frozenset[str] = field(default_factory=frozenset)
    collapsible: bool = False


@dataclass(slots=True)
class NavBlock:
    """A top-level part of the sidebar: a caption paragraph or a list of entries."""

    caption_html: str = ""
    items: list[NavItem] = field(default_factory=list)


@dataclass(slots=True)
class SiteNavigation:
    """The navigation tree of one build and the per-page renderer."""

    blocks: list[NavBlock]
    builder: Builder
    prune_institutions: bool
    by_target: dict[str, list[list[NavItem]]] = field(default_factory=dict)
    uris: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for block in self.blocks:
            self._index(block.items, [])

    def _index(self, items: list[NavItem], path: list[NavItem]) -> None:
        for item in items:
            if item.target is not None and not item.anchor:
                self.by_target.setdefault(item.target, []).append([*path, item])
            if item.children:
                self._index(item.children, [*path, item])

    def render(self, pagename: str) -> str:
        """The sidebar HTML for ``pagename`` (furo's ``furo_navigation_tree``)."""
        on_path: set[int] = {id(item) for path in self.by_target.get(pagename, []) for item in path}
        page = _PageRender(self, pagename, on_path)
        for block in self.blocks:
            if block.caption_html:
                page.out.append(block.caption_html)
            if block.items:
                page.items(block.items, top=True)
        if page.last_current is not None:
            page.out[page.last_current] += " current-page"
        return "".join(page.out)


class _PageRender:
    """Renders the tree for one page into a list of string pieces."""

    def __init__(self, nav: SiteNavigation, pagename: str, on_path: set[int]) -> None:
        self.nav = nav
        self.pagename = pagename
        self.on_path = on_path
        self.out: list[str] = []
        self.checkboxes = 0
        self.last_current: int | None = None
        # Builders with Sphinx's own relative links: the page's URI is computed once.
        plain_links = type(nav.builder).get_relative_uri is Builder.get_relative_uri
        self.base = nav.builder.get_target_uri(pagename) if plain_links else None

    def href(self, item: NavItem) -> str:
        if item.target is None:
            return item.href
        if self.base is None:
            return self.nav.builder.get_relative_uri(self.pagename, item.target) + item.anchor or "#"
        uri = self.nav.uris.get(item.target)
        if uri is None:
            uri = self.nav.uris[item.target] = self.nav.builder.get_target_uri(item.target)
        return relative_uri(self.base, uri) + item.anchor or "#"

    def items(self, items: list[NavItem], *, top: bool = False) -> None:
        current = any(id(i) in self.on_path for i in items)
        self.out.append('<ul class="current">\n' if current else "<ul>\n")
        for item in items:
            self.item(item)
        self.out.append("</ul>\n")

    def item(self, item: NavItem) -> None:
        current = id(item) in self.on_path
        children = item.children
        if children and item.collapsible and self.nav.prune_institutions and not current:
            children = None
        out = self.out
        out.append('<li class="')
        li_class = item.li_class + (" current" if current else "") + (" has-children" if children else "")
        out.append(li_class)
        if current:
            self.last_current = len(out) - 1
        a_class = ("current " + item.a_class) if self.pagename in item.matches else item.a_class
        out.append(f'"><a class="{a_class}" href="{escape(self.href(item))}">{item.title_html}</a>')
        if children:
            self.checkboxes += 1
            name = f"toctree-checkbox-{self.checkboxes}"
            label = _attr(TOGGLE_LABEL + item.title_text)
            checked = ' checked=""' if current else ""
            out.append(
                f"<input aria-label={label}{checked} "
                f'class="toctree-checkbox" id="{name}" name="{name}" role="switch" type="checkbox"/>'
                f'<label for="{name}">{_ICON}</label>'
            )
            self.items(children)
        out.append("</li>\n")


def _attr(value: str) -> str:
    """Quote an attribute value the way BeautifulSoup (furo's serialiser) does."""
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if '"' in text:
        if "'" in text:
            return '"' + text.replace('"', "&quot;") + '"'
        return "'" + text + "'"
    return '"' + text + '"'


def _parse_items(ul: Tag, targets: dict[str, str], roots: set[str]) -> list[NavItem]:
    """Navigation items of a list; ``roots`` are the pages whose subtrees may be collapsed."""
    result: list[NavItem] = []
    for li in ul.find_all("li", recursive=False):
        link = li.find("a", recursive=False)
        if link is None:
            continue
        raw = str(link.get("href", ""))
        uri, hash_, anchor = raw.partition("#")
        target = targets.get(uri)
        child_ul = li.find("ul", recursive=False)
        classes = [c for c in li.get_attribute_list("class") if c and c != "current"]
        item = NavItem(
            li_class=" ".join(classes),
            a_class=" ".join(c for c in link.get_attribute_list("class") if c and c != "current"),
            target=target,
            anchor=hash_ + anchor if target is not None else "",
            href=raw,
            title_html=link.decode_contents(),
            title_text=link.get_text(),
            children=_parse_items(child_ul, targets, roots) if child_ul is not None else None,
            matches=frozenset({target}) if target is not None and not anchor else frozenset(),
            collapsible=target in roots,
        )
        result.append(item)
    return result


def _cache_key(app: Sphinx) -> str:
    """What the navigation tree depends on: toctrees, titles, section numbers, settings."""
    env = app.env
    digest = hashlib.blake2b(digest_size=16)
    folder = getattr(app.config, "handbook_institutions_dir", "")
    digest.update(repr((CACHE_VERSION, app.builder.name, app.config.root_doc, folder)).encode())
    digest.update(repr(sorted(env.found_docs)).encode())
    digest.update(repr(sorted(env.toc_secnumbers.items())).encode())
    for doc in sorted(env.tocs):
        # the page's table of contents holds its title, sections and toctree nodes
        digest.update(f"{doc}\0{env.titles.get(doc)}\0{env.tocs[doc]}\0".encode())
    return digest.hexdigest()


def build_navigation(app: Sphinx) -> SiteNavigation:
    """The navigation of this build: from the cache file when nothing it depends on changed."""
    scope = getattr(app.config, "handbook_navigation", "aktuell")
    key = _cache_key(app)
    path = Path(app.doctreedir) / CACHE_FILE
    blocks: list[NavBlock] | None = None
    if path.exists():
        try:
            cached_key, cached = pickle.loads(path.read_bytes())
        except Exception:  # an unreadable cache is rebuilt
            cached_key, cached = None, None
        if cached_key == key:
            blocks = cached
    if blocks is None:
        blocks = _compute_blocks(app)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps((key, blocks), pickle.HIGHEST_PROTOCOL))
    return SiteNavigation(blocks=blocks, builder=app.builder, prune_institutions=scope != "alle")


def _compute_blocks(app: Sphinx) -> list[NavBlock]:
    """Resolve the global toctree once and turn it into navigation blocks."""
    builder = app.builder
    env = app.env
    tree = global_toctree_for_doc(
        env, NEUTRAL_DOC, builder, tags=builder.tags, collapse=False, includehidden=True, maxdepth=-1, titles_only=True
    )
    html = builder.render_partial(tree)["fragment"] if tree is not None else ""  # type: ignore[attr-defined]
    targets = {builder.get_relative_uri(NEUTRAL_DOC, doc): doc for doc in env.found_docs}
    folder = str(getattr(app.config, "handbook_institutions_dir", "institutions")).strip("/")
    roots = {doc for doc in env.found_docs if _is_collapsible(doc, folder)}
    blocks: list[NavBlock] = []
    from bs4 import BeautifulSoup  # only website builds need it (about 0.04 s to import)

    for element in BeautifulSoup(html, "html.parser").find_all(["p", "ul"], recursive=False):
        if element.name == "p":
            blocks.append(NavBlock(caption_html=str(element) + "\n"))
        else:
            blocks.append(NavBlock(items=_parse_items(element, targets, roots)))
    return blocks


def _is_collapsible(docname: str, folder: str) -> bool:
    """An institution's start page ``<institutions_dir>/<slug>/index`` or a region page."""
    parts = docname.split("/")
    if len(parts) != 3 or parts[0] != folder:
        return False
    return parts[1] == REGION_DIR or (parts[2] == "index" and not parts[1].startswith("_"))


class _Navigation:
    """Per-application state: the tree is built lazily once per build."""

    def __init__(self) -> None:
        self.site: SiteNavigation | None = None

    def reset(self, *args: Any) -> None:
        self.site = None

    def for_page(self, app: Sphinx, pagename: str) -> str:
        if self.site is None:
            self.site = build_navigation(app)
        return self.site.render(pagename)


def setup_navigation(app: Sphinx) -> None:
    """Switch furo's sidebar to the once-per-build navigation."""
    state = _Navigation()
    app.connect("builder-inited", lambda app: hook_furo_navigation(app, state.for_page))
    app.connect("env-updated", state.reset)


def setup(app: Sphinx) -> dict[str, Any]:
    """Use the navigation without the rest of the handbook (e.g. for a plain MyST baseline)."""
    if "handbook_navigation" not in app.config:
        app.add_config_value("handbook_navigation", "aktuell", "html", types=frozenset({str}))
        app.add_config_value("handbook_institutions_dir", "institutions", "env", types=frozenset({str}))
    setup_navigation(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
