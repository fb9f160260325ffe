"""Requirement catalogs: one TOML file per standard and version.

A catalog (the illustrative DEMO-QE, or QES^plus, LQW, AZAV, ISO 9001 …) lives in
``handbook/katalog/<name>.toml``: a ``[katalog]`` table (short code used as ID prefix,
name, version, optional ``illustrativ`` flag and notice) and a list of ``[[bereich]]``
quality areas, each with ``[[bereich.anforderung]]`` requirements and their
``[[bereich.anforderung.kriterium]]`` test criteria. Adding a standard means adding a
file; no code changes.

How the areas are classified belongs to the catalog, not to the code: a table
``[katalog.gliederung]`` names each classification key and its allowed values, e.g.
``ebene = ["Einrichtungsebene", "Dienstleistungsebene"]``; every area then carries
each key with one of those values. A catalog without ``gliederung`` has no
classification (an ``ebene`` written in an area is shown as it is).

Need IDs are derived from the numbering: ``DQE`` + ``E1.1`` gives ``DQE_E1_1``, its first criterion ``DQE_E1_1_K1``.

This module has no Sphinx imports.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.diagnostics import Problem
from .metamodel import MAX_ID_LENGTH, Metamodel
from .progress import processing
from .shapes import AreaTable, CatalogHead, CriterionTable, RequirementTable, keys_of
from .tomlfile import TomlFile

_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*$")
_NUMBER_RE = re.compile(r"^[A-Za-z0-9]+([.][A-Za-z0-9]+)*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Criterion:
    """A test criterion (Prüfkriterium) of a requirement."""

    number: str
    text: str
    need_id: str
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """A quality requirement (Anforderung)."""

    number: str
    title: str
    text: str
    area: str
    level: str
    need_id: str
    references: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    line: int | None = None

    @property
    def fingerprint(self) -> str:
        """Short hash of title and text; changes whenever the wording changes."""
        normal = " ".join(f"{self.title}\n{self.text}".split())
        return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True, kw_only=True)
class Area:
    """A quality area (Qualitätsbereich) grouping requirements."""

    code: str
    title: str
    level: str
    description: str
    requirements: tuple[Requirement, ...]
    #: Every classification of the area (``[katalog.gliederung]`` key, value), in catalog order.
    classes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Catalog:
    """One standard in one version."""

    code: str
    name: str
    version: str
    title: str
    illustrative: bool
    notice: str
    description: str
    areas: tuple[Area, ...]
    path: Path
    #: The area classifications of ``[katalog.gliederung]``: key -> allowed values.
    classification: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """How institutions refer to the catalog, e.g. ``DQE 1.0``."""
        return f"{self.code} {self.version}"

    @property
    def label(self) -> str:
        """Display name with version, e.g. ``DEMO-QE 1.0``."""
        return f"{self.name} {self.version}"

    @property
    def slug(self) -> str:
        """Folder name of the generated pages, e.g. ``dqe-1.0``."""
        return f"{self.code.lower()}-{self.version}"

    def requirements(self) -> list[Requirement]:
        """All requirements in catalog order."""
        return [r for a in self.areas for r in a.requirements]


def need_id(code: str, number: str) -> str:
    """The need ID of catalog item ``number`` in the catalog with ``code``."""
    return f"{code}_{number.replace('.', '_').upper()}"


#: Keys of the catalog tables: from the shapes in :mod:`.shapes`.
_CATALOG_KEYS = set(keys_of(CatalogHead))
_AREA_KEYS = set(keys_of(AreaTable))
_REQ_KEYS = set(keys_of(RequirementTable))
_CRIT_KEYS = set(keys_of(CriterionTable))
#: The classification key that is also a field of the requirement needs.
LEVEL_KEY = "ebene"


def load_catalog(path: Path, model: Metamodel) -> tuple[Catalog | None, list[Problem]]:
    """Read one catalog file.

    :param path: the TOML file
    :param model: the metamodel
    :return: the catalog (None if unusable) and the problems found
    """
    src = TomlFile(path)
    if not src.ok:
        return None, src.problems
    head = src.table_value(src.data, "katalog")
    if not head:
        src.require(src.data, "katalog", example='[katalog] mit kuerzel = "DQE"')
        return None, src.problems
    src.check_keys(head, _CATALOG_KEYS, "katalog")
    code = src.text_value(head, "kuerzel", required=True, where="katalog")
    version = src.safe_name(
        src.text_value(head, "version", required=True, where="katalog"), "Die Katalogversion", "version"
    )
    name = src.text_value(head, "name", required=True, where="katalog")
    if code and not _CODE_RE.match(code):
        src._add(
            "bad_value",
            f"Das Katalogkürzel „{code}“ ist ungültig.",
            "Verwenden Sie nur Großbuchstaben und Ziffern, beginnend mit einem Buchstaben (z. B. DQE).",
            line=src.line("kuerzel"),
        )
        code = ""
    if not (code and version and name):
        return None, src.problems
    classification = _classification(src, head)
    area_keys = _AREA_KEYS | set(classification)
    seen: dict[str, int | None] = {}
    areas: list[Area] = []
    cursor = 0  # line of the last item found; items are searched below it
    for raw_area in src.tables(src.data, "bereich"):
        area_code = src.text_value(raw_area, "kennung", required=True, where="bereich")
        cursor = src.line("kennung", area_code, cursor + 1) or cursor
        area_code = src.safe_name(area_code, "Die Kennung des Qualitätsbereichs", "kennung", cursor)
        src.check_keys(raw_area, area_keys, "bereich")
        classes = tuple((key, src.choice(raw_area, key, values)) for key, values in classification.items())
        level = dict(classes).get(LEVEL_KEY, "") if LEVEL_KEY in classification else src.text_value(raw_area, LEVEL_KEY)
        reqs: list[Requirement] = []
        for raw_req in src.tables(raw_area, "anforderung"):
            src.check_keys(raw_req, _REQ_KEYS, "bereich.anforderung")
            number = src.text_value(raw_req, "nummer", required=True, where="bereich.anforderung")
            line = src.line("nummer", number, cursor + 1)
            cursor = line or cursor
            title = src.text_value(raw_req, "titel", start=line or 1)
            req_text = src.text_value(raw_req, "text", start=line or 1).strip()
            if number and not title:
                src._add(
                    "missing_key",
                    f"Das Pflichtfeld „titel“ der Anforderung {number} fehlt.",
                    'Ergänzen Sie z. B. titel = "…" mit einer kurzen Überschrift.',
                    line=line,
                )
            if not number or not title:
                continue
            if not _NUMBER_RE.match(number):
                src._add(
                    "bad_value",
                    f"Die Nummer „{number}“ ist ungültig.",
                    "Erlaubt sind Buchstaben und Ziffern, durch Punkte getrennt (z. B. E1.1).",
                    line=line,
                )
                continue
            if area_code and not number.startswith(f"{area_code}."):
                src._add(
                    "bad_value",
                    f"Die Anforderung {number} steht im Qualitätsbereich {area_code}, ihre Nummer beginnt aber "
                    "nicht mit dessen Kennung.",
                    f"Nummerieren Sie sie als {area_code}.<Nr> oder verschieben Sie sie in den passenden Bereich.",
                    line=line,
                )
            if not req_text:
                src._add(
                    "missing_key",
                    f"Die Anforderung {number} hat keinen Anforderungstext („text“).",
                    'Ergänzen Sie text = """…""" mit dem Wortlaut der Anforderung.',
                    line=line,
                )
            if number in seen:
                src._add(
                    "catalog_duplicate",
                    f"Die Anforderung {number} ist doppelt (zuerst in Zeile {seen[number]}).",
                    "Vergeben Sie eine neue Nummer.",
                    line=line,
                )
                continue
            seen[number] = line
            req_id = need_id(code, number)
            if len(req_id) + 4 > MAX_ID_LENGTH:
                src._add(
                    "id_too_long",
                    f"Die Kennung {req_id} der Anforderung {number} ist mit ihren Prüfkriterien zu lang "
                    f"(höchstens {MAX_ID_LENGTH} Zeichen).",
                    "Kürzen Sie das Katalogkürzel oder die Nummer.",
                    line=line,
                )
                continue
            crits: list[Criterion] = []
            for raw_crit in src.tables(raw_req, "kriterium"):
                src.check_keys(raw_crit, _CRIT_KEYS, "bereich.anforderung.kriterium")
                crit_no = src.text_value(raw_crit, "nummer", required=True, where="bereich.anforderung.kriterium")
                crit_text = src.text_value(raw_crit, "text", required=True, where="bereich.anforderung.kriterium")
                if crit_no and not _NUMBER_RE.match(crit_no):
                    src._add(
                        "bad_value",
                        f"Die Nummer „{crit_no}“ des Prüfkriteriums zu {number} ist ungültig.",
                        "Erlaubt sind Buchstaben und Ziffern, durch Punkte getrennt (z. B. K1).",
                        line=src.line("nummer", crit_no, line or 1),
                    )
                    continue
                if crit_no and crit_text:
                    crits.append(
                        Criterion(
                            number=crit_no,
                            text=crit_text,
                            need_id=f"{req_id}_{crit_no.replace('.', '_').upper()}",
                            line=src.line("nummer", crit_no, line or 1),
                        )
                    )
            reqs.append(
                Requirement(
                    number=number,
                    title=title,
                    text=req_text,
                    area=area_code,
                    level=level,
                    need_id=req_id,
                    references=src.list_value(raw_req, "bezuege", line or 1),
                    criteria=tuple(crits),
                    line=line,
                )
            )
        if area_code:
            areas.append(
                Area(
                    code=area_code,
                    title=src.text_value(raw_area, "titel", required=True, where="bereich"),
                    level=level,
                    description=src.text_value(raw_area, "beschreibung").strip(),
                    requirements=tuple(reqs),
                    classes=tuple((k, v) for k, v in classes if v),
                )
            )
    catalog = Catalog(
        code=code,
        name=name,
        version=version,
        title=src.text_value(head, "titel") or name,
        illustrative=src.bool_value(head, "illustrativ"),
        notice=src.text_value(head, "hinweis").strip(),
        description=src.text_value(head, "beschreibung").strip(),
        areas=tuple(areas),
        path=path,
        classification=classification,
    )
    return catalog, src.problems


def _classification(src: TomlFile, head: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """``[katalog.gliederung]``: classification key -> allowed values (bad entries reported)."""
    raw = src.table_value(head, "gliederung")
    result: dict[str, tuple[str, ...]] = {}
    for key in raw:
        values = src.list_value(raw, key, src.line("gliederung") or 1)
        if key in _AREA_KEYS - {LEVEL_KEY} or not values:
            src._add(
                "bad_value",
                f"Die Gliederung „{key}“ ist ungültig.",
                f'Schreiben Sie eine Liste der erlaubten Werte, z. B. {key} = ["Wert 1", "Wert 2"]; '
                "„kennung“, „titel“, „beschreibung“ und „anforderung“ sind als Namen nicht erlaubt.",
                line=src.line(key, None, src.line("gliederung") or 1),
            )
            continue
        result[str(key)] = values
    return result


def load_catalogs(folder: Path, model: Metamodel) -> tuple[dict[str, Catalog], list[Problem]]:
    """Read every ``*.toml`` catalog in ``folder``, keyed by :attr:`Catalog.key`."""
    catalogs: dict[str, Catalog] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.toml")):
        with processing(path):
            catalog, found = load_catalog(path, model)
        problems += found
        if catalog is None:
            continue
        if catalog.key in catalogs:
            problems.append(
                Problem(
                    code="catalog_duplicate",
                    message=f"Der Katalog „{catalog.key}“ ist doppelt vorhanden "
                    f"(auch in {catalogs[catalog.key].path.name}).",
                    hint="Ändern Sie Kürzel oder Version einer der beiden Dateien.",
                    file=path,
                    line=1,
                )
            )
            continue
        catalogs[catalog.key] = catalog
    return catalogs, problems
