"""Lists of statements to re-check ("zu prüfen") and of all warning codes.

``{qm-zu-pruefen}`` lists the statements whose requirement text changed since they
were last confirmed (or that were never confirmed), with a link to each statement and
the command that re-confirms it. On an institution's page it lists that institution's
statements; elsewhere, or with ``:alle:``, every institution's, grouped by code.
The list is filled late (``doctree-resolved``) from the checks that ran once before
writing, so it always shows the state of the whole network.

``{qm-warncodes}`` renders every registered warning code with its German description,
severity and example, plus the translated warnings of Sphinx, MyST and sphinx-needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..model.context import get_context
from ..model.model_docs import _table
from ..site.dependencies import note_needs_view
from ..site.examples import localize
from .diagnostics import CODES
from .translate import TRANSLATIONS
from .validate import Suspect, suspects_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx


class qm_zu_pruefen(nodes.General, nodes.Element):  # type: ignore[misc]  # noqa: N801
    """Placeholder, replaced by the list at doctree-resolved."""


class ZuPruefenDirective(SphinxDirective):
    """``{qm-zu-pruefen}``: statements to re-check."""

    option_spec: ClassVar[dict[str, object]] = {"alle": directives.flag}

    def run(self) -> list[nodes.Node]:
        ctx = get_context(self.env)
        inst = None if "alle" in self.options else ctx.institution_of(self.env.docname)
        note_needs_view(self.env, call=("suspect", "", {"code": inst.code if inst else ""}))
        node = qm_zu_pruefen(code=inst.code if inst else "")
        self.set_source_info(node)
        return [node]


def _entry(app: Sphinx, fromdocname: str, item: Suspect) -> nodes.list_item:
    para = nodes.paragraph()
    uri = app.builder.get_relative_uri(fromdocname, item.docname) + f"#{item.id}"
    para += nodes.reference("", item.id, internal=True, refuri=uri)
    para += nodes.Text(f" – {item.title}: {item.reason}. Bestätigen mit ")
    para += nodes.literal(text=f"python3 noxfile.py -s bestaetigen -- {item.id}")
    return nodes.list_item("", para)


def process_zu_pruefen(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Fill every placeholder with the statements found by the checks."""
    from ..compat.view_digests import record_view

    for index, node in enumerate(list(doctree.findall(qm_zu_pruefen))):
        made = render_zu_pruefen(app, fromdocname, node["code"])
        record_view(app, fromdocname, "suspect", index, [made])
        node.replace_self(made)


def render_zu_pruefen(app: Sphinx, fromdocname: str, code: str) -> nodes.container:
    """The list of statements to re-check of one institution (``code``) or of all (``""``)."""
    suspects = suspects_of(app)
    groups = {code: suspects.get(code, [])} if code else suspects
    box = nodes.container(classes=["qm-zu-pruefen"])
    if not any(groups.values()):
        box += nodes.paragraph(text="Keine Umsetzung ist zu prüfen: alle sind gegen die aktuelle Fassung ihrer "
                               "Anforderung bestätigt.")  # fmt: skip
    for group_code, items in sorted(groups.items()):
        if not items:
            continue
        if not code:
            box += nodes.rubric(text=f"{group_code}: {len(items)} zu prüfen")
        bullets = nodes.bullet_list()
        bullets.extend(_entry(app, fromdocname, item) for item in items)
        box += bullets
    return box


class WarncodesDirective(SphinxDirective):
    """``{qm-warncodes}``: all warning codes with description and example."""

    def run(self) -> list[nodes.Node]:
        ctx = get_context(self.env)
        for path in ctx.data_files():  # the examples name the current institutions and catalog
            self.env.note_dependency(str(path))
        own = _table(
            ["Code", "Art", "Bedeutung", "Beispiel"],
            [
                [
                    f"qm.{c.name}",
                    "Fehler" if c.severity == "error" else "Warnung",
                    localize(c.description, ctx),
                    localize(c.example, ctx),
                ]
                for c in CODES.values()
            ],
            [18, 8, 32, 42],
        )
        seen: dict[str, str] = {}
        for t in TRANSLATIONS:
            seen.setdefault(t.code, t.description)
        foreign = _table(["Code", "Bedeutung"], [[code, localize(text, ctx)] for code, text in seen.items()], [30, 70])
        own["ids"] = ["qm-warncodes"]
        foreign["ids"] = ["qm-fremdmeldungen"]
        return [own, nodes.rubric(text="Übersetzte Meldungen von Sphinx, MyST und sphinx-needs"), foreign]


def setup_suspect(app: Sphinx) -> None:
    """Register both directives and the late processor."""
    app.add_node(qm_zu_pruefen)
    app.add_directive("qm-zu-pruefen", ZuPruefenDirective)
    app.add_directive("qm-warncodes", WarncodesDirective)
    app.connect("doctree-resolved", process_zu_pruefen)
