"""The QM metamodel: need types, fields, link types and vocabularies.

The metamodel is declared once, in ``metamodel.toml`` beside this module. Everything
else (the sphinx-needs configuration, the German need card layout, validation,
reports and exports) asks this module instead of repeating names. This module has no
Sphinx imports, so it can be used from the command line and unit tests.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

METAMODEL_FILE = Path(__file__).with_name("metamodel.toml")

#: ``codes``: comma-separated short codes of institutions.
FieldKind = Literal["text", "date", "choice", "codes"]
Scope = Literal["catalog", "institution", "network"]

#: Pattern every need ID must match: upper-case letters, digits and underscores,
#: starting with a letter. Dots are not allowed because sphinx-needs reads
#: ``ID.part`` as a reference to a need part.
#: Longest need ID (documented in the authors' guide); longer IDs are rejected.
MAX_ID_LENGTH = 64
ID_REGEX = rf"^(?=.{{1,{MAX_ID_LENGTH}}}$)[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$"

#: Fields kept in needs.json but not shown on need cards (the checked-text fingerprint).
HIDDEN_FIELDS = frozenset({"geprueft_gegen"})


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldDef:
    """One need field (a MyST option of the need directives)."""

    name: str
    label: str
    kind: FieldKind = "text"
    vocabulary: tuple[str, ...] = ()
    description: str = ""
    #: For dates: the field whose date this one must not precede (e.g. valid-until
    #: after collected-on).
    after: str = ""
    #: What the value names: "" (free) or "einrichtung" (an institution's short code).
    refers: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkDef:
    """One typed link between needs, with German titles in both directions."""

    name: str
    outgoing: str
    incoming: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    #: Every source need must set this link.
    required: bool = False
    #: At most one target.
    single: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeDef:
    """One need type (a directive such as ``umsetzung``)."""

    name: str
    title: str
    plural: str
    scope: Scope
    color: str
    status: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    #: Status value -> fields that must be filled when the need has that status.
    status_requires: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Default visibility of the type's items on the public site (vocabulary
    #: ``sichtbarkeit``); an item's field or an internal page overrides it.
    visibility: str = "öffentlich"
    #: Middle part of new IDs (``W1_NW_01``); empty: no ``neu`` command for the type.
    id_prefix: str = ""
    #: Page new entries are appended to (institution: relative to its folder; network:
    #: relative to the source folder; ending in ``/``: a new page per entry there).
    page: str = ""
    #: A field of kind ``codes``: the need counts as a measure of each institution it
    #: names (shared action items, peer-review findings); empty for other types.
    measure_for: str = ""
    #: The measure source (``massnahmenquelle``) such a measure shows.
    measure_source: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        """All fields the type knows, required ones first."""
        return self.required + self.optional


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportRules:
    """How reports read status values (the ``[reports]`` table)."""

    missing_status: str = "fehlt"
    needs_evidence: tuple[str, ...] = ()
    not_applicable: str = ""
    evidence_valid: tuple[str, ...] = ()
    evidence_ignored: tuple[str, ...] = ()
    measure_done: tuple[str, ...] = ()
    finding_closed: tuple[str, ...] = ()
    finding_needs_measure: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    #: phase of the quality development cycle → massnahmenstatus values, in cycle order
    cycle_phases: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Metamodel:
    """The whole metamodel, as loaded from TOML."""

    vocabularies: dict[str, tuple[str, ...]]
    fields: dict[str, FieldDef]
    types: dict[str, TypeDef]
    links: dict[str, LinkDef]
    reports: ReportRules = field(default_factory=ReportRules)
    #: Status value -> display kind (``erledigt``, ``teilweise``, ``ruhend``); others are ``offen``.
    status_kinds: dict[str, str] = field(default_factory=dict)
    source: Path = field(default=METAMODEL_FILE)

    def links_from(self, type_name: str) -> list[LinkDef]:
        """Link types a need of ``type_name`` may set."""
        return [link for link in self.links.values() if type_name in link.sources]

    def types_in_scope(self, scope: Scope) -> list[TypeDef]:
        """Need types of one scope, in declaration order."""
        return [t for t in self.types.values() if t.scope == scope]

    def date_fields(self) -> list[str]:
        """Names of all fields that hold dates."""
        return [f.name for f in self.fields.values() if f.kind == "date"]

    def status_kind(self, status: str) -> str:
        """How a card shows ``status``: ``erledigt``, ``teilweise``, ``ruhend`` or ``offen``."""
        return self.status_kinds.get(status, "offen")


class MetamodelError(ValueError):
    """The metamodel file contradicts itself (a developer error, not user input)."""


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def parse_metamodel(data: dict[str, Any], source: Path = METAMODEL_FILE) -> Metamodel:
    """Turn the raw TOML mapping into a checked :class:`Metamodel`.

    :param data: the parsed TOML document
    :param source: where it came from, for messages
    """
    vocabularies = {k: _tuple(v) for k, v in data.get("vocabularies", {}).items()}
    fields: dict[str, FieldDef] = {}
    for name, spec in data.get("fields", {}).items():
        vocab_name = spec.get("vocabulary")
        if vocab_name is not None and vocab_name not in vocabularies:
            raise MetamodelError(f"field {name!r}: unknown vocabulary {vocab_name!r}")
        fields[name] = FieldDef(
            name=name,
            label=spec["label"],
            kind=spec.get("kind", "text"),
            vocabulary=vocabularies.get(vocab_name, ()) if vocab_name else (),
            description=spec.get("description", ""),
            after=spec.get("after", ""),
            refers=spec.get("refers", ""),
        )
        if fields[name].refers not in ("", "einrichtung"):
            raise MetamodelError(f"field {name!r}: 'refers' must be 'einrichtung'")
    for f in fields.values():
        if f.after and (f.after not in fields or fields[f.after].kind != "date" or f.kind != "date"):
            raise MetamodelError(f"field {f.name!r}: 'after' must name another date field")
    types: dict[str, TypeDef] = {}
    for name, spec in data.get("types", {}).items():
        unknown = [f for f in [*spec.get("required", []), *spec.get("optional", [])] if f not in fields]
        if unknown:
            raise MetamodelError(f"type {name!r}: unknown fields {unknown}")
        status_vocab = spec.get("status")
        if status_vocab is not None and status_vocab not in vocabularies:
            raise MetamodelError(f"type {name!r}: unknown status vocabulary {status_vocab!r}")
        status_requires = {str(k): _tuple(v) for k, v in spec.get("status_requires", {}).items()}
        for status, needed in status_requires.items():
            if status not in vocabularies.get(status_vocab or "", ()) or not set(needed) <= set(fields):
                raise MetamodelError(f"type {name!r}: bad status_requires entry {status!r}")
        visibility = str(spec.get("visibility", "öffentlich"))
        if visibility not in vocabularies.get("sichtbarkeit", ("öffentlich", "intern")):
            raise MetamodelError(f"type {name!r}: visibility {visibility!r} not in vocabulary 'sichtbarkeit'")
        measure_for = str(spec.get("measure_for", ""))
        if measure_for and (measure_for not in _tuple(spec.get("required")) or fields[measure_for].kind != "codes"):
            raise MetamodelError(f"type {name!r}: measure_for must name a required field of kind 'codes'")
        measure_source = str(spec.get("measure_source", ""))
        if measure_for and measure_source not in vocabularies.get("massnahmenquelle", ()):
            raise MetamodelError(f"type {name!r}: measure_source {measure_source!r} not in massnahmenquelle")
        types[name] = TypeDef(
            name=name,
            title=spec["title"],
            plural=spec["plural"],
            scope=spec["scope"],
            color=spec.get("color", "#DDDDDD"),
            status=vocabularies[status_vocab] if status_vocab else (),
            required=_tuple(spec.get("required")),
            optional=_tuple(spec.get("optional")),
            status_requires=status_requires,
            visibility=visibility,
            id_prefix=str(spec.get("id_prefix", "")),
            page=str(spec.get("page", "")),
            measure_for=measure_for,
            measure_source=measure_source,
        )
    links: dict[str, LinkDef] = {}
    for name, spec in data.get("links", {}).items():
        if name in fields:
            raise MetamodelError(f"link {name!r} has the name of a field")
        for type_name in [*spec["sources"], *spec["targets"]]:
            if type_name not in types:
                raise MetamodelError(f"link {name!r}: unknown type {type_name!r}")
        links[name] = LinkDef(
            name=name,
            outgoing=spec["outgoing"],
            incoming=spec["incoming"],
            sources=_tuple(spec["sources"]),
            targets=_tuple(spec["targets"]),
            required=bool(spec.get("required", False)),
            single=bool(spec.get("single", False)),
        )
    reports = _report_rules(data.get("reports", {}), vocabularies)
    return Metamodel(
        vocabularies=vocabularies,
        fields=fields,
        types=types,
        links=links,
        reports=reports,
        status_kinds=_status_kinds(data.get("status_kinds", {}), vocabularies),
        source=source,
    )


STATUS_KINDS = ("erledigt", "teilweise", "ruhend")


def _status_kinds(spec: dict[str, Any], vocabularies: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Check the ``[status_kinds]`` table: known kinds, values from some vocabulary."""
    known = {value for values in vocabularies.values() for value in values}
    kinds: dict[str, str] = {}
    for kind, values in spec.items():
        if kind not in STATUS_KINDS:
            raise MetamodelError(f"status_kinds: unknown kind {kind!r} (known: {', '.join(STATUS_KINDS)})")
        for value in _tuple(values):
            if value not in known:
                raise MetamodelError(f"status_kinds.{kind}: {value!r} is in no vocabulary")
            kinds[value] = kind
    return kinds


_REPORT_VOCABULARIES = {
    "needs_evidence": "umsetzungsstatus",
    "not_applicable": "umsetzungsstatus",
    "weights": "umsetzungsstatus",
    "evidence_valid": "nachweisstatus",
    "evidence_ignored": "nachweisstatus",
    "measure_done": "massnahmenstatus",
    "finding_closed": "befundstatus",
    "finding_needs_measure": "befundart",
}


def _report_rules(spec: dict[str, Any], vocabularies: dict[str, tuple[str, ...]]) -> ReportRules:
    """Check the ``[reports]`` table against the vocabularies it refers to."""
    for key, vocab in _REPORT_VOCABULARIES.items():
        raw = spec.get(key, ())
        values = [raw] if isinstance(raw, str) else list(raw)
        unknown = [v for v in values if v not in vocabularies.get(vocab, ())]
        if unknown:
            raise MetamodelError(f"reports.{key}: {unknown} not in vocabulary {vocab!r}")
    return ReportRules(
        missing_status=str(spec.get("missing_status", "fehlt")),
        needs_evidence=_tuple(spec.get("needs_evidence")),
        not_applicable=str(spec.get("not_applicable", "")),
        evidence_valid=_tuple(spec.get("evidence_valid")),
        evidence_ignored=_tuple(spec.get("evidence_ignored")),
        measure_done=_tuple(spec.get("measure_done")),
        finding_closed=_tuple(spec.get("finding_closed")),
        finding_needs_measure=_tuple(spec.get("finding_needs_measure")),
        weights={str(k): float(v) for k, v in spec.get("weights", {}).items()},
        cycle_phases=_cycle_phases(spec.get("cycle_phases", {}), vocabularies.get("massnahmenstatus", ())),
    )


def _cycle_phases(spec: dict[str, Any], statuses: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Check that the phases cover every measure status exactly once."""
    phases = {str(k): _tuple(v) for k, v in spec.items()}
    listed = [s for values in phases.values() for s in values]
    if phases and sorted(listed) != sorted(statuses):
        raise MetamodelError(f"reports.cycle_phases must list every massnahmenstatus once: {listed}")
    return phases


@cache
def load_metamodel(path: Path = METAMODEL_FILE) -> Metamodel:
    """Load (once per process) the metamodel from ``path``."""
    with path.open("rb") as handle:
        return parse_metamodel(tomllib.load(handle), path)


def _escape_rst(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")


def need_layout(model: Metamodel) -> dict[str, Any]:
    """The need card layout: German field labels, empty fields hidden, links last."""
    meta = ['<<meta("status", prefix="Status: ")>>']
    meta += [
        f'<<meta("{f.name}", prefix="{_escape_rst(f.label)}: ")>>'
        for f in model.fields.values()
        if f.name not in HIDDEN_FIELDS
    ]
    meta.append("<<meta_links_all()>>")
    return {
        "grid": "simple",
        "layout": {
            "head": ['<<meta("type_name")>>: **<<meta("title")>>** <<meta_id()>>'],
            "meta": meta,
        },
    }


def needs_config(model: Metamodel) -> dict[str, Any]:
    """The sphinx-needs configuration values derived from the metamodel.

    Status and vocabulary values are not declared as JSON-schema enums here: the
    extension's own validation checks them and reports in German with a hint.
    """
    return {
        "needs_types": [
            {
                "directive": t.name,
                "title": t.title,
                "prefix": "",
                "color": t.color,
                "style": "node",
            }
            for t in model.types.values()
        ],
        "needs_fields": {f.name: {"description": f.label, "nullable": True} for f in model.fields.values()},
        "needs_links": {
            link.name: {"outgoing": link.outgoing, "incoming": link.incoming} for link in model.links.values()
        },
        "needs_layouts": {"qm": need_layout(model)},
        "needs_default_layout": "qm",
        "needs_id_required": True,
        "needs_id_regex": ID_REGEX,
        "needs_table_style": "TABLE",
        "needs_build_json": True,
        "needs_reproducible_json": True,
        "needs_title_optional": False,
    }
