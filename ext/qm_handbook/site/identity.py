"""The network's identity in one place: ``netzwerk.toml`` names the project and the site.

``name`` becomes Sphinx's ``project``, ``titel`` the site title (``html_title``,
default "Qualitätshandbuch <name>"), ``herausgeber`` the ``author`` and the copyright
line (default: the network's name; the year is the one of the as-of date, so the
build stays reproducible). A value set in ``conf.py`` wins, so ``conf.py`` stays thin
and a second network changes only its data file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import pipeline
from ..model.context import handbook_context

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def identity_values(name: str, title: str, publisher: str, year: int) -> dict[str, str]:
    """The Sphinx settings derived from the network file."""
    owner = publisher or name
    return {
        "project": name,
        "html_title": title or f"Qualitätshandbuch {name}",
        "author": owner,
        "copyright": f"{year}, {owner}",
    }


def apply_identity(app: Sphinx, config: Config) -> None:
    """Set project, site title, author and copyright unless ``conf.py`` sets them."""
    ctx = handbook_context(app)
    if ctx.network is None:
        return
    values = identity_values(ctx.network.name, ctx.network.title, ctx.network.publisher, ctx.as_of.year)
    written = getattr(config, "_raw_config", {})
    for key, value in values.items():
        if key not in written:
            config[key] = value


def setup_identity(app: Sphinx) -> None:
    """Register the handler."""
    app.connect("config-inited", apply_identity, priority=pipeline.APPLY_IDENTITY)
