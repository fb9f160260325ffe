"""The site's look for its readers: style sheet (cards, dark mode, matrix, focus) and icon.

``qm-site.css`` comes after ``qm-handbook.css`` and furo's own styles; it takes its
colours from furo's variables, so light, dark and the automatic scheme all work.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

FAVICON = Path(__file__).parent.parent / "static" / "qm-favicon.svg"


def _default_favicon(app: Sphinx, config: Config) -> None:
    # Without an icon, browsers ask for /favicon.ico and log a 404 on every page.
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)


def setup_appearance(app: Sphinx) -> None:
    """Register the site's style sheet (after ``qm-handbook.css``) and a default icon."""
    app.add_css_file("qm-site.css", priority=600)
    app.connect("config-inited", _default_favicon)
