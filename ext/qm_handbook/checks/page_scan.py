"""The page check of every build, with a cache of the results per file.

Before each build every page source is checked (:mod:`qm_handbook.checks.pages`). With many
institutions reading and checking thousands of unchanged files costs seconds, so the
problems found per file are kept in a small JSON file in the doctree folder, keyed by
the file's size and modification time. Only new or changed files are checked again; the
problems of unchanged files come from the cache and are reported like fresh ones, so a
broken page keeps failing a ``-W`` build.

The cache is thrown away when the checking code or the page-header vocabulary changes
(:func:`check_version`), when it cannot be read, and in builds with a fresh environment.

No Sphinx imports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..model import labels
from ..model.progress import processing
from ..site import doccontrol
from . import diagnostics, input_codes, page_structure, pages
from .diagnostics import Problem
from .page_structure import check_structure
from .pages import check_front_matter, check_source_file

CACHE_FILE = "qm_page_scan.json"


@dataclasses.dataclass(slots=True)
class ScanResult:
    """The problems of all pages and the pages that cannot be decoded."""

    problems: list[Problem]
    skipped: list[str]
    #: how many files were taken from the cache
    reused: int = 0


def check_version() -> str:
    """A key of everything the result of a page check depends on besides the page."""
    digest = hashlib.sha256()
    for module in (pages, page_structure, doccontrol, labels, diagnostics, input_codes):
        digest.update(Path(str(module.__file__)).read_bytes())
    allowed = sorted({*doccontrol.KEYS, *pages.OTHER_KEYS, *doccontrol.PAGE_STATUSES, *doccontrol.VISIBILITIES})
    digest.update(json.dumps(allowed, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def check_page(path: Path, rel: str, *, required: bool) -> tuple[bool, list[Problem]]:
    """Check one page file.

    :return: whether the page can be read and its problems
    """
    try:
        text, found = check_source_file(path)
    except OSError as exc:
        return False, [
            Problem(
                code="page_link",
                message=f"Die Seite kann nicht gelesen werden ({exc.strerror}); sie wird ausgelassen.",
                hint="Prüfen Sie die Zugriffsrechte der Datei.",
                file=path,
                line=1,
            )
        ]
    if text is None:
        return False, found
    if rel.endswith(".md"):
        docname = rel.rsplit(".", 1)[0]
        found += [
            dataclasses.replace(p, file=path, docname=None)
            for p in [*check_front_matter(docname, text, required=required), *check_structure(text)]
        ]
    return True, found


def leaves_project(srcdir: Path, path: Path) -> bool:
    """The page resolves (through a symlink) to an existing file outside the project.

    Such a page is neither checked nor left out here: the publishing guard
    (:mod:`qm_handbook.publish.guards`, ``qm.symlink_outside``) reports it and replaces
    its content, so nothing of the foreign file is read or published.
    """
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return not target.is_relative_to(srcdir.resolve())


class _Inside:
    """Quick test for the usual page: a regular file in a folder that lies in the project."""

    def __init__(self, srcdir: Path) -> None:
        self.root = srcdir.resolve()
        self.folders: dict[Path, bool] = {}

    def plain_file(self, path: Path) -> os.stat_result | None:
        """The file's status if it is a regular file (no link) in a project folder, else None."""
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        folder = path.parent
        inside = self.folders.get(folder)
        if inside is None:
            inside = self.folders[folder] = folder.resolve().is_relative_to(self.root)
        return info if inside else None


def unpublishable(path: Path) -> Problem | None:
    """A page that cannot be read at all: a link into nothing, or not a regular file."""
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(
            code="page_link",
            message="Die Seite ist ein symbolischer Link auf eine Datei, die es nicht gibt; sie wird ausgelassen.",
            hint="Löschen Sie den Link oder lassen Sie ihn auf eine vorhandene Datei im Projekt zeigen.",
            file=path,
            line=1,
        )
    if not target.is_file():
        return Problem(
            code="page_link",
            message="An der Stelle der Seite liegt keine gewöhnliche Datei; sie wird ausgelassen.",
            hint="Ersetzen Sie sie durch eine Markdown-Datei oder entfernen Sie sie.",
            file=path,
            line=1,
        )
    return None


def _load(cache: Path, version: str) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("version") == version and isinstance(data.get("files"), dict):
            files: dict[str, Any] = data["files"]
            return files
    return {}


def _save(cache: Path, version: str, files: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_name(cache.name + ".tmp")
        temporary.write_text(json.dumps({"version": version, "files": files}, ensure_ascii=False), encoding="utf-8")
        temporary.replace(cache)


def _entry(stat: os.stat_result, required: bool, readable: bool, problems: list[Problem]) -> dict[str, Any]:
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "required": required,
        "readable": readable,
        "problems": [{"code": p.code, "message": p.message, "hint": p.hint, "line": p.line} for p in problems],
    }


def scan(
    srcdir: Path,
    files: Iterable[str],
    required: Callable[[str], bool],
    cache: Path | None,
    *,
    reuse: bool = True,
) -> ScanResult:
    """Check the page files, re-using the cached results of unchanged files.

    :param srcdir: the source folder
    :param files: the page files, relative to ``srcdir``, with ``/`` separators
    :param required: whether a page (by docname) must carry document control data
    :param cache: the cache file; None checks every file and keeps nothing
    :param reuse: False checks every file and only writes the cache
    """
    version = check_version() if cache is not None else ""
    old = _load(cache, version) if cache is not None and reuse else {}
    new: dict[str, Any] = {}
    result = ScanResult(problems=[], skipped=[])
    inside = _Inside(srcdir)
    for rel in files:
        path = srcdir / rel
        info = inside.plain_file(path)
        if info is None:
            # A link or something else than a file, or in a linked folder: the careful way.
            if leaves_project(srcdir, path):
                continue
            refused = unpublishable(path)
            if refused is not None:
                result.problems.append(refused)
                result.skipped.append(rel)
                continue
            info = path.stat()
        needed = rel.endswith(".md") and required(rel.rsplit(".", 1)[0])
        entry = old.get(rel)
        if entry is None or (entry["size"], entry["mtime_ns"], entry["required"]) != (
            info.st_size,
            info.st_mtime_ns,
            needed,
        ):
            with processing(path):
                readable, found = check_page(path, rel, required=needed)
            entry = _entry(info, needed, readable, found)
        else:
            found = [Problem(file=path, **p) for p in entry["problems"]]
            result.reused += 1
        new[rel] = entry
        result.problems += found
        if not entry["readable"]:
            result.skipped.append(rel)
    if cache is not None and new != old:
        _save(cache, version, new)
    return result
