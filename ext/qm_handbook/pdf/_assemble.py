"""Assemble the pages of one PDF into a single doctree with unique, working anchors.

Sphinx's single-page HTML output links to ``#document-<page>#<id>``, a fragment no
browser or PDF renderer can follow, and section IDs of different pages collide
(every page may have a section ``ziele``). Here every ID of a page gets a page
prefix, need IDs stay as they are (they are unique in the whole project, and links
to them come from many pages), and after Sphinx resolved the references, each link
is rewritten to point at an anchor in this document. A link whose target is not part
of the PDF (another institution's page, a file on the website) becomes plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from ..compat.speedups import nodes_by_kind
from ..model.metamodel import ID_REGEX

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.builders import Builder

_DOC_PREFIX = "#document-"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: Attributes holding references to IDs of the same page.
_REF_ATTRS = ("refid", "backrefs")
_WRAPPER_CLASSES = {"table-wrapper", "math-wrapper"}
_NEED_ID = re.compile(ID_REGEX)
#: Class of links whose text is a need ID.
ID_LINK_CLASS = "qm-pdf-idlink"
#: Class of nodes that only make sense on the website (e.g. the PDF download link).
WEB_ONLY_CLASS = "qm-nur-web"


def doc_anchor(docname: str) -> str:
    """The anchor of a page's first heading in the PDF (also the prefix of its other IDs)."""
    return "p-" + re.sub(r"[^A-Za-z0-9]+", "-", docname).strip("-")


def _localize(tree: nodes.Element, docname: str, keep: Set[str]) -> None:
    """Prefix every ID of one page's doctree, except need IDs (``keep``); drop website-only parts."""
    prefix = doc_anchor(docname) + "--"

    def local(value: str) -> str:
        return value if value in keep else prefix + value

    wrappers: list[nodes.Element] = []
    web_only: list[nodes.Element] = []
    for node in tree.findall(nodes.Element):  # one walk: pages are large, walks add up over many PDFs
        classes = node["classes"]
        if WEB_ONLY_CLASS in classes:
            web_only.append(node)
        elif isinstance(node, nodes.container) and not _WRAPPER_CLASSES.isdisjoint(classes):
            wrappers.append(node)
        if node.get("ids"):
            node["ids"] = [local(i) for i in node["ids"]]
        for attr in _REF_ATTRS:
            value = node.get(attr)
            if isinstance(value, str) and value:
                node[attr] = local(value)
            elif isinstance(value, list) and value:
                node[attr] = [local(v) for v in value]
    # The theme wraps tables in a container that copies the table's IDs (for scrolling on
    # screens); on paper the wrapper is useless and its copies would be duplicate anchors.
    for wrapper in wrappers:
        wrapper.replace_self(wrapper.children)
    for node in web_only:
        if node.parent is not None:
            node.parent.remove(node)
    first = next(iter(tree.findall(nodes.section)), None)
    if first is not None:
        first["ids"].insert(0, doc_anchor(docname))
        first["classes"].append("qm-pdf-page")


def inline_pages(
    builder: Builder,
    start: str,
    include: Callable[[str], bool],
    keep: Set[str],
    prepare: Callable[[nodes.document], None] | None = None,
) -> tuple[nodes.document, list[str]]:
    """The doctree of ``start`` with every included page of its toctrees inlined in order.

    Each page is resolved on its own (``doctree-resolved`` sees the page's own name, as
    in the HTML build), then its IDs are made unique, then its toctrees are replaced by
    the pages they list.

    :param builder: the running builder (doctrees come from its environment, never re-parsed)
    :param start: the first page (e.g. an institution's ``index``)
    :param include: which pages of the toctrees belong into the PDF
    :param keep: IDs that stay unchanged (need IDs)
    :param prepare: changes each page's doctree before it is resolved
    :return: the assembled doctree and the page names in reading order
    """
    env = builder.env
    order: list[str] = []

    def inline(docname: str) -> nodes.document:
        order.append(docname)
        tree = env.get_doctree(docname)
        if prepare is not None:
            prepare(tree)
        env.resolve_references(tree, docname, builder)
        _localize(tree, docname, keep)
        top = next(iter(tree.findall(nodes.section)), None)
        for toctree in list(tree.findall(addnodes.toctree)):
            children: list[nodes.Node] = []
            for child in map(str, toctree["includefiles"]):
                if child in order or child not in env.all_docs or not include(child):
                    continue
                sub = inline(child)
                start_node = addnodes.start_of_file(docname=child)
                start_node.extend(sub.children)
                children.append(start_node)
            wrapper = toctree.parent
            holder = (
                wrapper if isinstance(wrapper, nodes.compound) and "toctree-wrapper" in wrapper["classes"] else toctree
            )
            # Listed pages become chapters of the page itself, even when its toctree stands
            # in a subsection (e.g. at the end of the last one).
            if top is not None and holder.parent is not top:
                holder.parent.remove(holder)
                top.extend(children)
            else:
                holder.replace_self(children or [nodes.inline()])
        return tree

    return inline(start), order


def ids_and_references(tree: nodes.Node) -> tuple[set[str], list[nodes.reference]]:
    """Every ID present in ``tree`` and its links in document order, found in one walk."""
    found = nodes_by_kind(tree, (nodes.reference, nodes.Element))
    present = {i for kind in found.values() for node in kind for i in node["ids"]}
    return present, found.get(nodes.reference, [])


def _unwrap(ref: nodes.reference) -> None:
    """Replace a link by its text, keeping the text's markup."""
    ref.replace_self(nodes.inline("", "", *ref.children, classes=["qm-pdf-extern"]))


def fix_references(tree: nodes.Element, pages: Iterable[str], keep: Set[str]) -> set[str]:
    """Point every link at an anchor in this PDF, or make it plain text.

    Call on the assembled document (resolved links carry ``#document-…`` URIs).

    :param tree: the assembled document
    :param pages: the pages inlined into this PDF
    :param keep: IDs that were not prefixed (need IDs)
    :return: the IDs that links of the document now point to (``#id``)
    """
    included = set(pages)
    present, references = ids_and_references(tree)
    targets: set[str] = set()
    for ref in references:
        uri = ref.get("refuri")
        if uri is None:
            if ref.get("refid") and ref["refid"] not in present:
                _unwrap(ref)
            continue
        if uri.startswith(_DOC_PREFIX):
            docname, _, anchor = uri[len(_DOC_PREFIX) :].partition("#")
            if anchor in keep or (docname not in included and anchor):
                target = anchor
            elif docname in included:
                target = f"{doc_anchor(docname)}--{anchor}" if anchor else doc_anchor(docname)
            else:
                target = ""
        elif uri.startswith("#"):
            target = uri[1:]
        elif _SCHEME.match(uri):
            continue  # web or mail address: stays a link
        else:
            target = ""  # a file of the website: not part of the PDF
        if target and target in present:
            ref["refuri"] = "#" + target
            targets.add(target)
            if _NEED_ID.match(ref.astext()):
                ref["classes"].append(ID_LINK_CLASS)  # never hyphenated (print.css)
        else:
            _unwrap(ref)
    return targets
