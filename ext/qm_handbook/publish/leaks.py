"""The leak check: after every public build, no output file may name an internal item.

Every file below the output folder is read; compressed ones are opened first
(XLSX and other ZIP files member by member, ``objects.inv`` and ``.gz`` files
decompressed). The text is searched in its raw form and with HTML and JSON escapes
undone (the search index writes ``\\u00fc`` for ``ü``), with runs of whitespace
folded. It is searched for the IDs of internal items and for their titles
(:meth:`.visibility.VisibilityIndex.leak_markers`). IDs are found by collecting every
ID-shaped word of a file once, so the cost grows with the size of the output, not
with the number of internal items times files.

:func:`scan_output` is pure; :func:`setup_leak_check` runs it at the end of every
public build and fails the build with one German message per file.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ID_WORD = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Leak:
    """An internal item or page named in an output file."""

    file: str
    #: the internal item's ID or the internal page's name
    owner: str
    #: what was found: the ID itself or the title
    found: str

    def message(self) -> str:
        what = (
            f"die ID des internen Eintrags {self.owner}"
            if self.found == self.owner
            else (f"den Titel „{self.found}“ von {self.owner} (intern)")
        )
        return (
            f"Die öffentliche Ausgabe enthält {what}: {self.file}. "
            "Der Build ist abgebrochen, damit nichts Internes veröffentlicht wird. Entfernen Sie den Verweis "
            "auf den Eintrag aus der öffentlichen Seite oder machen Sie den Eintrag öffentlich "
            "(sichtbarkeit: öffentlich)."
        )


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(name shown, text) of a file, compressed content opened."""
    raw = path.read_bytes()
    if zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for member in archive.namelist():
                yield f"{path.name}:{member}", archive.read(member).decode("utf-8", "replace")
        return
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    elif path.name == "objects.inv":
        head, _, body = raw.partition(b"\n# The remainder of this file is compressed using zlib.\n")
        raw = head + b"\n" + (zlib.decompress(body) if body else b"")
    yield path.name, raw.decode("utf-8", "replace")


def _unescape(text: str) -> str:
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return _SPACE.sub(" ", html.unescape(text))


_WORD = re.compile(r"\w+")


class TitleFinder:
    """Finds which of many titles occur in a text, in time linear in the text.

    A title is looked for only when all of its words occur in the text (one set of
    words per text), then as a whole string.
    """

    def __init__(self, titles: Iterable[str]) -> None:
        self._titles = [(t, frozenset(_WORD.findall(t))) for t in {_SPACE.sub(" ", t).strip() for t in titles} if t]

    def find(self, text: str) -> set[str]:
        words = set(_WORD.findall(text))
        return {t for t, needed in self._titles if needed <= words and t in text}


def scan_output(outdir: Path, markers: Mapping[str, str]) -> list[Leak]:
    """Every file below ``outdir`` that names a marker.

    :param markers: text to look for -> internal ID it belongs to (IDs map to themselves)
    """
    ids = {m for m, i in markers.items() if m == i}
    finder = TitleFinder(m for m, i in markers.items() if m != i)
    leaks: list[Leak] = []
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        rel = path.relative_to(outdir).as_posix()
        found: dict[str, str] = {}
        for _name, text in _texts(path):
            # escapes undone; plain text stays as it is, so one variant covers both
            variant = _unescape(text)
            for word in set(_ID_WORD.findall(variant)) & ids:
                found.setdefault(word, word)
            for title in finder.find(variant):
                found.setdefault(title, markers.get(title, ""))
        leaks += [Leak(file=rel, owner=owner, found=marker) for marker, owner in sorted(found.items())]
    return leaks


def authored_titles(texts: Iterable[str], titles: Iterable[str]) -> set[str]:
    """Titles that authors themselves write in public text (not markers: they reveal nothing)."""
    finder = TitleFinder(titles)
    found: set[str] = set()
    for text in texts:
        found |= finder.find(_SPACE.sub(" ", text))
    return found


def _public_texts(app: Sphinx) -> Iterator[str]:
    """Source text of every public page, without the internal items written on it."""
    from ..model.needs import resolved_needs
    from .profile import get_visibility

    index = get_visibility(app)
    hidden: dict[str, list[str]] = {}
    for need_id, need in resolved_needs(app).items():
        if index.need_is_internal(need_id) and need["docname"]:
            hidden.setdefault(need["docname"], []).extend([str(need["title"]), str(need.get("content") or "")])
    for docname in sorted(app.env.found_docs):
        if index.doc_is_internal(docname):
            continue
        text = Path(app.env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
        for part in sorted(hidden.get(docname, ()), key=len, reverse=True):
            if part:
                text = text.replace(part, " ")
        yield text


def _check(app: Sphinx, exception: BaseException | None) -> None:
    from sphinx.util import logging

    from ..model.context import handbook_context
    from .profile import _public_site, get_visibility

    if exception is not None or not _public_site(app):
        return
    # the same whitespace folding as the text
    markers = {_SPACE.sub(" ", m): i for m, i in get_visibility(app).leak_markers().items()}
    exempt = authored_titles(_public_texts(app), [m for m, i in markers.items() if m != i])
    # Institution names are public data (einrichtung.toml), also when a start page is internal.
    exempt |= {n for inst in handbook_context(app).institutions for n in (inst.name, inst.short_name)}
    markers = {m: i for m, i in markers.items() if m not in exempt}
    logger = logging.getLogger(__name__)
    by_file: dict[str, list[Leak]] = {}
    for leak in scan_output(Path(app.outdir), markers):
        by_file.setdefault(leak.file, []).append(leak)
    for file, leaks in by_file.items():
        shown = ", ".join(sorted({leak.owner for leak in leaks})[:5])
        more = f" und {len({leak.owner for leak in leaks}) - 5} weitere" if len({x.owner for x in leaks}) > 5 else ""
        logger.error(
            f"{leaks[0].message()} Betroffen in dieser Datei: {shown}{more}.",
            type="qm",
            subtype="public_leak",
            location=f"{Path(app.outdir).name}/{file}:1",
        )
        app.statuscode = 1


def setup_leak_check(app: Sphinx) -> None:
    """Scan the public output after everything is written."""
    from .. import pipeline

    app.connect("build-finished", _check, priority=pipeline.LEAK_CHECK)
