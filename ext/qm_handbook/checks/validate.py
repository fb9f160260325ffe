"""Runs the handbook's validation in every build (the Sphinx side of the checks).

* Before reading: every page is checked for encoding, emptiness and its page header
  (:mod:`qm_handbook.checks.pages`); pages in a wrong encoding are left out, so the build
  goes on.
* While reading: sphinx-needs' English duplicate-ID warning is captured (the second
  need is dropped by sphinx-needs; we remember where it was).
* Once over all needs, after sphinx-needs resolved them: :func:`qm_handbook.checks.check_all`;
  before any page is written, or, when the build writes its side outputs in a copy
  (:mod:`qm_handbook.background`), in that copy while the pages are written (its
  warnings count as the build's own; they appear after those of the page writing).
* At the end: with ``handbook_check_report`` set, a JSON summary of all warnings per
  code is written (used by ``python3 noxfile.py -s check``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import ENV_PICKLE_FILENAME as ENV_PICKLE
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util.matching import get_matching_files

from .. import pipeline
from ..background import connect_output, will_copy
from ..compat.discovery import TOOL_FOLDERS
from ..compat.logfilters import install_filters, registered_directives
from ..compat.reuse import reused
from ..model.config import get_config
from ..model.context import HandbookContext, handbook_context
from ..model.needs import NeedData, resolved_needs
from ..state import get_state, state_of
from .need_index import DroppedNeed, build_index
from .page_scan import CACHE_FILE, scan
from .reporting import log_problems
from .rules import check_all
from .statements import suspect_reasons
from .translate import set_known_names

if TYPE_CHECKING:
    from collections.abc import Iterable, Set

    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

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


class DroppedNeedsCollector(EnvironmentCollector):
    """Keeps the dropped duplicate needs per page (``DocRecords.dropped_needs``).

    Filled by the warning capture, not from the doctree. Nothing is merged from
    parallel reading processes: their warnings are replayed in the main process, where
    the capture records them.
    """

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        state_of(env).records.dropped_needs.pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        pass

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        pass


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
        state_of(env).records.dropped_needs.setdefault(docname, []).append(found)

    get_state(app).warning_counter = install_filters(app, on_duplicate)
    config.suppress_warnings = [*config.suppress_warnings, *REPLACED_WARNINGS]


def _names(app: Sphinx, config: Config) -> None:
    ctx = handbook_context(app)
    options = (*CORE_OPTIONS, *ctx.model.fields, *ctx.model.links)
    known = {*registered_directives(), *ctx.model.types}
    set_known_names(options, tuple(sorted(known)))


def scan_pages(app: Sphinx, config: Config) -> None:
    """Check every page file before Sphinx reads it; leave out undecodable pages.

    Results of unchanged files come from a cache in the doctree folder; their problems
    are reported again in every build. Without a saved environment nothing is reused.
    """
    ctx = handbook_context(app)
    srcdir = Path(app.srcdir)
    suffixes = tuple(config.source_suffix) if isinstance(config.source_suffix, dict) else (".md", ".rst")
    exclude = [*config.exclude_patterns, *config.templates_path, "**/_sources", *TOOL_FOLDERS]
    include = config.include_patterns or ["**"]
    files = [rel for rel in get_matching_files(srcdir, include, exclude) if rel.endswith(suffixes)]
    doctrees = Path(app.doctreedir)
    found = scan(srcdir, files, _required(ctx), doctrees / CACHE_FILE, reuse=(doctrees / ENV_PICKLE).is_file())
    log_problems(found.problems, srcdir)
    state = get_state(app)
    state.scanned_files, state.page_scan = files, found
    if found.skipped:
        config.exclude_patterns = [*config.exclude_patterns, *found.skipped]


def _required(ctx: HandbookContext) -> Callable[[str], bool]:
    return lambda docname: ctx.institution_of(docname) is not None


def _recheck_fresh(app: Sphinx) -> None:
    """With a fresh environment (``-E``), check every page again, as without a cache.

    Whether the environment is fresh is known only after ``config-inited``; problems
    the cached results missed are reported now.
    """
    state = get_state(app)
    cached = state.page_scan
    if not app.fresh_env_used or cached is None or not cached.reused:
        return
    srcdir = Path(app.srcdir)
    ctx = handbook_context(app)
    found = scan(srcdir, state.scanned_files, _required(ctx), Path(app.doctreedir) / CACHE_FILE, reuse=False)
    logged = set(cached.problems)
    log_problems([p for p in found.problems if p not in logged], srcdir)


def run_checks(app: Sphinx, builder: Builder) -> None:
    """Run every need check once: now, before any page is written, or in the side outputs' copy.

    The re-check reasons and suspects, which pages show, are computed here in any case.
    Not when the build reuses the last clean build's needs (:mod:`..compat.reuse`):
    the same needs gave no problem then.
    """
    if reused(app):
        return
    _reasons(app, handbook_context(app), resolved_needs(app).values())
    suspects_of(app)
    if will_copy(app):
        return  # the copy of the build checks while the pages are written (_checks_in_copy)
    _log_checks(app)


def _log_checks(app: Sphinx) -> None:
    ctx = handbook_context(app)
    needs = resolved_needs(app).values()
    dropped = [d for found in get_state(app).records.dropped_needs.values() for d in found]
    log_problems(check_all(needs, ctx, dropped, reasons=_reasons(app, ctx, needs)), Path(app.srcdir))


def _checks_in_copy(app: Sphinx, exception: Exception | None) -> None:
    """The checks, when the copy of the build writing the side outputs runs them.

    Run at ``build-finished`` by the build itself only when the copy failed; nothing is
    written, the checks only warn (the warnings of the copy count as the build's own).
    """
    if exception is None and not reused(app) and will_copy(app):
        _log_checks(app)


def _reasons(app: Sphinx, ctx: HandbookContext, needs: Iterable[NeedData]) -> dict[str, str]:
    """Why each statement must be re-checked (computed once per build, shared)."""
    write = get_state(app).write
    if write.reasons is None:
        write.reasons = suspect_reasons(build_index(needs, ctx), ctx)
    return write.reasons


def suspects_of(app: Sphinx) -> dict[str, list[Suspect]]:
    """Statements to re-check, per institution code (write phase; computed once per build)."""
    write = get_state(app).write
    if write.suspects is None:
        ctx = handbook_context(app)
        needs = resolved_needs(app)
        found: dict[str, list[Suspect]] = {}
        for need_id, reason in _reasons(app, ctx, needs.values()).items():
            need = needs[need_id]
            owner = ctx.institution_of(str(need["docname"] or ""))
            if owner is not None:
                found.setdefault(owner.code, []).append(
                    Suspect(id=need_id, title=str(need["title"]), docname=str(need["docname"]), reason=reason)
                )
        write.suspects = {code: sorted(items, key=lambda s: s.id) for code, items in found.items()}
    return write.suspects


def write_report(app: Sphinx, exception: Exception | None) -> None:
    """Write the warning counts per code for the fast check."""
    target = get_config(app.config).check_report
    if not target:
        return
    counter = get_state(app).warning_counter
    counts = dict(sorted(counter.counts.items())) if counter is not None else {}
    report = {"warnings": sum(counts.values()), "by_code": counts, "failed": exception is not None}
    Path(target).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def setup_validate(app: Sphinx) -> None:
    """Connect the checks to the build."""
    app.connect("config-inited", _install, priority=pipeline.INSTALL_WARNING_FILTERS)
    app.connect("config-inited", _names, priority=pipeline.KNOWN_NAMES)
    app.connect("config-inited", scan_pages, priority=pipeline.SCAN_PAGES)
    app.connect("builder-inited", _recheck_fresh, priority=pipeline.RECHECK_FRESH_ENV)
    app.add_env_collector(DroppedNeedsCollector)
    app.connect("write-started", run_checks, priority=pipeline.AFTER_NEEDS_RESOLVED)
    connect_output(app, _checks_in_copy, priority=pipeline.CHECKS_IN_COPY)
    app.connect("build-finished", write_report, priority=pipeline.WRITE_CHECK_REPORT)
