"""Validation of the handbook's entries (needs) against the metamodel.

Every rule is derived from ``metamodel.toml``: required fields per type, date fields
(ISO form, plausible, ``after`` order), choice fields and status values (vocabulary,
with a "did you mean" hint), status values that require a field (``nicht anwendbar``
only with ``begruendung``), allowed link types per source type, required and single
links, and the allowed target types. On top come the network rules: IDs start with
the institution's short code (``NETZ_`` on network pages) and are unique across the
network, entries stay on their institution's pages and never link into another
institution's entries, statements refer to requirements of the institution's catalog,
at most one statement per institution and requirement, and statements whose
requirement text changed since they were last confirmed are reported "zu prüfen"
(the statement rules live in :mod:`qm_handbook.checks.statements`, the shared need
index in :mod:`qm_handbook.checks.need_index`).

The functions take plain need dicts (the shape of ``needs.json``: ``id``, ``type``,
``status``, ``docname``, ``lineno``, one key per field and per link type) and yield
:class:`~qm_handbook.checks.diagnostics.Problem` objects. No Sphinx imports: the checks run
in milliseconds in unit tests. They run once per build over indices (dicts), never
per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from ..model.labels import parse_date
from ..model.metamodel import LinkDef, Metamodel, TypeDef
from .diagnostics import Problem, suggest
from .need_index import DroppedNeed, NeedDict, NeedIndex, build_index, is_empty, link_targets, problem, where
from .network_checks import check_codes
from .references import check_need_references, reference_fields
from .statements import check_statements

if TYPE_CHECKING:
    from ..model.context import HandbookContext
    from ..model.institutions import Institution

__all__ = [
    "NETWORK_PREFIX",
    "PLAUSIBLE_YEARS",
    "DroppedNeed",
    "check_all",
    "check_duplicates",
    "check_fields",
    "check_links",
    "check_placement",
]

#: Prefix of the IDs of network entries (meetings, agreements).
NETWORK_PREFIX = "NETZ"
#: Dates outside this range are typing errors (e.g. 2062 for 2026).
PLAUSIBLE_YEARS = (1990, 2100)


# --------------------------------------------------------------------------------------
# Fields and status
# --------------------------------------------------------------------------------------


def check_fields(need: NeedDict, model: Metamodel) -> Iterator[Problem]:
    """Required fields, dates, vocabularies and status of one need (all from the metamodel)."""
    tdef = model.types.get(str(need.get("type")))
    if tdef is None:
        return
    nid = need["id"]
    for name in tdef.required:
        if is_empty(need.get(name)):
            fdef = model.fields[name]
            example = "2026-12-31" if fdef.kind == "date" else (fdef.vocabulary[0] if fdef.vocabulary else "…")
            yield problem(
                need,
                "missing_field",
                f"Dem Eintrag {nid} ({tdef.title}) fehlt das Pflichtfeld „{fdef.label}“ (:{name}:).",
                f"Ergänzen Sie z. B. „:{name}: {example}“.",
            )
    for name, fdef in model.fields.items():
        value = need.get(name)
        if is_empty(value):
            continue
        if name not in tdef.fields:
            yield problem(
                need,
                "field_not_allowed",
                f"{tdef.title} {nid} hat das Feld „{fdef.label}“ (:{name}:), das für {tdef.title} nicht "
                "vorgesehen ist.",
                f"Entfernen Sie die Zeile. Vorgesehen sind: {', '.join(tdef.fields) or 'keine Felder'}.",
            )
            continue
        if fdef.kind == "date":
            yield from _check_date(need, tdef, name, value, model)
        elif fdef.kind == "choice" and str(value) not in fdef.vocabulary:
            yield problem(
                need,
                "bad_choice",
                f"„{fdef.label}“ von {nid} hat den Wert „{value}“; erlaubt sind: {', '.join(fdef.vocabulary)}.",
                suggest(str(value), fdef.vocabulary) or "Wählen Sie einen der erlaubten Werte.",
            )
    yield from _check_status(need, tdef, model)


def _check_date(need: NeedDict, tdef: TypeDef, name: str, value: object, model: Metamodel) -> Iterator[Problem]:
    fdef = model.fields[name]
    date = parse_date(value)
    nid = need["id"]
    if date is None:
        yield problem(
            need,
            "bad_date",
            f"„{fdef.label}“ von {nid} ist kein gültiges Datum: „{value}“.",
            "Schreiben Sie Daten als JJJJ-MM-TT, z. B. 2026-03-31.",
        )
        return
    low, high = PLAUSIBLE_YEARS
    if not low <= date.year <= high:
        yield problem(
            need,
            "bad_date",
            f"„{fdef.label}“ von {nid} liegt im Jahr {date.year}; das ist vermutlich ein Tippfehler.",
            f"Erwartet wird ein Jahr zwischen {low} und {high}.",
        )
        return
    if fdef.after:
        before = parse_date(need.get(fdef.after))
        if before is not None and date < before:
            yield problem(
                need,
                "date_order",
                f"Bei {nid} liegt „{fdef.label}“ ({date.isoformat()}) vor „{model.fields[fdef.after].label}“ "
                f"({before.isoformat()}).",
                "Prüfen Sie beide Daten.",
            )


def _check_status(need: NeedDict, tdef: TypeDef, model: Metamodel) -> Iterator[Problem]:
    if not tdef.status:
        return
    status = need.get("status")
    nid = need["id"]
    if is_empty(status):
        yield problem(
            need,
            "bad_status",
            f"{tdef.title} {nid} hat keinen Status.",
            f"Ergänzen Sie „:status:“ mit einem dieser Werte: {', '.join(tdef.status)}.",
        )
        return
    if status not in tdef.status:
        yield problem(
            need,
            "bad_status",
            f"Der Status „{status}“ von {nid} ist für {tdef.title} nicht vorgesehen; erlaubt sind: "
            f"{', '.join(tdef.status)}.",
            suggest(str(status), tdef.status) or "Wählen Sie einen der erlaubten Werte.",
        )
        return
    for name in tdef.status_requires.get(str(status), ()):
        if is_empty(need.get(name)):
            label = model.fields[name].label
            yield problem(
                need,
                "status_needs_field",
                f"{tdef.title} {nid} hat den Status „{status}“, aber kein Feld „{label}“ (:{name}:).",
                f"Ergänzen Sie „:{name}: …“ mit einer kurzen Erklärung.",
            )


# --------------------------------------------------------------------------------------
# IDs and placement
# --------------------------------------------------------------------------------------


def check_placement(need: NeedDict, index: NeedIndex, ctx: HandbookContext) -> Iterator[Problem]:
    """ID prefix and page of one need, by the scope of its type."""
    tdef = ctx.model.types.get(str(need.get("type")))
    if tdef is None:
        return
    nid = str(need["id"])
    owner = index.owner.get(nid)
    if tdef.scope != "institution":
        if owner is not None:
            yield problem(
                need,
                "wrong_place",
                f"{tdef.title} {nid} steht auf einer Seite der Einrichtung {owner.code}; Einträge dieses Typs "
                "gehören in den Netzwerk- bzw. Katalogteil.",
                "Verschieben Sie den Eintrag auf eine Netzwerkseite.",
            )
        elif tdef.scope == "network" and not nid.startswith(f"{NETWORK_PREFIX}_"):
            yield problem(
                need,
                "id_prefix",
                f"Die Kennung {nid} eines Netzwerkeintrags beginnt nicht mit {NETWORK_PREFIX}_.",
                f"Schreiben Sie z. B. „{NETWORK_PREFIX}_{nid}“.",
            )
        return
    if owner is None:
        yield problem(
            need,
            "wrong_place",
            f"{tdef.title} {nid} steht nicht auf den Seiten einer Einrichtung.",
            f"Einträge vom Typ {tdef.title} gehören in den Ordner einer Einrichtung "
            f"({ctx.institutions_dir}/<ordner>/).",
        )
        return
    if nid.startswith(f"{owner.code}_"):
        return
    other = next((code for code in ctx.by_code if nid.startswith(f"{code}_")), None)
    if other is not None:
        yield problem(
            need,
            "wrong_place",
            f"{nid} gehört nach seiner Kennung zur Einrichtung {other}, steht aber auf einer Seite von {owner.code}.",
            f"Verschieben Sie den Eintrag zu {other} oder beginnen Sie die Kennung mit „{owner.code}_“.",
        )
        return
    yield problem(
        need,
        "id_prefix",
        f"Die Kennung {nid} beginnt nicht mit dem Kürzel der Einrichtung ({owner.code}).",
        f"Schreiben Sie z. B. „{owner.code}_{nid}“.",
    )


def check_duplicates(dropped: Iterable[DroppedNeed], index: NeedIndex) -> Iterator[Problem]:
    """IDs used twice: sphinx-needs keeps the first need and drops the second."""
    for dup in dropped:
        kept = index.by_id.get(dup.id)
        first = f", zuerst in {where(kept)}" if kept is not None else ""
        yield Problem(
            code="duplicate_id",
            message=f"Die Kennung {dup.id} ist doppelt vergeben{first}. Dieser zweite Eintrag fehlt deshalb "
            "im Handbuch.",
            hint="Vergeben Sie eine neue, im ganzen Netzwerk eindeutige Kennung.",
            docname=dup.docname,
            line=dup.lineno,
        )


# --------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------


def check_links(need: NeedDict, index: NeedIndex, ctx: HandbookContext) -> Iterator[Problem]:
    """Link types, targets (existence, type, catalog, institution) of one need."""
    model = ctx.model
    tdef = model.types.get(str(need.get("type")))
    if tdef is None:
        return
    nid = str(need["id"])
    owner = index.owner.get(nid)
    for link in model.links.values():
        targets = link_targets(need, link)
        if tdef.name not in link.sources:
            if targets:
                allowed = ", ".join(model.types[s].title for s in link.sources)
                yield problem(
                    need,
                    "link_not_allowed",
                    f"{tdef.title} {nid} verwendet „:{link.name}:“; diese Verknüpfung ist nur für {allowed} "
                    "vorgesehen.",
                    "Entfernen Sie die Zeile oder wählen Sie eine passende Verknüpfung (siehe Metamodell).",
                )
            continue
        if link.required and not targets:
            yield problem(
                need,
                "missing_link",
                f"{tdef.title} {nid} hat keine Verknüpfung „{link.outgoing}“ (:{link.name}:).",
                f"Ergänzen Sie „:{link.name}: <Kennung>“ mit einem Eintrag vom Typ "
                f"{', '.join(model.types[t].title for t in link.targets)}.",
            )
        if link.single and len(targets) > 1:
            yield problem(
                need,
                "too_many_links",
                f"{tdef.title} {nid} nennt bei „{link.outgoing}“ {len(targets)} Ziele ({', '.join(targets)}); "
                "erlaubt ist genau eines.",
                "Schreiben Sie für jedes Ziel einen eigenen Eintrag.",
            )
        for target_id in targets:
            yield from _check_target(need, nid, owner, link, target_id, index, ctx)


def _check_target(
    need: NeedDict,
    nid: str,
    owner: Institution | None,
    link: LinkDef,
    target_id: str,
    index: NeedIndex,
    ctx: HandbookContext,
) -> Iterator[Problem]:
    model = ctx.model
    target = index.by_id.get(target_id)
    if target is None:
        candidates = [i for t in link.targets for i in index.ids_by_type.get(t, [])]
        hint = suggest(target_id, candidates) or (
            f"Prüfen Sie die Schreibweise; erwartet wird ein Eintrag vom Typ "
            f"{', '.join(model.types[t].title for t in link.targets)}."
        )
        yield problem(
            need, "unknown_link", f"{nid} verweist bei „{link.outgoing}“ auf „{target_id}“, die es nicht gibt.", hint
        )
        return
    target_type = str(target.get("type"))
    if target_type not in link.targets:
        title = model.types[target_type].title if target_type in model.types else target_type
        yield problem(
            need,
            "link_target_type",
            f"{nid} verweist bei „{link.outgoing}“ auf {target_id} ({title}); erlaubt sind Ziele vom Typ "
            f"{', '.join(model.types[t].title for t in link.targets)}.",
            "Wählen Sie ein passendes Ziel oder eine andere Verknüpfung.",
        )
        return
    if owner is None:
        return
    target_owner = index.owner.get(target_id)
    if target_owner is not None and target_owner.code != owner.code:
        yield problem(
            need,
            "cross_institution_link",
            f"{nid} verweist bei „{link.outgoing}“ auf {target_id} der Einrichtung {target_owner.code}.",
            "Verweisen Sie nur auf eigene Einträge, auf Anforderungen oder auf Netzwerkeinträge.",
        )
    found = ctx.requirements.get(target_id)
    if found is not None and found[0].key != owner.catalog:
        yield problem(
            need,
            "wrong_catalog",
            f"{nid} verweist auf {target_id} aus dem Katalog „{found[0].key}“, die Einrichtung {owner.code} "
            f"arbeitet aber mit „{owner.catalog}“.",
            "Verweisen Sie auf die passende Anforderung des eigenen Katalogs.",
        )


def check_all(
    needs: Iterable[NeedDict],
    ctx: HandbookContext,
    dropped: Iterable[DroppedNeed] = (),
    *,
    reasons: Mapping[str, str] | None = None,
) -> Iterator[Problem]:
    """Every need check, once over all needs of the build.

    :param reasons: the build's statements to re-check (:func:`.statements.suspect_reasons`;
        computed when not given)
    """
    index = build_index(needs, ctx)
    yield from check_duplicates(dropped, index)
    refs = reference_fields(ctx.model)
    for need in index.by_id.values():
        yield from check_placement(need, index, ctx)
        yield from check_fields(need, ctx.model)
        yield from check_need_references(need, ctx, refs)
        yield from check_links(need, index, ctx)
        yield from check_codes(need, ctx)
    yield from check_statements(index, ctx, reasons)
