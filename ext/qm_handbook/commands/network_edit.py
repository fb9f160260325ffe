"""Minimal edits of ``netzwerk.toml``: add an institution to a hosting rotation.

The file is written by people (comments, order, spacing), so it is never re-serialised.
The new short code is inserted as text right before the closing ``]`` of the
rotation list, and the result is parsed again: every other value must be unchanged
and the rotation must be the old one plus the new code, otherwise nothing is written.

With regions the rotation of the ``[[region]]`` whose ``kuerzel`` matches is extended;
a network without regions may keep one rotation at the top level (``rotation = […]``).
A rotation key that does not exist yet is added as its own line.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

_TABLE = re.compile(r"^[ \t]*\[")
_REGION_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*region[ \t]*\]\][ \t]*(#.*)?$")
_ROTATION = re.compile(r"^[ \t]*rotation[ \t]*=[ \t]*\[")


class NetworkEditError(Exception):
    """German message: the file could not be edited safely (nothing was written)."""


def _line_end(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def _block(lines: list[str], region_index: int | None) -> tuple[int, int]:
    """First and end line index of the top-level part or of the n-th region table."""
    if region_index is None:
        end = next((i for i, line in enumerate(lines) if _TABLE.match(line)), len(lines))
        return 0, end
    headers = [i for i, line in enumerate(lines) if _REGION_HEADER.match(line.rstrip("\r\n"))]
    if region_index >= len(headers):
        raise NetworkEditError("Die Regionstabellen ließen sich in der Datei nicht eindeutig finden.")
    start = headers[region_index]
    end = next((i for i in range(start + 1, len(lines)) if _TABLE.match(lines[i])), len(lines))
    return start, end


def _insert_into_list(text: str, start: int, code: str) -> str:
    """Insert ``"code"`` before the ``]`` that closes the list opened at/after ``start``.

    The code goes right after the last value (or comma) of the list, so comments and
    the layout of a multi-line list stay as they were.
    """
    opening = text.index("[", start)
    quote = ""
    last = opening  # index of the last significant character (not space, not comment)
    i = opening + 1
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 2
                continue
            if char == quote:
                quote = ""
            last = i
        elif char in "\"'":
            quote = char
            last = i
        elif char == "#":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        elif char == "]":
            if last == opening:
                addition = f'"{code}"'
            elif text[last] == ",":
                addition = f' "{code}",'
            else:
                addition = f', "{code}"'
            return text[: last + 1] + addition + text[last + 1 :]
        elif not char.isspace():
            last = i
        i += 1
    raise NetworkEditError("Die Liste „rotation“ ist nicht geschlossen.")


def add_to_rotation(text: str, region: str, code: str) -> str:
    """The file text with ``code`` appended to the rotation of ``region`` ("" = top level).

    :raises NetworkEditError: when the file cannot be edited safely
    """
    before: dict[str, Any] = tomllib.loads(text)
    regions = before.get("region", [])
    if not isinstance(regions, list) or not all(isinstance(r, dict) for r in regions):
        raise NetworkEditError("„region“ ist keine Folge von Tabellen ([[region]]); beheben Sie das zuerst.")
    if region:
        index = next((n for n, r in enumerate(regions) if r.get("kuerzel") == region), None)
        if index is None:
            raise NetworkEditError(f"Die Region „{region}“ steht nicht in der Datei.")
        rotation = regions[index].get("rotation", [])
    else:
        index = None
        rotation = before.get("rotation", [])
    if not isinstance(rotation, list):
        raise NetworkEditError('„rotation“ ist keine Liste (rotation = ["…"]); beheben Sie das zuerst.')
    old = list(rotation)
    lines = text.splitlines(keepends=True)
    start, end = _block(lines, index)
    found = next((i for i in range(start, end) if _ROTATION.match(lines[i])), None)
    if found is not None:
        offset = sum(len(line) for line in lines[:found])
        new_text = _insert_into_list(text, offset, code)
    else:
        nl = _line_end(lines)
        # after the last key line of the block (blank lines and comments at its end stay below)
        last = end - 1
        while last > start and (not lines[last].strip() or lines[last].lstrip().startswith("#")):
            last -= 1
        if index is None and end == 0:
            last = -1
        if last >= 0 and not lines[last].endswith(("\n", "\r")):
            lines[last] += nl
        lines.insert(last + 1, f'rotation = ["{code}"]{nl}')
        new_text = "".join(lines)
    after: dict[str, Any] = tomllib.loads(new_text)
    expected = before
    if region:
        expected = {**before, "region": [dict(r) for r in regions]}
        expected["region"][index]["rotation"] = [*old, code]
    else:
        expected = {**before, "rotation": [*old, code]}
    if after != expected:
        raise NetworkEditError("Die Änderung hätte mehr als die Gastgeber-Rotation verändert.")
    return new_text
