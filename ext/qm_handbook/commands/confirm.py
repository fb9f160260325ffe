"""Re-confirm statements after a catalog change (``python3 noxfile.py -s bestaetigen``).

Each statement (``umsetzung``) records in ``:geprueft_gegen:`` the fingerprint of the
requirement text it was last checked against. When a catalog requirement is reworded,
the build reports the statement as ``qm.zu_pruefen``. After the quality officer has
checked the statement, this command records the current fingerprint::

    python3 noxfile.py -s bestaetigen -- W1_DQE_E1_1 W1_DQE_E1_2
    python3 noxfile.py -s bestaetigen -- --einrichtung W1
    python3 noxfile.py -s bestaetigen -- --alle

Only the ``:geprueft_gegen:`` option line of each confirmed statement is rewritten (or
inserted right after its ``:setzt_um:`` line); every other byte of the file, including
line endings, stays as it was. Unknown IDs are refused before anything is written.

No Sphinx imports; the project settings (``handbook_*``) are read from ``conf.py``
without running it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.statements import FINGERPRINT_FIELD, statement_links
from ..model.catalog import load_catalogs
from ..model.config import HandbookConfig
from ..model.institutions import load_institutions
from ..model.metamodel import load_metamodel

_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<type>[a-z_]+)\}")
_OPTION = re.compile(r"^:(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?:[ \t]+(?P<value>.*?))?[ \t]*$")


class ConfirmError(Exception):
    """A German message for the user; nothing was written."""


@dataclass(slots=True)
class Statement:
    """One statement directive found in a page."""

    id: str
    path: Path
    line: int
    requirement: str
    link_line: int  # index (0-based) of the :setzt_um: line
    fingerprint_line: int | None  # index of the :geprueft_gegen: line


@dataclass(slots=True)
class Page:
    """A page file with its lines (line endings kept)."""

    path: Path
    lines: list[str]
    statements: list[Statement] = field(default_factory=list)


def find_statements(path: Path, text: str, types: dict[str, str]) -> Page:
    """Statement directives of one page.

    :param types: directive name -> name of its link into the catalog
    """
    page = Page(path=path, lines=text.splitlines(keepends=True))
    lines = page.lines
    i = 0
    while i < len(lines):
        opened = _OPEN.match(lines[i])
        if opened is None or opened["type"] not in types:
            i += 1
            continue
        link_name = types[opened["type"]]
        start = i
        options: dict[str, tuple[int, str]] = {}
        i += 1
        while i < len(lines) and (option := _OPTION.match(lines[i].rstrip("\r\n"))):
            options.setdefault(option["key"], (i, (option["value"] or "").strip()))
            i += 1
        if "id" in options and link_name in options:
            page.statements.append(
                Statement(
                    id=options["id"][1],
                    path=path,
                    line=start + 1,
                    requirement=options[link_name][1],
                    link_line=options[link_name][0],
                    fingerprint_line=options[FINGERPRINT_FIELD][0] if FINGERPRINT_FIELD in options else None,
                )
            )
    return page


def _ending(line: str) -> str:
    stripped = line.rstrip("\r\n")
    return line[len(stripped) :] or "\n"


def confirm_page(page: Page, ids: set[str], fingerprints: dict[str, str]) -> list[str]:
    """Set the fingerprint line of the selected statements; returns the confirmed IDs."""
    done = []
    # bottom-up, so inserted lines do not shift the indices still to be used
    for st in sorted((s for s in page.statements if s.id in ids), key=lambda s: s.link_line, reverse=True):
        fingerprint = fingerprints.get(st.requirement)
        if fingerprint is None:
            raise ConfirmError(
                f"{st.path}:{st.line}: {st.id} verweist auf die Anforderung „{st.requirement}“, die es in "
                "keinem Katalog gibt. Korrigieren Sie zuerst „:setzt_um:“."
            )
        if st.fingerprint_line is not None:
            old = page.lines[st.fingerprint_line]
            page.lines[st.fingerprint_line] = f":{FINGERPRINT_FIELD}: {fingerprint}{_ending(old)}"
        else:
            ending = _ending(page.lines[st.link_line])
            if not page.lines[st.link_line].endswith(("\n", "\r")):
                page.lines[st.link_line] += ending
            page.lines.insert(st.link_line + 1, f":{FINGERPRINT_FIELD}: {fingerprint}{ending}")
        done.append(st.id)
    return done


def read_settings(root: Path) -> HandbookConfig:
    """The ``handbook_*`` settings written as plain strings in ``conf.py``."""
    values: dict[str, str] = {}
    conf = root / "conf.py"
    if conf.exists():
        for node in ast.parse(conf.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name = node.targets[0].id
                if name.startswith("handbook_") and isinstance(node.value, ast.Constant):
                    values[name.removeprefix("handbook_")] = str(node.value.value)
    known = set(HandbookConfig.__dataclass_fields__)
    return HandbookConfig(**{k: v for k, v in values.items() if k in known})


def run(root: Path, ids: Sequence[str], institution: str = "", everything: bool = False) -> list[str]:
    """Confirm statements in the project at ``root``; returns German report lines.

    :raises ConfirmError: for unknown IDs or institutions (nothing is written then)
    """
    settings = read_settings(root)
    model = load_metamodel()
    catalogs, _ = load_catalogs(root / settings.catalog_dir, model)
    fingerprints = {r.need_id: r.fingerprint for c in catalogs.values() for r in c.requirements()}
    institutions, _ = load_institutions(root / settings.institutions_dir, set())
    types = {name: link.name for name, link in statement_links(model).items()}
    pages: list[Page] = []
    folder = root / settings.institutions_dir
    for path in sorted(folder.rglob("*.md")):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue  # reported by the build (qm.file_encoding); never rewritten here
        page = find_statements(path, text, types)
        if page.statements:
            pages.append(page)
    known = {st.id: st for page in pages for st in page.statements}
    if everything:
        selected = set(known)
    elif institution:
        inst = next((i for i in institutions if i.code == institution), None)
        if inst is None:
            codes = ", ".join(sorted(i.code for i in institutions))
            raise ConfirmError(f"Die Einrichtung „{institution}“ gibt es nicht. Vorhanden sind: {codes}.")
        selected = {st.id for st in known.values() if inst.path.parent in st.path.parents}
    else:
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ConfirmError(
                f"Unbekannte Kennung(en): {', '.join(unknown)}. Es wurde nichts geändert. Geben Sie die "
                "Kennung einer Umsetzung an (z. B. W1_DQE_E1_1), --einrichtung <Kürzel> oder --alle."
            )
        selected = set(ids)
    if not selected:
        raise ConfirmError("Es wurde keine Umsetzung ausgewählt. Geben Sie Kennungen, --einrichtung oder --alle an.")
    report: list[str] = []
    changed: list[tuple[Page, bytes]] = []
    for page in pages:
        original = "".join(page.lines)
        done = confirm_page(page, selected, fingerprints)
        new = "".join(page.lines)
        if new != original:
            changed.append((page, new.encode("utf-8")))
        for nid in sorted(done):
            st = known[nid]
            report.append(f"{nid}: bestätigt gegen {st.requirement} (Fassung {fingerprints[st.requirement]})")
    for page, data in changed:  # written only after every statement was resolved
        page.path.write_bytes(data)
    report.append(f"{len(report)} Umsetzung(en) bestätigt, {len(changed)} Datei(en) geändert.")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        prog="bestaetigen",
        description="Bestätigt Umsetzungen gegen den aktuellen Text ihrer Anforderung.",
    )
    parser.add_argument("kennungen", nargs="*", help="Kennungen der Umsetzungen, z. B. W1_DQE_E1_1")
    parser.add_argument("--einrichtung", default="", help="alle Umsetzungen einer Einrichtung (Kürzel, z. B. W1)")
    parser.add_argument("--alle", action="store_true", help="alle Umsetzungen des Netzwerks")
    parser.add_argument("--quelle", default=".", help="Projektordner mit conf.py (Standard: aktueller Ordner)")
    args = parser.parse_args(argv)
    try:
        lines = run(Path(args.quelle), args.kennungen, args.einrichtung, args.alle)
    except ConfirmError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    from .guard import run_guarded

    raise SystemExit(run_guarded(main))
