"""``python3 noxfile.py -s neu -- …``: scaffold a new institution or a new entry.

::

    neu einrichtung vhs-musterstadt --name "Volkshochschule Musterstadt" --kuerzel W5 --region west
    neu nachweis W5 "Leitbild 2027" --verantwortlich Leitung --belegt W5_DQE_E1_1
    neu massnahme W5 "Befragung einführen" --verantwortlich QMB --faellig-am 2027-06-30

``einrichtung`` writes ``einrichtung.toml`` and a complete handbook skeleton (see
:mod:`.scaffold_pages`) and adds the short code to the region's hosting rotation in
``netzwerk.toml``. Every entry type of the metamodel is a sub-command of its own (see
:mod:`.items`): the entry gets the next free ID and is appended to the right page.
Every check runs before the first byte is written; a refused call changes nothing.
No Sphinx imports.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from ..checks.diagnostics import suggest
from ..model.catalog import Catalog
from ..model.generated import NAME_HINT, is_safe_name
from ..model.institutions import INSTITUTION_FILE, RESERVED_CODES
from . import items
from .network_edit import NetworkEditError, add_to_rotation
from .project import CommandError, GermanParser, Project, load_project, show
from .scaffold_pages import NewInstitution, institution_pages, institution_toml

_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{0,7}$")


def _catalog(project: Project, wanted: str) -> Catalog:
    if wanted:
        for catalog in project.catalogs.values():
            if wanted in (catalog.key, catalog.label, catalog.path.stem):
                return catalog
        known = ", ".join(f"„{c.key}“" for c in project.catalogs.values()) or "keiner"
        raise CommandError(f"Den Katalog „{wanted}“ gibt es nicht. Vorhanden: {known}.")
    if len(project.catalogs) == 1:
        return next(iter(project.catalogs.values()))
    used = {i.catalog for i in project.institutions if i.catalog in project.catalogs}
    if len(used) == 1:
        return project.catalogs[used.pop()]
    if not project.catalogs:
        raise CommandError(f"Im Ordner {project.settings.catalog_dir} liegt kein lesbarer Katalog (*.toml).")
    known = ", ".join(f"„{c.key}“" for c in project.catalogs.values())
    raise CommandError(f"Es gibt mehrere Kataloge ({known}); wählen Sie einen mit --katalog.")


def _region(project: Project, region: str) -> str:
    regions = [r.code for r in project.network.regions] if project.network else []
    if not regions:
        if region:
            raise CommandError(
                f"Das Netzwerk hat keine Regionalnetzwerke; lassen Sie --region {region} weg "
                f"(oder legen Sie die Region zuerst in {project.settings.network_file} an)."
            )
        return ""
    if not region:
        raise CommandError(f"Geben Sie mit --region das Regionalnetzwerk an; vorhanden: {', '.join(regions)}.")
    if region not in regions:
        hint = suggest(region, regions)
        raise CommandError(f"Die Region „{region}“ gibt es nicht; vorhanden: {', '.join(regions)}. {hint}".strip())
    return region


def _check_code(project: Project, code: str) -> None:
    if not _CODE_RE.match(code) or code in RESERVED_CODES:
        raise CommandError(
            f"Das Kürzel „{code}“ ist ungültig: erlaubt sind 1–8 Großbuchstaben oder Ziffern, beginnend mit "
            "einem Buchstaben (z. B. W5); „NETZ“ ist für das Netzwerk reserviert."
        )
    for inst in project.institutions:
        if inst.code == code:
            raise CommandError(f"Das Kürzel „{code}“ hat schon {inst.name} ({inst.slug}); wählen Sie ein anderes.")


def _rotation_of(project: Project, region: str) -> tuple[str, ...]:
    """The hosting rotation the new institution joins (the network's own without regions)."""
    if project.network is None:
        return ()
    if not region:
        return project.network.rotation
    return next((r.rotation for r in project.network.regions if r.code == region), ())


def _check_other_rotations(project: Project, region: str, code: str) -> None:
    if project.network is None:
        return
    for other in project.network.regions:
        if other.code != region and code in other.rotation:
            raise CommandError(
                f"Das Kürzel „{code}“ steht schon in der Gastgeber-Rotation der Region {other.code} in "
                f"{project.settings.network_file}; wählen Sie ein anderes Kürzel oder die Region {other.code}."
            )


def create_institution(
    project: Project, folder: str, name: str, code: str, region: str, catalog: str = "", kind: str = ""
) -> list[str]:
    """Create a new institution; returns German report lines.

    :raises CommandError: when anything is wrong (then no file was created or changed)
    """
    errors = [p for p in project.problems if p.file is not None and Path(p.file) == project.network_path]
    if errors:
        raise CommandError("Die Netzwerkdatei hat Fehler; beheben Sie sie zuerst: " + show(errors[0], project.root))
    if not is_safe_name(folder) or folder.startswith(("_", ".")):
        raise CommandError(f"Der Ordnername „{folder}“ ist ungültig. {NAME_HINT}")
    target = project.institutions_dir / folder
    if target.exists() or target.is_symlink():
        raise CommandError(f"{target.relative_to(project.root)} gibt es schon.")
    name = " ".join(name.split())
    if not name:
        raise CommandError('Geben Sie mit --name den Namen der Einrichtung an, z. B. --name "VHS Musterstadt".')
    _check_code(project, code)
    region = _region(project, region)
    _check_other_rotations(project, region, code)
    new = NewInstitution(
        folder=folder, name=name, code=code, region=region, catalog=_catalog(project, catalog),
        created=project.as_of, kind=kind,
    )  # fmt: skip
    files = {INSTITUTION_FILE: institution_toml(new), **institution_pages(new)}
    network_text = None
    if project.network_path.is_file() and project.network is not None and code not in _rotation_of(project, region):
        raw = project.network_path.read_bytes()
        try:
            network_text = add_to_rotation(raw.decode("utf-8"), region, code)
        except (NetworkEditError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"{project.settings.network_file} ließ sich nicht sicher ändern: {exc}") from None
    project.institutions_dir.mkdir(parents=True, exist_ok=True)
    target.mkdir()
    try:
        for rel, text in files.items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)  # the folder did not exist before this call
        raise CommandError(f"Schreiben fehlgeschlagen ({exc}); der angelegte Ordner wurde wieder entfernt.") from None
    if network_text is not None:
        project.network_path.write_bytes(network_text.encode("utf-8"))
    shown = target.relative_to(project.root)
    report = [f"Neue Einrichtung {code} „{name}“ (Katalog {new.catalog.label}) angelegt in {shown}/:"]
    report += [f"  {shown / rel}" for rel in files]
    statements = len(new.catalog.requirements())
    report.append(f"{len(files)} Dateien, {statements} Umsetzungsaussagen mit Status „geplant“.")
    where = f"der Region {region}" if region else "des Netzwerks"
    if network_text is not None:
        report.append(f"{project.settings.network_file}: {code} an die Gastgeber-Rotation {where} angehängt.")
    elif code in _rotation_of(project, region):
        report.append(f"{project.settings.network_file}: {code} stand schon in der Gastgeber-Rotation {where}.")
    report.append(
        "Nächste Schritte: Stammdaten in einrichtung.toml ergänzen, die Hinweistexte der Seiten ersetzen, "
        "dann „python3 noxfile.py -s check“."
    )
    return report


def _einrichtung_parser(sub: object) -> None:
    parser = sub.add_parser(  # type: ignore[attr-defined]
        "einrichtung", help="neue Einrichtung mit vollständigem Handbuchgerüst anlegen"
    )
    parser.add_argument("ordner", help="Ordnername unter institutions/, z. B. vhs-musterstadt")
    parser.add_argument("--name", required=True, help="voller Name der Einrichtung")
    parser.add_argument("--kuerzel", required=True, help="Kürzel, das alle Kennungen einleitet, z. B. W5")
    parser.add_argument("--region", default="", help="Regionalnetzwerk (entfällt in Netzwerken ohne Regionen)")
    parser.add_argument("--katalog", default="", help="Katalog, z. B. „DQE 1.0“ (nötig bei mehreren Katalogen)")
    parser.add_argument("--art", default="", help="Art der Einrichtung, z. B. Volkshochschule")


def build_parser(project: Project | None) -> GermanParser:
    """The parser with one sub-command per entry type of the metamodel."""
    parser = GermanParser(prog="neu", description="Legt eine neue Einrichtung oder einen neuen Eintrag an.")
    parser.add_argument("--quelle", default=".", help="Projektordner mit conf.py (Standard: aktueller Ordner)")
    sub = parser.add_subparsers(dest="was", metavar="einrichtung|" + "|".join(items.item_types()), required=True)
    _einrichtung_parser(sub)
    items.add_parsers(sub, project)
    return parser


def _source_of(argv: Sequence[str]) -> Path:
    for i, arg in enumerate(argv):
        if arg == "--quelle" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--quelle="):
            return Path(arg.split("=", 1)[1])
    return Path()


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    try:
        project = load_project(_source_of(args_in).resolve())
    except CommandError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    args = build_parser(project).parse_args(args_in)
    try:
        if args.was == "einrichtung":
            lines = create_institution(
                project, args.ordner, args.name, args.kuerzel, args.region, args.katalog, args.art
            )
        else:
            lines = items.create_item(project, args.was, vars(args))
    except CommandError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        print("Es wurde nichts verändert.", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    from .guard import run_guarded

    sys.exit(run_guarded(main))
