"""German for the texts furo writes into its templates without translation.

Furo's templates carry a few English texts that do not go through the message
catalog (ARIA labels of the buttons, the titles of its SVG icons, the footer's
"@pradyunsg's"). The HTML builder's template renderer is wrapped for this build: each
rendered page passes through :func:`germanize_theme`, which replaces exactly these
texts. A test checks that no English text of the list is left in the built pages, so
a furo update that changes them is noticed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: Exact furo texts (2025.12.19) and their German replacements.
FURO_TEXTS: dict[str, str] = {
    'aria-label="Toggle Light / Dark / Auto color theme"': 'aria-label="Farbschema wechseln: hell, dunkel, auto"',
    'aria-label="Toggle site navigation sidebar"': 'aria-label="Navigation ein- oder ausblenden"',
    'aria-label="Toggle table of contents sidebar"': 'aria-label="Inhaltsverzeichnis der Seite ein- oder ausblenden"',
    "<title>Contents</title>": "<title>Inhalt</title>",
    "<title>Menu</title>": "<title>Menü</title>",
    "<title>Expand</title>": "<title>Aufklappen</title>",
    "<title>Light mode</title>": "<title>Helles Farbschema</title>",
    "<title>Dark mode</title>": "<title>Dunkles Farbschema</title>",
    "<title>Auto light/dark, in light mode</title>": "<title>Farbschema automatisch (jetzt hell)</title>",
    "<title>Auto light/dark, in dark mode</title>": "<title>Farbschema automatisch (jetzt dunkel)</title>",
    '<a class="muted-link" href="https://pradyunsg.me">@pradyunsg</a>\'s': "",
}


def germanize_theme(html: str) -> str:
    """Replace furo's untranslated texts in one rendered page."""
    for english, german in FURO_TEXTS.items():
        if english in html:
            html = html.replace(english, german)
    return html


def _wrap_renderer(app: Sphinx) -> None:
    if not str(app.config.language or "").startswith("de"):
        return
    templates = getattr(app.builder, "templates", None)
    render = getattr(templates, "render", None)
    if templates is None or render is None or getattr(render, "_qm_german", False):
        return

    def render_german(template: str, context: dict[str, Any]) -> str:
        return germanize_theme(render(template, context))

    render_german._qm_german = True  # type: ignore[attr-defined]
    templates.render = render_german


def setup_theme_texts(app: Sphinx) -> None:
    """Wrap the template renderer once the builder exists."""
    app.connect("builder-inited", _wrap_renderer)
