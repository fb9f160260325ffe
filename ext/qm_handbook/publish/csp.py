"""The public site's Content-Security-Policy: scripts only from its own ``_static`` folder.

Every public page gets the policy as a ``<meta http-equiv>`` tag (a static host cannot
be relied on to send headers; the nginx template sends it as a header as well). Two
things in the theme's output would break under it, and are changed in the public
profile only:

* inline ``<script>`` blocks written by the theme (furo sets the colour scheme that
  way) are moved into files ``_static/qm-inline-<hash>.js`` and loaded from there, at
  the same place in the page, so they run exactly as before. Page content cannot bring
  inline scripts (:mod:`.guards` removes raw HTML), so only the theme's are moved;
* Sphinx's ``doctools.js`` compiles the translations' plural rule with ``new Function``;
  ``qm-csp.js`` (loaded between ``doctools.js`` and ``translations.js``) replaces that
  step for German.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-src 'none'"
)
#: After doctools.js (priority 200), before translations.js and the theme's scripts (500).
CSP_JS_PRIORITY = 300
_INLINE_SCRIPT = re.compile(r"<script>(?P<body>.*?)</script>", re.S)


def externalize_inline_scripts(text: str, static: str) -> tuple[str, dict[str, str]]:
    """Move inline scripts of one page into files; ``static`` is the page's link to ``_static``.

    :return: the new page text and the files (name -> script text)
    """
    files: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        body = match.group("body")
        name = f"qm-inline-{hashlib.sha256(body.encode('utf-8')).hexdigest()[:16]}.js"
        files[name] = body
        return f'<script src="{static}/{name}"></script>'

    return _INLINE_SCRIPT.sub(replace, text), files


def _public(app: Sphinx) -> bool:
    from .profile import _public_site

    return _public_site(app)


def _add_js(app: Sphinx) -> None:
    if _public(app):
        app.add_js_file("qm-csp.js", priority=CSP_JS_PRIORITY)


def _meta(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    if _public(app):
        tag = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        context["metatags"] = tag + context.get("metatags", "")


def _move_scripts(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or not _public(app):
        return
    outdir = Path(app.outdir)
    written: dict[str, str] = {}
    for page in outdir.rglob("*.html"):
        rel = page.relative_to(outdir).as_posix()
        static = posixpath.relpath("_static", posixpath.dirname(rel) or ".")
        text = page.read_text(encoding="utf-8")
        new, files = externalize_inline_scripts(text, static)
        if files:
            page.write_text(new, encoding="utf-8")
            written |= files
    for name, body in written.items():
        (outdir / "_static" / name).write_text(body, encoding="utf-8")


def setup_csp(app: Sphinx) -> None:
    """Register the policy tag, the translation fix and the moving of inline scripts."""
    from .. import pipeline

    app.connect("builder-inited", _add_js)
    app.connect("html-page-context", _meta)
    app.connect("build-finished", _move_scripts, priority=pipeline.REDACT_OUTPUTS)
