"""``{qm-dokumente}``: the document register of an institution.

Every page of the institution's handbook in one table: title (linked), version,
status, owner, approved by and on, next review, and the day of the last change from git
(the commit, author and message are on the page itself, see :mod:`.doccontrol`). A next review before the as-of date
is marked "überfällig", a draft "Entwurf". The data is the page header of each page
(see :mod:`.doccontrol`), read once per build (``page_controls``); the table is
filled late (``doctree-resolved``), when every page has been read.

On an institution's page the register lists that institution's pages; elsewhere
``:einrichtung: <Kürzel>`` names the institution.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.context import get_context
from ..model.labels import format_date
from ..state import state_of
from .dependencies import note_needs_view
from .doccontrol import last_changed, page_controls

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_LOG = logging.getLogger(__name__)
HEADINGS = (
    "Seite",
    "Fassung",
    "Status",
    "Verantwortlich",
    "Freigegeben von",
    "Freigegeben am",
    "Nächste Prüfung",
    "Zuletzt geändert",
)


class qm_dokumente(nodes.General, nodes.Element):  # type: ignore[misc]  # noqa: N801
    """Placeholder, replaced by the register at doctree-resolved."""


class DokumenteDirective(SphinxDirective):
    """``{qm-dokumente}``: the document register."""

    option_spec: ClassVar[dict[str, object]] = {"einrichtung": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        ctx = get_context(self.env)
        code = str(self.options.get("einrichtung", "")).strip()
        inst = ctx.by_code.get(code) if code else ctx.institution_of(self.env.docname)
        if inst is None:
            msg = (
                f"„qm-dokumente“: Die Einrichtung „{code}“ gibt es nicht."
                if code
                else (
                    "„qm-dokumente“ steht nicht auf einer Seite einer Einrichtung; geben Sie :einrichtung: <Kürzel> an."
                )
            )
            _LOG.warning(msg, type="qm", subtype="report_option", location=self.get_location())
            return []
        # Written again when the history, title or control data of a page of the institution
        # changes (doccontrol.pages_with_new_history), or when the institution's needs change.
        note_needs_view(self.env, institutions=[inst.code])
        state_of(self.env).records.registers[self.env.docname] = inst.code
        node = qm_dokumente(prefix=ctx.docname_prefix(inst))
        self.set_source_info(node)
        return [node]


def _cell(text: str = "", *children: nodes.Node, classes: list[str] | None = None) -> nodes.entry:
    para = nodes.paragraph(text=text)
    para.extend(children)
    return nodes.entry("", para, classes=classes or [])


def register_table(app: Sphinx, fromdocname: str, prefix: str) -> nodes.Node:
    """The register of every page whose name starts with ``prefix``."""
    env = app.env
    ctx = get_context(env)
    controls = page_controls(env)
    table = nodes.table(classes=["qm-tabelle", "qm-dokumente"])
    group = nodes.tgroup(cols=len(HEADINGS))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in (26, 7, 10, 12, 11, 11, 11, 12))
    head = nodes.thead()
    head += nodes.row("", *(_cell(h) for h in HEADINGS))
    group += head
    body = nodes.tbody()
    group += body
    for docname in sorted(d for d in controls if d.startswith(prefix)):
        control = controls[docname]
        title = env.titles[docname].astext() if docname in env.titles else docname
        uri = app.builder.get_relative_uri(fromdocname, docname)
        link = nodes.reference("", title, internal=True, refuri=uri)
        status = control.status or "–"
        overdue = control.next_review is not None and control.next_review < ctx.as_of
        review = format_date(control.next_review) if control.next_review else "–"
        body += nodes.row(
            "",
            _cell("", link),
            _cell(control.version or "–"),
            _cell(status, classes=["qm-entwurf"] if status == "Entwurf" else []),
            _cell(control.owner or "–"),
            _cell(control.approved_by or "–"),
            _cell(format_date(control.approved_on) if control.approved_on else "–"),
            _cell(review + (" (überfällig)" if overdue else ""), classes=["qm-ueberfaellig"] if overdue else []),
            _cell(last_changed(app, docname)),
        )
    box = nodes.container(classes=["qm-scroll"])
    box += table
    return box


def process_registers(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Fill every placeholder."""
    for node in list(doctree.findall(qm_dokumente)):
        node.replace_self(register_table(app, fromdocname, node["prefix"]))


def register_pages(env: BuildEnvironment, codes: Set[str]) -> set[str]:
    """The pages showing the document register of one of the institutions ``codes``."""
    return {page for page, code in state_of(env).records.registers.items() if code in codes}


class RegisterCollector(EnvironmentCollector):
    """Keeps the pages with a register consistent across re-reads and parallel reading."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        state_of(env).records.registers.pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        theirs = state_of(other).records.registers
        state_of(env).records.registers.update({p: c for p, c in theirs.items() if p in docnames})

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        pass  # the directive records its page while the page is read


def setup_register(app: Sphinx) -> None:
    """Register the directive and the late processor."""
    app.add_env_collector(RegisterCollector)
    app.add_node(qm_dokumente)
    app.add_directive("qm-dokumente", DokumenteDirective)
    app.connect("doctree-resolved", process_registers)
