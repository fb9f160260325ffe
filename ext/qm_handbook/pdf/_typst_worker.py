"""A Typst worker process: typesets prepared compile folders, one request per line.

Started by :mod:`._workers` as a script (``python -I <this file>``), never imported
as part of the package: it needs only the standard library and ``typst``, so a
worker is ready in a few hundredths of a second instead of importing Sphinx and the
whole extension (as a ``multiprocessing`` worker of the package would).

Protocol (UTF-8 JSON, one object per line): a request on stdin names the compile
folder (Typst's root, holding ``dokument.typ``), the target PDF, the as-of date
(``JJJJ-MM-TT``: document date and timestamp) and the PDF standards; the reply on
stdout has ``pages``, ``error`` (``[message, diagnostic]`` or null) and
``warnings`` (a list of such pairs). A request ``{"warm": folder, "standards": […]}``
only typesets the document of a copied compile folder, without writing or replying, and
removes that folder (see :mod:`._early`). The process ends when stdin closes.
Only fonts embedded in Typst are used; system fonts are never looked up.

One Typst compiler serves every request of the process (and every single PDF typeset
in a build's own process): Typst keeps what it computed, and the next version of a
document is typeset in a fraction of the time. That needs the *same* compiler, not only
the same process: a new compiler reads the edited source as a new file, whose syntax
nodes are all numbered anew, so that everything after a new paragraph counts as
changed. The demo-sized document of the benchmark (49 pages) with one paragraph added
on its first page: 0.13 s with the same compiler, 0.50–0.59 s with a new one, 0.5–0.7 s
cold. The output is the same either way, byte for byte (the tests compare).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

SOURCE_NAME = "dokument.typ"
_PAGES = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


#: The compiler of this process (see module docstring); made by the first request.
_compiler: Any = None


def _compile(folder: Path, standards: list[str], day: dt.date | None) -> tuple[bytes, list[Any]]:
    """The PDF of ``folder``'s document and Typst's warnings (raises ``typst.TypstError``)."""
    global _compiler
    import typst

    if _compiler is None:
        _compiler = typst.Compiler(root=str(folder), font_paths=[], ignore_system_fonts=True)
    data, warnings = _compiler.compile_with_warnings(
        input=str(folder / SOURCE_NAME),
        root=str(folder),
        format="pdf",
        pdf_standards=standards,
        timestamp=dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None,
    )
    assert isinstance(data, bytes)
    return data, list(warnings)


def typeset(request: dict[str, Any]) -> dict[str, Any]:
    """Typeset one compile folder into its target file; the reply (see module docstring)."""
    import typst

    folder = Path(request["folder"])
    day = dt.date.fromisoformat(request["as_of"])
    try:
        data, warnings = _compile(folder, list(request["standards"]), day)
    except typst.TypstError as exc:
        return {"pages": 0, "error": [exc.message, exc.diagnostic], "warnings": []}
    target = Path(request["target"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    count = _PAGES.search(data)
    return {
        "pages": int(count.group(1)) if count else 0,
        "error": None,
        "warnings": [[w.message, w.diagnostic] for w in warnings],
    }


def warm(folder: Path, standards: list[str]) -> None:
    """Typeset the document of ``folder`` (a copy made for this) for nothing but what Typst
    keeps, then remove the folder. Any failure does not matter here (a folder removed
    meanwhile, a broken last version): the real request follows."""
    try:
        _compile(folder, standards, None)
    except Exception:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    """Answer requests until stdin closes."""
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if "warm" in request:
            warm(Path(request["warm"]), list(request["standards"]))
            continue
        sys.stdout.write(json.dumps(typeset(request), ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
