"""Hook the handbook's own need cards into sphinx-needs 9.1.

sphinx-needs turns each need node into a card at ``doctree-resolved``
(``format_need_nodes``), after it has replaced dynamic functions and before it puts
the result into the page, by calling ``build_need_repr`` from its module
``sphinx_needs.directives.need``. That one name is replaced: for needs of a
metamodel type without a layout of their own, :func:`qm_handbook.site.cards.render_card`
builds the card; everything else (``needextract``, needs with ``:layout:``, foreign
types) goes to sphinx-needs' original. needs.json and the needs API do not change.

The patch checks that the function and its caller look as expected and stops the
build with a German message otherwise. ``handbook_own_cards = False`` in ``conf.py``
switches back to sphinx-needs' layout for that build (for comparisons).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import ExtensionError

from .. import pipeline
from ..model.context import handbook_context
from ..model.needs import resolved_needs
from ..publish.profile import intern_marker, need_shown
from ..site.cards import CardIndex, render_card
from ..state import get_state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

_PATCHED = "_qm_handbook_cards"
_SIGNATURE = ("node", "data", "app", "layout", "style", "docname")


def _fail(what: str) -> ExtensionError:
    import sphinx_needs

    version = getattr(sphinx_needs, "__version__", "?")
    return ExtensionError(
        f"Die eigene Darstellung der Need-Karten passt nicht zur installierten sphinx-needs-Version {version} "
        f"({what}). Prüfen Sie ext/qm_handbook/compat/cards.py oder installieren Sie die Versionen aus "
        "constraints.txt."
    )


def card_index(app: Sphinx) -> CardIndex:
    """The link labels of all needs of this build (write phase; computed once)."""
    write = get_state(app).write
    if write.cards is None:
        ctx = handbook_context(app)
        write.cards = CardIndex(
            resolved_needs(app),
            ctx.model,
            ctx.institution_of,
            shown=lambda need_id: need_shown(app, need_id),
            marker=intern_marker,
        )
    return write.cards


def _prepare_index(app: Sphinx, builder: Builder) -> None:
    """Build the index in every build, also when no page is written (the search objects use it)."""
    card_index(app)


def _own_card(node: nodes.Element, data: Any, app: Sphinx, docname: str | None) -> nodes.container:
    here = docname or str(data.get("docname") or "")
    builder = app.builder

    def uri(target: str, anchor: str) -> str:
        if not target or target == here:
            return f"#{anchor}"
        return f"{builder.get_relative_uri(here, target)}#{anchor}"

    return render_card(data, list(node.children), index=card_index(app), uri=uri, here=here)


def _patch_need_repr() -> None:
    from sphinx_needs import layout as layout_module
    from sphinx_needs.directives import need as need_module

    current = getattr(need_module, "build_need_repr", None)
    if getattr(current, _PATCHED, False):
        return
    if (
        current is not layout_module.build_need_repr
        or "build_need_repr" not in need_module.format_need_nodes.__code__.co_names
    ):
        raise _fail("build_need_repr in format_need_nodes")
    if tuple(inspect.signature(current).parameters) != _SIGNATURE:
        raise _fail("Signatur von build_need_repr")
    original = current

    def build_need_repr(
        node: nodes.Element,
        data: Any,
        app: Sphinx,
        *,
        layout: str | None = None,
        style: str | None = None,
        docname: str | None = None,
    ) -> nodes.container:
        own = (
            app.config.handbook_own_cards
            and layout is None
            and style is None
            and not data.get("layout")
            and data.get("type") in handbook_context(app).model.types
        )
        if own:
            return _own_card(node, data, app, docname)
        return original(node, data, app, layout=layout, style=style, docname=docname)

    setattr(build_need_repr, _PATCHED, True)
    setattr(need_module, "build_need_repr", build_need_repr)  # noqa: B010 (module without this export in its stubs)


def setup_cards(app: Sphinx) -> None:
    """Install the hook (after sphinx-needs is set up); ``handbook_own_cards`` switches it."""
    _patch_need_repr()
    if "handbook_own_cards" not in app.config:
        app.add_config_value("handbook_own_cards", True, "html", types=frozenset({bool}))
    app.connect("write-started", _prepare_index, priority=pipeline.AFTER_NEEDS_RESOLVED)
