"""The network's identity in one place: ``netzwerk.toml`` names the project and the site.

``name`` becomes Sphinx's ``project``, ``titel`` the site title (``html_title``,
default "Qualitätshandbuch <name>"), ``herausgeber`` the ``author`` and the copyright
line (default: the network's name; the year is the one of the as-of date, so the
build stays reproducible). A value set in ``conf.py`` wins, so ``conf.py`` stays thin
and a second network changes only its data file.

``bearbeiten`` (an address with ``{datei}``) turns on furo's "Diese Seite bearbeiten"
button (its ``source_edit_link``), set per page: only pages written by hand get it
(not the generated catalog and region pages, which have no file in the repository),
and the public profile never does (readers cannot edit, and the repository's address
may be internal).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .. import pipeline
from ..model.context import handbook_context
from ..model.institutions import EDIT_PLACEHOLDER

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


def edit_url(pattern: str, source: str) -> str:
    """The edit address of one page file (``source`` relative to the project folder)."""
    return pattern.replace(EDIT_PLACEHOLDER, quote(source))


def set_edit_link(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    """Give furo the page's own edit address, or none (generated pages, public profile)."""
    from .doccontrol import is_generated, is_public_build, source_path

    ctx = handbook_context(app)
    pattern = ctx.network.edit_link if ctx.network is not None else ""
    if not pattern:
        return  # no link configured here (furo's own options in conf.py stay as they are)
    url = ""
    own_page = doctree is not None and pagename in app.env.found_docs and not is_generated(pagename)
    if own_page and not is_public_build(app):
        url = edit_url(pattern, source_path(app.env, pagename))
    # furo formats the value with {filename}; braces of the finished address are escaped.
    context["theme_source_edit_link"] = url.replace("{", "{{").replace("}", "}}")
    context["theme_source_repository"] = ""


def setup_identity(app: Sphinx) -> None:
    """Register the handlers."""
    app.connect("config-inited", apply_identity, priority=pipeline.APPLY_IDENTITY)
    app.connect("html-page-context", set_edit_link)
