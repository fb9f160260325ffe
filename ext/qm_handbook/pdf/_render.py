"""Typeset one translated document to PDF with Typst.

The compile folder holds the generated source (``dokument.typ``), a copy of the
template and the images; it is Typst's root, so the document can read no file
outside it. Fonts are only those embedded in Typst (no system font lookup), the
document date and the PDF timestamp are the as-of date: the same sources give the
same bytes on every machine. The output is PDF/A-2a and PDF/UA-1 in one file.

Typst's errors and warnings are returned as German messages; where the source
position lies in a handbook page's part of the document, the message names that
page (the translator marks where each page begins).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ._syntax import PAGE_MARK

if TYPE_CHECKING:
    from typst import PDFStandard as PdfStandard

#: PDF/A part 2 conformance A (archivable, tagged) together with PDF/UA-1 (accessible).
PDF_STANDARDS: tuple[PdfStandard, ...] = ("a-2a", "ua-1")
TEMPLATE = Path(__file__).with_name("template.typ")
SOURCE_NAME = "dokument.typ"
_LOCATION = re.compile(r"┌─ (?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+)")
_PAGES = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")
#: Typst's words for frequent problems, in German (pattern → text; groups are kept).
_KNOWN = (
    (re.compile(r"file not found \(searched at (.+)\)"), "Datei nicht gefunden ({0})"),
    (re.compile(r"label `<(.+)>` does not exist in the document"), "Verweisziel „{0}“ fehlt im PDF"),
    (re.compile(r"label `<(.+)>` occurs multiple times in the document"), "Anker „{0}“ kommt mehrfach vor"),
    (re.compile(r".*alt text.*", re.I), "ein Bild hat keinen Alternativtext (PDF/UA verlangt einen)"),
    (re.compile(r"failed to (?:decode|load|parse) (?:image|svg).*", re.I), "ein Bild ist beschädigt oder kein Bild"),
    (re.compile(r"unknown font family: (.+)"), "Schrift „{0}“ ist nicht vorhanden"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """A German message about one PDF, with the handbook page if known."""

    text: str
    docname: str | None
    error: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderResult:
    """What typesetting produced: the page count (0: no PDF) and Typst's complaints."""

    pages: int
    messages: tuple[Message, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderTask:
    """One document to typeset (picklable: sent to a worker process)."""

    source: str
    folder: Path
    target: Path
    as_of: dt.date


def german(message: str) -> str:
    """Typst's English message in German where it is a known one; otherwise quoted."""
    for pattern, text in _KNOWN:
        match = pattern.fullmatch(message.strip())
        if match:
            return text.format(*match.groups())
    return f"Typst meldet: „{message.strip()}“"


def _page_at(source: list[str], file: str, line: int) -> str | None:
    if file != SOURCE_NAME:
        return None
    for text in reversed(source[: max(0, line)]):
        if text.startswith(PAGE_MARK):
            return text[len(PAGE_MARK) :].strip()
    return None


def diagnostics(diagnostic: str, fallback: str, source: list[str], *, error: bool) -> list[Message]:
    """German messages from Typst's diagnostic text (one per reported problem)."""
    blocks = re.split(r"^(?=(?:error|warning): )", diagnostic, flags=re.M)
    out = []
    for block in (b for b in blocks if b.strip()):
        head, _, rest = block.partition("\n")
        text = head.split(": ", 1)[1] if ": " in head else (fallback or head)
        where = _LOCATION.search(rest)
        docname = _page_at(source, where["file"], int(where["line"])) if where else None
        place = ""
        if where and where["file"] != SOURCE_NAME:
            place = " (in der PDF-Vorlage: ein Fehler des Werkzeugs, nicht des Inhalts)"
        elif where:
            place = f" (Zeile {where['line']} des erzeugten Typst-Quelltexts)"
        out.append(Message(text=german(text) + place, docname=docname, error=error))
    if not out:
        out.append(Message(text=german(fallback), docname=None, error=error))
    return out


def render_task(task: RenderTask) -> RenderResult:
    """Typeset ``task`` into its target file (see module docstring)."""
    import typst

    task.folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEMPLATE, task.folder / TEMPLATE.name)
    main = task.folder / SOURCE_NAME
    main.write_text(task.source, encoding="utf-8")
    lines = task.source.splitlines()
    compiler = typst.Compiler(root=str(task.folder), font_paths=[], ignore_system_fonts=True)
    stamp = dt.datetime(task.as_of.year, task.as_of.month, task.as_of.day, tzinfo=dt.UTC)
    try:
        data, warnings = compiler.compile_with_warnings(
            input=str(main), format="pdf", pdf_standards=list(PDF_STANDARDS), timestamp=stamp
        )
    except typst.TypstError as exc:
        return RenderResult(pages=0, messages=_once(diagnostics(exc.diagnostic, exc.message, lines, error=True)))
    assert isinstance(data, bytes)
    task.target.parent.mkdir(parents=True, exist_ok=True)
    task.target.write_bytes(data)
    messages = [m for w in warnings for m in diagnostics(w.diagnostic, w.message, lines, error=False)]
    count = _PAGES.search(data)
    return RenderResult(pages=int(count.group(1)) if count else 0, messages=_once(messages))


def _once(messages: list[Message]) -> tuple[Message, ...]:
    """Each message once, with the number of places when Typst reported it several times."""
    counts: dict[Message, int] = {}
    for message in messages:
        counts[message] = counts.get(message, 0) + 1
    return tuple(
        Message(text=f"{m.text} ({n}-mal)", docname=m.docname, error=m.error) if n > 1 else m for m, n in counts.items()
    )
