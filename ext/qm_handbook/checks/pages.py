"""Checks of the handbook pages themselves: file encoding, empty files, page header.

Before Sphinx reads anything, every MyST page is checked for UTF-8 encoding (a page in
another encoding would otherwise stop the whole build) and for being empty. Pages in
the wrong encoding are reported with the line of the first bad character and left out
of the build, so the rest of the handbook is still built and checked.

The page header (front matter) carries the document control data described in
:mod:`qm_handbook.site.doccontrol`. On the pages of an institution it is required;
unknown keys are reported with a "did you mean" hint, values are checked against
their vocabularies, dates must be ISO dates and the next review must come after the
approval. A header that is not valid YAML is left to MyST's own warning
(``myst.topmatter``, translated into German by :mod:`qm_handbook.checks.translate`).

No Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from ..model.labels import parse_date
from ..site.doccontrol import KEYS, PAGE_STATUSES, VISIBILITIES
from .diagnostics import Problem, suggest

#: Keys Sphinx, MyST or the theme understand in a page header.
OTHER_KEYS = frozenset({"orphan", "nocomments", "nosearch", "tocdepth", "hide-toc", "myst", "html_meta"})
#: Keys needed only once a page is approved.
APPROVAL_KEYS = ("freigegeben_von", "freigegeben_am")
_CHOICES = {"status": PAGE_STATUSES, "sichtbarkeit": VISIBILITIES}
_EXAMPLES = {
    "fassung": '"1.0"',
    "status": "freigegeben",
    "verantwortlich": "QMB",
    "freigegeben_von": "Leitung",
    "freigegeben_am": "2026-01-15",
    "naechste_pruefung": "2027-01-15",
    "sichtbarkeit": "intern",
}


def check_source_file(path: Path, display: Path | None = None) -> tuple[str | None, list[Problem]]:
    """Read one page; report a wrong encoding or an empty file.

    :param path: the page file
    :param display: the path shown in messages (default: ``path``)
    :return: the text (None when it cannot be decoded) and the problems
    """
    shown = display or path
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start : exc.start + 1].hex().upper()
        return None, [
            Problem(
                code="file_encoding",
                message=f"Die Seite ist nicht UTF-8-kodiert (Zeichen 0x{byte} in Zeile {line}); sie wird beim "
                "Bauen ausgelassen.",
                hint="Öffnen Sie die Datei im Editor und speichern Sie sie mit der Kodierung UTF-8.",
                file=shown,
                line=line,
            )
        ]
    if not text.strip():
        return text, [
            Problem(
                code="empty_page",
                message="Die Seite ist leer.",
                hint="Schreiben Sie mindestens eine Überschrift (# Titel) oder löschen Sie die Datei "
                "und ihren Eintrag im Inhaltsverzeichnis.",
                file=shown,
                line=1,
            )
        ]
    return text, []


def front_matter(text: str) -> tuple[dict[str, Any] | None, dict[str, int]]:
    """The parsed page header and the line of each top-level key.

    :return: (None, {}) without a header, or when its YAML is broken
    """
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return None, {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None, {}
    key_lines: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], 2):
        if line and not line[0].isspace() and not line.startswith("#") and ":" in line:
            key_lines.setdefault(line.split(":", 1)[0].strip(), number)
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        return None, {}
    return (data if isinstance(data, dict) else None), key_lines


def check_front_matter(docname: str, text: str, *, required: bool) -> Iterator[Problem]:
    """The page header of one page.

    :param docname: the page (for the location)
    :param text: the page source
    :param required: whether the page must carry document control data
    """
    data, key_lines = front_matter(text)

    def problem(code: str, message: str, hint: str, key: str = "") -> Problem:
        return Problem(code=code, message=message, hint=hint, docname=docname, line=key_lines.get(key, 1))

    if data is None:
        if required and not text.lstrip("\ufeff").startswith("---"):
            yield problem(
                "frontmatter_missing",
                "Die Seite hat keinen Seitenkopf mit den Angaben zur Dokumentenlenkung.",
                "Beginnen Sie die Seite mit einem Seitenkopf zwischen zwei Zeilen „---“ "
                "(siehe Leitfaden „Mitarbeit am Handbuch“).",
            )
        return
    allowed = sorted({*KEYS, *OTHER_KEYS})
    for key in data:
        if str(key) not in allowed:
            yield problem(
                "frontmatter_key",
                f"Unbekannter Schlüssel „{key}“ im Seitenkopf.",
                suggest(str(key), allowed) or f"Erlaubt sind: {', '.join(KEYS)}.",
                str(key),
            )
    status = str(data.get("status") or "")
    if required:
        needed = [k for k in KEYS if not (k in APPROVAL_KEYS and status == "Entwurf")]
        for key in needed:
            if data.get(key) in (None, ""):
                yield problem(
                    "frontmatter_missing",
                    f"Im Seitenkopf fehlt „{key}“.",
                    f"Ergänzen Sie z. B. „{key}: {_EXAMPLES[key]}“.",
                )
    for key, choices in _CHOICES.items():
        value = data.get(key)
        if value not in (None, "") and str(value) not in choices:
            yield problem(
                "frontmatter_value",
                f"„{key}“ hat den Wert „{value}“; erlaubt sind: {', '.join(choices)}.",
                suggest(str(value), choices),
                key,
            )
    dates: dict[str, dt.date] = {}
    for key in ("freigegeben_am", "naechste_pruefung"):
        value = data.get(key)
        if value in (None, ""):
            continue
        date = parse_date(value)
        if date is None:
            yield problem(
                "frontmatter_value",
                f"„{key}“ ist kein gültiges Datum: „{value}“.",
                "Schreiben Sie Daten als JJJJ-MM-TT, z. B. 2027-01-15.",
                key,
            )
        else:
            dates[key] = date
    approved, review = dates.get("freigegeben_am"), dates.get("naechste_pruefung")
    if approved and review and review <= approved:
        yield problem(
            "frontmatter_value",
            f"Die nächste Prüfung ({review.isoformat()}) liegt nicht nach der Freigabe ({approved.isoformat()}).",
            "Tragen Sie bei „naechste_pruefung“ ein späteres Datum ein.",
            "naechste_pruefung",
        )
