"""Reading the handbook's TOML data files with German error reports.

Catalogs, institution profiles and the network file are TOML. This module reads one
file, turns syntax and encoding errors into :class:`~qm_handbook.checks.diagnostics.Problem`
objects with line numbers, and offers small typed accessors that record a problem
instead of raising when a key is missing or has the wrong kind of value.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

from ..checks.diagnostics import Problem, line_of, suggest, toml_error_line
from .generated import NAME_HINT, is_safe_name

_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "ein Ja/Nein-Wert"),
    (int, "eine Zahl"),
    (float, "eine Zahl"),
    (str, "ein Text"),
    (dt.datetime, "ein Zeitpunkt"),
    (dt.date, "ein Datum"),
    (dt.time, "eine Uhrzeit"),
    (list, "eine Liste"),
    (dict, "eine Tabelle"),
)


def kind_of(value: object) -> str:
    """German name of the kind of a TOML value ("ein Text", "eine Liste", …)."""
    return next((name for kind, name in _KINDS if isinstance(value, kind)), "ein anderer Wert")


class TomlFile:
    """One parsed TOML file plus the problems found while reading it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.text = ""
        self.data: dict[str, Any] = {}
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self._add("missing_institution_file", f"Die Datei kann nicht gelesen werden ({exc.strerror}).")
            return
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._add(
                "file_encoding",
                "Die Datei ist nicht UTF-8-kodiert.",
                "Speichern Sie sie im Editor mit der Kodierung UTF-8.",
            )
            return
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            self._add(
                "toml_syntax",
                f"Die Datei ist kein gültiges TOML ({exc}).",
                "Prüfen Sie Anführungszeichen, Gleichheitszeichen und Klammern in dieser Zeile.",
                line=toml_error_line(str(exc)),
            )

    @property
    def ok(self) -> bool:
        """True when the file could be parsed."""
        return not any(p.code in {"toml_syntax", "file_encoding"} for p in self.problems)

    def _add(self, code: str, message: str, hint: str = "", line: int | None = None) -> None:
        self.problems.append(Problem(code=code, message=message, hint=hint, file=self.path, line=line))

    def line(self, key: str, value: object = None, start: int = 1) -> int | None:
        """Best guess of the line that sets ``key`` (optionally to ``value``)."""
        if value is not None:
            found = line_of(self.text, f'"{value}"', start) or line_of(self.text, str(value), start)
            if found:
                return found
        # at a line start or inside an inline table; bare or quoted, possibly dotted
        name = rf"(?:[\w.-]+\.)?(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"
        pattern = re.compile(rf"(?:^|[{{,])\s*(?:\[+\s*)?{name}\s*(?:=|\]|$)")
        for number, text in enumerate(self.text.splitlines(), 1):
            if number >= start and pattern.search(text):
                return number
        return None

    def require(self, table: dict[str, Any], key: str, where: str = "", example: str = "") -> Any:
        """Return ``table[key]`` or record a missing-key problem and return None."""
        if key in table and table[key] not in ("", None):
            return table[key]
        place = f" in [{where}]" if where else ""
        hint = f"Ergänzen Sie z. B. {example}." if example else "Ergänzen Sie den Eintrag."
        self._add("missing_key", f"Das Pflichtfeld „{key}“{place} fehlt.", hint, line=self.line(where) if where else 1)
        return None

    def wrong_type(self, key: str, value: object, expected: str, example: str, start: int = 1) -> None:
        """Record that ``key`` holds a value of the wrong kind (German kind names)."""
        self._add(
            "wrong_type",
            f"„{key}“ muss {expected} sein, ist aber {kind_of(value)}.",
            f"Schreiben Sie {example}.",
            line=self.line(key, None, start) or self.line(key),
        )

    def text_value(
        self, table: dict[str, Any], key: str, *, required: bool = False, where: str = "", start: int = 1
    ) -> str:
        """A string value; missing gives "". A value of another kind is reported (numbers are kept as text)."""
        value = self.require(table, key, where, f'{key} = "…"') if required else table.get(key)
        if value is None or isinstance(value, str):
            return value or ""
        self.wrong_type(key, value, "ein Text in Anführungszeichen", f'{key} = "…"', start)
        if isinstance(value, (dict, list, bool)):
            return ""
        return str(value)

    def list_value(self, table: dict[str, Any], key: str, start: int = 1) -> tuple[str, ...]:
        """A list of texts; a single text or other kinds are reported (never split into letters)."""
        value = table.get(key)
        if value is None:
            return ()
        example = f'{key} = ["…", "…"]'
        if not isinstance(value, list):
            self.wrong_type(key, value, "eine Liste von Texten", example, start)
            return ()
        if not all(isinstance(v, str) for v in value):
            wrong = next(v for v in value if not isinstance(v, str))
            self.wrong_type(key, wrong, "eine Liste von Texten (jeder Eintrag in Anführungszeichen)", example, start)
        return tuple(v for v in value if isinstance(v, str))

    def bool_value(self, table: dict[str, Any], key: str, start: int = 1) -> bool:
        """``true`` or ``false``; other kinds (also the text "true") are reported and read as false."""
        value = table.get(key, False)
        if isinstance(value, bool):
            return value
        self.wrong_type(key, value, "true oder false (ohne Anführungszeichen)", f"{key} = true", start)
        return False

    def table_value(self, table: dict[str, Any], key: str) -> dict[str, Any]:
        """A sub-table ``[key]``; missing gives {}, other kinds are reported."""
        value = table.get(key, {})
        if isinstance(value, dict):
            return value
        self.wrong_type(key, value, "eine Tabelle", f"[{key}] in eine eigene Zeile und die Angaben darunter")
        return {}

    def tables(self, table: dict[str, Any], key: str) -> list[dict[str, Any]]:
        """An array of tables ``[[key]]``; missing gives [], other kinds are reported."""
        value = table.get(key, [])
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return value
        self.wrong_type(key, value, "eine Folge von Tabellen", f"[[{key}]] vor jedem Eintrag in eine eigene Zeile")
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    def choice(self, table: dict[str, Any], key: str, choices: tuple[str, ...], *, required: bool = True) -> str:
        """A value from a vocabulary; a wrong value is reported with a hint."""
        value = self.text_value(table, key, required=required)
        if value and value not in choices:
            self._add(
                "bad_value",
                f"„{key}“ hat den Wert „{value}“; erlaubt sind: {', '.join(choices)}.",
                suggest(value, choices),
                line=self.line(key, value),
            )
            return ""
        return value

    def date_value(self, table: dict[str, Any], key: str, *, required: bool = False) -> dt.date | None:
        """An ISO date (TOML date or quoted string)."""
        value = table.get(key)
        if value is None or value == "":
            if required:
                self.require(table, key, example=f"{key} = 2026-12-31")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            self.wrong_type(key, value, "ein Datum", f"{key} = 2026-12-31")
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self._add(
                "bad_value",
                f"„{key}“ ist kein gültiges Datum: „{value}“.",
                "Schreiben Sie Daten in der Form JJJJ-MM-TT, z. B. 2026-12-31.",
                line=self.line(key),
            )
            return None

    def safe_name(self, value: str, what: str, key: str, start: int = 1) -> str:
        """``value`` when it can become a folder or file name of generated pages, else "" (reported).

        :param what: German name of the value in the message, e.g. "Die Katalogversion"
        """
        if not value or is_safe_name(value):
            return value
        self._add(
            "bad_name",
            f"{what} „{value}“ ist ungültig, denn daraus wird ein Ordner- oder Dateiname erzeugter Seiten.",
            NAME_HINT,
            line=self.line(key, value, start) or self.line(key),
        )
        return ""

    def check_keys(self, table: dict[str, Any], allowed: set[str], where: str = "") -> None:
        """Report keys that are not in ``allowed``, with a did-you-mean hint."""
        for key in table:
            if key not in allowed:
                place = f" in [{where}]" if where else ""
                self._add(
                    "unknown_key",
                    f"Unbekannter Schlüssel „{key}“{place}.",
                    suggest(key, sorted(allowed)) or f"Erlaubt sind: {', '.join(sorted(allowed))}.",
                    line=self.line(key),
                )
