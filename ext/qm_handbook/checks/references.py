"""Cross-references between data files and from needs into the data files.

* ``partner_cross_audit`` in an ``einrichtung.toml`` must be the short code of another
  institution of the network.
* A need field the metamodel marks with ``refers = "einrichtung"`` (the host of a
  network meeting, ``:gastgeber:``) must hold the short code of an institution.

(Rotation codes in ``netzwerk.toml`` are checked with the rotation plan; catalog
references of institutions when the context is loaded.) Pure functions, no Sphinx.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..model.tomlfile import TomlFile
from .diagnostics import Problem, suggest
from .need_index import NeedDict, problem

if TYPE_CHECKING:
    from ..model.context import HandbookContext
    from ..model.institutions import Institution
    from ..model.metamodel import Metamodel

#: The value of ``refers`` for fields holding an institution's short code.
INSTITUTION = "einrichtung"


def check_partners(institutions: Iterable[Institution]) -> Iterator[Problem]:
    """Every cross-audit partner is another institution of the network."""
    members = list(institutions)
    codes = sorted(i.code for i in members)
    for inst in members:
        partner = inst.cross_audit_partner
        if not partner or (partner in codes and partner != inst.code):
            continue
        own = partner == inst.code
        yield Problem(
            code="unknown_reference",
            message=f"Das Kürzel „{partner}“ bei „partner_cross_audit“ "
            + ("ist das eigene Kürzel der Einrichtung." if own else "gehört zu keiner Einrichtung des Netzwerks."),
            hint=(suggest(partner, codes) if not own else "") or f"Vorhanden sind: {', '.join(codes)}.",
            file=inst.path,
            line=TomlFile(inst.path).line("partner_cross_audit", partner),
        )


def reference_fields(model: Metamodel) -> list[str]:
    """Fields whose values are institution short codes."""
    return [f.name for f in model.fields.values() if f.refers == INSTITUTION]


def check_need_references(need: NeedDict, ctx: HandbookContext, fields: list[str]) -> Iterator[Problem]:
    """Fields of one need that name an institution that does not exist."""
    for name in fields:
        value = str(need.get(name) or "").strip()
        if not value or value in ctx.by_code:
            continue
        label = ctx.model.fields[name].label
        codes = sorted(ctx.by_code)
        yield problem(
            need,
            "unknown_reference",
            f"„{label}“ von {need['id']} ist „{value}“; dieses Kürzel gehört zu keiner Einrichtung des Netzwerks.",
            suggest(value, codes) or f"Vorhanden sind: {', '.join(codes)}.",
        )
