"""Typeset one translated document to PDF with Typst.

The compile folder holds the generated source (``dokument.typ``), a copy of the
template and the images; it is Typst's root, so the document can read no file
outside it. Fonts are only those embedded in Typst (no system font lookup), the
document date and the PDF timestamp are the as-of date: the same sources give the
same bytes on every machine. The output is PDF/A-2a and PDF/UA-1 in one file.

Typst's errors and warnings are returned as German messages; where the source
position lies in a handbook page's part of the document, the message names that
page (the translator marks where each page begins).

Typst runs in worker processes (``_workers``, ``_typst_worker``). Next to each
compile folder a small record keeps the hash of all of Typst's inputs and of the PDF
it wrote: when a later build produces the same inputs and the PDF in the output
folder is still that file, Typst is not run again (:func:`reuse`). Anything that
differs (one character of the source, an image, the template, the as-of date,
Typst's version) means a new run.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ._syntax import PAGE_MARK
from ._typst_worker import SOURCE_NAME

if TYPE_CHECKING:
    from typst import PDFStandard as PdfStandard

#: PDF/A part 2 conformance A (archivable, tagged) together with PDF/UA-1 (accessible).
PDF_STANDARDS: tuple[PdfStandard, ...] = ("a-2a", "ua-1")
TEMPLATE = Path(__file__).with_name("template.typ")
#: The script a worker process runs (see :mod:`._typst_worker`).
WORKER = Path(__file__).with_name("_typst_worker.py")
#: Changes when the meaning of a stored key changes (see :func:`input_key`).
KEY_VERSION = "1"
_LOCATION = re.compile(r"┌─ (?P<file>\S+?):(?P<line>\d+):(?P<col>\d+)")
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
    #: True when the PDF of the last build had the same inputs and was kept (Typst did not run).
    reused: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderTask:
    """One document to typeset."""

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
    if PurePath(file).name != SOURCE_NAME:
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
        if where and PurePath(where["file"]).name != SOURCE_NAME:
            place = " (in der PDF-Vorlage: ein Fehler des Werkzeugs, nicht des Inhalts)"
        elif where:
            place = f" (Zeile {where['line']} des erzeugten Typst-Quelltexts)"
        out.append(Message(text=german(text) + place, docname=docname, error=error))
    if not out:
        out.append(Message(text=german(fallback), docname=None, error=error))
    return out


def prepare(task: RenderTask) -> tuple[dict[str, Any], str]:
    """Write the compile folder of ``task``; the worker's request and the key of its inputs."""
    task.folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(TEMPLATE, task.folder / TEMPLATE.name)
    (task.folder / SOURCE_NAME).write_text(task.source, encoding="utf-8")
    request = {
        "folder": str(task.folder),
        "target": str(task.target),
        "as_of": task.as_of.isoformat(),
        "standards": list(PDF_STANDARDS),
    }
    return request, input_key(task.folder, request)


def input_key(folder: Path, request: dict[str, Any]) -> str:
    """Hash of everything Typst's output depends on: every file of the compile folder
    (source, template, images), the as-of date, the standards, the worker's code and
    Typst's version (its fonts are embedded in it)."""
    digest = hashlib.sha256()
    parts = [f"{KEY_VERSION}|{_typst_version()}|{request['as_of']}|{','.join(request['standards'])}".encode()]
    parts.append(WORKER.read_bytes())
    for path in sorted(folder.iterdir()):
        parts += [path.name.encode(), path.read_bytes()]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@functools.cache
def _typst_version() -> str:
    return importlib.metadata.version("typst")


def _record_path(task: RenderTask) -> Path:
    return task.folder.parent / f"{task.folder.name}.json"


def reuse(task: RenderTask, key: str) -> dict[str, Any] | None:
    """The reply of the last typesetting when its inputs had the same key and the PDF it
    wrote is still there, unchanged (None: Typst has to run)."""
    try:
        record = json.loads(_record_path(task).read_text(encoding="utf-8"))
        data = task.target.read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    if record.get("pdf") != hashlib.sha256(data).hexdigest():
        return None
    # The file is the current one: it counts as written by this build (see noxfile.py).
    os.utime(task.target)
    return {"pages": record["pages"], "error": None, "warnings": record["warnings"], "reused": True}


def finish(task: RenderTask, key: str, reply: dict[str, Any]) -> RenderResult:
    """The result of a worker's reply; remembers a written PDF's key (see :func:`reuse`)."""
    lines = task.source.splitlines()
    record = _record_path(task)
    if reply.get("crash"):
        record.unlink(missing_ok=True)
        task.target.unlink(missing_ok=True)
        text = f"Der Typst-Prozess ist unerwartet beendet worden ({reply['crash']})."
        return RenderResult(pages=0, messages=(Message(text=text, docname=None, error=True),))
    if reply["error"]:
        # Never leave the PDF of an older state behind.
        record.unlink(missing_ok=True)
        task.target.unlink(missing_ok=True)
        message, diagnostic = reply["error"]
        return RenderResult(pages=0, messages=_once(diagnostics(diagnostic, message, lines, error=True)))
    if not reply.get("reused"):
        digest = hashlib.sha256(task.target.read_bytes()).hexdigest()
        entry = {"key": key, "pdf": digest, "pages": reply["pages"], "warnings": reply["warnings"]}
        record.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    messages = [m for msg, diag in reply["warnings"] for m in diagnostics(diag, msg, lines, error=False)]
    return RenderResult(pages=reply["pages"], messages=_once(messages), reused=bool(reply.get("reused")))


def _once(messages: list[Message]) -> tuple[Message, ...]:
    """Each message once, with the number of places when Typst reported it several times."""
    counts: dict[Message, int] = {}
    for message in messages:
        counts[message] = counts.get(message, 0) + 1
    return tuple(
        Message(text=f"{m.text} ({n}-mal)", docname=m.docname, error=m.error) if n > 1 else m for m, n in counts.items()
    )
