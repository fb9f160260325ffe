"""Removing internal items from the data the public site is made of.

Pure functions, no Sphinx imports: the build's one coverage result (read by every
view and export), the ``needs.json`` data and Sphinx's ``objects.inv`` inventory.
Aggregates stay as computed from all items (readiness, status counts, gap counts);
what goes are the IDs, titles and texts of internal items and the pages marked
internal. A gap about an internal item keeps its place in the counts and lists, but
shows only its kind and the marker ``intern``.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterable
from typing import Any, TypeVar

from ..reports.coverage_model import Cell, CoverageResult, Gap, InstitutionResult, NeedRef
from .visibility import MARKER_TEXT, VisibilityIndex

_Ref = TypeVar("_Ref", bound=NeedRef)


def _public(items: Iterable[_Ref], index: VisibilityIndex) -> tuple[_Ref, ...]:
    kept = []
    for item in items:
        if index.need_is_internal(item.id) or index.doc_is_internal(item.docname):
            continue
        if targets := getattr(item, "targets", ()):
            item = dataclasses.replace(item, targets=_ids(targets, index))  # type: ignore[call-arg]
        if measures := getattr(item, "measures", ()):
            item = dataclasses.replace(item, measures=_ids(measures, index))  # type: ignore[call-arg]
        kept.append(item)
    return tuple(kept)


def _ids(ids: Iterable[str], index: VisibilityIndex) -> tuple[str, ...]:
    return tuple(i for i in ids if not index.need_is_internal(i))


def _gap(gap: Gap, index: VisibilityIndex) -> Gap:
    if index.need_is_internal(gap.need_id) or index.doc_is_internal(gap.docname):
        return dataclasses.replace(gap, title=MARKER_TEXT, detail="", docname="", need_id="")
    return gap


def _cell(cell: Cell, index: VisibilityIndex) -> Cell:
    return dataclasses.replace(
        cell,
        statements=_public(cell.statements, index),
        evidence=_public(cell.evidence, index),
        measures=_public(cell.measures, index),
        findings=_public(cell.findings, index),
    )


def _institution(member: InstitutionResult, index: VisibilityIndex) -> InstitutionResult:
    return dataclasses.replace(
        member,
        cells={key: _cell(cell, index) for key, cell in member.cells.items()},
        gaps=tuple(_gap(g, index) for g in member.gaps),
        measures=_public(member.measures, index),
        findings=_public(member.findings, index),
        evidence=_public(member.evidence, index),
    )


def redact_result(result: CoverageResult, index: VisibilityIndex) -> CoverageResult:
    """A copy of ``result`` without internal items (aggregates unchanged)."""
    return dataclasses.replace(
        result,
        institutions={code: _institution(m, index) for code, m in result.institutions.items()},
    )


def redact_needs_json(data: dict[str, Any], index: VisibilityIndex) -> dict[str, Any]:
    """``needs.json`` without internal needs and without links to them (changed in place)."""
    for version in data.get("versions", {}).values():
        needs: dict[str, dict[str, Any]] = version.get("needs", {})
        for need_id in [i for i in needs if index.need_is_internal(i)]:
            del needs[need_id]
        for need in needs.values():
            for key, value in need.items():
                if isinstance(value, list) and any(isinstance(v, str) and index.need_is_internal(v) for v in value):
                    need[key] = [v for v in value if not (isinstance(v, str) and index.need_is_internal(v))]
        if "needs_amount" in version:
            version["needs_amount"] = len(needs)
    return data


def redact_inventory(raw: bytes, index: VisibilityIndex, internal_uris: Iterable[str]) -> bytes:
    """An ``objects.inv`` (version 2) without entries of internal pages and items.

    :param raw: the file as Sphinx wrote it (four header lines, then zlib data)
    :param internal_uris: the output paths of internal pages (``a/b.html``)
    """
    lines = raw.split(b"\n", 4)
    if len(lines) < 5 or not lines[0].startswith(b"# Sphinx inventory version 2"):
        return raw
    header, body = b"\n".join(lines[:4]) + b"\n", zlib.decompress(lines[4]).decode("utf-8")
    uris = set(internal_uris)
    kept = []
    for line in body.splitlines():
        parts = line.split()
        name = parts[0] if parts else ""
        # name domain:role priority uri dispname...
        uri = parts[3].split("#", 1)[0] if len(parts) > 3 else ""
        anchor = parts[3].split("#", 1)[1] if len(parts) > 3 and "#" in parts[3] else ""
        if uri in uris or index.need_is_internal(name) or index.need_is_internal(anchor):
            continue
        if any(index.need_is_internal(p) for p in parts[4:]):
            continue
        kept.append(line)
    return header + zlib.compress(("\n".join(kept) + "\n").encode("utf-8"), 9)
