"""Front matter of a PDF: cover, document control table and table of contents.

These parts are written as HTML directly (not as doctree nodes): they only show
registry data and page metadata, and the table of contents must be generated from
the finished document, after every ID got its final form. Page numbers in the table
of contents come from CSS (``target-counter``), so they always match the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from docutils import nodes

from ..model.labels import format_date
from ..site.doccontrol import PageControl

#: Logo files looked for in an institution's folder, in this order.
LOGO_FILES = ("logo.svg", "logo.png")


@dataclass(frozen=True, slots=True, kw_only=True)
class Cover:
    """What the cover page shows."""

    kicker: str
    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]
    notice: str = ""
    logo: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlRow:
    """One line of the document control table."""

    anchor: str
    title: str
    control: PageControl


def find_logo(folder: Path) -> Path | None:
    """The institution's logo file, if its folder has one."""
    return next((folder / name for name in LOGO_FILES if (folder / name).is_file()), None)


def cover_html(cover: Cover) -> str:
    """The cover page."""
    logo = ""
    if cover.logo is not None:
        logo = f'<img class="qm-pdf-logo" src="{escape(cover.logo.as_uri())}" alt="Logo">'
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in cover.rows if v)
    notice = f'<p class="qm-pdf-notice">{escape(cover.notice)}</p>' if cover.notice else ""
    return (
        '<section class="qm-pdf-cover">'
        f"{logo}"
        f'<p class="qm-pdf-kicker">{escape(cover.kicker)}</p>'
        f'<h1 class="qm-pdf-title">{escape(cover.title)}</h1>'
        f'<p class="qm-pdf-subtitle">{escape(cover.subtitle)}</p>'
        f'<table class="qm-pdf-facts">{rows}</table>'
        f"{notice}"
        "</section>"
    )


def control_html(rows: Sequence[ControlRow], as_of: dt.date) -> str:
    """The document control table: every page with its version, status and review dates."""
    head = "".join(
        f"<th>{label}</th>"
        for label in ("Seite", "Fassung", "Status", "Verantwortlich", "Freigegeben am", "Nächste Prüfung")
    )
    body = []
    for row in rows:
        c = row.control
        approved = format_date(c.approved_on)
        if c.approved_on and c.approved_by:
            approved += f" ({c.approved_by})"
        review = format_date(c.next_review)
        review_class = ""
        if c.next_review and c.next_review < as_of:
            review += " – überfällig"
            review_class = ' class="qm-pdf-overdue"'
        body.append(
            f'<tr><td><a href="#{escape(row.anchor)}">{escape(row.title)}</a></td>'
            f"<td>{escape(c.version or '–')}</td><td>{escape(c.status or '–')}</td>"
            f"<td>{escape(c.owner or '–')}</td><td>{escape(approved)}</td>"
            f"<td{review_class}>{escape(review)}</td></tr>"
        )
    return (
        '<section class="qm-pdf-control" id="qm-pdf-lenkung">'
        '<h1 class="qm-pdf-fronthead">Dokumentenlenkung</h1>'
        f"<p>Stand der Seiten dieses Dokuments am {format_date(as_of)}. Seiten, deren Prüftermin vor diesem "
        "Datum liegt, sind als überfällig markiert.</p>"
        f'<table class="qm-pdf-table qm-pdf-control-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></section>"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TocEntry:
    """A heading listed in the table of contents."""

    level: int
    anchor: str
    title: str


def toc_entries(parts: Iterable[nodes.Node], max_level: int) -> list[TocEntry]:
    """The headings of the document (sections up to ``max_level`` deep), in order."""
    entries: list[TocEntry] = []

    def walk(node: nodes.Node, level: int) -> None:
        if isinstance(node, nodes.section):
            title = node.next_node(nodes.title)
            if node["ids"] and title is not None:
                entries.append(TocEntry(level=level, anchor=node["ids"][0], title=title.astext()))
            level += 1
        if level > max_level or not isinstance(node, nodes.Element):
            return
        for child in node.children:
            walk(child, level)

    for part in parts:
        walk(part, 1)
    return entries


def toc_html(entries: Sequence[TocEntry]) -> str:
    """The table of contents; CSS adds dot leaders and page numbers."""
    items = "".join(
        f'<li class="qm-pdf-toc-{e.level}"><a href="#{escape(e.anchor)}">{escape(e.title)}</a></li>' for e in entries
    )
    return f'<nav class="qm-pdf-toc" id="qm-pdf-inhalt"><h1 class="qm-pdf-fronthead">Inhalt</h1><ul>{items}</ul></nav>'
