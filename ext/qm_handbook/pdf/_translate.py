"""Translate an assembled doctree into Typst markup.

Structure becomes calls of Typst functions (headings, paragraphs, lists, tables, the
boxes defined in ``template.typ``); all text becomes string literals (``_syntax``),
so nothing from a handbook page is ever evaluated as Typst. Anchors are written only
for IDs that a link of the document points to; random IDs (sphinx-needs gives each
card container a fresh one) never reach the PDF, which keeps two builds identical.

Images are copied into the compile folder (Typst reads nothing outside it); the SVG
charts of the report views are passed as data with their title and description as
alternative text. What cannot be shown on paper is reported, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from . import _syntax as ty
from ._media import Assets, chart_markup, image_markup
from ._styles import ADMONITION_TITLES, BLOCK_STYLES, INLINE_STYLES
from ._tables import table_markup

#: Section classes that start a new page (each handbook page, catalog area, main part).
NEW_PAGE_CLASSES = frozenset({"qm-pdf-page", "qm-pdf-part", "qm-pdf-area"})
#: Boxes longer than this (characters) may break across pages; shorter ones never do.
UNBREAKABLE_CHARS = 2400
#: Inline classes shown as a status mark (``qm-st-<status>``).
_STATUS = re.compile(r"^qm-(st|sk)-([a-z_-]+)$")
#: Status kinds of the need cards (``qm-sk-<kind>``) in the colours of the report statuses.
_STATUS_OF_KIND = {"erledigt": "umgesetzt", "offen": "fehlt", "ruhend": "nicht-anwendbar"}


@dataclass(frozen=True, slots=True)
class Issue:
    """Something of a page that the PDF cannot show as on the website."""

    docname: str
    message: str


class TypstTranslator:
    """Writes one assembled doctree as Typst markup (see module docstring)."""

    def __init__(self, *, srcdir: Path, assets: Assets, targets: set[str], docname: str) -> None:
        self.srcdir = srcdir
        self.assets = assets
        self.targets = targets
        self.docname = docname
        self.level = 0
        self.issues: list[Issue] = []
        self._written: set[str] = set()
        #: Anchors of the card being written: its ID in the head links to nothing (the card itself).
        self._own: frozenset[str] = frozenset()
        self._handlers: dict[type[nodes.Node], Callable[[nodes.Element], str]] = {
            nodes.section: self._section,
            nodes.paragraph: self._paragraph,
            nodes.emphasis: lambda n: f"#emph[{self.inner(n)}]",
            nodes.strong: lambda n: f"#strong[{self.inner(n)}]",
            nodes.literal: lambda n: f"#qm-code({ty.string(n.astext())})",
            addnodes.literal_strong: lambda n: f"#strong[{self.inner(n)}]",
            addnodes.literal_emphasis: lambda n: f"#emph[{self.inner(n)}]",
            nodes.title_reference: lambda n: f"#emph[{self.inner(n)}]",
            nodes.subscript: lambda n: f"#sub[{self.inner(n)}]",
            nodes.superscript: lambda n: f"#super[{self.inner(n)}]",
            nodes.reference: self._reference,
            nodes.inline: self._inline,
            nodes.bullet_list: self._bullet_list,
            nodes.enumerated_list: self._enumerated_list,
            nodes.definition_list: self._definition_list,
            nodes.field_list: self._field_list,
            nodes.table: self._table,
            nodes.container: self._container,
            nodes.admonition: self._admonition,
            nodes.literal_block: self._literal_block,
            nodes.doctest_block: self._literal_block,
            nodes.block_quote: lambda n: f"#quote(block: true)[{self.inner(n)}]\n",
            nodes.line_block: self._line_block,
            nodes.rubric: lambda n: f"#qm-rubric[{self.inner(n)}]\n",
            nodes.transition: lambda n: "#qm-rule()\n",
            nodes.image: self._image,
            nodes.figure: self._figure,
            nodes.raw: self._raw,
            nodes.footnote_reference: lambda n: f"#super[{ty.text(n.astext())}]",
            nodes.footnote: self._footnote,
            nodes.citation: self._footnote,
            nodes.topic: self._topic,
            nodes.sidebar: self._topic,
            nodes.target: lambda n: "",
            nodes.comment: lambda n: "",
            nodes.substitution_definition: lambda n: "",
            nodes.system_message: lambda n: "",
            nodes.problematic: lambda n: ty.text(n.astext()),
            nodes.math: lambda n: f"#qm-code({ty.string(n.astext())})",
            nodes.math_block: self._literal_block,
            addnodes.index: lambda n: "",
            addnodes.toctree: lambda n: "",
            addnodes.only: self._only,
        }

    # -- entry points --------------------------------------------------------------------

    def translate(self, parts: Iterable[nodes.Node]) -> str:
        """Markup of ``parts`` (top-level sections of the assembled document)."""
        return "".join(self.node(part) for part in parts)

    def node(self, node: nodes.Node) -> str:
        """Markup of one node."""
        if isinstance(node, nodes.Text):
            return ty.text(str(node).replace("\n", " "))
        assert isinstance(node, nodes.Element)
        if isinstance(node, addnodes.start_of_file):
            previous, self.docname = self.docname, node["docname"]
            try:
                out = self._mark() + self.anchors(node) + self.inner(node)
            finally:
                self.docname = previous
            return out + self._mark()
        for kind in type(node).__mro__:
            handler = self._handlers.get(kind)
            if handler is not None:
                return handler(node)
        if isinstance(node, nodes.Admonition):
            return self._admonition(node)
        return self.anchors(node) + self.inner(node)

    def _mark(self) -> str:
        """Where a page's part begins (messages of Typst name the page from it)."""
        return "\n" + ty.PAGE_MARK + " ".join(self.docname.split()) + "\n"

    def inner(self, node: nodes.Element) -> str:
        """Markup of the children; neighbouring text nodes (MyST gives each soft line break
        one of its own) become one string literal, one element for Typst instead of several."""
        out: list[str] = []
        text: list[str] = []
        for child in node.children:
            if isinstance(child, nodes.Text):
                text.append(str(child))
                continue
            if text:
                out.append(ty.text("".join(text).replace("\n", " ")))
                text.clear()
            out.append(self.node(child))
        if text:
            out.append(ty.text("".join(text).replace("\n", " ")))
        return "".join(out)

    def anchors(self, node: nodes.Element, skip: str = "") -> str:
        """Invisible anchors for the IDs of ``node`` that links point to."""
        out = []
        for node_id in node.get("ids", []):
            if node_id in self.targets and node_id != skip and node_id not in self._written:
                self._written.add(node_id)
                out.append(ty.anchor(node_id, "Eintrag", node_id))
        return "".join(out)

    def report(self, message: str) -> None:
        self.issues.append(Issue(self.docname, message))

    # -- blocks --------------------------------------------------------------------------

    def _section(self, node: nodes.Element) -> str:
        self.level += 1
        try:
            title = node.next_node(nodes.title)
            ids = [i for i in node["ids"] if i in self.targets and i not in self._written]
            main = ids[0] if ids else ""
            out = "#pagebreak(weak: true)\n" if NEW_PAGE_CLASSES & set(node["classes"]) else ""
            out += self.anchors(node, skip=main)
            for child in node.children:
                if child is title:
                    if main:
                        self._written.add(main)
                        out += ty.anchor(main, "Abschnitt", f"„{child.astext()}“")
                    out += f"#heading(level: {min(self.level, 6)})[{self.inner(child)}]\n"
                else:
                    out += self.node(child)
            return out
        finally:
            self.level -= 1

    def _paragraph(self, node: nodes.Element) -> str:
        body = self.anchors(node) + self.inner(node)
        style = self._block_style(node)
        if style:
            return f"#{style}[{body}]\n"
        return f"#par[{body}]\n"

    @staticmethod
    def _block_style(node: nodes.Element) -> str:
        return next((BLOCK_STYLES[c] for c in node["classes"] if c in BLOCK_STYLES), "")

    def _items(self, node: nodes.Element) -> str:
        return "".join(f"[{self.anchors(item)}{self.inner(item)}]," for item in node.children)

    def _bullet_list(self, node: nodes.Element) -> str:
        return f"{self.anchors(node)}#list({self._items(node)})\n"

    def _enumerated_list(self, node: nodes.Element) -> str:
        start = int(node.get("start", 1))
        return f"{self.anchors(node)}#enum(start: {start}, {self._items(node)})\n"

    def _definition_list(self, node: nodes.Element) -> str:
        items = []
        for item in node.children:
            term = "".join(self.node(c) for c in item.children if isinstance(c, nodes.term | nodes.classifier))
            definition = "".join(self.node(c) for c in item.children if isinstance(c, nodes.definition))
            items.append(f"terms.item[{self.anchors(item)}{term}][{definition}],")
        return f"#terms({''.join(items)})\n"

    def _field_list(self, node: nodes.Element) -> str:
        items = []
        for item in node.children:
            name = "".join(self.inner(c) for c in item.children if isinstance(c, nodes.field_name))
            body = "".join(self.inner(c) for c in item.children if isinstance(c, nodes.field_body))
            items.append(f"terms.item[{name}][{body}],")
        return f"#terms({''.join(items)})\n"

    def _container(self, node: nodes.Element) -> str:
        classes = set(node["classes"])
        table = next((c for c in node.children if isinstance(c, nodes.table) and "need" in c["classes"]), None)
        if "need_container" in classes and table is not None:
            return self._need(table)
        if "qm-need" in classes:
            return self._card(node)
        body = self.anchors(node) + self.inner(node)
        if "qm-pdf-requirement" in classes:
            return f"#qm-box(breakable: {self._breakable(node)})[{body}]\n"
        style = self._block_style(node)
        if style:
            return f"#{style}[{body}]\n"
        return body

    @staticmethod
    def _breakable(node: nodes.Element) -> str:
        return "true" if len(node.astext()) > UNBREAKABLE_CHARS else "false"

    def _need(self, table: nodes.Element) -> str:
        """A sphinx-needs card: head (type, title, ID), meta lines, content; kept on one page."""
        parts: dict[str, str] = {"head": "", "meta": "", "content": "", "footer": ""}
        for row in table.findall(nodes.row):
            kind = next((c for c in ("head", "meta", "content", "footer") if c in row["classes"]), "content")
            for entry in row.children:
                parts[kind] += self.inner(entry)
        anchor = self.anchors(table)
        breakable = self._breakable(table)
        return (
            f"#qm-need(breakable: {breakable}, [{anchor}{parts['head']}], [{parts['meta']}], "
            f"[{parts['content']}{parts['footer']}])\n"
        )

    def _card(self, card: nodes.Element) -> str:
        """The handbook's own need card: head (type, title, ID), fields as a list, content."""
        head = meta = body = ""
        for child in card.children:
            if isinstance(child, nodes.paragraph) and "qm-need-kopf" in child["classes"]:
                self._own = frozenset(card["ids"])
                head += self.inner(child)
                self._own = frozenset()
            elif isinstance(child, nodes.field_list):
                meta += self._card_fields(child)
            else:
                body += self.node(child)
        anchor = self.anchors(card)
        return f"#qm-need(breakable: {self._breakable(card)}, [{anchor}{head}], [{meta}], [{body}])\n"

    def _card_fields(self, fields: nodes.Element) -> str:
        cells = []
        for field in fields.children:
            assert isinstance(field, nodes.Element)
            name = "".join(self.inner(c) for c in field.children if isinstance(c, nodes.field_name))
            value = "".join(self.inner(c) for c in field.children if isinstance(c, nodes.field_body))
            cells.append(f"[{name}:], [{value}],")
        return f"#qm-fields({''.join(cells)})"

    def _admonition(self, node: nodes.Element) -> str:
        title = node.next_node(nodes.title)
        kind = next((c for c in node["classes"] if c.startswith("admonition-")), "") or type(node).__name__
        heading = self.inner(title) if title is not None else ty.text(ADMONITION_TITLES.get(kind, ""))
        body = "".join(self.node(c) for c in node.children if c is not title)
        warn = "true" if isinstance(node, nodes.warning | nodes.caution | nodes.danger | nodes.attention) else "false"
        breakable = self._breakable(node)
        return f"#qm-admonition(warn: {warn}, breakable: {breakable}, [{heading}], [{self.anchors(node)}{body}])\n"

    def _topic(self, node: nodes.Element) -> str:
        title = node.next_node(nodes.title)
        heading = f"#qm-rubric[{self.inner(title)}]" if title is not None else ""
        body = "".join(self.node(c) for c in node.children if c is not title)
        return f"#qm-admonition(warn: false, breakable: true, [], [{heading}{body}])\n"

    def _literal_block(self, node: nodes.Element) -> str:
        return f"{self.anchors(node)}#qm-code-block({ty.string(node.astext())})\n"

    def _line_block(self, node: nodes.Element) -> str:
        return "#par[" + "#linebreak()".join(self._lines(node)) + "]\n"

    def _lines(self, block: nodes.Element) -> list[str]:
        """The non-empty lines of a line block (nested blocks included; need cards have many empty ones)."""
        out: list[str] = []
        for child in block.children:
            if isinstance(child, nodes.line_block):
                out.extend(self._lines(child))
            elif isinstance(child, nodes.line) and any(isinstance(c, nodes.line) for c in child.children):
                # sphinx-needs puts one line per link type inside a line.
                own = [c for c in child.children if not isinstance(c, nodes.line)]
                if "".join(c.astext() for c in own).strip():
                    out.append("".join(self.node(c) for c in own))
                out.extend(self._lines(child))
            elif isinstance(child, nodes.Element) and child.astext().strip():
                out.append(self.anchors(child) + self.inner(child))
        return out

    def _footnote(self, node: nodes.Element) -> str:
        number = node.next_node(nodes.label)
        body = "".join(self.node(c) for c in node.children if c is not number)
        mark = ty.text(f"[{number.astext()}] ") if number is not None else ""
        return f"#qm-small[{self.anchors(node)}{mark}{body}]\n"

    def _only(self, node: nodes.Element) -> str:
        expr = str(node.get("expr", ""))
        return self.inner(node) if "html" not in expr or "latex" in expr else ""

    # -- tables --------------------------------------------------------------------------

    def _table(self, node: nodes.Element) -> str:
        return self._need(node) if "need" in node["classes"] else table_markup(self, node)

    # -- inline --------------------------------------------------------------------------

    def _reference(self, node: nodes.Element) -> str:
        body = self.inner(node)
        uri = node.get("refuri", "")
        if "refid" in node and not uri:
            uri = "#" + node["refid"]
        if uri.startswith("#") and uri[1:] in self.targets:
            if "qm-need-id" in node["classes"]:
                body = f"#qm-id[{body}]"
            elif "qm-pdf-idlink" in node["classes"]:
                body = f"#qm-id-text[{body}]"
            if uri[1:] in self._own:
                return body  # on the website a permalink; on paper a jump to where the reader is
            return f"#link({ty.label(ty.label_name(uri[1:]))})[{body}]"
        if re.match(r"^(https?|mailto):", uri):
            return f"#link({ty.string(uri)})[{body}]"
        return body

    def _inline(self, node: nodes.Element) -> str:
        body = self.anchors(node) + self.inner(node)
        for cls in node["classes"]:
            status = _STATUS.match(cls)
            if status:
                return f"#qm-status({ty.string(_STATUS_OF_KIND.get(status.group(2), status.group(2)))})[{body}]"
            if cls in INLINE_STYLES:
                return f"#{INLINE_STYLES[cls]}[{body}]"
        return body

    # -- images --------------------------------------------------------------------------

    def _image(self, node: nodes.Element) -> str:
        markup, problems = image_markup(node, self.srcdir, self.assets)
        for problem in problems:
            self.report(problem)
        return self.anchors(node) + markup

    def _figure(self, node: nodes.Element) -> str:
        image = node.next_node(nodes.image)
        caption = node.next_node(nodes.caption)
        body = self._image(image) if image is not None else ""
        text = f"#qm-small[{self.inner(caption)}]" if caption is not None else ""
        return f"{self.anchors(node)}#figure(kind: image, supplement: none, block(width: 100%)[{body}{text}])\n"

    def _raw(self, node: nodes.Element) -> str:
        markup = chart_markup(node)
        if markup is None:
            self.report("Roher HTML- oder Formatierungs-Code kann im PDF nicht dargestellt werden und fehlt dort.")
            return ""
        return markup
