"""The build's one coverage result, computed once per build and cached.

Coverage, gaps and readiness are computed once, when sphinx-needs has resolved all
needs (``write-started``), from the needs, the catalogs and the institution profiles
(:func:`.coverage.compute_coverage`, pure). Every view reads this one result: the report
directives, the institution cards, the PDF builder, the CLI and the exports, so they
cannot disagree. Callers use :func:`get_result`; nothing here depends on the directives.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .. import pipeline
from ..model.context import get_context
from ..site.doccontrol import page_control
from .coverage import compute_coverage
from .coverage_model import CoverageResult, PageInfo
from .exports import write_exports

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

_ATTR = "qm_coverage"


def compute_result(app: Sphinx) -> CoverageResult:
    """Compute the build's result from the resolved needs (write phase only)."""
    from sphinx_needs.api import get_needs_view

    env = app.env
    ctx = get_context(env)
    pages: dict[str, PageInfo] = {}
    for docname in env.found_docs:
        if ctx.institution_of(docname) is None:
            continue
        title = env.titles[docname].astext() if docname in env.titles else docname
        pages[docname] = PageInfo(title=title, next_review=page_control(env.metadata.get(docname, {})).next_review)
    # Reports list institutions in the order of the regional networks in netzwerk.toml.
    regions = {r.code: i for i, r in enumerate(ctx.network.regions)} if ctx.network else {}
    institutions = sorted(ctx.institutions, key=lambda i: (regions.get(i.region, len(regions)), i.code))
    # NeedItem behaves like a read-only mapping, which is all the computation needs.
    needs = cast("Mapping[str, Mapping[str, Any]]", get_needs_view(app))
    return compute_coverage(
        needs,
        model=ctx.model,
        catalogs=ctx.catalogs,
        institutions=institutions,
        institution_of=ctx.institution_of,
        pages=pages,
        as_of=ctx.as_of,
    )


def get_result(app: Sphinx) -> CoverageResult:
    """The cached result of the running build (computed on first use in the write phase)."""
    result: CoverageResult | None = getattr(app, _ATTR, None)
    if result is None:
        result = compute_result(app)
        setattr(app, _ATTR, result)
    return result


def set_result(app: Sphinx, result: CoverageResult) -> None:
    """Replace the build's result (the public profile installs its redacted copy)."""
    setattr(app, _ATTR, result)


def _refresh(app: Sphinx, builder: Builder) -> None:
    """Compute the result once per build, after sphinx-needs sealed the needs."""
    setattr(app, _ATTR, compute_result(app))


SITE_BUILDERS = frozenset({"html", "dirhtml"})


def _write_exports(app: Sphinx, exception: Exception | None) -> None:
    # Exports belong to the website only, not to other HTML-based outputs such as the PDFs.
    if exception is not None or app.builder.name not in SITE_BUILDERS:
        return
    write_exports(get_result(app), Path(app.outdir))


def setup_result(app: Sphinx) -> None:
    """Compute the result after sphinx-needs sealed the needs; write the exports at the end."""
    app.connect("write-started", _refresh, priority=pipeline.AFTER_NEEDS_RESOLVED)
    app.connect("build-finished", _write_exports)
