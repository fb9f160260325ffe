"""Document control: the front matter of a handbook page, shown under its title.

Handbook pages carry their control data as front matter (``fassung``, ``status``,
``verantwortlich``, ``freigegeben_von``, ``freigegeben_am``, ``naechste_pruefung``,
``sichtbarkeit``). This module reads them from Sphinx's page metadata and inserts
a compact line below the page title, so readers and auditors see version, approval
and the next review date on every page.

The change history from git ("zuletzt geändert", the last changes) is added at write
time, not while reading: a commit changes the history without changing the page's
source, so Sphinx would not read the page again. :func:`page_history` runs git once
per build (:mod:`..model.githistory`); :func:`pages_with_new_history` compares each
page's history with the one written into the output folder last time
(``.qm-verlauf.json``) and has Sphinx write exactly the pages whose history changed
(and the document registers of their institutions). The public profile shows only
the date: author names are personal data and commit messages may name internal items.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from .. import pipeline
from ..model.githistory import PENDING_NEW, HistoryIndex, PageHistory, read_history, unavailable
from ..model.labels import css_token, format_date
from ..state import get_state, state_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator

_LOG = logging.getLogger(__name__)
#: Per output folder: page → fingerprint of the history written into it (incremental builds).
HISTORY_MANIFEST = ".qm-verlauf.json"
#: Builders that write pages (others never run git).
_NO_HISTORY_BUILDERS = frozenset({"dummy", "linkcheck"})

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


# --- change history from git (write time) ---------------------------------------------


class qm_details(nodes.General, nodes.Element):  # type: ignore[misc]  # noqa: N801
    """A collapsible block (HTML ``<details>``) with a one-line ``summary``."""


def _visit_details(self: HTML5Translator, node: qm_details) -> None:
    classes = " ".join(node.get("classes", []))
    self.body.append(f'<details class="{escape(classes)}"><summary>{escape(node["summary"])}</summary>')


def _depart_details(self: HTML5Translator, node: qm_details) -> None:
    self.body.append("</details>")


def is_generated(docname: str) -> bool:
    """Pages in tool-owned folders (``_generiert``, ``_regionen``) have no history of their own."""
    return any(part.startswith("_") for part in docname.split("/")[:-1])


def source_path(env: BuildEnvironment, docname: str) -> str:
    """The page's source file relative to the project folder, ``/``-separated."""
    return Path(env.doc2path(docname, False)).as_posix()


def page_history(app: Sphinx) -> HistoryIndex:
    """The git history of every page, read once per build (never for the check builder)."""
    write = get_state(app).write
    if write.history is None:
        if app.builder.name in _NO_HISTORY_BUILDERS:
            write.history = unavailable("")
        else:
            env = app.env
            folders = {source_path(env, d).split("/")[0] for d in env.found_docs if not is_generated(d)}
            write.history = read_history(Path(app.srcdir), folders)
            if not write.history.available:
                _LOG.info(f"Änderungsverlauf aus git nicht verfügbar: {write.history.reason}")
    return write.history


def history_of(app: Sphinx, docname: str) -> PageHistory | None:
    """The history of one page (None: git knows nothing of it, or the page is generated)."""
    if is_generated(docname):
        return None
    return page_history(app).of(source_path(app.env, docname))


def is_public_build(app: Sphinx) -> bool:
    """The build writes the public profile (no author names, no commit messages)."""
    from ..publish.profile import is_public

    return is_public(app.config)


def _pending_text(history: PageHistory) -> str:
    return "neu, noch nicht eingetragen" if history.pending == PENDING_NEW else "geändert, noch nicht eingetragen"


def history_summary(history: PageHistory | None) -> str:
    """The short form for the register: the date of the last change, or what is pending."""
    if history is None:
        return "–"
    parts = []
    if history.last is not None:
        parts.append(format_date(history.last.date))
    elif history.incomplete:
        parts.append("unbekannt (gekürzte Git-Kopie)")
    if history.pending:
        parts.append(_pending_text(history))
    return ", ".join(parts) or "–"


def last_changed(app: Sphinx, docname: str) -> str:
    """The "Zuletzt geändert" entry of a page in the register and in the PDF's control table."""
    if not page_history(app).available:
        return "nicht verfügbar"
    return history_summary(history_of(app, docname))


def history_box(index: HistoryIndex, history: PageHistory | None, public: bool) -> nodes.container | None:
    """The history block of one page (None: nothing to show)."""
    box = nodes.container(classes=["qm-verlauf"])
    if not index.available:
        if not index.reason:
            return None
        box += nodes.paragraph(text=f"Änderungsverlauf nicht verfügbar: {index.reason}")
        return box
    if history is None:
        return None
    last = history.last
    parts = []
    if last is not None:
        text = f"Zuletzt geändert am {format_date(last.date)}"
        parts.append(text if public else f"{text} von {last.author} (Commit {last.commit})")
    elif history.incomplete:
        parts.append(
            "Änderungsverlauf nicht verfügbar: Die Git-Kopie ist gekürzt (flacher Klon); "
            "der vollständige Verlauf kommt mit „git fetch --unshallow“."
        )
    if history.pending:
        parts.append(_pending_text(history).capitalize() if not parts else _pending_text(history))
    box += nodes.paragraph(text=" · ".join(parts))
    if public or not history.changes:
        return box
    count = "1 Änderung" if history.total == 1 else f"{history.total} Änderungen"
    shown = f", die letzten {len(history.changes)}" if history.total > len(history.changes) else ""
    details = qm_details(summary=f"Änderungsverlauf ({count}{shown})", classes=["qm-verlauf-liste"])
    entries = nodes.bullet_list()
    for change in history.changes:
        item = nodes.list_item()
        item += nodes.paragraph(text=f"{format_date(change.date)}: {change.subject} ({change.author}, {change.commit})")
        entries += item
    details += entries
    if history.incomplete:
        details += nodes.paragraph(text="Ältere Änderungen fehlen in dieser gekürzten Git-Kopie.")
    box += details
    return box


def insert_history(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Show the page's history in its control box (or below its title), HTML pages only."""
    if app.builder.format != "html" or is_generated(docname):
        return
    box = history_box(page_history(app), history_of(app, docname), is_public_build(app))
    if box is None:
        return
    control = next((n for n in doctree.findall(nodes.container) if "qm-lenkung" in n["classes"]), None)
    if control is not None:
        control += box
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None and section.children and isinstance(section[0], nodes.title):
        line = nodes.container(classes=["qm-lenkung"])  # looks like the control line of other pages
        line += box
        section.insert(1, line)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def history_prints(app: Sphinx) -> dict[str, str]:
    """Page → fingerprint of what the page and its institution's register show of it.

    The history, and for the register also the page's title and control data; computed
    once per build (after reading, nothing it depends on changes).
    """
    write = get_state(app).write
    if write.history_prints is None:
        write.history_prints = _fingerprints(app)
    return write.history_prints


def _fingerprints(app: Sphinx) -> dict[str, str]:
    env = app.env
    index = page_history(app)
    controls = page_controls(env)
    profile = "oeffentlich" if is_public_build(app) else "intern"
    prints = {}
    for docname in env.found_docs:
        if is_generated(docname):
            continue
        history = history_of(app, docname)
        title = env.titles[docname].astext() if docname in env.titles else ""
        text = f"{profile}\n{index.reason}\n{title}\n{controls.get(docname)!r}\n"
        prints[docname] = _digest(text + (history.fingerprint() if history else ""))
    return prints


def _read_manifest(path: Path) -> dict[str, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def pages_with_new_history(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again because their history changed, and the registers listing them.

    Compared with what the output folder holds (``.qm-verlauf.json``), not with the
    previous build: the internal and the public site share one environment. A register
    is written again only when the history, title or control data of one of its pages
    changed, not after every edit of a page's text (keeps the preview fast).
    """
    if app.builder.format != "html":
        return []
    old = _read_manifest(Path(app.outdir) / HISTORY_MANIFEST)
    new = history_prints(app)
    if old is None:
        return sorted(new)  # an output folder without the record: write every page once
    changed = {doc for doc, fp in new.items() if old.get(_digest(doc)) != fp}
    # Document registers show the history (and the control data) of their institution's pages.
    from ..model.context import get_context
    from .register import register_pages

    ctx = get_context(env)
    codes = {inst.code for doc in changed if (inst := ctx.institution_of(doc))}
    return sorted((changed | register_pages(env, codes)) & env.found_docs)


def write_history_manifest(app: Sphinx, exception: BaseException | None) -> None:
    """Record which history every page of this output folder shows."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    # Page names as digests: the file lies in the public output too, and must not name internal pages.
    prints = {_digest(doc): fp for doc, fp in history_prints(app).items()}
    text = json.dumps(prints, ensure_ascii=False, indent=0, sort_keys=True)
    (outdir / HISTORY_MANIFEST).write_text(text, encoding="utf-8")


def setup_doccontrol(app: Sphinx) -> None:
    """Run after Sphinx collected the page metadata (collectors use priority 500)."""
    app.connect("doctree-read", insert_control_line, priority=pipeline.AFTER_SPHINX_COLLECTORS)
    app.add_node(qm_details, html=(_visit_details, _depart_details))
    app.connect("doctree-resolved", insert_history)
    app.connect("env-get-updated", pages_with_new_history)
    app.connect("build-finished", write_history_manifest)
