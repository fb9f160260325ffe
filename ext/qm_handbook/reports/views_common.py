"""Building blocks shared by all report views (docutils nodes only).

Every view is a function ``(result, options, link) -> list of nodes``. ``link`` turns a
docname and an anchor into a URI relative to the page being written, so the views
work for any builder that resolves references (HTML now, PDF later). Status values
are always shown as text with a CSS class (``qm-st-<status>``), never as colour
alone; every view starts with the as-of line "Stand: TT.MM.JJJJ".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from docutils import nodes

from ..model.labels import css_token, format_date, format_percent
from .coverage_model import CoverageResult, Readiness

#: ``link(docname, anchor)`` → relative URI (None when the target is unknown).
Linker = Callable[[str, str], str | None]
Content: TypeAlias = str | nodes.Node | Sequence[nodes.Node]


def stand(result: CoverageResult) -> nodes.paragraph:
    """The as-of line shown on every report view."""
    return nodes.paragraph(text=f"Stand: {format_date(result.as_of)}", classes=["qm-stand"])


def pct(value: float | None) -> str:
    """``82.5`` → ``82,5 %``; None → ``–``."""
    return format_percent(value)


def number(value: float) -> str:
    """A weight in German notation (``0.5`` → ``0,5``, ``1.0`` → ``1``)."""
    return f"{value:g}".replace(".", ",")


def status_node(status: str, text: str | None = None) -> nodes.inline:
    """A status as text with its CSS class."""
    return nodes.inline(text or status, text or status, classes=["qm-st", f"qm-st-{css_token(status)}"])


def ref(link: Linker, docname: str, anchor: str, text: str, classes: Iterable[str] = ()) -> nodes.Node:
    """A link to ``docname#anchor`` (plain text when there is no target)."""
    return ref_to(link(docname, anchor) if docname else None, text, classes)


def ref_to(uri: str | None, text: str, classes: Iterable[str] = ()) -> nodes.Node:
    """A link to ``uri`` (plain text when there is none)."""
    if uri is None:
        return nodes.inline(text, text, classes=list(classes))
    return nodes.reference(text, text, refuri=uri, internal=True, classes=list(classes))


def para(*parts: Content, classes: Iterable[str] = ()) -> nodes.paragraph:
    """A paragraph of text pieces and inline nodes."""
    node = nodes.paragraph(classes=list(classes))
    for part in parts:
        if isinstance(part, str):
            node += nodes.Text(part)
        elif isinstance(part, nodes.Node):
            node += part
        else:
            node.extend(part)
    return node


def bullets(items: Sequence[nodes.Node | Sequence[nodes.Node]], empty: str = "–") -> nodes.Node:
    """A compact bullet list (a dash paragraph when empty)."""
    if not items:
        return nodes.paragraph(text=empty, classes=["qm-leer"])
    lst = nodes.bullet_list(classes=["qm-liste"])
    for item in items:
        lst += nodes.list_item("", para(item))
    return lst


def _is_block(node: object) -> bool:
    return isinstance(node, nodes.Element) and not isinstance(node, nodes.Inline)


def _entry(content: Content, classes: Sequence[str] = (), morecols: int = 0) -> nodes.entry:
    entry = nodes.entry(classes=list(classes))
    if morecols:
        entry["morecols"] = morecols
    if isinstance(content, str):
        entry += nodes.paragraph(text=content)
    elif _is_block(content):
        entry += content
    elif isinstance(content, nodes.Node):
        entry += para(content)
    else:
        body = [c for c in content if _is_block(c)]
        entry += body if len(body) == len(content) else [para(content)]
    return entry


class Row:
    """A table row: cells with optional classes, or one spanning cell."""

    def __init__(
        self, cells: Sequence[Content], classes: Sequence[str] = (), cell_classes: Mapping[int, Any] | None = None
    ):
        self.cells = list(cells)
        self.classes = list(classes)
        self.cell_classes: Mapping[int, Any] = dict(cell_classes or {})


def table(
    headers: Sequence[str],
    rows: Iterable[Row | Sequence[Content]],
    *,
    classes: Sequence[str] = (),
    widths: Sequence[int] | None = None,
) -> nodes.container:
    """A table in a horizontally scrolling container."""
    tbl = nodes.table(classes=["qm-tabelle", *classes])
    group = nodes.tgroup(cols=len(headers))
    tbl += group
    for width in widths or [1] * len(headers):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    header_row = nodes.row()
    for text in headers:
        header_row += _entry(text)
    head += header_row
    body = nodes.tbody()
    group += body
    for raw in rows:
        row = raw if isinstance(raw, Row) else Row(raw)
        node = nodes.row(classes=row.classes)
        span = len(headers) - len(row.cells)
        for index, content in enumerate(row.cells):
            extra = row.cell_classes.get(index, ())
            node += _entry(content, [extra] if isinstance(extra, str) else list(extra), span if index == 0 else 0)
        body += node
    box = nodes.container(classes=["qm-scroll"])
    box += tbl
    return box


def readiness_cells(readiness: Readiness, statuses: Sequence[str]) -> list[Content]:
    """Status counts followed by the readiness percentage."""
    cells: list[Content] = [str(readiness.counts.get(s, 0)) for s in statuses]
    return [*cells, pct(readiness.percent)]


def formula(result: CoverageResult) -> nodes.paragraph:
    """The readiness formula, derived from the weights in the metamodel."""
    terms = " + ".join(f"{number(w)} × {s}" for s, w in result.weights.items() if w)
    text = (
        f"Reifegrad = ({terms}) ÷ anwendbare Anforderungen × 100. Anwendbar sind alle Anforderungen außer "
        f"„{result.not_applicable}“; fehlende Umsetzungen zählen als anwendbar mit 0."
    )
    return nodes.paragraph(text=text, classes=["qm-formel"])


def no_entries(text: str) -> nodes.paragraph:
    return nodes.paragraph(text=text, classes=["qm-leer"])


def warning_box(text: str) -> nodes.container:
    """Shown instead of a view when its options cannot be satisfied."""
    box = nodes.container(classes=["qm-hinweis"])
    box += nodes.paragraph(text=text)
    return box
