"""The site's look for its readers: style sheet for cards, dark mode, matrix and focus.

``qm-site.css`` comes after ``qm-handbook.css`` and furo's own styles; it takes its
colours from furo's variables, so light, dark and the automatic scheme all work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_appearance(app: Sphinx) -> None:
    """Register the site's style sheet (after ``qm-handbook.css``)."""
    app.add_css_file("qm-site.css", priority=600)
