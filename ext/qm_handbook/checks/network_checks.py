"""Checks of the learning network's entries: institution codes in ``codes`` fields.

Fields of kind ``codes`` in ``metamodel.toml`` (who is responsible for an action item,
who receives a peer review, who adopted an agreement) must name institutions that
exist. Pure functions over need dicts, run once per build by
:func:`.rules.check_all`. No Sphinx imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..reports.network_measures import split_codes
from .diagnostics import Problem, suggest
from .need_index import NeedDict, problem

if TYPE_CHECKING:
    from ..model.context import HandbookContext


def check_codes(need: NeedDict, ctx: HandbookContext) -> Iterator[Problem]:
    """Every short code in a ``codes`` field of ``need`` belongs to an institution."""
    tdef = ctx.model.types.get(str(need.get("type")))
    if tdef is None or not ctx.by_code:
        return
    known = sorted(ctx.by_code)
    for name in tdef.fields:
        fdef = ctx.model.fields[name]
        if fdef.kind != "codes":
            continue
        for code in split_codes(need.get(name)):
            if code not in ctx.by_code:
                yield problem(
                    need,
                    "unknown_institution",
                    f"{need['id']} nennt bei „{fdef.label}“ das Kürzel „{code}“, das keine Einrichtung trägt.",
                    suggest(code, known) or f"Vorhanden sind: {', '.join(known)}.",
                )
