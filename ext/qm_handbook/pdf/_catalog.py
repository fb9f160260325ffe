"""The catalog chapter of an institution PDF: every requirement the institution answers.

Written from the catalog data (not from the website's catalog pages), because those
pages list the statements of all institutions; the PDF of one institution shows only
its own. Each requirement and test criterion carries its need ID as anchor, so the
"setzt um" links in the institution's chapters lead here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docutils import nodes

from ..model.catalog import Area, Catalog, Requirement

CHAPTER_ID = "qm-pdf-katalog"


def _link(target: str, text: str) -> nodes.reference:
    return nodes.reference("", text, refuri=f"#{target}", internal=True)


def _requirement(req: Requirement, statements: Sequence[str]) -> nodes.container:
    box = nodes.container(ids=[req.need_id], classes=["qm-pdf-requirement"])
    head = nodes.paragraph(classes=["qm-pdf-requirement-head"])
    head += nodes.strong(text=f"{req.number} {req.title}")
    head += nodes.inline(text=req.need_id, classes=["qm-pdf-id"])
    box += head
    box += nodes.paragraph(text=req.text)
    if req.references:
        box += nodes.paragraph(text="Bezüge: " + "; ".join(req.references), classes=["qm-pdf-small"])
    if req.criteria:
        items = nodes.bullet_list(classes=["qm-pdf-criteria"])
        for crit in req.criteria:
            item = nodes.list_item(ids=[crit.need_id])
            para = nodes.paragraph()
            para += nodes.strong(text=f"{crit.number}: ")
            para += nodes.Text(crit.text)
            para += nodes.inline(text=crit.need_id, classes=["qm-pdf-id"])
            item += para
            items += item
        box += nodes.paragraph(text="Prüfkriterien", classes=["qm-pdf-label"])
        box += items
    answer = nodes.paragraph(classes=["qm-pdf-small"])
    answer += nodes.Text("Umsetzung in dieser Einrichtung: ")
    if statements:
        for i, need_id in enumerate(statements):
            if i:
                answer += nodes.Text(", ")
            answer += _link(need_id, need_id)
    else:
        answer += nodes.emphasis(text="keine Umsetzungsaussage")
    box += answer
    return box


def _area(area: Area, statements: Mapping[str, Sequence[str]], *, new_page: bool) -> nodes.section:
    section = nodes.section(ids=[f"{CHAPTER_ID}-{area.code}"], classes=["qm-pdf-area"] if new_page else [])
    section += nodes.title(text=f"{area.code} {area.title}")
    meta = f"{area.level}" if area.level else ""
    if meta:
        section += nodes.paragraph(text=meta, classes=["qm-pdf-small"])
    if area.description:
        section += nodes.paragraph(text=area.description)
    for req in area.requirements:
        section += _requirement(req, statements.get(req.need_id, ()))
    return section


def catalog_chapter(catalog: Catalog, statements: Mapping[str, Sequence[str]]) -> nodes.section:
    """The chapter with every requirement of ``catalog``.

    :param catalog: the catalog the institution answers
    :param statements: requirement need ID → the institution's statement IDs
    """
    chapter = nodes.section(ids=[CHAPTER_ID], classes=["qm-pdf-part"])
    chapter += nodes.title(text=f"Anforderungskatalog {catalog.label}")
    if catalog.title:
        chapter += nodes.paragraph(text=catalog.title, classes=["qm-pdf-lead"])
    if catalog.notice:
        chapter += nodes.paragraph(text=catalog.notice, classes=["qm-pdf-notice"])
    if catalog.description:
        chapter += nodes.paragraph(text=catalog.description)
    for i, area in enumerate(catalog.areas):
        chapter += _area(area, statements, new_page=i > 0)
    return chapter
