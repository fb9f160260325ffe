"""Reference tables of the QM metamodel for the authors' guide.

``{qm-metamodell}`` renders the need types (with required and optional fields and
status values), the link types with their German titles, and the vocabularies, all
read from ``metamodel.toml``. The guide therefore cannot drift from the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .metamodel import METAMODEL_FILE, Metamodel, load_metamodel

if TYPE_CHECKING:
    from sphinx.application import Sphinx


#: German names of the field kinds of ``metamodel.toml``.
FIELD_KINDS = {"text": "Text", "date": "Datum (JJJJ-MM-TT)", "choice": "Auswahl", "codes": "Kürzel von Einrichtungen"}


def _table(header: list[str], rows: list[list[str]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["qm-referenz"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    row = nodes.row()
    for cell in header:
        row += nodes.entry("", nodes.paragraph(text=cell))
    head += row
    body = nodes.tbody()
    group += body
    for values in rows:
        row = nodes.row()
        for value in values:
            row += nodes.entry("", nodes.paragraph(text=value))
        body += row
    return table


def _section(title: str, node_id: str, content: nodes.Node) -> nodes.container:
    # A rubric, not a section: directives may be used inside any section level.
    box = nodes.container(ids=[node_id], classes=["qm-referenz-block"])
    box += nodes.rubric(text=title)
    box += content
    return box


_SCOPES = {"catalog": "Katalog (erzeugt)", "institution": "Einrichtung", "network": "Netzwerk"}


def model_tables(model: Metamodel) -> list[nodes.Node]:
    """Sections with one table each: types, fields, links, vocabularies."""

    def label(name: str) -> str:
        return f"{name} ({model.fields[name].label})"

    types = _table(
        ["Direktive", "Typ", "Wo", "Pflichtfelder", "Weitere Felder", "Status", "Sichtbarkeit"],
        [
            [
                t.name,
                t.title,
                _SCOPES[t.scope],
                ", ".join(label(f) for f in t.required) or "–",
                ", ".join(label(f) for f in t.optional) or "–",
                " | ".join(t.status) or "–",
                t.visibility,
            ]
            for t in model.types.values()
        ],
        [11, 11, 10, 24, 20, 14, 10],
    )
    fields = _table(
        ["Option", "Bezeichnung", "Art", "Erlaubte Werte"],
        [
            [
                f.name,
                f.label,
                {
                    "text": "Text",
                    "date": "Datum (JJJJ-MM-TT)",
                    "choice": "Auswahl",
                    "codes": "Kürzel von Einrichtungen",
                }[f.kind],
                " | ".join(f.vocabulary) or "–",
            ]
            for f in model.fields.values()
        ],
        [18, 22, 18, 42],
    )
    links = _table(
        ["Option", "ausgehend", "eingehend", "von", "zu"],
        [
            [
                link.name,
                link.outgoing,
                link.incoming,
                ", ".join(model.types[s].title for s in link.sources),
                ", ".join(model.types[t].title for t in link.targets),
            ]
            for link in model.links.values()
        ],
        [16, 18, 18, 20, 28],
    )
    return [
        _section("Typen", "qm-typen", types),
        _section("Felder", "qm-felder", fields),
        _section("Verknüpfungen", "qm-verknuepfungen", links),
    ]


class MetamodellDirective(SphinxDirective):
    """Render the metamodel reference tables."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(METAMODEL_FILE))
        return model_tables(load_metamodel())


def setup_model_docs(app: Sphinx) -> None:
    """Register ``qm-metamodell``."""
    app.add_directive("qm-metamodell", MetamodellDirective)
