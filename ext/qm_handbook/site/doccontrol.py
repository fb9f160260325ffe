"""Document control: the front matter of a handbook page, shown under its title.

Handbook pages carry their control data as front matter (``fassung``, ``status``,
``verantwortlich``, ``freigegeben_von``, ``freigegeben_am``, ``naechste_pruefung``,
``sichtbarkeit``). This module reads them from Sphinx's page metadata and inserts
a compact line below the page title, so readers and auditors see version, approval
and the next review date on every page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docutils import nodes

from .. import pipeline
from ..model.labels import css_token, format_date
from ..state import state_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

KEYS = ("fassung", "status", "verantwortlich", "freigegeben_von", "freigegeben_am", "naechste_pruefung", "sichtbarkeit")
PAGE_STATUSES = ("Entwurf", "freigegeben", "archiviert")
VISIBILITIES = ("öffentlich", "intern")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageControl:
    """Document control data of one page (values as written)."""

    version: str = ""
    status: str = ""
    owner: str = ""
    approved_by: str = ""
    approved_on: dt.date | None = None
    next_review: dt.date | None = None
    visibility: str = ""

    @property
    def present(self) -> bool:
        """True when the page declares any control data."""
        return any((self.version, self.status, self.owner, self.approved_by, self.approved_on, self.next_review))


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def page_control(metadata: dict[str, object]) -> PageControl:
    """Control data from a page's metadata (unparseable dates become None)."""
    return PageControl(
        version=str(metadata.get("fassung", "")),
        status=str(metadata.get("status", "")),
        owner=str(metadata.get("verantwortlich", "")),
        approved_by=str(metadata.get("freigegeben_von", "")),
        approved_on=_date(metadata.get("freigegeben_am")),
        next_review=_date(metadata.get("naechste_pruefung")),
        visibility=str(metadata.get("sichtbarkeit", "")),
    )


def page_controls(env: BuildEnvironment) -> dict[str, PageControl]:
    """Control data of every page of the build, assembled once per build (write phase).

    The one source for the reports (next review dates) and the PDF's document control.
    """
    write = state_of(env).write
    if write.page_controls is None:
        write.page_controls = {doc: page_control(env.metadata.get(doc, {})) for doc in sorted(env.found_docs)}
    return write.page_controls


def control_line(control: PageControl) -> nodes.container:
    """The line shown below the title."""
    parts = []
    if control.version:
        parts.append(f"Fassung {control.version}")
    if control.status:
        parts.append(control.status)
    if control.approved_on:
        text = f"freigegeben am {format_date(control.approved_on)}"
        parts.append(text + (f" durch {control.approved_by}" if control.approved_by else ""))
    if control.owner:
        parts.append(f"verantwortlich: {control.owner}")
    if control.next_review:
        parts.append(f"nächste Prüfung: {format_date(control.next_review)}")
    if control.visibility:
        parts.append(control.visibility)
    box = nodes.container(classes=["qm-lenkung", f"qm-seitenstatus-{css_token(control.status or 'ohne')}"])
    box += nodes.paragraph(text=" · ".join(parts))
    if control.status == "Entwurf":
        note = nodes.container(classes=["qm-entwurf-hinweis"])
        note += nodes.paragraph(
            text="Entwurf: Diese Seite ist noch nicht freigegeben; ihr Inhalt kann sich noch ändern."
        )
        box += note
    return box


def insert_control_line(app: Sphinx, doctree: nodes.document) -> None:
    """Insert the control line below the first title of the page being read."""
    env = app.env
    control = page_control(env.metadata.get(env.docname, {}))
    if not control.present:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    section.insert(1, control_line(control))


def setup_doccontrol(app: Sphinx) -> None:
    """Run after Sphinx collected the page metadata (collectors use priority 500)."""
    app.connect("doctree-read", insert_control_line, priority=pipeline.AFTER_SPHINX_COLLECTORS)
