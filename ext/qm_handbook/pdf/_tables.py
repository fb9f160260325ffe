"""Tables of the assembled doctree as Typst tables (or grids, for tables without a header row).

Column widths come from the table's column specifications (relative ``fr`` widths); a table
marked ``colwidths-auto`` or without specifications gets automatic columns. Header rows
become ``table.header`` (repeated on every page the table spans) with real header cells.
A table without a header row lays out label/value pairs (a profile box, for example): it
becomes a grid, so that accessibility tools do not announce it as a data table.
"""

from __future__ import annotations

from typing import Protocol

from docutils import nodes


class _Writer(Protocol):
    """What the table code needs of the translator."""

    def inner(self, node: nodes.Element) -> str: ...

    def anchors(self, node: nodes.Element, skip: str = "") -> str: ...


def table_markup(writer: _Writer, node: nodes.Element) -> str:
    """Markup of one docutils table (caption as a rubric above it)."""
    group = node.next_node(nodes.tgroup)
    if group is None:
        return ""
    specs = [c for c in group.children if isinstance(c, nodes.colspec)]
    if "colwidths-auto" in node["classes"] or not specs:
        widths = ["auto"] * max(1, int(group.get("cols", 1)))
    else:
        widths = [f"{max(1, int(spec.get('colwidth', 1)))}fr" for spec in specs]
    columns = "(" + "".join(f"{width}, " for width in widths) + ")"
    kind = "table" if any(isinstance(part, nodes.thead) for part in group.children) else "grid"
    cells: list[str] = []
    for part in group.children:
        if isinstance(part, nodes.thead):
            cells.append(f"table.header({''.join(_row(writer, row, kind, head=True) for row in part.children)}),")
        elif isinstance(part, nodes.tbody):
            cells.extend(_row(writer, row, kind) for row in part.children)
    title = node.next_node(nodes.title)
    caption = f"#qm-rubric[{writer.inner(title)}]\n" if title is not None else ""
    call = "table" if kind == "table" else "qm-grid"
    return f"{caption}{writer.anchors(node)}#{call}(columns: {columns}, {''.join(cells)})\n"


def _row(writer: _Writer, row: nodes.Node, kind: str, *, head: bool = False) -> str:
    """The cells of one row; spans become ``colspan``/``rowspan``, header cells are filled and bold."""
    assert isinstance(row, nodes.Element)
    out = []
    for entry in row.children:
        assert isinstance(entry, nodes.Element)
        spans = []
        if entry.get("morecols"):
            spans.append(f"colspan: {int(entry['morecols']) + 1}")
        if entry.get("morerows"):
            spans.append(f"rowspan: {int(entry['morerows']) + 1}")
        body = writer.anchors(entry) + writer.inner(entry)
        if head:
            out.append(f"table.cell({', '.join([*spans, 'fill: head-fill'])})[#strong[{body}]],")
        elif spans:
            out.append(f"{kind}.cell({', '.join(spans)})[{body}],")
        else:
            out.append(f"[{body}],")
    return "".join(out)
