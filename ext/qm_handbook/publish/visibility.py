"""Visibility of pages and items: the one decision what the public site may show.

Every page and every need is either ``öffentlich`` or ``intern``. The decision is
made here and nowhere else, in this order:

1. a page says ``sichtbarkeit:`` in its front matter, otherwise it takes the default of
   its institution (``sichtbarkeit`` in ``einrichtung.toml``), otherwise it is public;
2. an item on an internal page is internal, with no exception ("an internal page is
   internal with everything on it");
3. otherwise an item's own ``sichtbarkeit`` field decides;
4. otherwise the default of its need type in ``metamodel.toml`` (``visibility``).

Any value other than exactly ``öffentlich`` counts as internal, so a typo can never
publish something (the page and item checks report the typo separately).

This module has no Sphinx imports: the public profile (``profile.py``), the need
cards and the tests call the same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model.institutions import Institution
from ..model.metamodel import Metamodel

PUBLIC = "öffentlich"
INTERNAL = "intern"
#: The name of the field and of the front-matter key.
FIELD = "sichtbarkeit"
#: What the public site shows instead of a link to an internal item or page.
MARKER_TEXT = "intern"
#: Shortest title that the leak check looks for (shorter ones are words of ordinary text).
MIN_TITLE_LENGTH = 12


def _normalise(value: object, default: str) -> str:
    text = str(value or "").strip()
    if not text:
        return default
    return PUBLIC if text == PUBLIC else INTERNAL


def page_visibility(front_matter: object, institution_default: str = PUBLIC) -> str:
    """Visibility of a page from its ``sichtbarkeit`` front matter and its institution's default."""
    return _normalise(front_matter, _normalise(institution_default, PUBLIC))


def item_visibility(*, own: object, type_default: str, page: str) -> str:
    """Visibility of one item (need): page first, then the item's field, then the type default."""
    if page != PUBLIC:
        return INTERNAL
    return _normalise(own, _normalise(type_default, PUBLIC))


@dataclass(frozen=True, slots=True, kw_only=True)
class VisibilityIndex:
    """Which pages and items of one build are internal (precomputed once per build)."""

    internal_docs: frozenset[str] = frozenset()
    #: Internal need ID -> its title ("" when a public item has the same title).
    internal_needs: Mapping[str, str] = field(default_factory=dict)
    #: Internal page -> its title ("" when a public page has the same title).
    internal_page_titles: Mapping[str, str] = field(default_factory=dict)

    def doc_is_internal(self, docname: str) -> bool:
        return docname in self.internal_docs

    def need_is_internal(self, need_id: str) -> bool:
        return need_id in self.internal_needs

    def leak_markers(self) -> dict[str, str]:
        """Strings that must not occur in the public output: marker -> internal item or page.

        Item IDs always; titles of internal items and pages from :data:`MIN_TITLE_LENGTH`
        characters on, unless a public item or page has the same title (then the title
        alone reveals nothing).
        """
        markers: dict[str, str] = {}
        for need_id in sorted(self.internal_needs):
            markers[need_id] = need_id
        for owner, title in [*sorted(self.internal_needs.items()), *sorted(self.internal_page_titles.items())]:
            if len(title.strip()) >= MIN_TITLE_LENGTH:
                markers.setdefault(title.strip(), owner)
        return markers


def build_index(
    *,
    model: Metamodel,
    docnames: Iterable[str],
    metadata: Mapping[str, Mapping[str, Any]],
    needs: Mapping[str, Mapping[str, Any]],
    institution_of: Callable[[str], Institution | None],
    titles: Mapping[str, str] | None = None,
) -> VisibilityIndex:
    """Decide the visibility of every page and need of a build.

    :param model: the metamodel (type defaults)
    :param docnames: all pages
    :param metadata: front matter per page
    :param needs: all needs (``type``, ``docname``, ``title``, ``sichtbarkeit``)
    :param institution_of: the institution a page belongs to (its default), or None
    :param titles: page titles (for the leak check)
    """
    pages: dict[str, str] = {}
    for docname in docnames:
        inst = institution_of(docname)
        pages[docname] = page_visibility(metadata.get(docname, {}).get(FIELD), inst.visibility if inst else PUBLIC)
    internal: dict[str, str] = {}
    for need_id, need in needs.items():
        type_def = model.types.get(str(need.get("type", "")))
        docname = str(need.get("docname") or "")
        page = pages.get(docname, PUBLIC)
        default = type_def.visibility if type_def else PUBLIC
        if item_visibility(own=need.get(FIELD), type_default=default, page=page) == INTERNAL:
            internal[need_id] = str(need.get("title", ""))
    public_titles = {str(n.get("title", "")).strip() for i, n in needs.items() if i not in internal}
    # A title shared with a public item is no secret; it stays searchable by its ID only.
    item_titles = {i: ("" if t.strip() in public_titles else t) for i, t in internal.items()}
    page_titles = titles or {}
    public_pages = {page_titles.get(d, "").strip() for d, v in pages.items() if v == PUBLIC}
    internal_docs = frozenset(d for d, v in pages.items() if v == INTERNAL)
    return VisibilityIndex(
        internal_docs=internal_docs,
        internal_needs=item_titles,
        internal_page_titles={
            d: ("" if page_titles.get(d, "").strip() in public_pages else page_titles.get(d, "")) for d in internal_docs
        },
    )
