"""Needs that count as measures of other institutions: shared action items, peer reviews.

A need type with ``measure_for`` in ``metamodel.toml`` (``aufgabe``: action items from
network meetings; ``rueckmeldung``: findings one institution records for another)
becomes a measure of every institution its ``measure_for`` field names, with the
source ``measure_source``. :func:`assigned_measures` turns such needs into
measure-shaped mappings once per build; :mod:`.coverage` adds them to each assignee's
measures, so measures plans, gap lists (overdue on the as-of date), dashboards,
exports and the terminal report show them without knowing where they came from.
No Sphinx imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..model.metamodel import Metamodel

NeedMap = Mapping[str, Any]


def split_codes(value: object) -> tuple[str, ...]:
    """The short codes of a ``codes`` field (``"W1, W3"`` or a list), in order, without repeats."""
    raw = value if isinstance(value, (list, tuple)) else str(value or "").replace(";", ",").split(",")
    codes: dict[str, None] = {}
    for item in raw:
        code = str(item).strip()
        if code:
            codes.setdefault(code, None)
    return tuple(codes)


def assigned_measures(needs: Mapping[str, NeedMap], model: Metamodel) -> dict[str, list[dict[str, Any]]]:
    """Institution code → measure-shaped mappings of the needs assigned to it.

    The mapping has the keys the coverage computation reads of a Maßnahme (``id``,
    ``title``, ``docname``, ``lineno``, ``status``, ``verantwortlich``, ``faellig_am``,
    ``quelle``, ``verbessert``, ``behebt``) plus ``herkunft`` (the original type).
    """
    kinds = {t.name: t for t in model.types.values() if t.measure_for}
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not kinds:
        return result
    for need in sorted(needs.values(), key=lambda n: (str(n.get("docname") or ""), int(n.get("lineno") or 0))):
        tdef = kinds.get(str(need.get("type")))
        if tdef is None:
            continue
        shaped = {
            "id": need.get("id"),
            "title": need.get("title"),
            "docname": need.get("docname"),
            "lineno": need.get("lineno"),
            "status": need.get("status"),
            "verantwortlich": need.get("verantwortlich"),
            "faellig_am": need.get("faellig_am"),
            "quelle": tdef.measure_source,
            "verbessert": need.get("verbessert") or (),
            "behebt": (),
            "herkunft": tdef.name,
        }
        for code in split_codes(need.get(tdef.measure_for)):
            result[code].append(shaped)
    return result
