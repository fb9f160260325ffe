"""Folders of generated pages: owned by the generator, marked, never touching user files.

Catalog pages (``<catalog_dir>/_generiert/``) and region pages
(``<institutions_dir>/_regionen/``) are written into the source tree, because Sphinx
reads pages only from there. Values from data files (catalog code and version, area
codes, region codes) become folder and file names of these pages, so every write goes
through :class:`GeneratedFolder`, which guarantees:

* every name is checked against :data:`NAME_RE` (letters, digits, single ``.``, ``-``
  or ``_`` between them; no ``..``, no ``/``), and the resolved path must lie inside
  the folder: a traversal attempt in a data value can never reach another file;
* the folder carries a marker file (:data:`MARKER`) listing every file the generator
  wrote; clean-up deletes only files listed there, never anything else;
* a file the generator did not write is never overwritten (it is reported instead);
* symlinks are never followed: a symlinked folder or file is reported and left alone;
* the folder holds its own ``.gitignore`` (``*``), so generated pages never show up as
  changes in version control, wherever the folders are configured.

Decision on "the check command writes nothing outside its own build folder": Sphinx
reads pages only from the source tree, so catalog and region pages must live there;
they live only in these tool-owned, marked, self-ignoring folders. Everything else the
check writes (doctrees, page-scan cache, summary) is below ``_build/``.

Folders from before the marker existed are taken over file by file, but only files
that start with the generator's own header line.

No Sphinx imports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.diagnostics import Problem

MARKER = ".qm-generiert.json"
#: Every generated folder ignores itself in git: the check command leaves ``git status`` clean.
IGNORE = ".gitignore"
IGNORE_TEXT = "# Vom Qualitätshandbuch-Generator erzeugt; wird bei jedem Bau neu geschrieben.\n*\n"
#: Allowed folder and file names of generated pages (and of data values that become one).
NAME_RE = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
#: Longest name derived from data.
MAX_NAME = 64
#: What every generated page starts with (after an optional front matter).
HEADER_PREFIX = "% Automatisch erzeugt aus "
_GENERATOR = "qm_handbook"


def is_safe_name(value: str) -> bool:
    """True when ``value`` can be used as one folder or file name of a generated page."""
    return len(value) <= MAX_NAME and NAME_RE.fullmatch(value) is not None


NAME_HINT = (
    "Erlaubt sind Buchstaben (ohne Umlaute), Ziffern und einzelne Zeichen „.“, „-“ oder „_“ zwischen ihnen, "
    f"höchstens {MAX_NAME} Zeichen (z. B. „1.0“ oder „west“); „/“, „\\“ und „..“ sind nicht erlaubt."
)


_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~$&!])")
_LINE_START = re.compile(r"^(?:[-+=:%>]|\d+[.)])")


def escape_text(value: str) -> str:
    """A value from a data file as literal MyST text: every character stands for itself.

    Characters with a meaning in (My)ST Markdown are escaped wherever they stand (roles,
    links, HTML, emphasis, fences, tables), and so are those that only mean something at
    the start of a line (lists, comments, block quotes, field lists, colon fences);
    leading spaces are dropped (no code blocks). Blank lines still separate paragraphs.
    """
    lines = []
    for line in value.splitlines():
        line = _MARKUP.sub(r"\\\1", line.strip())
        lines.append(_LINE_START.sub(lambda m: f"{m[0][:-1]}\\{m[0][-1]}", line))
    return "\n".join(lines)


def _looks_generated(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8")[:400]
    except (OSError, UnicodeDecodeError):
        return False
    if head.startswith("---\n"):
        end = head.find("\n---\n", 4)
        head = head[end + 5 :].lstrip("\n") if end >= 0 else ""
    return head.startswith(HEADER_PREFIX)


@dataclass(slots=True)
class GeneratedFolder:
    """One folder of generated pages below ``srcdir``."""

    root: Path
    srcdir: Path
    problems: list[Problem] = field(default_factory=list)

    def _problem(self, message: str, hint: str, path: Path | None = None) -> None:
        self.problems.append(
            Problem(code="generated_folder", message=message, hint=hint, file=path or self.root, line=None)
        )

    def _usable_root(self) -> bool:
        """The folder is inside the sources and no part of it is a symlink."""
        src = self.srcdir.resolve()
        try:
            rel = self.root.relative_to(self.srcdir)
        except ValueError:
            self._problem(
                "Der Ordner für erzeugte Seiten liegt außerhalb der Quellen; es werden keine Seiten erzeugt.",
                "Prüfen Sie die Ordner-Einstellungen in conf.py.",
            )
            return False
        current = src
        for part in rel.parts:
            current = current / part
            if current.is_symlink():
                self._problem(
                    f"„{current.relative_to(src)}“ ist ein symbolischer Link; dorthin werden keine Seiten erzeugt.",
                    "Entfernen Sie den Link; der Ordner wird beim nächsten Bau neu angelegt.",
                    current,
                )
                return False
        if self.root.exists() and not self.root.is_dir():
            self._problem(
                "An der Stelle des Ordners für erzeugte Seiten liegt eine Datei; sie bleibt unverändert und es "
                "werden keine Seiten erzeugt.",
                "Benennen Sie die Datei um oder verschieben Sie sie.",
            )
            return False
        return True

    def _owned(self) -> set[str]:
        """Relative paths of the files this generator wrote (from the marker)."""
        marker = self.root / MARKER
        if marker.is_file() and not marker.is_symlink():
            try:
                data = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("generator") == _GENERATOR and isinstance(data.get("files"), list):
                return {str(f) for f in data["files"] if isinstance(f, str) and self._valid_rel(f)}
        if not self.root.is_dir():
            return set()
        # A folder from before the marker: take over only files carrying the generator's header.
        return {
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*.md")
            if p.is_file() and not p.is_symlink() and self._valid_rel(p.relative_to(self.root).as_posix())
            and _looks_generated(p)
        }  # fmt: skip

    @staticmethod
    def _valid_rel(rel: str) -> bool:
        parts = rel.split("/")
        return bool(parts) and all(is_safe_name(p) for p in parts)

    def _inside(self, path: Path) -> bool:
        """The path, with every symlink resolved, is inside the folder and not a link itself."""
        if path.is_symlink():
            return False
        try:
            path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        return True

    def sync(self, pages: dict[str, str]) -> list[Path]:
        """Write ``pages`` (relative ``/``-separated path → text), remove pages written before and no longer wanted.

        :return: the files whose content changed
        """
        if not self._usable_root():
            return []
        owned = self._owned()
        changed: list[Path] = []
        written: set[str] = set()
        for rel, text in pages.items():
            if not self._valid_rel(rel):
                self._problem(
                    f"Der Name „{rel}“ einer erzeugten Seite ist ungültig; die Seite wird nicht erzeugt.", NAME_HINT
                )
                continue
            path = self.root.joinpath(*rel.split("/"))
            if path.is_symlink() or (path.exists() and rel not in owned):
                self._problem(
                    f"„{rel}“ wurde nicht vom Generator angelegt und wird deshalb nicht überschrieben.",
                    "Verschieben Sie die Datei aus dem Ordner für erzeugte Seiten; er gehört dem Generator.",
                    path,
                )
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if not self._inside(path.parent):
                self._problem(f"„{rel}“ läge außerhalb des Ordners für erzeugte Seiten.", NAME_HINT, path)
                continue
            if not (path.is_file() and path.read_text(encoding="utf-8", errors="replace") == text):
                path.write_text(text, encoding="utf-8")
                changed.append(path)
            written.add(rel)
        for rel in sorted(owned - set(pages)):
            path = self.root.joinpath(*rel.split("/"))
            if path.is_file() and self._inside(path):
                path.unlink()
                self._remove_empty_parents(path.parent)
        self._write_marker(written)
        return changed

    def _remove_empty_parents(self, folder: Path) -> None:
        while folder != self.root and self._inside(folder) and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def _write_ignore(self, wanted: bool) -> None:
        """Keep the folder out of version control with its own ``.gitignore`` (only ever our own)."""
        ignore = self.root / IGNORE
        ours = ignore.is_file() and not ignore.is_symlink() and ignore.read_bytes() == IGNORE_TEXT.encode("utf-8")
        if wanted and not ignore.exists() and not ignore.is_symlink():
            ignore.write_text(IGNORE_TEXT, encoding="utf-8")
        elif not wanted and ours:
            ignore.unlink()

    def _write_marker(self, written: set[str]) -> None:
        marker = self.root / MARKER
        self._write_ignore(bool(written))
        if not written:
            if marker.is_file() and not marker.is_symlink():
                marker.unlink()
            if self.root.is_dir() and not any(self.root.iterdir()):
                self.root.rmdir()
            return
        text = (
            json.dumps(
                {
                    "generator": _GENERATOR,
                    "hinweis": "Dieser Ordner wird vom Qualitätshandbuch-Generator verwaltet; bitte nichts ändern.",
                    "files": sorted(written),
                },
                ensure_ascii=False,
                indent=1,
            )
            + "\n"
        )
        if marker.is_symlink():
            return
        if not (marker.is_file() and marker.read_text(encoding="utf-8", errors="replace") == text):
            marker.write_text(text, encoding="utf-8")
