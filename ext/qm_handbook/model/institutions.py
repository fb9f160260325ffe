"""The institution registry: the network, its regions and member institutions.

The network is described in ``handbook/netzwerk.toml`` (name and regional networks
with their hosting rotation). Each institution has a folder ``institutions/<slug>/``
with an ``einrichtung.toml`` (name, short code, region, status, certification, catalog
used, handbook version) beside its MyST pages. Every need an institution writes must
start with its short code, so 130 institutions never collide.

This module has no Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.diagnostics import Problem
from .generated import NAME_HINT, is_safe_name
from .progress import processing
from .shapes import InstitutionFile, keys_of, tables_of
from .tomlfile import TomlFile

INSTITUTION_FILE = "einrichtung.toml"
STATUSES = ("Einführung", "Selbstevaluation", "zertifiziert")
VISIBILITIES = ("öffentlich", "intern")
_SHORT_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")
#: Codes institutions must not use: they prefix network items.
RESERVED_CODES = frozenset({"NETZ"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    """A regional network inside the network."""

    code: str
    name: str
    fictional: bool
    rotation: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Network:
    """The whole network as declared in ``netzwerk.toml``."""

    name: str
    summary: str
    founded: str
    regions: tuple[Region, ...]
    #: Hosting rotation of a network without regions (one group).
    rotation: tuple[str, ...] = ()
    #: Title of the website (``titel``); empty: derived from the name.
    title: str = ""
    #: Who publishes the handbook (``herausgeber``); empty: the network.
    publisher: str = ""
    #: Address pattern of the "Seite bearbeiten" link (``bearbeiten``, with ``{datei}``); empty: no link.
    edit_link: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Institution:
    """One member institution."""

    slug: str
    code: str
    name: str
    short_name: str
    region: str
    kind: str
    fictional: bool
    status: str
    catalog: str
    target_groups: tuple[str, ...] = ()
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    certification_body: str = ""
    certificate_valid_until: dt.date | None = None
    next_audit: dt.date | None = None
    certificate_extras: tuple[str, ...] = ()
    next_internal_audit: dt.date | None = None
    cross_audit_partner: str = ""
    handbook_version: str = ""
    approved_by: str = ""
    approved_on: dt.date | None = None
    #: Default visibility of the institution's pages (``sichtbarkeit``; a page's
    #: front matter overrides it).
    visibility: str = "öffentlich"
    path: Path = field(default_factory=Path)


#: Keys of ``einrichtung.toml`` and of its tables: from the shape in :mod:`.shapes`.
_TOP_KEYS = set(keys_of(InstitutionFile))
_TABLE_KEYS = {name: set(keys_of(shape)) for name, shape in tables_of(InstitutionFile).items()}


def load_institution(path: Path, regions: set[str]) -> tuple[Institution | None, list[Problem]]:
    """Read one ``einrichtung.toml``.

    :param path: the file
    :param regions: the region codes the network declares (empty: not checked)
    """
    src = TomlFile(path)
    if not src.ok:
        return None, src.problems
    data = src.data
    src.check_keys(data, _TOP_KEYS)
    tables: dict[str, dict[str, object]] = {}
    for name, allowed in _TABLE_KEYS.items():
        table = src.table_value(data, name)
        src.check_keys(table, allowed, name)
        tables[name] = table
    code = src.text_value(data, "kuerzel", required=True)
    if code and (not _SHORT_CODE_RE.match(code) or code in RESERVED_CODES):
        src._add(
            "bad_value",
            f"Das Kürzel „{code}“ ist ungültig.",
            "Verwenden Sie 1–8 Großbuchstaben oder Ziffern, beginnend mit einem Buchstaben (z. B. W1); "
            "„NETZ“ ist für das Netzwerk reserviert.",
            line=src.line("kuerzel"),
        )
        code = ""
    name = src.text_value(data, "name", required=True)
    region = src.text_value(data, "region", required=bool(regions))
    if region and regions and region not in regions:
        from ..checks.diagnostics import suggest

        src._add(
            "bad_value",
            f"Die Region „{region}“ ist im Netzwerk nicht angelegt; vorhanden: {', '.join(sorted(regions))}.",
            suggest(region, sorted(regions)),
            line=src.line("region", region),
        )
    status = src.choice(data, "status", STATUSES)
    catalog = src.text_value(data, "katalog", required=True)
    if not (code and name and catalog):
        return None, src.problems
    cert, qm, hb = tables["zertifizierung"], tables["qm"], tables["handbuch"]
    institution = Institution(
        slug=path.parent.name,
        code=code,
        name=name,
        short_name=src.text_value(data, "kurzname") or name,
        region=region,
        kind=src.text_value(data, "art"),
        fictional=src.bool_value(data, "fiktiv"),
        status=status,
        catalog=catalog,
        target_groups=src.list_value(data, "zielgruppen"),
        street=src.text_value(tables["adresse"], "strasse"),
        postcode=src.text_value(tables["adresse"], "plz"),
        city=src.text_value(tables["adresse"], "ort"),
        phone=src.text_value(tables["kontakt"], "telefon"),
        email=src.text_value(tables["kontakt"], "email"),
        web=src.text_value(tables["kontakt"], "web"),
        certification_body=src.text_value(cert, "stelle"),
        certificate_valid_until=src.date_value(cert, "zertifikat_gueltig_bis", required=status == "zertifiziert"),
        next_audit=src.date_value(cert, "naechstes_audit"),
        certificate_extras=src.list_value(cert, "zusatz"),
        next_internal_audit=src.date_value(qm, "naechstes_internes_audit"),
        cross_audit_partner=src.text_value(qm, "partner_cross_audit"),
        handbook_version=src.text_value(hb, "version"),
        approved_by=src.text_value(hb, "freigegeben_von"),
        approved_on=src.date_value(hb, "freigegeben_am"),
        visibility=src.choice(data, "sichtbarkeit", VISIBILITIES, required=False) or "öffentlich",
        path=path,
    )
    return institution, src.problems


def load_network(path: Path) -> tuple[Network | None, list[Problem]]:
    """Read ``netzwerk.toml`` (name and regional networks)."""
    src = TomlFile(path)
    if not src.ok:
        return None, src.problems
    allowed = {"name", "titel", "herausgeber", "kurzbeschreibung", "gegruendet", "region", "rotation", "sicherheit"}
    allowed |= {"bearbeiten"}
    src.check_keys(src.data, allowed | {"rotation_pausen", "rotation_aenderung"})
    regions = []
    for raw in src.tables(src.data, "region"):
        src.check_keys(raw, {"kuerzel", "name", "fiktiv", "rotation", "pausen"}, "region")
        code = src.text_value(raw, "kuerzel", required=True, where="region")
        start = src.line("kuerzel", code) or 1
        code = src.safe_name(code, "Das Regionskürzel", "kuerzel")
        if code:
            regions.append(
                Region(
                    code=code,
                    name=src.text_value(raw, "name", required=True, where="region", start=start),
                    fictional=src.bool_value(raw, "fiktiv", start),
                    rotation=src.list_value(raw, "rotation", start),
                )
            )
    network = Network(
        name=src.text_value(src.data, "name", required=True),
        summary=src.text_value(src.data, "kurzbeschreibung"),
        founded=src.text_value(src.data, "gegruendet"),
        regions=tuple(regions),
        rotation=src.list_value(src.data, "rotation"),
        title=src.text_value(src.data, "titel"),
        publisher=src.text_value(src.data, "herausgeber"),
        edit_link=_edit_link(src),
    )
    return network, src.problems


#: The placeholder of the edit-link pattern: the page's file, relative to the project folder.
EDIT_PLACEHOLDER = "{datei}"


def edit_link_problem(pattern: str) -> str:
    """What is wrong with an edit-link pattern (German), or ``""``."""
    if not pattern.startswith(("https://", "http://")):
        return "Die Adresse muss mit https:// (oder http://) beginnen."
    if EDIT_PLACEHOLDER not in pattern:
        return f"Die Adresse enthält den Platzhalter {EDIT_PLACEHOLDER} nicht (dort steht der Pfad der Seite)."
    rest = pattern.replace(EDIT_PLACEHOLDER, "")
    if "{" in rest or "}" in rest:
        return f"Außer {EDIT_PLACEHOLDER} sind keine Platzhalter in geschweiften Klammern erlaubt."
    if any(ch.isspace() for ch in pattern) or '"' in pattern or "<" in pattern or ">" in pattern:
        return "Die Adresse darf keine Leerzeichen, Anführungszeichen oder spitzen Klammern enthalten."
    return ""


def _edit_link(src: TomlFile) -> str:
    pattern = src.text_value(src.data, "bearbeiten")
    if not pattern:
        return ""
    problem = edit_link_problem(pattern)
    if problem:
        src._add(
            "bad_value",
            f"Der Link „bearbeiten“ ist ungültig: {problem} Der Link „Seite bearbeiten“ wird weggelassen.",
            'Beispiel (GitLab): bearbeiten = "https://gitlab.example.org/netzwerk/handbuch/-/edit/main/{datei}"',
            line=src.line("bearbeiten"),
        )
        return ""
    return pattern


def load_institutions(folder: Path, regions: set[str]) -> tuple[list[Institution], list[Problem]]:
    """Read every institution folder below ``folder``, sorted by region and code.

    A folder without ``einrichtung.toml`` is reported (it would otherwise be
    silently missing from every overview), as is a short code used twice.
    """
    institutions: list[Institution] = []
    problems: list[Problem] = []
    by_code: dict[str, Institution] = {}
    if not folder.is_dir():
        return institutions, problems
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        path = sub / INSTITUTION_FILE
        if not is_safe_name(sub.name):
            problems.append(
                Problem(
                    code="bad_name",
                    message=f"Der Ordnername „{sub.name}“ ist als Einrichtungsordner ungültig (er wird Teil der "
                    "Seitenadressen und des PDF-Namens); der Ordner wird ausgelassen.",
                    hint=f"Benennen Sie den Ordner um, z. B. „vhs-musterstadt“. {NAME_HINT}",
                    file=path if path.is_file() else sub,
                    line=1,
                )
            )
            continue
        if not path.is_file():
            problems.append(
                Problem(
                    code="missing_institution_file",
                    message=f"Im Einrichtungsordner „{sub.name}“ fehlt die Datei {INSTITUTION_FILE}.",
                    hint="Legen Sie sie nach dem Muster einer anderen Einrichtung an.",
                    file=path,
                    line=1,
                )
            )
            continue
        with processing(path):
            institution, found = load_institution(path, regions)
        problems += found
        if institution is None:
            continue
        if institution.code in by_code:
            problems.append(
                Problem(
                    code="duplicate_code",
                    message=f"Das Kürzel „{institution.code}“ wird schon von "
                    f"{by_code[institution.code].slug}/{INSTITUTION_FILE} verwendet.",
                    hint="Vergeben Sie ein eindeutiges Kürzel.",
                    file=path,
                    line=TomlFile(path).line("kuerzel"),
                )
            )
            continue
        by_code[institution.code] = institution
        institutions.append(institution)
    institutions.sort(key=lambda i: (i.region, i.code))
    from ..checks.references import check_partners

    problems += check_partners(institutions)
    return institutions, problems
