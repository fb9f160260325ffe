"""Correct incremental builds: pages that show other pages' needs are written again.

Sphinx re-reads only the pages whose source changed. sphinx-needs does not track which
other pages display a need, so after editing one need the "belegt durch" links on the
catalog page, need tables and the handbook's reports would stay stale.

After reading, this module compares a fingerprint of every need on the re-read pages
(all fields and outgoing links, without line numbers) with the fingerprint recorded
in the previous build. When needs were added, removed or changed, it marks for
writing exactly the pages that show them:

* pages holding a need that a changed need links to, or linked to before the change
  (their cards show the back-links);
* pages holding a need that links to a changed need (their cards show the link);
* pages using the roles ``need``, ``need_incoming`` or ``need_outgoing`` for an
  affected need;
* pages with views over many needs: sphinx-needs' tables, lists, diagrams and counts,
  and every page registered with :func:`.dependencies.note_needs_view` (the handbook's
  reports). A view limited to some institutions is written again only when needs of
  those institutions or needs outside every institution (catalog, network) change.

Fingerprints are computed only for needs of re-read pages, so a no-op build costs
nothing and an edit costs time proportional to the edited page plus the pages written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.environment.collectors import EnvironmentCollector

from ..model.context import get_context
from ..site.dependencies import needs_view_scopes, note_needs_view
from ..state import get_state, state_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Set

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Need fields that do not show on other pages: where the need sits in its source file.
_POSITION_FIELDS = frozenset({"lineno", "lineno_content"})
#: sphinx-needs roles that show one need (by ``reftarget``).
_REF_ROLES = frozenset({"NeedRef", "NeedIncoming", "NeedOutgoing"})
#: sphinx-needs nodes that show data of many needs.
_VIEW_NODES = frozenset(
    {
        "Needtable",
        "Needlist",
        "Needextract",
        "Needflow",
        "Needpie",
        "Needbar",
        "Needgantt",
        "Needsequence",
        "Needuml",
        "Needfilter",
        "Needreport",
        "NeedCount",
        "NeedFunc",
    }
)


@dataclass(frozen=True, slots=True)
class NeedPrint:
    """What other pages can show of a need: its page, a content hash and its link targets."""

    docname: str
    digest: str
    targets: frozenset[str]


def link_names(need: Mapping[str, Any]) -> list[str]:
    """The link fields of a need (sphinx-needs keeps ``<link>_back`` beside each)."""
    return [key[: -len("_back")] for key in need if key.endswith("_back") and key[: -len("_back")] in need]


def fingerprint(need: Mapping[str, Any], links: list[str]) -> NeedPrint:
    """The fingerprint of one (not yet post-processed) need."""
    items = sorted((k, repr(need[k])) for k in need if k not in _POSITION_FIELDS and not k.endswith("_back"))
    digest = hashlib.blake2b(repr(items).encode("utf-8"), digest_size=16).hexdigest()
    targets: set[str] = set()
    for name in links:
        targets.update(str(t).split(".")[0] for t in need.get(name) or ())
    return NeedPrint(docname=str(need["docname"]), digest=digest, targets=frozenset(targets))


def pages_to_rewrite(
    old: Mapping[str, NeedPrint],
    new: Mapping[str, NeedPrint],
    docname_of: Mapping[str, str],
    incoming: Mapping[str, Set[str]],
    role_refs: Mapping[str, Set[str]],
    views: Mapping[str, frozenset[str] | None],
    owner_of: Callable[[str], str | None],
) -> set[str]:
    """Pages that show a need that differs between ``old`` and ``new``.

    Pure function (no Sphinx): ``old``/``new`` hold the fingerprints of the needs that
    may have changed (the same ids on both sides where they exist); ``docname_of``
    maps every need id of the current build to its page; ``incoming`` maps
    a need id to the ids of the needs linking to it (current build); ``role_refs`` maps
    a page to the need ids it shows through roles; ``views`` maps pages with views over
    many needs to the institutions they show (``None``: all); ``owner_of`` gives the
    institution code of a page (``None`` outside institutions).

    :returns: docnames to write again (may include pages that are re-read anyway)
    """
    changed = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
    if not changed:
        return set()
    affected = set(changed)
    for need_id in changed:
        for side in (old.get(need_id), new.get(need_id)):
            if side is not None:
                affected |= side.targets
    owners = {owner_of(side.docname) for i in changed for side in (old.get(i), new.get(i)) if side is not None}
    pages = {page for page, scope in views.items() if scope is None or None in owners or not scope.isdisjoint(owners)}
    for need_id in affected:
        page = docname_of.get(need_id)
        if page is not None:
            pages.add(page)
    for need_id in changed:
        pages.update(incoming.get(need_id, ()))
    pages.update(doc for doc, ids in role_refs.items() if not ids.isdisjoint(affected))
    return pages


class NeedDisplayCollector(EnvironmentCollector):
    """Which pages show which needs, and which pages to write again after reading.

    Keeps ``DocRecords.need_role_refs`` (purged per page, merged from parallel reading
    processes) and the need fingerprints of the previous build.
    """

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        get_state(app).reread.add(docname)
        state_of(env).records.need_role_refs.pop(docname, None)

    def merge_other(self, app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
        mine = state_of(env).records.need_role_refs
        for docname, refs in state_of(other).records.need_role_refs.items():
            if docname in docnames:
                mine[docname] = refs

    def process_doc(self, app: Sphinx, doctree: nodes.document) -> None:
        collect_need_displays(app, doctree)

    def get_updated_docs(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        state = get_state(app)
        records = state.records
        previous = records.need_fingerprints
        needs: dict[str, Any] = getattr(env, "_needs_all_needs", {})
        reread = state.reread
        state.reread = set()
        state.read_now = set(reread)
        if previous is None:
            # First build with this environment: everything is written anyway.
            records.need_fingerprints = _all_prints(needs)
            return []
        links: list[str] | None = None
        new: dict[str, NeedPrint] = {}
        for need_id, need in needs.items():
            if need["docname"] in reread:
                links = links if links is not None else link_names(need)
                new[need_id] = fingerprint(need, links)
        old = {i: p for i, p in previous.items() if p.docname in reread or i in new}
        if all(old.get(i) == p for i, p in new.items()) and old.keys() <= new.keys():
            return []
        current = {i: p for i, p in previous.items() if i in needs}
        current.update(new)
        incoming = _incoming(current, old.keys() | new.keys())
        docname_of = {need_id: p.docname for need_id, p in current.items()}
        ctx = get_context(env)

        def owner_of(docname: str) -> str | None:
            inst = ctx.institution_of(docname)
            return inst.code if inst is not None else None

        refs = records.need_role_refs
        pages = pages_to_rewrite(old, new, docname_of, incoming, refs, needs_view_scopes(env), owner_of)
        # Which of them show a changed need itself, and which only through their views.
        state.direct |= pages_to_rewrite(old, new, docname_of, incoming, refs, {}, owner_of)
        state.view_only |= pages - state.direct
        for need_id in old.keys() - new.keys():
            del previous[need_id]
        previous.update(new)
        return sorted(pages & env.found_docs)


def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    get_state(app).reread = set(docnames)


def _all_prints(needs: Mapping[str, Any]) -> dict[str, NeedPrint]:
    if not needs:
        return {}
    links = link_names(next(iter(needs.values())))
    return {need_id: fingerprint(need, links) for need_id, need in needs.items()}


def _incoming(prints: Mapping[str, NeedPrint], wanted: Set[str]) -> dict[str, set[str]]:
    """Need id (of ``wanted``) → pages of the needs that link to it (from their fingerprints)."""
    result: dict[str, set[str]] = {}
    for found in prints.values():
        for target in found.targets & wanted:
            result.setdefault(target, set()).add(found.docname)
    return result


def collect_need_displays(app: Sphinx, doctree: nodes.document) -> None:
    """Record the need roles and sphinx-needs views of the page just read."""
    env = app.env
    refs: set[str] = set()
    view = False
    for node in doctree.findall(nodes.Element):
        name = type(node).__name__
        if name in _REF_ROLES and type(node).__module__.startswith("sphinx_needs"):
            refs.add(str(node.get("reftarget", "")).split(".")[0])
        elif name in _VIEW_NODES and type(node).__module__.startswith("sphinx_needs"):
            view = True
    if refs:
        state_of(env).records.need_role_refs[env.docname] = refs
    if view:
        note_needs_view(env)


def setup_incremental(app: Sphinx) -> None:
    """Connect the bookkeeping to Sphinx's read and update events."""
    app.connect("env-before-read-docs", _before_read)
    app.add_env_collector(NeedDisplayCollector)
