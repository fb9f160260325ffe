"""Watching one institution's PDF: typeset it again after every saved change.

``python3 noxfile.py -s pdf -- <Ordner> --beobachten`` runs ``python -m
qm_handbook.commands.pdf_watch [--ignore PATH]... [--re-ignore REGEX]... <sphinx-build
arguments>``. The arguments are those of the one-institution PDF build; the ignore
options are the live preview's (``PREVIEW_IGNORES`` in ``noxfile.py``), so what builds
and tools write into the project folder never starts a build.

What makes a build after an edit fast, compared with running the PDF session again:

* **Warm builds**, as in the live preview (:mod:`.preview`): this process imports
  Sphinx, the extensions and the PDF builder once, and each build runs in a fork of it.
* **A prepared build**, as in the live preview (:mod:`.preview_standby`): after each
  build a fork creates the next build's application (configuration, extensions, the
  saved environment) and waits; a save of page sources releases it.
* **A resident Typst worker** (:func:`..pdf._workers.keep_resident`): one Typst process
  for the whole watch, which keeps what it computed for the last version of the PDF.

Where ``fork`` does not exist (Windows), or once a file of the extension has changed
since the start, each build runs as a new process with its own Typst, as the PDF
session does.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..site.catalog_pages import GENERATED_DIR
from ..site.regions import REGION_DIR
from . import preview, preview_standby

#: Folders the builds write into the project (catalog and region pages): never a reason to build.
GENERATED_FOLDERS = frozenset({GENERATED_DIR, REGION_DIR})
#: Printed after every successful build (the test waits for it).
READY = "PDF aktualisiert"
_SELECT = "handbook_pdf_select="


@dataclass(frozen=True, slots=True)
class Watch:
    """What the watch builds and which changes it ignores."""

    sphinx_args: tuple[str, ...]
    srcdir: Path
    pdf: Path
    ignored_paths: tuple[Path, ...]
    ignored_patterns: tuple[re.Pattern[str], ...]

    def top_level(self) -> dict[str, tuple[int, int, int] | None]:
        """The project folder's own entries: a file's state, None for a folder.

        Tool folders (names starting with a dot: git, nox, caches) and ignored paths are
        left out. The watch compares these entries and watches only the folders among
        them: watching the whole project would also watch every folder of the virtual
        environments (15,000 in the demo project against about 100 of the handbook),
        which takes a while to set up, and a file watched on its own is lost when an
        editor saves it by renaming a new file over it.
        """
        entries: dict[str, tuple[int, int, int] | None] = {}
        for path in sorted(self.srcdir.iterdir()):
            if path.name.startswith(".") or self.ignores(str(path)):
                continue
            entries[path.name] = None if path.is_dir() else _file_state(path)
        return entries

    def ignores(self, path: str) -> bool:
        """Whether a change of ``path`` is no reason to build."""
        resolved = Path(path).resolve()
        if any(resolved == p or p in resolved.parents for p in self.ignored_paths):
            return True
        if GENERATED_FOLDERS.intersection(resolved.parts):
            return True
        # With a trailing slash, so that a pattern for a folder's contents ("/_generiert/")
        # also matches the folder itself.
        return any(pattern.search(f"{resolved.as_posix()}/") for pattern in self.ignored_patterns)


class UsageError(Exception):
    """Arguments the watch cannot work with (the message is German)."""


def parse(argv: Sequence[str]) -> Watch:
    """The watch of a command line (see module docstring)."""
    from sphinx.cmd.build import get_parser

    paths: list[Path] = []
    patterns: list[re.Pattern[str]] = []
    rest = list(argv)
    while rest[:1] in (["--ignore"], ["--re-ignore"]) and len(rest) > 1:
        option, value, rest = rest[0], rest[1], rest[2:]
        if option == "--ignore":
            paths.append(Path(value).resolve())
        else:
            try:
                patterns.append(re.compile(value))
            except re.error as exc:
                raise UsageError(f"--re-ignore „{value}“ ist kein gültiger regulärer Ausdruck ({exc}).") from exc
    args = get_parser().parse_args(rest)
    slugs = [
        slug
        for define in args.define or []
        if define.startswith(_SELECT)
        for slug in define.removeprefix(_SELECT).split(",")
        if slug.strip()
    ]
    if len(slugs) != 1:
        raise UsageError(
            "Beobachtet wird das PDF genau einer Einrichtung. Geben Sie einen Ordnernamen an, "
            "z. B. „python3 noxfile.py -s pdf -- vhs-leipziger-land --beobachten“."
        )
    outdir = Path(args.outputdir).resolve()
    doctrees = Path(args.doctreedir).resolve() if args.doctreedir else outdir / ".doctrees"
    return Watch(
        sphinx_args=tuple(rest),
        srcdir=Path(args.sourcedir).resolve(),
        pdf=outdir / f"{slugs[0].strip()}.pdf",
        ignored_paths=(*paths, outdir, doctrees),
        ignored_patterns=tuple(patterns),
    )


def build(
    watch: Watch, warm: bool, changed: Sequence[str] = (), standby: preview_standby.Standby | None = None
) -> None:
    """One build of the PDF, with the status line of its outcome.

    :param warm: whether builds run in a fork (:func:`.preview.warm`, asked once per round)
    :param changed: the files changed since the last build
    :param standby: the prepared build; it runs the build if it can, else it is dropped
    """
    from ..pdf import _workers

    # A new worker if the last one has ended. None where the build runs in a new process,
    # which could not reach it (no fork, or the extension changed since the start).
    renewed = warm and _workers.keep_resident()
    if not warm:
        _workers.end_resident()
    started, before = time.monotonic(), _file_state(watch.pdf)
    code = None
    if standby is not None and not renewed and standby.takes(watch.sphinx_args, changed, lambda: warm):
        code = standby.release()
    elif standby is not None:
        standby.drop()
    if code is None:
        code = preview.fork_build(watch.sphinx_args)
    seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
    written = _file_state(watch.pdf) not in (before, None)
    if code == 0 and written:
        print(f"{READY} ({seconds} s): {watch.pdf}", flush=True)
    elif written:  # warnings (-W): the PDF is there, but the build did not pass
        print(
            f"PDF neu gesetzt ({seconds} s), aber der Bau meldet Probleme (oben; Exit-Code {code}): {watch.pdf}. "
            "Beheben Sie sie und speichern Sie erneut.",
            flush=True,
        )
    else:
        print(
            f"Das PDF konnte nicht gesetzt werden (Exit-Code {code}; Meldungen oben). "
            "Beheben Sie die Ursache und speichern Sie erneut.",
            flush=True,
        )


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """Inode, size and modification time of ``path`` (None: no such file)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def changed_names(paths: Sequence[str]) -> str:
    """The names of up to five changed files, for the status line.

    Files that no longer exist are left out when others do: editors write and remove
    temporary files next to the page they save.
    """
    existing = sorted({Path(p).name for p in paths if Path(p).exists()})
    return ", ".join((existing or sorted({Path(p).name for p in paths}))[:5])


def _prepared(watch: Watch, warm: bool) -> preview_standby.Standby | None:
    """The next build, prepared in a fork (None where builds cannot run in a fork)."""
    if not warm:
        return None
    return preview_standby.prepare(watch.sphinx_args, preview.build_once)


def changes(watch: Watch, wanted: Callable[[Any, str], bool]) -> Iterator[list[str]]:
    """The paths changed since the last value (often none), about every 0.2 s.

    The first value comes once watching has started. The project's folders are watched
    (with ``wanted`` as filter); its own files are compared at each value (see
    :meth:`Watch.top_level`). A new or removed folder there renews the watch.
    """
    import watchfiles

    top = watch.top_level()
    while True:
        folders = [watch.srcdir / name for name, state in top.items() if state is None]
        for found in watchfiles.watch(
            *(folders or [watch.srcdir]), watch_filter=wanted, rust_timeout=200, yield_on_timeout=True
        ):
            now = watch.top_level()
            names = sorted(now.keys() | top.keys())
            polled = [str(watch.srcdir / name) for name in names if now.get(name, 0) != top.get(name, 0)]
            renew = [name for name in names if (now.get(name, 0) is None) != (top.get(name, 0) is None)]
            top = now
            yield [path for _change, path in found] + polled
            if renew:
                break


def run(watch: Watch) -> int:
    """Build once, then after every change until Ctrl+C."""
    import watchfiles

    from ..pdf import _workers

    standby: preview_standby.Standby | None = None
    print(
        f"Setze {watch.pdf.name} … Danach wird es nach jeder gespeicherten Änderung neu gesetzt (beenden mit Strg+C).",
        flush=True,
    )
    try:
        preview.preload()
        # A preloaded package (a11y_pygments, through furo) sets the root logger to INFO on import;
        # watchfiles would then report every change in English.
        logging.getLogger("watchfiles").setLevel(logging.WARNING)
        usual = watchfiles.DefaultFilter()

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return usual(change, path) and not watch.ignores(path)

        # Watching starts before the first build, so no save is missed.
        stream = changes(watch, wanted)
        next(stream)
        warm = preview.warm()
        build(watch, warm)
        hinted = not warm  # no fork at all (Windows): nothing to hint at
        # Held back until the prepared build is known, so that Ctrl+C can always end it.
        with preview_standby.interrupts_held():
            standby = _prepared(watch, warm)
        for paths in stream:
            if not paths:
                continue
            print(f"Geändert: {changed_names(paths)} – setze das PDF neu …", flush=True)
            # Asked once per round: it looks at the time stamp of every file of the extension.
            warm = preview.warm()
            if not hinted and not warm:
                hinted = True
                print(
                    "Die Erweiterung (ext/qm_handbook) wurde seit dem Start geändert: jede Runde startet jetzt "
                    "neu und dauert länger. Für die volle Geschwindigkeit die Beobachtung neu starten.",
                    flush=True,
                )
            taken, standby = standby, None
            build(watch, warm, paths, taken)
            with preview_standby.interrupts_held():
                standby = _prepared(watch, warm)
    except KeyboardInterrupt:
        print("PDF-Beobachtung beendet.", flush=True)
    finally:
        if standby is not None:
            standby.drop()
        _workers.end_resident()
    return 0


def main(argv: Sequence[str]) -> int:
    """Start the watch (see module docstring); 2 for arguments it cannot work with."""
    try:
        watch = parse(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    return run(watch)


if __name__ == "__main__":
    from qm_handbook.commands.guard import exit_now, run_guarded

    exit_now(run_guarded(lambda: main(sys.argv[1:])))
