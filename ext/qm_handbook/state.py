"""The one typed build state: everything the handbook keeps during a build.

A newcomer looking for "where does X live between two events" finds it here. There are
two accessors for the same object:

* :func:`get_state` (``app``) — from ``config-inited`` on (data loading, page scan,
  warning filters);
* :func:`state_of` (``env``) — in directives, collectors and anything that only has
  the build environment.

Both return the same :class:`BuildState`: once the environment exists, the state is
linked to it (:func:`get_state` does it on every call, and the ``builder-inited``
handler below does it first thing), so nothing depends on who asked first.

What lives where:

* :class:`DocRecords` — data gathered per page while reading (dropped duplicate
  needs, pages with cross-page need views, need roles, need fingerprints). It is kept
  with the pickled environment between builds, purged per page and merged from
  parallel reading processes by :class:`~sphinx.environment.collectors.EnvironmentCollector`
  subclasses (:mod:`.site.dependencies`, :mod:`.compat.incremental`,
  :mod:`.checks.validate`).
* everything else on :class:`BuildState` belongs to the running build only and is
  never pickled: the loaded context (catalogs, profiles), the warning counter, the
  page scan, and the write phase's derived data (the needs view, the statements to
  re-check, the page-control data, the coverage result). The write-phase data is
  computed on first use after reading and dropped when the next reading phase ends
  (``env-updated``), so a second ``app.build()`` never sees stale data.

No Sphinx or sphinx-needs objects are created here; the types are imported only for
type checking, so every package may import this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .background import Handler, SideJob
    from .checks.need_index import DroppedNeed
    from .checks.page_scan import ScanResult
    from .checks.validate import Suspect
    from .compat.incremental import NeedPrint
    from .compat.logfilters import WarningCounter
    from .compat.reuse import Reuse
    from .learning.network_result import LearningResult
    from .model.context import HandbookContext
    from .model.githistory import HistoryIndex
    from .publish.security import SecurityPolicy
    from .publish.visibility import VisibilityIndex
    from .reports.coverage_model import CoverageResult
    from .site.cards import CardIndex
    from .site.doccontrol import PageControl

#: The one attribute name under which the state hangs on ``app`` and ``env``.
_ATTR = "qm_handbook_state"


@dataclass(slots=True, kw_only=True)
class DocRecords:
    """Per-page data gathered while reading; kept with the environment between builds.

    A new or changed field needs a new ``env_version`` in ``qm_handbook/__init__.py``:
    an environment saved by the previous version then is not loaded (a record without
    the new field would fail).
    """

    #: page → needs sphinx-needs dropped there because their ID already existed
    dropped_needs: dict[str, list[DroppedNeed]] = field(default_factory=dict)
    #: pages showing need data of other pages (reports, sphinx-needs tables, …)
    needs_views: set[str] = field(default_factory=set)
    #: page → codes of the only institutions its views show (``None``: all)
    needs_view_scopes: dict[str, frozenset[str] | None] = field(default_factory=dict)
    #: page → IDs of the needs it shows through the roles ``need``, ``need_incoming`` …
    need_role_refs: dict[str, set[str]] = field(default_factory=dict)
    #: page → code of the institution whose document register it shows (``{qm-dokumente}``)
    registers: dict[str, str] = field(default_factory=dict)
    #: need ID → fingerprint of the previous build (``None``: no build with this environment yet)
    need_fingerprints: dict[str, NeedPrint] | None = None
    #: page → digest of what resolving, checking and the result read of it (:mod:`.compat.reuse`)
    page_digests: dict[str, str] | None = None
    #: page → its report and learning views in order: (kind, view, options), see :mod:`.compat.view_digests`
    view_calls: dict[str, list[tuple[str, str, Any]]] = field(default_factory=dict)
    #: pages with views whose output is not digested (always written again when needs change)
    opaque_views: set[str] = field(default_factory=set)


@dataclass(slots=True, kw_only=True)
class WritePhase:
    """Data derived once per build from the resolved needs (write phase only)."""

    #: the needs view (need ID → read-only mapping), see :func:`.model.needs.resolved_needs`
    needs: Mapping[str, Mapping[str, Any]] | None = None
    #: statement ID → why it must be re-checked (:func:`.checks.statements.suspect_reasons`)
    reasons: dict[str, str] | None = None
    #: institution code → statements to re-check, see :func:`.checks.validate.suspects_of`
    suspects: dict[str, list[Suspect]] | None = None
    #: page → document control data, see :func:`.site.doccontrol.page_controls`
    page_controls: dict[str, PageControl] | None = None
    #: the pages' change history from git, see :func:`.site.doccontrol.page_history`
    history: HistoryIndex | None = None
    #: page → fingerprint of its history and register row, see :func:`.site.doccontrol.history_prints`
    history_prints: dict[str, str] | None = None
    #: the one coverage result, see :func:`.reports.result.get_result`
    result: CoverageResult | None = None
    #: meetings, rotation, agreements, peer reviews, see :func:`.learning.directives.get_learning`
    learning: LearningResult | None = None
    #: internal pages and items, see :func:`.publish.profile.get_visibility`
    visibility: VisibilityIndex | None = None
    #: output paths of the internal pages (for the builder of this build), see ``publish.profile``
    internal_uris: frozenset[str] | None = None
    #: link labels of the need cards, see :func:`.compat.cards.card_index`
    cards: CardIndex | None = None
    #: key and stored data of the last clean build, see :mod:`.compat.reuse`
    reuse: Reuse | None = None
    #: page → (kind, index) → digest of each view as the page was written (:mod:`.compat.view_digests`)
    view_parts: dict[str, dict[tuple[str, int], bytes]] | None = None
    #: (page, kind, index) → (view, options, nodes) rendered for a view digest, see :mod:`.compat.view_digests`
    rendered_views: dict[tuple[str, str, int], tuple[str, Any, list[Any]]] = field(default_factory=dict)
    #: process id of the copy saving the environment, see :mod:`.background`
    env_saver: int | None = None
    #: whether the side outputs are written in a copy of the build, see :mod:`.background`
    side_copy: bool | None = None
    #: the copy of the build writing the side outputs, see :mod:`.background`
    side_job: SideJob | None = None


@dataclass(slots=True, kw_only=True)
class BuildState:
    """Everything the handbook keeps during one build (see the module docstring)."""

    records: DocRecords = field(default_factory=DocRecords)
    #: catalogs, network and institutions, loaded once (:func:`.model.context.handbook_context`)
    context: HandbookContext | None = None
    #: warnings shown per code (installed at ``config-inited``)
    warning_counter: WarningCounter | None = None
    #: page files found by the page scan and its result
    scanned_files: list[str] = field(default_factory=list)
    page_scan: ScanResult | None = None
    #: the network's content-security exceptions (:func:`.publish.guards._policy`)
    security: SecurityPolicy | None = None
    #: pages read in this build (for the incremental-build fingerprints)
    reread: set[str] = field(default_factory=set)
    #: pages read in this build (kept for the write phase)
    read_now: set[str] = field(default_factory=set)
    #: pages to write again only because their views show changed data (:mod:`.compat.view_digests`)
    view_only: set[str] = field(default_factory=set)
    #: pages to write again because they show a changed need itself (cards, links, roles)
    direct: set[str] = field(default_factory=set)
    #: pages other ``env-get-updated`` handlers ask to write again (never left out)
    forced: set[str] = field(default_factory=set)
    #: pages read in this build whose digest changed (:mod:`.compat.reuse`)
    changed_pages: set[str] = field(default_factory=set)
    #: writers of outputs nothing in the build reads: (priority, handler, copy), see :mod:`.background`
    side_outputs: list[tuple[int, Handler, int]] = field(default_factory=list)
    write: WritePhase = field(default_factory=WritePhase)

    def mostly_read(self, pages: int) -> bool:
        """Whether this build read at least a tenth of its ``pages``: writing them takes long."""
        return len(self.read_now) * 10 >= pages

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled with the environment: only the per-page records survive.
        return (_revive, (self.records,))


def _revive(records: DocRecords) -> BuildState:
    return BuildState(records=records)


def get_state(app: Sphinx) -> BuildState:
    """The state of the build run by ``app`` (created on first use, linked to ``app.env``)."""
    found = getattr(app, _ATTR, None)
    state = found if isinstance(found, BuildState) else BuildState()
    if state is not found:
        setattr(app, _ATTR, state)
    env = getattr(app, "env", None)
    if env is not None:
        kept = getattr(env, _ATTR, None)
        if kept is not state:
            if isinstance(kept, BuildState):
                state.records = kept.records  # the records of the previous build
            setattr(env, _ATTR, state)
    return state


def state_of(env: BuildEnvironment) -> BuildState:
    """The state of the build that owns ``env`` (the same object :func:`get_state` returns)."""
    found = getattr(env, _ATTR, None)
    state = found if isinstance(found, BuildState) else BuildState()
    if state is not found:
        setattr(env, _ATTR, state)
    return state


def _link(app: Sphinx) -> None:
    get_state(app)


def _new_write_phase(app: Sphinx, env: BuildEnvironment) -> None:
    get_state(app).write = WritePhase()


def setup_state(app: Sphinx) -> None:
    """Link the state to the environment as soon as it exists; reset derived data per build."""
    from . import pipeline

    app.connect("builder-inited", _link, priority=pipeline.LINK_STATE)
    app.connect("env-updated", _new_write_phase, priority=pipeline.NEW_WRITE_PHASE)
