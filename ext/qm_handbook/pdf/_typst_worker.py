"""A Typst worker process: typesets prepared compile folders, one request per line.

Started by :mod:`._workers` as a script (``python -I <this file>``), never imported
as part of the package: it needs only the standard library and ``typst``, so a
worker is ready in a few hundredths of a second instead of importing Sphinx and the
whole extension (as a ``multiprocessing`` worker of the package would).

Protocol (UTF-8 JSON, one object per line): a request on stdin names the compile
folder (Typst's root, holding ``dokument.typ``), the target PDF, the as-of date
(``JJJJ-MM-TT``: document date and timestamp) and the PDF standards; the reply on
stdout has ``pages``, ``error`` (``[message, diagnostic]`` or null) and
``warnings`` (a list of such pairs). The process ends when stdin closes.
Only fonts embedded in Typst are used; system fonts are never looked up.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

SOURCE_NAME = "dokument.typ"
_PAGES = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


def typeset(request: dict[str, Any]) -> dict[str, Any]:
    """Typeset one compile folder into its target file; the reply (see module docstring)."""
    import typst

    folder = Path(request["folder"])
    day = dt.date.fromisoformat(request["as_of"])
    compiler = typst.Compiler(root=str(folder), font_paths=[], ignore_system_fonts=True)
    try:
        data, warnings = compiler.compile_with_warnings(
            input=str(folder / SOURCE_NAME),
            format="pdf",
            pdf_standards=list(request["standards"]),
            timestamp=dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC),
        )
    except typst.TypstError as exc:
        return {"pages": 0, "error": [exc.message, exc.diagnostic], "warnings": []}
    assert isinstance(data, bytes)
    target = Path(request["target"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    count = _PAGES.search(data)
    return {
        "pages": int(count.group(1)) if count else 0,
        "error": None,
        "warnings": [[w.message, w.diagnostic] for w in warnings],
    }


def main() -> None:
    """Answer requests until stdin closes."""
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(typeset(json.loads(line)), ensure_ascii=False) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
