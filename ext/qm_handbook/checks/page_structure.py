"""Structure of a page source that MyST accepts silently but reads wrongly.

* A page header (front matter) opened with ``---`` but never closed: MyST then reads
  the first line as a horizontal rule and the header as text.
* A key written twice in the page header: YAML keeps the last value without a word.
* A directive block (```` ```{name} ```` or ``:::{name}``) that is not closed before
  the next block of the same kind starts: by the Markdown rules the next block becomes
  part of the first one's content, so a statement silently turns into a child of the
  one before; a block still open at the end of the page.
* A need ID longer than :data:`~qm_handbook.model.metamodel.MAX_ID_LENGTH`.

Every problem carries the line where it starts. Pure functions, no Sphinx imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model.metamodel import MAX_ID_LENGTH
from .diagnostics import Problem

_FENCE = re.compile(r"^\s*(?P<marks>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_KEY = re.compile(r"^(?P<key>[^\s#:][^:]*?)\s*:(?:\s|$)")
_ID_OPTION = re.compile(r"^\s*:id:\s*(?P<id>\S+)\s*$")


@dataclass(slots=True)
class _Open:
    char: str
    length: int
    name: str
    line: int


def header_end(lines: list[str]) -> int | None:
    """Index of the closing ``---`` of the page header (None: no header or not closed)."""
    if not lines or lines[0].strip() != "---":
        return None
    return next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)


def check_header(lines: list[str]) -> Iterator[Problem]:
    """An unclosed page header; keys written twice."""
    if not lines or lines[0].strip() != "---":
        return
    end = header_end(lines)
    if end is None:
        yield Problem(
            code="frontmatter_unclosed",
            message="Der Seitenkopf, der in dieser Zeile mit „---“ beginnt, wird nicht mit einer zweiten Zeile "
            "„---“ geschlossen; die Angaben zur Dokumentenlenkung werden so nicht gelesen.",
            hint="Schließen Sie den Seitenkopf mit einer Zeile „---“ direkt nach der letzten Angabe.",
            line=1,
        )
        return
    first: dict[str, int] = {}
    for number, line in enumerate(lines[1:end], 2):
        found = _KEY.match(line)
        if found is None:
            continue
        key = found["key"].strip().strip("'\"")
        if key in first:
            yield Problem(
                code="frontmatter_duplicate",
                message=f"„{key}“ steht zweimal im Seitenkopf (zuerst in Zeile {first[key]}); es gälte "
                "stillschweigend nur der letzte Wert.",
                hint="Löschen Sie eine der beiden Zeilen.",
                line=number,
            )
        else:
            first[key] = number


def _name(info: str) -> str:
    info = info.strip()
    if info.startswith("{") and "}" in info:
        return info[1 : info.index("}")]
    return ""


def check_fences(lines: list[str], start: int = 0) -> Iterator[Problem]:
    """Directive blocks not closed before the next one starts, or not closed at all.

    :param start: index of the first line after the page header
    """
    stack: list[_Open] = []
    for index in range(start, len(lines)):
        number = index + 1
        stripped = lines[index].lstrip()
        if not stripped.startswith(("```", "~~~", ":::")):
            continue
        found = _FENCE.match(stripped)
        if found is None:
            continue
        char, length, info = found["marks"][0], len(found["marks"]), found["info"]
        if char == "`" and "`" in info:
            continue  # inline code, not a fence
        top = stack[-1] if stack else None
        if top is not None and char == top.char and length >= top.length:
            if not info.strip():
                stack.pop()
                continue
            name = _name(info)
            if name:
                shown = f"„{top.name}“" if top.name else "ohne Namen"
                yield Problem(
                    code="fence_unclosed",
                    message=f"Der Block {shown}, der in dieser Zeile beginnt, ist nicht geschlossen, bevor in "
                    f"Zeile {number} der Block „{name}“ beginnt; dieser würde sonst still zu seinem Inhalt.",
                    hint=f"Schließen Sie den Block mit einer Zeile {top.char * top.length} vor Zeile {number}.",
                    line=top.line,
                )
                stack[-1] = _Open(char, length, name, number)
            continue
        if top is not None and not top.name:
            continue  # inside a code block everything else is literal text
        if info.strip() or top is None:
            stack.append(_Open(char, length, _name(info), number))
    for block in stack:
        shown = f"„{block.name}“" if block.name else "ohne Namen"
        yield Problem(
            code="fence_unclosed",
            message=f"Der Block {shown}, der in dieser Zeile beginnt, wird bis zum Ende der Seite nicht geschlossen.",
            hint=f"Schließen Sie den Block mit einer Zeile {block.char * block.length}.",
            line=block.line,
        )


def check_ids(lines: list[str]) -> Iterator[Problem]:
    """Need IDs longer than the documented limit."""
    for number, line in enumerate(lines, 1):
        found = _ID_OPTION.match(line) if ":id:" in line else None
        if found and len(found["id"]) > MAX_ID_LENGTH:
            yield Problem(
                code="id_too_long",
                message=f"Die Kennung „{found['id'][:24]}…“ hat {len(found['id'])} Zeichen; erlaubt sind höchstens "
                f"{MAX_ID_LENGTH}. Der Eintrag fehlt deshalb im Handbuch.",
                hint="Kürzen Sie die Kennung (Kürzel der Einrichtung, dann ein kurzer sprechender Teil).",
                line=number,
            )


def check_structure(text: str) -> list[Problem]:
    """All structure problems of one page source (without file; the caller adds it)."""
    lines = text.lstrip("\ufeff").splitlines()
    end = header_end(lines)
    return [*check_header(lines), *check_fences(lines, end + 1 if end is not None else 0), *check_ids(lines)]
