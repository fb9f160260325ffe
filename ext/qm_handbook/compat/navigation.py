"""The furo hook: furo's page-context handler without its per-page navigation.

Furo (tested with 2025.12.19) computes the sidebar navigation in its
``html-page-context`` handler ``furo._html_page_context`` from the ``toctree``
function in the page context, once per page (cost grows with the square of the page
count). The hook replaces that listener (keeping its priority) by a wrapper that hides
``toctree`` from furo and fills ``furo_navigation_tree`` with the handbook's own
rendering (:mod:`qm_handbook.site.navigation`). If furo's handler is missing or still
computes a tree, the build stops with a German message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sphinx.errors import ExtensionError

from .listeners import replace_listener

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def _furo_changed() -> ExtensionError:
    import furo  # type: ignore[import-untyped]

    return ExtensionError(
        "Die Navigation des Qualitätshandbuchs ersetzt die Seitenleisten-Berechnung von furo "
        f"(getestet mit furo 2025.12.19, installiert: {getattr(furo, '__version__', '?')}). "
        "furo hat seinen Ereignis-Handler „_html_page_context“ geändert. Prüfen Sie "
        "ext/qm_handbook/compat/navigation.py gegen die neue furo-Version oder installieren Sie die "
        "Version aus constraints.txt."
    )


def hook_furo_navigation(app: Sphinx, render: Callable[[Sphinx, str], str]) -> None:
    """Replace furo's page-context listener by one that skips its navigation computation.

    ``render(app, pagename)`` gives the sidebar HTML instead. Guard: furo's handler must
    exist under its 2025.12.19 name and leave the tree empty without ``toctree``.
    """
    from sphinx.builders.singlehtml import SingleFileHTMLBuilder

    # One page per document only: single-page builders (and the PDF built from them)
    # keep furo's own sidebar, which they compute once anyway.
    if app.builder.format != "html" or getattr(app.builder, "theme", None) is None:
        return
    if isinstance(app.builder, SingleFileHTMLBuilder):
        return
    if app.builder.theme.name != "furo":  # type: ignore[attr-defined]
        return
    import furo

    def without_navigation(furo_handler: Callable[..., None]) -> Callable[..., None]:
        def furo_without_navigation(
            app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
        ) -> None:
            toctree = context.pop("toctree", None)
            try:
                furo_handler(app, pagename, templatename, context, doctree)
            finally:
                if toctree is not None:
                    context["toctree"] = toctree
            if context.get("furo_navigation_tree") != "":
                raise ExtensionError(
                    "furo hat die Seitenleiste trotz ausgeblendetem Inhaltsverzeichnis berechnet; "
                    "ext/qm_handbook/compat/navigation.py passt nicht zur installierten furo-Version."
                )
            if toctree is not None:
                context["furo_navigation_tree"] = render(app, pagename)

        return furo_without_navigation

    handler = getattr(furo, "_html_page_context", None)
    if handler is None or not replace_listener(app, "html-page-context", handler, without_navigation):
        raise _furo_changed()
