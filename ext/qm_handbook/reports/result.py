"""The build's one coverage result, computed once per build and cached.

Coverage, gaps and readiness are computed once, when sphinx-needs has resolved all
needs (``write-started``), from the needs, the catalogs and the institution profiles
(:func:`.coverage.compute_coverage`, pure). Every view reads this one result: the report
directives, the institution cards, the PDF builder, the CLI and the exports, so they
cannot disagree. Callers use :func:`get_result`; nothing here depends on the directives.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import pipeline
from ..background import connect_output
from ..compat.builder_output import SITE_BUILDERS
from ..compat.reuse import note_written, still_written
from ..model.context import handbook_context
from ..model.needs import resolved_needs
from ..site.doccontrol import page_controls
from ..state import get_state
from .coverage import compute_coverage
from .coverage_model import CoverageResult, PageInfo
from .exports import EXPORT_DIR, export_paths, write_exports

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder


def compute_result(app: Sphinx) -> CoverageResult:
    """Compute the build's result from the resolved needs (write phase only)."""
    env = app.env
    ctx = handbook_context(app)
    controls = page_controls(env)
    pages: dict[str, PageInfo] = {}
    for docname in env.found_docs:
        if ctx.institution_of(docname) is None:
            continue
        title = env.titles[docname].astext() if docname in env.titles else docname
        pages[docname] = PageInfo(title=title, next_review=controls[docname].next_review)
    # Reports list institutions in the order of the regional networks in netzwerk.toml.
    regions = {r.code: i for i, r in enumerate(ctx.network.regions)} if ctx.network else {}
    institutions = sorted(ctx.institutions, key=lambda i: (regions.get(i.region, len(regions)), i.code))
    return compute_coverage(
        resolved_needs(app),
        model=ctx.model,
        catalogs=ctx.catalogs,
        institutions=institutions,
        institution_of=ctx.institution_of,
        pages=pages,
        as_of=ctx.as_of,
    )


def get_result(app: Sphinx) -> CoverageResult:
    """The cached result of the running build (computed on first use in the write phase)."""
    write = get_state(app).write
    if write.result is None:
        write.result = compute_result(app)
    return write.result


def set_result(app: Sphinx, result: CoverageResult) -> None:
    """Replace the build's result (the public profile installs its redacted copy)."""
    get_state(app).write.result = result


def _compute(app: Sphinx, builder: Builder) -> None:
    """Compute the result once per build, after sphinx-needs sealed the needs."""
    get_result(app)


def _write_exports(app: Sphinx, exception: Exception | None) -> None:
    # Exports belong to the website only, not to other HTML-based outputs such as the PDFs.
    from ..compat.preview_mode import is_preview

    if exception is not None or app.builder.name not in SITE_BUILDERS or is_preview(app.config):
        return  # the live preview leaves them as they are (see compat.preview_mode)
    outdir = Path(app.outdir)
    if still_written(app, EXPORT_DIR) and all(p.is_file() for p in export_paths(outdir)):
        return  # written from the same result before
    write_exports(get_result(app), outdir)
    note_written(app, EXPORT_DIR)


def setup_result(app: Sphinx) -> None:
    """Compute the result after sphinx-needs sealed the needs; write the exports at the end."""
    app.connect("write-started", _compute, priority=pipeline.AFTER_NEEDS_RESOLVED)
    connect_output(app, _write_exports, copy=1)  # beside the checks and needs.json
