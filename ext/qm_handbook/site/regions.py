"""Regional networks in the navigation: institutions grouped below their region.

With many member institutions a flat list in the sidebar is unusable. For every
regional network of ``netzwerk.toml`` a page ``<institutions_dir>/_regionen/<kürzel>``
is generated (only rewritten when its content changes), showing the region's
institution cards and holding a hidden toctree of their handbooks. The directive
``{qm-regionen}`` on the institutions overview page puts the region pages into the
navigation, in the order of ``netzwerk.toml``:

    Einrichtungen → QM-Verbund Leipziger Raum → Volkshochschule Leipziger Land → …

Institutions without a known region get a page "Weitere Einrichtungen". Without any
regions, ``{qm-regionen}`` lists the institutions directly. The generated folder
belongs to the generator and is not committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from .. import pipeline
from ..checks.reporting import log_problems
from ..model.config import get_config
from ..model.context import HandbookContext, get_context, handbook_context
from ..model.generated import GeneratedFolder, escape_text

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from ..model.institutions import Institution

REGION_DIR = "_regionen"
OTHERS = "weitere"
FENCE = "````"


def region_groups(ctx: HandbookContext) -> list[tuple[str, str, list[Institution]]]:
    """(page name, title, members) per region in network order; empty without regions."""
    regions = list(ctx.network.regions) if ctx.network else []
    if not regions:
        return []
    known = {r.code for r in regions}
    groups = [
        (r.code, r.name + (" (fiktiv)" if r.fictional else ""), [i for i in ctx.institutions if i.region == r.code])
        for r in regions
    ]
    others = [i for i in ctx.institutions if i.region not in known]
    if others:
        groups.append((OTHERS, "Weitere Einrichtungen", others))
    return groups


def render_region(source: str, ctx: HandbookContext, code: str, title: str, members: list[Institution]) -> str:
    """MyST source of one region page (``source``: the network file's name)."""
    count = len(members)
    noun = "Einrichtung" if count == 1 else "Einrichtungen"
    lines = [
        "---\norphan: true\n---\n\n",
        f"% Automatisch erzeugt aus {source}. Änderungen bitte dort und in einrichtung.toml vornehmen.\n\n",
        f"# {escape_text(' '.join(title.split()))}\n\n",
        f"Zu diesem Regionalnetzwerk gehören {count} {noun}.\n\n",
        f"```{{qm-einrichtungen}}\n:region: {code}\n```\n\n",
        f"{FENCE}{{toctree}}\n:hidden:\n\n",
    ]
    lines += [f"/{ctx.docname_prefix(inst)}index\n" for inst in members]
    lines.append(f"{FENCE}\n")
    return "".join(lines)


def generate_region_pages(app: Sphinx, config: Config) -> None:
    """Write one page per region (at config-inited, after the context is loaded).

    Only files the generator wrote itself inside ``_regionen/`` are changed or deleted.
    """
    ctx = handbook_context(app)
    cfg = get_config(config)
    folder = GeneratedFolder(root=ctx.srcdir / cfg.institutions_dir / REGION_DIR, srcdir=ctx.srcdir)
    source = Path(cfg.network_file).name
    folder.sync(
        {f"{code}.md": render_region(source, ctx, code, title, members) for code, title, members in region_groups(ctx)}
    )
    log_problems(folder.problems, ctx.srcdir, env_ready=False)


class RegionenDirective(SphinxDirective):
    """A hidden toctree of the region pages (or of the institutions without regions)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        ctx = get_context(self.env)
        self.env.note_dependency(str(ctx.srcdir / get_config(self.config).network_file))
        for path in ctx.data_files():
            self.env.note_dependency(str(path))
        groups = region_groups(ctx)
        if groups:
            docnames = [f"{ctx.institutions_dir}/{REGION_DIR}/{code}" for code, _title, _members in groups]
        else:
            docnames = [f"{ctx.docname_prefix(inst)}index" for inst in ctx.institutions]
        toctree = addnodes.toctree()
        toctree["parent"] = self.env.docname
        toctree["entries"] = [(None, doc) for doc in docnames]
        toctree["includefiles"] = docnames
        toctree["maxdepth"] = -1
        toctree["caption"] = None
        toctree["glob"] = False
        toctree["hidden"] = True
        toctree["includehidden"] = False
        toctree["numbered"] = 0
        toctree["titlesonly"] = False
        toctree["rawentries"] = []
        self.set_source_info(toctree)
        wrapper = nodes.compound(classes=["toctree-wrapper"])
        wrapper.append(toctree)
        return [wrapper]


def setup_regions(app: Sphinx) -> None:
    """Generate region pages after the data is loaded and register ``{qm-regionen}``."""
    app.connect("config-inited", generate_region_pages, priority=pipeline.GENERATE_REGION_PAGES)
    app.add_directive("qm-regionen", RegionenDirective)
