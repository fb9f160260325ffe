"""Sphinx's page discovery without the folders of tools and builds.

Sphinx finds pages by walking the whole source folder; ``include_patterns`` select files
but do not stop the walk, only a matching exclude pattern prunes a folder. The handbook's
source folder is the repository root, which also holds ``_build`` (every output file of
earlier builds), ``.nox`` (virtual environments with tens of thousands of files), ``.git``
and similar folders. Walking them took about a second in every build, also in a build
with nothing to do and before a single PDF.

They never hold pages, so they are added to ``exclude_patterns``. The patterns are fixed
(not derived from the folders present or the output folder), so the configuration saved
with the environment stays the same from one build to the next and nothing is read again
because of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

#: Top-level folders that never hold pages: build output and hidden tool folders.
TOOL_FOLDERS = ("_build", ".*")


def exclude_tool_folders(app: Sphinx, config: Config) -> None:
    """Add :data:`TOOL_FOLDERS` to ``exclude_patterns`` (once)."""
    missing = [pattern for pattern in TOOL_FOLDERS if pattern not in config.exclude_patterns]
    if missing:
        config.exclude_patterns = [*config.exclude_patterns, *missing]


def setup_discovery(app: Sphinx) -> None:
    app.connect("config-inited", exclude_tool_folders)
