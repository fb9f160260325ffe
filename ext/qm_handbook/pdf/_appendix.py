"""The audit appendix of an institution PDF (interim: until the report computation lands).

Lists, for every requirement of the catalog, the institution's statements and the
evidence that supports them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from ..context import HandbookContext
    from ..institutions import Institution

APPENDIX_ID = "qm-pdf-anhang"


def _own(needs: Mapping[str, Any], inst: Institution, kind: str) -> list[Any]:
    prefix = inst.code + "_"
    return [n for i, n in sorted(needs.items()) if i.startswith(prefix) and n["type"] == kind]


def statements_by_requirement(needs: Mapping[str, Any], inst: Institution) -> dict[str, list[str]]:
    """Requirement need ID → the institution's statement IDs."""
    result: dict[str, list[str]] = defaultdict(list)
    for need in _own(needs, inst, "umsetzung"):
        for target in need["setzt_um"]:
            result[target].append(need["id"])
    return result


def _link(need_id: str) -> nodes.reference:
    return nodes.reference("", need_id, refuri=f"#{need_id}", internal=True)


def _cell(ids: Sequence[str]) -> nodes.entry:
    para = nodes.paragraph()
    for i, need_id in enumerate(ids):
        if i:
            para += nodes.Text(", ")
        para += _link(need_id)
    if not ids:
        para += nodes.Text("–")
    return nodes.entry("", para)


def _table(head: Sequence[str], rows: Sequence[Sequence[nodes.entry]], widths: Sequence[int]) -> nodes.table:
    table = nodes.table(classes=["qm-pdf-matrix"])
    group = nodes.tgroup(cols=len(head))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    thead = nodes.thead()
    row = nodes.row()
    for label in head:
        row += nodes.entry("", nodes.paragraph(text=label))
    thead += row
    group += thead
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        row.extend(cells)
        body += row
    group += body
    return table


def audit_appendix(
    env: BuildEnvironment, ctx: HandbookContext, inst: Institution, needs: Mapping[str, Any]
) -> nodes.section:
    """The requirement → statement → evidence matrix of one institution."""
    catalog = ctx.catalogs[inst.catalog]
    statements = statements_by_requirement(needs, inst)
    evidence: dict[str, list[str]] = defaultdict(list)
    for need in _own(needs, inst, "nachweis"):
        for target in need["belegt"]:
            evidence[target].append(need["id"])
    appendix = nodes.section(ids=[APPENDIX_ID], classes=["qm-pdf-part"])
    appendix += nodes.title(text="Anhang für das Audit")
    matrix = nodes.section(ids=[f"{APPENDIX_ID}-matrix"])
    matrix += nodes.title(text="Anforderung → Nachweis")
    rows = []
    for req in catalog.requirements():
        own = statements.get(req.need_id, [])
        proofs = [e for s in own for e in evidence.get(s, [])]
        rows.append(
            [
                nodes.entry("", nodes.paragraph("", "", _link(req.need_id))),
                nodes.entry("", nodes.paragraph(text=req.title)),
                _cell(own),
                _cell(proofs),
            ]
        )
    matrix += _table(["Anforderung", "Titel", "Umsetzung", "Nachweise"], rows, [16, 40, 18, 26])
    appendix += matrix
    return appendix
