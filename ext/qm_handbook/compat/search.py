"""Sphinx's search, made to find the handbook's items.

* **IDs first**: every need is an object of the small domain ``qm`` (name = its ID,
  type = its need type). Sphinx's search ranks an exact object name above page titles
  and text, so ``DQE_E1_1`` leads to the requirement first. The objects come from the
  need cards' index (:func:`.cards.card_index`), which knows what this build may show:
  the public profile lists no internal item, neither in the search index nor in
  ``objects.inv``.
* **Institution in the title**: the search index stores the title of each page of an
  institution with the institution's short name (``E1 Leitbild – VHS Leipziger Land``),
  so equal page titles of different institutions can be told apart. The page itself
  keeps its title; only the HTML builder's ``index_page`` call is wrapped.
* **German result count and text snippets**: ``qm-search.js`` (see there).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from sphinx.domains import Domain, ObjType
from sphinx.errors import ExtensionError

from ..model.context import handbook_context
from ..model.metamodel import load_metamodel
from ..state import state_of

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

#: Sphinx's object priority "default" (0 important, 1 default, 2 unimportant).
_PRIORITY = 1


class NeedDomain(Domain):
    """The handbook's items as searchable objects (no directives or roles of its own)."""

    name = "qm"
    label = "QM"
    object_types = {t.name: ObjType(t.title, t.name) for t in load_metamodel().types.values()}  # noqa: RUF012
    initial_data: ClassVar[dict[str, Any]] = {}

    def clear_doc(self, docname: str) -> None:
        """Nothing is stored per page (the objects come from the build's needs)."""

    def merge_domaindata(self, docnames: Any, otherdata: dict[str, Any]) -> None:
        """Nothing to merge from parallel reading processes."""

    def get_objects(self) -> Iterable[tuple[str, str, str, str, str, int]]:
        cards = state_of(self.env).write.cards
        if cards is None:
            return
        for need_id, target in sorted(cards.targets.items()):
            if target.docname and target.type_name and cards.shown(need_id):
                # Sphinx's search matches the display name: it must be the ID itself.
                yield need_id, need_id, target.type_name, target.docname, need_id, _PRIORITY


def search_title(title: str, institution: str) -> str:
    """``E1 Leitbild – VHS Leipziger Land`` (the title alone when it names the institution)."""
    if not institution or institution in title:
        return title
    return f"{title} – {institution}"


def _wrap_index_page(app: Sphinx) -> None:
    builder = app.builder
    index_page = getattr(builder, "index_page", None)
    if index_page is None or getattr(index_page, "_qm_search", False):
        return
    if tuple(inspect.signature(index_page).parameters) != ("pagename", "doctree", "title"):
        raise ExtensionError(
            "Die Suche des Handbuchs passt nicht zur installierten Sphinx-Version (index_page). "
            "Prüfen Sie ext/qm_handbook/compat/search.py oder installieren Sie die Versionen aus constraints.txt."
        )

    def index_with_institution(pagename: str, doctree: nodes.document, title: str) -> None:
        institution = handbook_context(app).institution_of(pagename)
        index_page(pagename, doctree, search_title(title, institution.short_name if institution else ""))

    index_with_institution._qm_search = True  # type: ignore[attr-defined]
    setattr(builder, "index_page", index_with_institution)  # noqa: B010 (HTML builders only)


def setup_search(app: Sphinx) -> None:
    """Register the domain, the title wrapper and the search script."""
    app.add_domain(NeedDomain)
    app.connect("builder-inited", _wrap_index_page)
    app.add_js_file("qm-search.js", loading_method="defer")
