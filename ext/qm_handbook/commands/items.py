"""``neu <typ> …``: a new entry with the next free ID, appended to the right page.

Everything comes from the metamodel: every need type with an ``id_prefix`` becomes a
sub-command, its fields and links become options (``--faellig-am``, ``--belegt``),
the status and choice fields default to the first value of their vocabulary, date
fields to the as-of date; a required text field must be given. A new type in
``metamodel.toml`` (with ``id_prefix`` and ``page``) gets its command without code.

The ID is ``<Kürzel>_<id_prefix>_<nn>`` (``NETZ`` for network entries) with ``nn``
one above the highest number already used with that beginning anywhere in the
project. Institution entries go to the last page of the institution that already
holds entries of the type, else to the type's ``page``; the entry is appended at the
end, nothing else in the file changes. A ``page`` ending in ``/`` is a folder: the
entry gets a new page there, listed in the folder's ``index.md`` table of contents.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..checks.diagnostics import suggest
from ..checks.rules import NETWORK_PREFIX
from ..model.labels import parse_date
from ..model.metamodel import ID_REGEX, TypeDef, load_metamodel
from .project import CommandError, Project

FENCE = "```"
#: Fields the command never offers (written by other tools).
_SKIPPED_FIELDS = frozenset({"geprueft_gegen"})
_ID_LINE = re.compile(r"^:id:[ \t]+([A-Za-z0-9_]+)[ \t]*\r?$", re.M)
_TOCTREE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{toctree\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*\r?$", re.M | re.S)


def item_types() -> list[str]:
    """Names of the need types that have a ``neu`` command."""
    return [t.name for t in load_metamodel().types.values() if t.id_prefix and t.page]


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_parsers(sub: Any, project: Project | None) -> None:
    """One sub-command per type, options from its fields and links."""
    model = project.model if project else load_metamodel()
    for name in item_types():
        tdef = model.types[name]
        parser = sub.add_parser(name, help=f"neuer Eintrag vom Typ {tdef.title} mit der nächsten freien Kennung")
        if tdef.scope == "institution":
            parser.add_argument("einrichtung", help="Kürzel oder Ordner der Einrichtung, z. B. W1")
        parser.add_argument("titel", help="Titel des Eintrags")
        if tdef.status:
            parser.add_argument("--status", default="", help=f"Status (Standard: {tdef.status[0]})")
        for field_name in tdef.fields:
            if field_name in _SKIPPED_FIELDS:
                continue
            fdef = model.fields[field_name]
            needed = "Pflichtfeld" if field_name in tdef.required else "optional"
            extra = f"; {', '.join(fdef.vocabulary)}" if fdef.vocabulary else ""
            extra += "; JJJJ-MM-TT" if fdef.kind == "date" else ""
            parser.add_argument(
                _option(field_name), dest=f"f_{field_name}", default="", help=f"{fdef.label} ({needed}{extra})"
            )
        for link in model.links_from(name):
            parser.add_argument(
                _option(link.name), dest=f"l_{link.name}", default="",
                help=f"Kennungen, auf die der Eintrag verweist ({link.outgoing}), kommagetrennt",
            )  # fmt: skip
        parser.add_argument("--text", default="", help="Beschreibung (Standard: ein Hinweistext zum Ersetzen)")


def _all_ids(project: Project) -> set[str]:
    ids = {r.need_id for c in project.catalogs.values() for r in c.requirements()}
    ids |= {k.need_id for c in project.catalogs.values() for r in c.requirements() for k in r.criteria}
    for path in sorted(project.root.glob("**/*.md")):
        if any(part.startswith((".", "_build")) for part in path.relative_to(project.root).parts):
            continue
        try:
            ids.update(_ID_LINE.findall(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    return ids


def next_id(existing: set[str], owner: str, prefix: str) -> str:
    """``<owner>_<prefix>_<nn>``: one above the highest number used with that beginning."""
    head = f"{owner}_{prefix}_"
    numbers = [int(i.rsplit("_", 1)[1]) for i in existing if i.startswith(head) and i.rsplit("_", 1)[1].isdigit()]
    number = max(numbers, default=0) + 1
    while f"{head}{number:02d}" in existing:
        number += 1
    return f"{head}{number:02d}"


def _pages_with_type(folder: Path, type_name: str) -> list[Path]:
    opener = re.compile(rf"^(`{{3,}}|:{{3,}})\{{{re.escape(type_name)}\}}", re.M)
    found = []
    for path in sorted(folder.rglob("*.md")):
        try:
            if opener.search(path.read_text(encoding="utf-8")):
                found.append(path)
        except (OSError, UnicodeDecodeError):
            continue
    return found


def _values(project: Project, tdef: TypeDef, args: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Field and link options of the new entry; notes on defaults used."""
    model = project.model
    values: dict[str, str] = {}
    notes: list[str] = []
    if tdef.status:
        status = str(args.get("status") or "") or tdef.status[0]
        if status not in tdef.status:
            hint = suggest(status, list(tdef.status))
            raise CommandError(f"Der Status „{status}“ ist nicht erlaubt; möglich: {', '.join(tdef.status)}. {hint}")
        values["status"] = status
    for name in tdef.fields:
        if name in _SKIPPED_FIELDS:
            continue
        fdef = model.fields[name]
        value = " ".join(str(args.get(f"f_{name}") or "").split())
        if not value and name in tdef.required:
            if fdef.kind == "choice" and fdef.vocabulary:
                value = fdef.vocabulary[0]
                notes.append(f"{fdef.label}: „{value}“ (Standard; ändern mit {_option(name)})")
            elif fdef.kind == "date":
                value = project.as_of.isoformat()
                notes.append(f"{fdef.label}: {value} (Stichtag; ändern mit {_option(name)})")
            else:
                raise CommandError(f"Das Pflichtfeld „{fdef.label}“ fehlt: geben Sie {_option(name)} „…“ an.")
        if not value:
            continue
        if fdef.kind == "choice" and value not in fdef.vocabulary:
            hint = suggest(value, list(fdef.vocabulary))
            raise CommandError(
                f"„{fdef.label}“ = „{value}“ ist nicht erlaubt; möglich: {', '.join(fdef.vocabulary)}. {hint}".strip()
            )
        if fdef.kind == "date" and parse_date(value) is None:
            raise CommandError(f"„{fdef.label}“ = „{value}“ ist kein Datum; schreiben Sie JJJJ-MM-TT.")
        values[name] = value
    return values, notes


def _links(project: Project, tdef: TypeDef, args: dict[str, Any], known: set[str]) -> dict[str, str]:
    links: dict[str, str] = {}
    for link in project.model.links_from(tdef.name):
        raw = str(args.get(f"l_{link.name}") or "")
        targets = [t.strip() for t in raw.split(",") if t.strip()]
        for target in targets:
            if not re.match(ID_REGEX, target) or target not in known:
                hint = suggest(target, sorted(known))
                raise CommandError(f"{_option(link.name)}: die Kennung „{target}“ gibt es nicht. {hint}".strip())
        if link.single and len(targets) > 1:
            raise CommandError(f"{_option(link.name)} erlaubt nur eine Kennung.")
        if targets:
            links[link.name] = ", ".join(targets)
    return links


def render_item(tdef: TypeDef, need_id: str, title: str, options: dict[str, str], text: str) -> str:
    """The MyST directive of a new entry."""
    body = text.strip() or (
        f"Ersetzen Sie diesen Satz durch eine kurze Beschreibung: worum es bei diesem Eintrag "
        f"({tdef.title}) geht und was festgehalten ist."
    )
    lines = "".join(f":{key}: {value}\n" for key, value in options.items())
    return f"{FENCE}{{{tdef.name}}} {title}\n:id: {need_id}\n{lines}\n{body}\n{FENCE}\n"


def _append(path: Path, block: str) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(f"{path} ist nicht UTF-8-kodiert; speichern Sie die Datei zuerst als UTF-8.") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    if not text or text.endswith(newline * 2):
        separator = ""
    elif text.endswith(newline):
        separator = newline
    else:
        separator = newline * 2
    addition = separator + block.replace("\n", newline)
    with path.open("ab") as handle:
        handle.write(addition.encode("utf-8"))


def _new_page(folder: Path, need_id: str, title: str, block: str, root: Path) -> Path:
    index = folder / "index.md"
    name = need_id.lower().replace("_", "-")
    page = folder / f"{name}.md"
    if page.exists():
        raise CommandError(f"{page.relative_to(root)} gibt es schon.")
    if not index.is_file():
        raise CommandError(f"{index.relative_to(root)} fehlt; dort wird die neue Seite eingetragen.")
    text = index.read_text(encoding="utf-8")
    match = None
    for found in _TOCTREE.finditer(text):
        match = found  # the last table of contents of the page
    if match is None:
        raise CommandError(f"{index.relative_to(root)} hat kein Inhaltsverzeichnis (toctree) für die neue Seite.")
    newline = "\r\n" if "\r\n" in text else "\n"
    body_end = match.end("body")
    new_index = text[:body_end] + f"{name}{newline}" + text[body_end:]
    with page.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(f"# {title}\n\n{block}")
    index.write_text(new_index, encoding="utf-8", newline="")
    return page


def create_item(project: Project, type_name: str, args: dict[str, Any]) -> list[str]:
    """Write one new entry; returns German report lines.

    :raises CommandError: when anything is wrong (then nothing was written)
    """
    tdef = project.model.types[type_name]
    title = " ".join(str(args.get("titel") or "").split())
    if not title:
        raise CommandError("Geben Sie einen Titel an, z. B. „Leitbild 2027“.")
    values, notes = _values(project, tdef, args)
    known = _all_ids(project)
    links = _links(project, tdef, args, known)
    if tdef.scope == "institution":
        inst = project.institution(str(args.get("einrichtung") or ""))
        owner, base = inst.code, inst.path.parent
        pages = _pages_with_type(base, type_name)
        target = pages[-1] if pages else base / tdef.page
    else:
        owner, base = NETWORK_PREFIX, project.root
        target = base / tdef.page
    need_id = next_id(known, owner, tdef.id_prefix)
    block = render_item(tdef, need_id, title, {**values, **links}, str(args.get("text") or ""))
    if tdef.page.endswith("/") and tdef.scope != "institution":
        if not target.is_dir():
            raise CommandError(f"Der Ordner {tdef.page} für {tdef.plural} fehlt.")
        written = _new_page(target, need_id, title, block, project.root)
        where = f"neue Seite {written.relative_to(project.root)} (im Inhaltsverzeichnis von index.md eingetragen)"
    else:
        if not target.is_file():
            raise CommandError(
                f"Die Seite {target.relative_to(project.root)} fehlt; legen Sie sie an und tragen Sie sie ins "
                "Inhaltsverzeichnis ein."
            )
        _append(target, block)
        where = f"angehängt an {target.relative_to(project.root)}"
    report = [f"{tdef.title} {need_id} „{title}“: {where}."]
    report += [f"  {note}" for note in notes]
    report.append("Ersetzen Sie den Hinweistext und prüfen Sie mit „python3 noxfile.py -s check“.")
    return report
