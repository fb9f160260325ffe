"""Good practice: which partners have a requirement fully implemented, and their examples.

:func:`implemented_index` is computed once per build inside the one report computation
(:mod:`.coverage`): requirement → codes of the institutions whose cell has the fully
weighted status (``umgesetzt``). Gap lists name these partners next to a gap, so an
institution sees whom to ask, without any per-page scan (a dictionary lookup per gap;
130 institutions × 40 requirements is one pass). No Sphinx imports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from .coverage_model import InstitutionResult


def full_statuses(weights: Mapping[str, float]) -> frozenset[str]:
    """Statuses that count as fully implemented (the highest readiness weight)."""
    if not weights:
        return frozenset()
    top = max(weights.values())
    return frozenset(s for s, w in weights.items() if w == top and w > 0)


def implemented_index(results: Iterable[InstitutionResult], weights: Mapping[str, float]) -> dict[str, tuple[str, ...]]:
    """Requirement ID → codes of institutions that implement it fully, in registry order."""
    full = full_statuses(weights)
    index: dict[str, list[str]] = defaultdict(list)
    for inst in results:
        for req, cell in inst.cells.items():
            if cell.status in full:
                index[req].append(inst.code)
    return {req: tuple(codes) for req, codes in index.items()}
