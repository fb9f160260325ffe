"""Examples in generated pages come from the current content, not from the demo network.

The warning registry (:mod:`qm_handbook.checks.diagnostics`) writes its examples once,
with the names of the demo network (``W1``, ``vhs-leipziger-land``, ``DQE_E1_1``).
When a page shows them, :func:`localize` replaces those names by the ones of the
network being built: institutions (codes of the demo that exist stay, the others
are replaced by the remaining institutions in order), the catalog of the first one
and its requirements at the same place of the catalog. A network on
another standard thus reads examples with its own codes and IDs. Without
institutions or catalogs the text stays as written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model.context import HandbookContext

#: Quality areas of the demo catalog in catalog order (an example's area maps by position).
_DEMO_AREAS = ("E1", "E2", "E3", "E4", "D1", "D2", "D3", "D4")
_DEMO_CODES = ("W1", "W2", "W3", "W4", "O1", "O2", "O3", "O4")
_DEMO_FOLDERS = {"vhs": 0, "b": 1, "fbz": 2}
_TOKEN = re.compile(
    r"\b(?:(?P<owner>[WO]\d)_)?DQE_(?P<area>[ED]\d)_(?P<num>\d+)\b"
    r"|\bDQE 1\.0\b|\bDQE\b"
    r"|\b(?P<code>[WO]\d)\b"
    r"|\bvhs-leipziger-land\b"
    r"|\binstitutions/(?P<folder>vhs|fbz|b)/"
)


def localize(text: str, ctx: HandbookContext) -> str:
    """``text`` with the demo network's names replaced by the current network's."""
    if not ctx.institutions or not ctx.catalogs:
        return text
    people = ctx.institutions
    used = {i.code for i in people}
    # demo codes that exist stay; the others take the remaining institutions in order
    spare = iter([i.code for i in people if i.code not in _DEMO_CODES])
    mapping = {demo: demo if demo in used else next(spare, "") for demo in _DEMO_CODES}
    first = ctx.by_code.get(mapping["W1"]) or people[0]
    catalog = ctx.catalogs.get(first.catalog) or next(iter(ctx.catalogs.values()))

    def code(demo: str) -> str:
        if mapping.get(demo):
            return mapping[demo]
        number = 9
        while f"X{number}" in used:
            number += 1
        return f"X{number}"  # an example of a code nobody has

    def requirement(area: str, number: int) -> str:
        if not catalog.areas:
            return f"{catalog.code}_{area}_{number}"
        target = catalog.areas[_DEMO_AREAS.index(area) % len(catalog.areas)]
        reqs = target.requirements
        return reqs[number - 1].need_id if number <= len(reqs) else f"{catalog.code}_{target.code}_{number}"

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group("area"):
            req = requirement(match.group("area"), int(match.group("num")))
            return f"{code(match.group('owner'))}_{req}" if match.group("owner") else req
        if token == "DQE 1.0":
            return catalog.key
        if token == "DQE":
            return catalog.code
        if match.group("code"):
            return code(token)
        if token == "vhs-leipziger-land":
            return first.slug
        demo = _DEMO_CODES[_DEMO_FOLDERS[match.group("folder")]]
        inst = ctx.by_code.get(code(demo)) or first
        return f"{ctx.institutions_dir}/{inst.slug}/"

    return _TOKEN.sub(replace, text)
