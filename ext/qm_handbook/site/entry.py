"""Site entry point: ``index.html`` at the output root leads to the start page.

The start page lives at ``handbook/index`` (content stays in the content folders),
so HTML builds get a tiny redirect page at the root unless one already exists.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

TEMPLATE = """<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={target}">
<title>{title}</title></head>
<body><p>Weiter zur <a href="{target}">Startseite des Qualitätshandbuchs</a>.</p></body>
</html>
"""


def write_root_redirect(app: Sphinx, exception: BaseException | None) -> None:
    """Write ``index.html`` pointing to the root document after a successful HTML build."""
    if exception is not None or app.builder.format != "html" or app.builder.name != "html":
        return
    root_doc = app.config.root_doc
    if root_doc == "index":
        return
    target = Path(app.outdir) / "index.html"
    if target.exists():
        return
    url = app.builder.get_target_uri(root_doc)
    target.write_text(TEMPLATE.format(target=escape(url), title=escape(app.config.html_title or "")), encoding="utf-8")


def setup_site(app: Sphinx) -> None:
    """Register the redirect writer."""
    app.connect("build-finished", write_root_redirect)
