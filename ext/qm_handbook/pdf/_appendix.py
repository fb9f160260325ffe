"""The audit appendix of an institution PDF, from the build's one report computation.

Sections: key figures and readiness, statements per quality area with their
evidence (the audit view), the requirement → statement → evidence matrix, open
measures and findings, the gap list. Every number comes from the same
:class:`~qm_handbook.coverage_model.CoverageResult` the website's report pages show,
and the views are the same renderers (``views_institution``), so PDF and site agree.

Report views placed on the institution's own pages (e.g. its "Stand und Lücken"
page) are replaced in the PDF by a pointer to the matching appendix section, so each
view appears once; views of the whole network are left out of an institution PDF.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..model.institutions import Institution
from ..model.labels import format_date
from ..reports.coverage_model import Cell, CoverageResult, InstitutionResult
from ..reports.placeholder import qm_report
from ..reports.views_common import Content, Linker, Row, no_entries, para, ref, stand, status_node, table
from ..reports.views_institution import audit_view, gap_list, institution_dashboard, measures_plan

APPENDIX_ID = "qm-pdf-anhang"
#: Appendix sections: key → title. Report views on the institution's pages point here.
SECTIONS = {
    "ueberblick": "Überblick: Reifegrad und Kennzahlen",
    "aussagen": "Umsetzung je Qualitätsbereich mit Nachweisen",
    "matrix": "Matrix Anforderung → Umsetzung → Nachweis",
    "offen": "Offene Maßnahmen und Befunde",
    "luecken": "Lückenliste",
}
#: Report view → the appendix section showing the same for one institution.
_NETWORK_NOTE = "Hier zeigt die Website eine Auswertung über das ganze Netzwerk; sie gehört nicht in dieses Handbuch."
_VIEW_SECTION = {"dashboard": "ueberblick", "audit": "aussagen", "measures": "offen", "gaps": "luecken"}


def section_id(key: str) -> str:
    """The anchor of an appendix section."""
    return f"{APPENDIX_ID}-{key}"


def statements_by_requirement(member: InstitutionResult) -> dict[str, list[str]]:
    """Requirement need ID → the institution's statement IDs."""
    return {req: [s.id for s in cell.statements] for req, cell in member.cells.items()}


#: IDs longer than this get line-break opportunities after their underscores in table cells.
LONG_ID = 20
#: Zero-width space: a line may break here; nothing is drawn.
BREAK = "\u200b"


def breakable_id(need_id: str) -> str:
    """A long ID that may wrap after an underscore, so it stays inside a narrow table column."""
    return need_id.replace("_", "_" + BREAK) if len(need_id) > LONG_ID else need_id


def _ids(link: Linker, items: Sequence[tuple[str, str]]) -> Content:
    """Linked IDs separated by commas (a dash when empty)."""
    if not items:
        return "–"
    parts: list[nodes.Node] = []
    for i, (docname, need_id) in enumerate(items):
        if i:
            parts.append(nodes.Text(", "))
        parts.append(ref(link, docname, need_id, breakable_id(need_id)))
    return para(*parts)


def _matrix(result: CoverageResult, member: InstitutionResult, link: Linker) -> list[nodes.Node]:
    catalog = result.catalogs[member.catalog]
    rows: list[Row] = []
    for req in catalog.requirements():
        cell: Cell = member.cells[req.need_id]
        open_items = [(m.docname, m.id) for m in cell.open_measures] + [(f.docname, f.id) for f in cell.open_findings]
        rows.append(
            Row(
                [
                    para(nodes.reference(req.need_id, req.need_id, refuri=f"#{req.need_id}", internal=True)),
                    status_node(cell.status),
                    _ids(link, [(s.docname, s.id) for s in cell.statements]),
                    _ids(link, [(e.docname, e.id) for e in cell.evidence]),
                    _ids(link, open_items),
                ]
            )
        )
    headers = ["Anforderung", "Status", "Umsetzung", "Nachweise", "Offene Maßnahmen und Befunde"]
    return [stand(result), table(headers, rows, classes=["qm-pdf-matrix"], widths=[15, 13, 20, 30, 22])]


def _findings(result: CoverageResult, member: InstitutionResult, link: Linker) -> list[nodes.Node]:
    rows: list[Sequence[Content]] = []
    for fd in member.findings:
        if fd.closed:
            continue
        measures = [(m.docname, m.id) for m in member.measures if m.id in fd.measures]
        rows.append(
            [
                para(ref(link, fd.docname, fd.id, fd.title), f" ({fd.id})"),
                fd.kind,
                f"{fd.audit}, {format_date(fd.found_on)}" if fd.found_on else fd.audit,
                status_node(fd.status),
                _ids(link, measures),
            ]
        )
    out: list[nodes.Node] = [nodes.rubric(text="Offene Befunde")]
    if not rows:
        return [*out, no_entries("Keine offenen Befunde.")]
    headers = ["Befund", "Art", "Audit", "Status", "Maßnahmen"]
    return [*out, table(headers, rows, classes=["qm-pdf-befunde"], widths=[34, 16, 22, 12, 16])]


def _section(key: str, content: list[nodes.Node]) -> nodes.section:
    section = nodes.section(ids=[section_id(key)], classes=["qm-pdf-appendix-section"])
    section += nodes.title(text=SECTIONS[key])
    section.extend(content)
    return section


def audit_appendix(result: CoverageResult, inst: Institution, link: Linker) -> nodes.section:
    """The appendix of one institution.

    :param result: the build's report computation
    :param inst: the institution
    :param link: ``link(docname, anchor)`` → URI in the PDF (None: no target)
    """
    member = result.institutions[inst.code]
    appendix = nodes.section(ids=[APPENDIX_ID], classes=["qm-pdf-part"])
    appendix += nodes.title(text="Anhang für das Audit")
    appendix += nodes.paragraph(
        text="Der Anhang fasst zusammen, wie die Einrichtung die Anforderungen des Katalogs umsetzt und belegt, "
        "welche Maßnahmen und Befunde offen sind und wo Lücken bestehen. Er wird aus denselben Daten und "
        "mit derselben Berechnung erzeugt wie die Auswertungen der Website."
    )
    appendix += _section("ueberblick", institution_dashboard(result, inst.code, "qm-pdf-diagramm"))
    appendix += _section("aussagen", audit_view(result, inst.code, {"bereich": []}, link))
    appendix += _section("matrix", _matrix(result, member, link))
    measures = measures_plan(result, {"einrichtung": [inst.code], "offen": True}, link)
    appendix += _section("offen", [nodes.rubric(text="Offene Maßnahmen"), *measures, *_findings(result, member, link)])
    appendix += _section("luecken", gap_list(result, [inst.code], None, link, with_partners=False))
    return appendix


def replace_report_views(doctree: nodes.Element, inst: Institution) -> None:
    """Replace report views on an institution's page by pointers to the appendix.

    A view of this institution alone points to its appendix section; a view of the
    network (other institutions' data) is left out with a short note.
    """
    for node in list(doctree.findall(qm_report)):
        options = node["options"]
        key = _VIEW_SECTION.get(node["view"])
        own = options.get("einrichtung") == [inst.code] and not options.get("netzwerk")
        if node["view"] in ("card", "exports"):
            node.parent.remove(node)
        elif key is not None and own:
            target = nodes.reference("", SECTIONS[key], refuri=f"#{section_id(key)}", internal=True)
            node.replace_self(para("Diese Auswertung steht im Anhang: ", target, ".", classes=["qm-pdf-pointer"]))
        else:
            note = (
                "Hier zeigt die Website eine Auswertung über das ganze Netzwerk; sie gehört nicht in dieses Handbuch."
            )
            node.replace_self(nodes.paragraph(text=note, classes=["qm-pdf-pointer"]))
