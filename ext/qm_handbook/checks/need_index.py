"""Indices over the needs of one build and the helpers the need checks share.

:mod:`qm_handbook.checks.rules` and :mod:`qm_handbook.checks.statements` read needs as plain
dicts (the shape of ``needs.json``) through these indices, built once per build. No
Sphinx imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..model.metamodel import LinkDef
from .diagnostics import Problem

if TYPE_CHECKING:
    from ..model.context import HandbookContext
    from ..model.institutions import Institution

NeedDict = Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class DroppedNeed:
    """A need sphinx-needs refused to create because its ID already existed."""

    id: str
    docname: str
    lineno: int | None


@dataclass(slots=True)
class NeedIndex:
    """Indices over all needs of one build, computed once."""

    by_id: dict[str, NeedDict] = field(default_factory=dict)
    owner: dict[str, Institution | None] = field(default_factory=dict)
    ids_by_type: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def build_index(needs: Iterable[NeedDict], ctx: HandbookContext) -> NeedIndex:
    """Index needs by ID, owning institution (from the page) and type."""
    index = NeedIndex()
    for need in needs:
        need_id = str(need["id"])
        index.by_id[need_id] = need
        index.owner[need_id] = ctx.institution_of(str(need.get("docname") or ""))
        index.ids_by_type[str(need.get("type"))].append(need_id)
    return index


def is_empty(value: object) -> bool:
    """True for an unset field value (None, empty string or empty list)."""
    return value is None or value == "" or value == []


def where(need: NeedDict) -> str:
    """``file:line`` of a need, for messages that name a second place."""
    place = f"{need.get('docname')}{need.get('doctype') or '.md'}"
    return f"{place}:{need['lineno']}" if need.get("lineno") else place


def problem(need: NeedDict, code: str, message: str, hint: str = "") -> Problem:
    """A problem located at ``need``."""
    return Problem(
        code=code, message=message, hint=hint, docname=str(need.get("docname") or ""), line=need.get("lineno")
    )


def link_targets(need: NeedDict, link: LinkDef) -> list[str]:
    """The target IDs of one link type of ``need`` (a list or a comma-separated string)."""
    value = need.get(link.name) or []
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",")]
    return [str(v) for v in value if v]
