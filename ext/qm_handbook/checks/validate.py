"""Runs the handbook's validation in every build (the Sphinx side of the checks).

* Before reading: every page is checked for encoding, emptiness and its page header
  (:mod:`qm_handbook.checks.pages`); pages in a wrong encoding are left out, so the build
  goes on.
* While reading: sphinx-needs' English duplicate-ID warning is captured (the second
  need is dropped by sphinx-needs; we remember where it was).
* Before writing, once over all needs: :func:`qm_handbook.checks.check_all`.
* At the end: with ``handbook_check_report`` set, a JSON summary of all warnings per
  code is written (used by ``python3 noxfile.py -s check``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.application import ENV_PICKLE_FILENAME as ENV_PICKLE
from sphinx.util.matching import get_matching_files

from .. import pipeline
from ..compat.logfilters import install_filters, registered_directives
from ..model.config import get_config
from ..model.context import HandbookContext
from .need_index import DroppedNeed
from .page_scan import CACHE_FILE, scan
from .reporting import log_problems
from .rules import check_all
from .statements import statement_links, suspect_reason
from .translate import set_known_names

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

_DROPPED = "qm_dropped_needs"
#: English warnings the handbook replaces by its own (German) checks.
REPLACED_WARNINGS = ("needs.link_outgoing",)
#: Need options that are not metamodel fields or links but are fine.
CORE_OPTIONS = ("id", "status", "tags", "collapse", "hide", "layout", "style", "template", "delete")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Suspect:
    """A statement to re-check, for the ``qm-zu-pruefen`` lists."""

    id: str
    title: str
    docname: str
    reason: str


def _dropped(env: BuildEnvironment) -> dict[str, list[DroppedNeed]]:
    if not hasattr(env, _DROPPED):
        setattr(env, _DROPPED, {})
    found: dict[str, list[DroppedNeed]] = getattr(env, _DROPPED)
    return found


def _install(app: Sphinx, config: Config) -> None:
    def on_duplicate(need_id: str, location: str | None) -> None:
        # Warnings of the reading phase are held back and flushed after reading, so
        # the page comes from the warning's location ("<path>:<line>"), not env.docname.
        env = app.env
        path, _, line = (location or "").rpartition(":")
        docname = env.path2doc(path) if path else None
        if docname is None:
            docname, line = env.docname, ""
        found = DroppedNeed(id=need_id, docname=docname, lineno=int(line) if line.isdigit() else None)
        _dropped(env).setdefault(docname, []).append(found)

    app.qm_warning_counter = install_filters(app, on_duplicate)  # type: ignore[attr-defined]
    config.suppress_warnings = [*config.suppress_warnings, *REPLACED_WARNINGS]


def _names(app: Sphinx, config: Config) -> None:
    ctx: HandbookContext = app.qm_context  # type: ignore[attr-defined]
    options = (*CORE_OPTIONS, *ctx.model.fields, *ctx.model.links)
    known = {*registered_directives(), *ctx.model.types}
    set_known_names(options, tuple(sorted(known)))


_SCAN = "qm_page_scan"


def scan_pages(app: Sphinx, config: Config) -> None:
    """Check every page file before Sphinx reads it; leave out undecodable pages.

    Results of unchanged files come from a cache in the doctree folder; their problems
    are reported again in every build. Without a saved environment nothing is reused.
    """
    ctx: HandbookContext = app.qm_context  # type: ignore[attr-defined]
    srcdir = Path(app.srcdir)
    suffixes = tuple(config.source_suffix) if isinstance(config.source_suffix, dict) else (".md", ".rst")
    exclude = [*config.exclude_patterns, *config.templates_path, "**/_sources", "_build", ".*"]
    include = config.include_patterns or ["**"]
    files = [rel for rel in get_matching_files(srcdir, include, exclude) if rel.endswith(suffixes)]
    doctrees = Path(app.doctreedir)
    found = scan(srcdir, files, _required(ctx), doctrees / CACHE_FILE, reuse=(doctrees / ENV_PICKLE).is_file())
    log_problems(found.problems, srcdir)
    setattr(app, _SCAN, (files, found))
    if found.skipped:
        config.exclude_patterns = [*config.exclude_patterns, *found.skipped]


def _required(ctx: HandbookContext) -> Callable[[str], bool]:
    return lambda docname: ctx.institution_of(docname) is not None


def _recheck_fresh(app: Sphinx) -> None:
    """With a fresh environment (``-E``), check every page again, as without a cache.

    Whether the environment is fresh is known only after ``config-inited``; problems
    the cached results missed are reported now.
    """
    files, cached = getattr(app, _SCAN, ([], None))
    if not app.fresh_env_used or cached is None or not cached.reused:
        return
    srcdir = Path(app.srcdir)
    ctx: HandbookContext = app.qm_context  # type: ignore[attr-defined]
    found = scan(srcdir, files, _required(ctx), Path(app.doctreedir) / CACHE_FILE, reuse=False)
    logged = set(cached.problems)
    log_problems([p for p in found.problems if p not in logged], srcdir)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _dropped(env).pop(docname, None)


def plain_needs(app: Sphinx, ctx: HandbookContext) -> list[dict[str, Any]]:
    """All needs of the build as plain dicts (the shape of needs.json)."""
    from sphinx_needs.data import SphinxNeedsData

    keys = ("id", "type", "title", "status", "docname", "lineno", "doctype", *ctx.model.fields, *ctx.model.links)
    needs = SphinxNeedsData(app.env).get_needs_view()
    return [{key: need.get(key) for key in keys} for need in needs.values()]


def run_checks(app: Sphinx, builder: Builder) -> None:
    """Run every need check once, before any page is written."""
    ctx: HandbookContext = app.env.qm_context  # type: ignore[attr-defined]
    needs = plain_needs(app, ctx)
    dropped = [d for found in _dropped(app.env).values() for d in found]
    log_problems(check_all(needs, ctx, dropped), Path(app.srcdir))
    app.qm_suspects = collect_suspects(needs, ctx)  # type: ignore[attr-defined]


def collect_suspects(needs: list[dict[str, Any]], ctx: HandbookContext) -> dict[str, list[Suspect]]:
    """Statements to re-check, per institution code."""
    links = statement_links(ctx.model)
    found: dict[str, list[Suspect]] = {}
    for need in needs:
        if need["type"] not in links:
            continue
        owner = ctx.institution_of(str(need["docname"] or ""))
        reason = suspect_reason(need, ctx, links) if owner else None
        if owner and reason:
            found.setdefault(owner.code, []).append(
                Suspect(id=need["id"], title=str(need["title"]), docname=str(need["docname"]), reason=reason)
            )
    return {code: sorted(items, key=lambda s: s.id) for code, items in found.items()}


def write_report(app: Sphinx, exception: Exception | None) -> None:
    """Write the warning counts per code for the fast check."""
    target = get_config(app.config).check_report
    if not target:
        return
    counts = dict(sorted(app.qm_warning_counter.counts.items()))  # type: ignore[attr-defined]
    report = {"warnings": sum(counts.values()), "by_code": counts, "failed": exception is not None}
    Path(target).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def setup_validate(app: Sphinx) -> None:
    """Connect the checks to the build."""
    app.connect("config-inited", _install, priority=pipeline.INSTALL_WARNING_FILTERS)
    app.connect("config-inited", _names, priority=pipeline.KNOWN_NAMES)
    app.connect("config-inited", scan_pages, priority=pipeline.SCAN_PAGES)
    app.connect("builder-inited", _recheck_fresh, priority=pipeline.RECHECK_FRESH_ENV)
    app.connect("env-purge-doc", _purge)
    app.connect("write-started", run_checks, priority=pipeline.AFTER_NEEDS_RESOLVED)
    app.connect("build-finished", write_report, priority=pipeline.WRITE_CHECK_REPORT)
