"""German display of need cards: dates in the form ``31.12.2026``.

sphinx-needs prints field values as written (ISO dates). After it has rendered the
need cards of a page, this processor rewrites the date fields of those cards, and only
those, into the German form. It touches nothing but the current page's nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

from .. import pipeline
from ..model.labels import germanize_dates
from ..model.metamodel import load_metamodel

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def process_need_dates(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Rewrite ISO dates inside the date fields of the need cards on ``docname``."""
    classes = {f"needs_{name}" for name in load_metamodel().date_fields()}
    for inline in doctree.findall(nodes.inline):
        if not classes.intersection(inline["classes"]):
            continue
        for text in list(inline.findall(nodes.Text)):
            new = germanize_dates(text.astext())
            if new != text.astext():
                text.parent.replace(text, nodes.Text(new))


def setup_need_display(app: Sphinx) -> None:
    """Run after sphinx-needs has built the need cards (its handlers use priority 500)."""
    app.connect("doctree-resolved", process_need_dates, priority=pipeline.AFTER_NEED_CARDS)
