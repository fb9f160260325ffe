"""Statement checks: one statement per institution and requirement, re-confirmed when
the requirement text changes.

A statement (``umsetzung``) records in ``:geprueft_gegen:`` the fingerprint of the
requirement text it was last checked against; a different or missing fingerprint makes
it "zu prüfen" (see :mod:`qm_handbook.commands.confirm`). No Sphinx imports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ..model.metamodel import LinkDef, Metamodel
from .diagnostics import Problem
from .need_index import NeedDict, NeedIndex, link_targets, problem, where

if TYPE_CHECKING:
    from ..model.context import HandbookContext

#: The field in which a statement records the requirement text it was checked against.
FINGERPRINT_FIELD = "geprueft_gegen"


def statement_links(model: Metamodel) -> dict[str, LinkDef]:
    """Need type -> its required single link into the catalog (``umsetzung`` -> ``setzt_um``)."""
    found: dict[str, LinkDef] = {}
    for link in model.links.values():
        if link.required and link.single and all(model.types[t].scope == "catalog" for t in link.targets):
            for source in link.sources:
                if model.types[source].scope == "institution":
                    found[source] = link
    return found


def suspect_reason(need: NeedDict, ctx: HandbookContext, links: dict[str, LinkDef] | None = None) -> str | None:
    """Why a statement must be checked again (None: confirmed against the current text).

    :param links: :func:`statement_links` of the model (computed when not given)
    """
    tdef = ctx.model.types.get(str(need.get("type")))
    link = (links if links is not None else statement_links(ctx.model)).get(str(need.get("type")))
    if tdef is None or link is None or FINGERPRINT_FIELD not in tdef.fields:
        return None
    targets = link_targets(need, link)
    found = ctx.requirements.get(targets[0]) if len(targets) == 1 else None
    if found is None:
        return None
    recorded = str(need.get(FINGERPRINT_FIELD) or "").strip()
    if not recorded:
        return f"die Aussage wurde noch nie gegen den Text von {targets[0]} bestätigt"
    if recorded != found[1].fingerprint:
        return f"der Text von {targets[0]} wurde seit der letzten Bestätigung geändert"
    return None


def suspect_reasons(index: NeedIndex, ctx: HandbookContext) -> dict[str, str]:
    """Statement ID → why it must be re-checked, for the statements of institutions.

    Computed once per build and shared by :func:`check_statements` (the warnings) and
    the ``qm-zu-pruefen`` lists.
    """
    links = statement_links(ctx.model)
    found: dict[str, str] = {}
    for type_name in links:
        for nid in index.ids_by_type.get(type_name, []):
            if index.owner.get(nid) is None:
                continue
            reason = suspect_reason(index.by_id[nid], ctx, links)
            if reason:
                found[nid] = reason
    return found


def check_statements(
    index: NeedIndex, ctx: HandbookContext, reasons: Mapping[str, str] | None = None
) -> Iterator[Problem]:
    """At most one statement per institution and requirement; changed requirements.

    :param reasons: :func:`suspect_reasons` of the build (computed when not given)
    """
    links = statement_links(ctx.model)
    if reasons is None:
        reasons = suspect_reasons(index, ctx)
    first: dict[tuple[str, str], NeedDict] = {}
    for type_name, link in links.items():
        for nid in index.ids_by_type.get(type_name, []):
            need = index.by_id[nid]
            owner = index.owner.get(nid)
            targets = link_targets(need, link)
            if owner is None or len(targets) != 1:
                continue
            key = (owner.code, targets[0])
            if key in first:
                yield problem(
                    need,
                    "duplicate_statement",
                    f"{nid} ist schon die zweite Umsetzung von {targets[0]} in {owner.code} (erste: "
                    f"{first[key]['id']} in {where(first[key])}).",
                    "Führen Sie beide Aussagen in einer Umsetzung zusammen.",
                )
            else:
                first[key] = need
            reason = reasons.get(nid)
            if reason:
                yield problem(
                    need,
                    "zu_pruefen",
                    f"{nid} ist zu prüfen: {reason}.",
                    f"Prüfen Sie die Aussage und bestätigen Sie sie mit „python3 noxfile.py -s bestaetigen -- {nid}“.",
                )
