"""The synthetic network in StrictDoc's input format (``.sdoc``), for the side-by-side benchmark.

:func:`write_sdoc` reads a network written by :func:`.synth.generate` (with needs) and writes
one ``.sdoc`` document per page that our build produces, with the same content:

* each need becomes a node of its type (``UMSETZUNG``, ``NACHWEIS``, …) with the same id,
  title, fields and body text; each link (``setzt_um``, ``belegt``, …) becomes a ``Parent``
  relation to the same target;
* paragraphs, lists and tables become ``TEXT`` nodes, ``##`` headings become sections,
  the page's front matter becomes the document's metadata (our build shows it under the
  title of each page);
* the pages our build generates itself (catalog overview and areas with requirement and
  criterion needs, one page per regional network) are converted from the same sources.

Directives without a StrictDoc counterpart (tables of contents, the handbook's reports) are
left out: StrictDoc builds its own navigation, index and traceability pages instead. All
documents import one grammar file (:data:`GRAMMAR_FILE`, by the alias :data:`GRAMMAR_ALIAS`
that the project config declares), as a StrictDoc project with many documents of the same kind
would; it holds every node type and field in use, and each node writes its fields in the
grammar's order (StrictDoc checks that order). The output depends only on the input files, so
it is as deterministic as the generator.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..model.catalog import load_catalogs
from ..model.metamodel import Metamodel, load_metamodel
from ..site.catalog_pages import render_area, render_overview

_FRONT_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_FENCE_RE = re.compile(r"^(`{3,}|:{3,})\{([a-z_-]+)\} ?([^\n]*)\n(.*?)^\1\n", re.M | re.S)
_OPTION_RE = re.compile(r"^:([a-z_]+): ?(.*)$")
_LINK_RE = re.compile(r"\[([^\]]+)\]\([^)]*\)")

#: the grammar all documents share, and the alias they import it by (declared in the project config)
GRAMMAR_FILE = "qm.sgra"
GRAMMAR_ALIAS = "@qm"


@dataclass(slots=True)
class Node:
    """One StrictDoc node: a need (``kind`` = need type) or a text block (``kind`` = ``""``)."""

    kind: str
    text: str
    uid: str = ""
    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Section:
    title: str
    nodes: list[Node] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    title: str
    metadata: dict[str, str]
    nodes: list[Node]
    sections: list[Section]


def _text(block: str) -> str:
    """Plain text of a Markdown block, valid reStructuredText (StrictDoc's default markup)."""
    lines = []
    for line in block.strip().splitlines():
        if line.startswith("%"):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            line = "- " + " · ".join(cells)
        lines.append(_LINK_RE.sub(r"\1", line))
    return "\n".join(lines).strip()


def _blocks(body: str) -> list[Node]:
    """Text nodes of the paragraphs, lists and tables in ``body`` (no fences, no headings)."""
    return [Node("", text) for chunk in re.split(r"\n\s*\n", body) if (text := _text(chunk))]


def _need(kind: str, title: str, content: str, links: set[str]) -> Node:
    options, _sep, text = content.partition("\n\n") if not content.startswith("\n") else ("", "", content)
    node = Node(kind, _text(text) or title, title=title.strip() or kind)
    for line in options.splitlines():
        match = _OPTION_RE.match(line)
        if not match:
            continue
        name, value = match.group(1), match.group(2).strip()
        if name == "id":
            node.uid = value
        elif name in links:
            node.parents += [v.strip() for v in value.split(",") if v.strip()]
        elif value:
            node.fields[name.upper()] = value
    return node


def parse_page(text: str, model: Metamodel) -> Document:
    """The StrictDoc document of one MyST page of the synthetic network."""
    metadata: dict[str, str] = {}
    front = _FRONT_RE.match(text)
    if front:
        for line in front.group(1).splitlines():
            key, _sep, value = line.partition(":")
            metadata[key.strip()] = value.strip().strip('"')
        text = text[front.end() :]
    title = "Ohne Titel"
    doc = Document(title, metadata, [], [])
    target = doc.nodes
    pos = 0
    links = set(model.links)

    def prose(chunk: str) -> None:
        nonlocal target
        for part in re.split(r"^(#{1,6} [^\n]*)\n", chunk, flags=re.M):
            if part.startswith("# ") and doc.title == "Ohne Titel":
                doc.title = part[2:].strip()
            elif re.match(r"#{2,6} ", part):
                doc.sections.append(Section(part.lstrip("#").strip()))
                target = doc.sections[-1].nodes
            else:
                target.extend(_blocks(part))

    for match in _FENCE_RE.finditer(text):
        prose(text[pos : match.start()])
        pos = match.end()
        if match.group(2) in model.types:
            target.append(_need(match.group(2), match.group(3), match.group(4), links))
    prose(text[pos:])
    return doc


def _all_nodes(doc: Document) -> list[Node]:
    return doc.nodes + [n for s in doc.sections for n in s.nodes]


def field_order(docs: list[Document]) -> dict[str, list[str]]:
    """Need type → its fields in first-seen order over all documents (one order per type)."""
    kinds: dict[str, list[str]] = {}
    for doc in docs:
        for node in _all_nodes(doc):
            if node.kind:
                names = kinds.setdefault(node.kind, [])
                names += [f for f in node.fields if f not in names]
    return kinds


def grammar(docs: list[Document]) -> str:
    """The one grammar all documents import (``.sgra``): every node type and field in use."""
    kinds = field_order(docs)
    has_parents = {n.kind for doc in docs for n in _all_nodes(doc) if n.parents}
    out = ["[GRAMMAR]\nELEMENTS:\n"]
    out.append("- TAG: SECTION\n  PROPERTIES:\n    IS_COMPOSITE: True\n  FIELDS:\n")
    out.append("  - TITLE: UID\n    TYPE: String\n    REQUIRED: False\n")
    out.append("  - TITLE: TITLE\n    TYPE: String\n    REQUIRED: True\n")
    for tag, fields in (("TEXT", []), *sorted(kinds.items())):
        out.append(f"- TAG: {tag.upper()}\n  FIELDS:\n")
        names = ["UID", "STATEMENT"] if tag == "TEXT" else ["UID", "TITLE", *fields, "STATEMENT"]
        for name in names:
            required = "True" if name == "STATEMENT" else "False"
            out.append(f"  - TITLE: {name}\n    TYPE: String\n    REQUIRED: {required}\n")
        if tag in has_parents:
            out.append("  RELATIONS:\n  - TYPE: Parent\n")
    return "".join(out)


def _node(node: Node, order: dict[str, list[str]]) -> str:
    if not node.kind:
        return f"\n[TEXT]\nSTATEMENT: >>>\n{node.text}\n<<<\n"
    out = [f"\n[{node.kind.upper()}]\n"]
    if node.uid:
        out.append(f"UID: {node.uid}\n")
    out.append(f"TITLE: {node.title}\n")
    out += [f"{name}: {node.fields[name]}\n" for name in order[node.kind] if name in node.fields]
    out.append(f"STATEMENT: >>>\n{node.text}\n<<<\n")
    if node.parents:
        out.append("RELATIONS:\n" + "".join(f"- TYPE: Parent\n  VALUE: {uid}\n" for uid in node.parents))
    return "".join(out)


def render(doc: Document, order: dict[str, list[str]]) -> str:
    """The ``.sdoc`` text of one document (importing the shared grammar, fields in ``order``)."""
    out = [f"[DOCUMENT]\nTITLE: {doc.title}\n"]
    if doc.metadata:
        out.append("METADATA:\n" + "".join(f"  {k}: {v}\n" for k, v in doc.metadata.items()))
    out.append(f"\n[GRAMMAR]\nIMPORT_FROM_FILE: {GRAMMAR_ALIAS}\n")
    out += [_node(n, order) for n in doc.nodes]
    for section in doc.sections:
        out.append(f"\n[[SECTION]]\nTITLE: {section.title}\n")
        out += [_node(n, order) for n in section.nodes]
        out.append("\n[[/SECTION]]\n")
    return "".join(out)


def _extra_pages(src: Path, model: Metamodel) -> dict[str, str]:
    """The pages our build generates itself: catalog overview and areas, regional networks."""
    catalogs, _problems = load_catalogs(src / "handbook" / "katalog", model)
    pages: dict[str, str] = {}
    for catalog in catalogs.values():
        base = f"handbook/katalog/_generiert/{catalog.slug}"
        pages[f"{base}/index.md"] = render_overview(catalog)
        pages.update({f"{base}/{a.code.lower()}.md": render_area(catalog, a) for a in catalog.areas})
    network = tomllib.loads((src / "handbook" / "netzwerk.toml").read_text(encoding="utf-8"))
    names = {}
    for folder in sorted((src / "institutions").glob("*/einrichtung.toml")):
        data = tomllib.loads(folder.read_text(encoding="utf-8"))
        names[data["kuerzel"]] = data["name"]
    for region in network.get("region", []):
        listing = "".join(f"- {names.get(code, code)}\n" for code in region.get("rotation", []))
        pages[f"institutions/_regionen/{region['kuerzel']}.md"] = f"# {region['name']}\n\n{listing}"
    return pages


def write_sdoc(src: Path, target: Path) -> dict[str, int]:
    """Write the StrictDoc input of the network in ``src`` into ``target`` (replacing it).

    :returns: numbers of documents, nodes of need types, text nodes and relations written
    """
    model = load_metamodel()
    if target.exists():
        shutil.rmtree(target)
    pages = {str(p.relative_to(src)): p.read_text(encoding="utf-8") for p in sorted(src.rglob("*.md"))}
    pages = {k: v for k, v in pages.items() if not k.startswith("_build")}
    pages.update(_extra_pages(src, model))
    docs = {rel: parse_page(text, model) for rel, text in sorted(pages.items())}
    order = field_order(list(docs.values()))
    target.mkdir(parents=True)
    (target / GRAMMAR_FILE).write_text(grammar(list(docs.values())), encoding="utf-8")
    stats = {"documents": 0, "needs": 0, "texts": 0, "relations": 0}
    for rel, doc in docs.items():
        path = target / Path(rel).with_suffix(".sdoc")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(doc, order), encoding="utf-8")
        nodes = _all_nodes(doc)
        stats["documents"] += 1
        stats["needs"] += sum(1 for n in nodes if n.kind)
        stats["texts"] += sum(1 for n in nodes if not n.kind)
        stats["relations"] += sum(len(n.parents) for n in nodes)
    return stats
