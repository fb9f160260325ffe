"""Front matter of a PDF: cover, document control table and table of contents.

These parts only show registry data and page metadata, so they are passed to the
template's functions as Typst data (strings, never markup). The table of contents is
Typst's outline of the document's headings; its page numbers and links always match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model.labels import format_date
from ..site.doccontrol import PageControl
from . import _syntax as ty

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
    #: date of the last change from git, or why it is not known (``doccontrol.last_changed``)
    changed: str = "–"


def find_logo(folder: Path) -> Path | None:
    """The institution's logo file, if its folder has one."""
    return next((folder / name for name in LOGO_FILES if (folder / name).is_file()), None)


def cover_typst(cover: Cover, logo: str | None) -> str:
    """The cover page (``logo``: the logo's file name in the compile folder)."""
    rows = "".join(f"({ty.string(k)}, {ty.string(v)})," for k, v in cover.rows if v)
    return (
        f"#qm-cover(kicker: {ty.string(cover.kicker)}, title: {ty.string(cover.title)}, "
        f"subtitle: {ty.string(cover.subtitle)}, rows: ({rows}), notice: {ty.string(cover.notice)}, "
        f"logo: {ty.string(logo) if logo else 'none'})\n"
    )


def control_typst(rows: Sequence[ControlRow], as_of: dt.date) -> str:
    """The document control table: every page with its version, status, review dates and last change."""
    body = []
    for row in rows:
        c = row.control
        approved = format_date(c.approved_on)
        if c.approved_on and c.approved_by:
            approved += f" ({c.approved_by})"
        review = format_date(c.next_review)
        overdue = bool(c.next_review and c.next_review < as_of)
        if overdue:
            review += " – überfällig"
        values = (row.anchor, row.title, c.version or "–", c.status or "–", c.owner or "–", approved, review)
        flag = ", true, " if overdue else ", false, "
        body.append("(" + ", ".join(ty.string(v) for v in values) + flag + ty.string(row.changed) + "),")
    intro = (
        f"Stand der Seiten dieses Dokuments am {format_date(as_of)}. Seiten, deren Prüftermin vor diesem "
        "Datum liegt, sind als überfällig markiert."
    )
    return f"#qm-control(intro: {ty.string(intro)}, rows: ({''.join(body)}))\n"


def contents_typst() -> str:
    """The table of contents (Typst's outline: headings up to level 3, with page numbers)."""
    return "#qm-contents()\n"
