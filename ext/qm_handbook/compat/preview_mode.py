"""The preview build: what the live preview leaves out, and how the output catches up.

The live preview (``python3 noxfile.py -s preview``, :mod:`..commands.preview`) builds
the first time like any other website build, and after every save with
``-D handbook_vorschau=ja``. Such a build reads and writes the same pages as any other
build (the edited page, the pages showing its items, the reports, the matrix and the
register reflect the edit), but leaves out work whose result nobody looks at while
editing and which grows with the network:

* **search index**: the pages it writes are not fed to the index, and
  ``searchindex.js`` is neither loaded nor written; the search keeps the state of the
  last full build;
* **exports**: ``needs.json`` (sphinx-needs) and the downloads of the evaluation
  (``metrics.json``, CSV, XLSX; :mod:`..reports.exports`) are not written; the next
  full build writes them, because their data no longer match their stamp;
* **calendar files** (:mod:`..learning.calendar`) are not written;
* **general index and search page**: ``genindex.html`` and ``search.html`` are not
  written again (the search page does not depend on the content; the general index
  keeps the state of the last full build);
* **templates**: the theme's Jinja templates are compiled once into a cache in the
  doctree folder, not again in every build.

The pages a preview build wrote without indexing them are recorded in the output folder
(:data:`PENDING`). The next build of that folder without the setting (the start of the
next preview) writes them again, so the search index never stays behind for good.

The setting is given only on the preview's command line: ``build`` and every other
session never set it, and their outputs do not depend on this module (the record
exists only in the preview's output folder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.config import get_config

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

#: Pages written by preview builds without being fed to the search index.
PENDING = ".qm-vorschau-ohne-suche.json"
#: Sub-folder of the doctree folder for the compiled templates.
TEMPLATE_CACHE = "vorlagen-cache"
_ATTR = "_qm_preview_unindexed"


def is_preview(config: Config) -> bool:
    """Whether this build is a preview build (``handbook_vorschau = "ja"``)."""
    return get_config(config).vorschau == "ja"


def _unindexed(app: Sphinx) -> set[str]:
    found: set[str] | None = getattr(app.builder, _ATTR, None)
    if found is None:
        found = set()
        setattr(app.builder, _ATTR, found)
    return found


def _read_pending(outdir: Path) -> set[str]:
    try:
        data = json.loads((outdir / PENDING).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {str(name) for name in data} if isinstance(data, list) else set()


def _leave_out(app: Sphinx) -> None:
    """``builder-inited`` of a preview build: switch off what it leaves out."""
    builder = app.builder
    if not is_preview(app.config) or builder.format != "html":
        return
    app.config.needs_build_json = False
    unindexed = _unindexed(app)

    def skip_index(pagename: str, doctree: nodes.document, title: str) -> None:
        unindexed.add(pagename)

    def no_index(*args: Any, **kwargs: Any) -> None:
        return None

    if getattr(builder, "search", False):
        # Sphinx's HTML builder: loading, feeding and dumping the index are separate steps.
        setattr(builder, "load_indexer", no_index)  # noqa: B010
        setattr(builder, "index_page", skip_index)  # noqa: B010
        setattr(builder, "dump_search_index", no_index)  # noqa: B010
    for name in ("gen_indices", "gen_additional_pages"):
        if callable(getattr(builder, name, None)):
            setattr(builder, name, no_index)
    templates = getattr(builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None:
        from jinja2 import FileSystemBytecodeCache

        folder = Path(app.doctreedir) / TEMPLATE_CACHE
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def catch_up(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated`` of a full build: write again what preview builds did not index."""
    if is_preview(app.config) or app.builder.format != "html" or not getattr(app.builder, "search", False):
        return []
    return sorted(_read_pending(Path(app.outdir)) & env.found_docs)


def record_pending(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: keep the record of unindexed pages in step with the output."""
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / PENDING
    if is_preview(app.config):
        pending = _read_pending(Path(app.outdir)) | _unindexed(app)
        if pending:
            path.write_text(json.dumps(sorted(pending), ensure_ascii=False, indent=0), encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def setup_preview_mode(app: Sphinx) -> None:
    app.connect("builder-inited", _leave_out)
    app.connect("env-get-updated", catch_up)
    app.connect("build-finished", record_pending)
