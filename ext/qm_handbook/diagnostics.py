"""Warning registry: every problem the handbook reports has a stable code.

Codes are listed once, in :data:`CODES`, with a German description and an example.
A message always names the file and line, says what is wrong and how to fix it.
Users can silence a code with ``suppress_warnings = ["qm.<code>"]`` in ``conf.py``.

Loaders and checks never log directly: they return :class:`Problem` objects, so the
same problems can be shown by Sphinx, by the command line check and in tests.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """One registered warning code."""

    name: str
    severity: Severity
    description: str
    example: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One problem found in the sources."""

    code: str
    message: str
    hint: str = ""
    file: Path | None = None
    docname: str | None = None
    line: int | None = None

    def text(self) -> str:
        """The German message with the fix hint."""
        return f"{self.message} {self.hint}".strip()

    def location(self, root: Path | None = None) -> str:
        """``file:line`` for terminal output."""
        if self.file is None:
            return self.docname or ""
        path = self.file
        if root is not None:
            with contextlib.suppress(ValueError):
                path = self.file.relative_to(root)
        return f"{path}:{self.line}" if self.line else str(path)


def _code(name: str, severity: Severity, description: str, example: str) -> Code:
    return Code(name=name, severity=severity, description=description, example=example)


CODES: dict[str, Code] = {
    c.name: c
    for c in (
        _code(
            "toml_syntax",
            "error",
            "Eine TOML-Datei (Katalog, Einrichtung, Netzwerk) ist syntaktisch fehlerhaft.",
            'einrichtung.toml:4: Die Datei ist kein gültiges TOML (Expected "=" after a key). '
            "Prüfen Sie Anführungszeichen und Gleichheitszeichen in dieser Zeile.",
        ),
        _code(
            "file_encoding",
            "error",
            "Eine Datei ist nicht in UTF-8 gespeichert.",
            "einrichtung.toml: Die Datei ist nicht UTF-8-kodiert. Speichern Sie sie als UTF-8.",
        ),
        _code(
            "missing_key",
            "error",
            "Ein Pflichtfeld fehlt in einer Daten-Datei.",
            'einrichtung.toml:1: Das Pflichtfeld „kuerzel“ fehlt. Ergänzen Sie z. B. kuerzel = "W5".',
        ),
        _code(
            "bad_value",
            "error",
            "Ein Wert in einer Daten-Datei ist nicht zulässig (Datum, Wertevorrat, Format).",
            "einrichtung.toml:7: „status“ hat den Wert „zertfiziert“; erlaubt sind: Einführung, "
            "Selbstevaluation, zertifiziert. Meinten Sie „zertifiziert“?",
        ),
        _code(
            "unknown_key",
            "warning",
            "Eine Daten-Datei enthält einen unbekannten Schlüssel.",
            "einrichtung.toml:9: Unbekannter Schlüssel „kuerzl“. Meinten Sie „kuerzel“?",
        ),
        _code(
            "duplicate_code",
            "error",
            "Zwei Einrichtungen verwenden dasselbe Kürzel.",
            "institutions/b/einrichtung.toml:3: Das Kürzel „W1“ wird schon von "
            "institutions/a/einrichtung.toml verwendet. Vergeben Sie ein eindeutiges Kürzel.",
        ),
        _code(
            "missing_institution_file",
            "error",
            "Ein Einrichtungsordner hat keine Datei einrichtung.toml.",
            "institutions/neu/: Die Datei einrichtung.toml fehlt. Legen Sie sie nach dem Muster "
            "einer anderen Einrichtung an.",
        ),
        _code(
            "unknown_catalog",
            "error",
            "Eine Einrichtung verweist auf einen Katalog, den es nicht gibt.",
            "einrichtung.toml:8: Der Katalog „DQE 2.0“ ist nicht vorhanden; vorhanden: DQE 1.0.",
        ),
        _code(
            "catalog_duplicate",
            "error",
            "Eine Nummer kommt in einem Katalog doppelt vor.",
            "demo-qe-1.0.toml:120: Die Anforderung E1.1 ist doppelt (zuerst in Zeile 12). "
            "Vergeben Sie eine neue Nummer.",
        ),
        _code(
            "directive_context",
            "error",
            "Eine Direktive steht auf einer Seite, auf der sie nicht verwendet werden kann.",
            "institutions/x/index.md:3: „qm-steckbrief“ steht nicht im Ordner einer Einrichtung.",
        ),
        _code(
            "pdf_render",
            "error",
            "WeasyPrint meldet beim Erzeugen eines PDFs ein Problem (z. B. ein Link ohne Ziel).",
            "_build/html/pdf/vhs-leipziger-land.pdf: WeasyPrint: No anchor #W1_NW_99 for internal URI reference.",
        ),
        _code(
            "pdf_unknown_institution",
            "error",
            "Für ein angefordertes PDF gibt es keine Einrichtung.",
            "Für „vhs-leipzig“ gibt es kein PDF: Es ist kein Ordner einer Einrichtung. "
            "Meinten Sie „vhs-leipziger-land“?",
        ),
        _code(
            "report_option",
            "warning",
            "Eine Option einer Auswertungs-Direktive (qm-matrix, qm-luecken …) nennt eine unbekannte "
            "Einrichtung, Art, Anforderung oder einen unbekannten Status.",
            "handbook/netzwerk/dashboard.md:5: „qm-luecken“: Die Einrichtung „W9“ gibt es nicht. Meinten Sie „W1“?",
        ),
    )
}


def suggest(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """A German "did you mean" hint for ``value`` among ``choices`` (or "")."""
    import difflib

    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"Meinten Sie „{match[0]}“?" if match else ""


_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def toml_error_line(message: str) -> int | None:
    """The line number tomllib names in its error message, if any."""
    found = _TOML_LINE.search(message)
    return int(found.group(1)) if found else None


def line_of(text: str, needle: str, start: int = 1) -> int | None:
    """Number of the first line (from ``start``) that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    return None
