"""Skip a build when nothing it depends on has changed since its last clean run.

Even with nothing to do, Sphinx loads the saved environment of the whole network, lets
sphinx-needs post-process every need, runs every check and writes ``needs.json``, the
exports and the calendars again: about 15 s at 130 institutions. The handbook's build
runner (:mod:`.guard`, used by every nox session and by the benchmark) therefore keeps a
stamp in the output folder (``.qm-stempel.json``) after each build that ended without a
warning, and skips the next build when the stamp still matches. It matches only when all
of these are unchanged:

* the command line (builder, folders, ``-D`` settings, ``-W``, ``-j``, …) and the working
  folder;
* every file of the project folder (path, size, modification time), except the build
  and tool folders of :mod:`..compat.discovery` (this covers pages, data files,
  ``conf.py``, images and templates), and every file of the extension itself;
* the saved environment in the doctree folder (so a build with other settings that
  shares the folder is noticed);
* every file in the output folder (a deleted or edited output file is written again);
  sub-folders with a stamp of their own (the PDFs under the website) are left to theirs;
* Python and the version of every installed package;
* the current git commit and index (for the change history of the pages), the
  variables ``SOURCE_DATE_EPOCH``, ``TZ``, ``LANG``, ``LC_ALL`` and every ``QM_…`` and
  ``SPHINX…`` variable, and today's date (reports without an as-of date use it).

``-E`` and ``-a`` always build (and leave a stamp); a list of files always builds and leaves
none. Sphinx itself is not imported for the check beyond its argument parser. Changes
outside the project folder that are not listed above (for example a module that ``conf.py``
imports from elsewhere) are not seen: build with ``-E`` after such a change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fnmatch
import functools
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..compat.discovery import TOOL_FOLDERS

STAMP = ".qm-stempel.json"
#: Bump when the stamp's content changes meaning.
FORMAT = 2
_ENV_NAMES = ("SOURCE_DATE_EPOCH", "TZ", "LANG", "LC_ALL")
_ENV_PREFIXES = ("QM_", "SPHINX")
_PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Invocation:
    """What a ``sphinx-build`` command line builds, as far as the stamp is concerned."""

    argv: tuple[str, ...]
    srcdir: Path
    confdir: Path | None
    outdir: Path
    doctreedir: Path
    #: ``-Q``: not even the note that the build was skipped
    silent: bool
    #: ``-w FILE`` of the command line (``None``: not given)
    warnfile: Path | None
    #: ``-E`` or ``-a``: build in any case (and stamp the result)
    forced: bool = False


def invocation(argv: list[str]) -> Invocation | None:
    """The parsed command line; ``None`` when the build must run anyway (or is not understood)."""
    from sphinx.cmd.build import get_parser

    parser = get_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
    except SystemExit:
        return None
    if unknown or args.filenames:
        return None
    srcdir = Path(args.sourcedir).resolve()
    outdir = Path(args.outputdir).resolve()
    doctreedir = Path(args.doctreedir).resolve() if args.doctreedir else outdir / ".doctrees"
    confdir = None if args.noconfig else Path(args.confdir or args.sourcedir).resolve()
    warnfile = Path(args.warnfile).resolve() if args.warnfile else None
    forced = bool(args.freshenv or args.force_all)
    return Invocation(
        _what_counts(argv), srcdir, confdir, outdir, doctreedir, bool(args.really_quiet), warnfile, forced
    )


#: Options that change how a build runs or talks, not what it writes (with or without a value).
_NEUTRAL_FLAGS = frozenset(
    {
        "-E",
        "--fresh-env",
        "-a",
        "--write-all",
        "-q",
        "--quiet",
        "-Q",
        "--silent",
        "-v",
        "-T",
        "--show-traceback",
        "-P",
        "--pdb",
        "--keep-going",
        "--color",
        "--no-color",
        "-N",
    }
)
_NEUTRAL_WITH_VALUE = frozenset({"-j", "--jobs", "-w", "--warning-file"})
#: ``-v``, ``-vv``, … (more log output)
_VERBOSITY = re.compile(r"-v+")


def _what_counts(argv: list[str]) -> tuple[str, ...]:
    """The command line without options that do not change the output (``-E``, ``-j 2``, ``-q``, …).

    A fresh build (``-E``) writes what a later build without ``-E`` would: its stamp must
    match that later build.
    """
    kept: list[str] = []
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif arg in _NEUTRAL_WITH_VALUE:
            skip_value = True
        elif arg in _NEUTRAL_FLAGS or arg.startswith(("-j", "--jobs=", "--warning-file=")) or _VERBOSITY.fullmatch(arg):
            continue
        else:
            kept.append(arg)
    return tuple(kept)


def _files(
    root: Path, skip: frozenset[Path], top_skip: tuple[str, ...] = (), *, own_stamps: bool = False
) -> list[tuple[str, int, int]]:
    """(relative path, size, mtime in ns) of every file below ``root``, in a fixed order.

    ``skip``: folders left out; ``top_skip``: name patterns of top-level folders left out;
    ``own_stamps``: leave out sub-folders that hold a stamp of their own.
    """
    found: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [
            name
            for name in sorted(dirs)
            if name != "__pycache__"
            and here / name not in skip
            and not (here == root and any(fnmatch.fnmatch(name, pattern) for pattern in top_skip))
            and not (own_stamps and (here / name / STAMP).is_file())
        ]
        for name in sorted(files):
            if name == STAMP:
                continue
            try:
                info = (here / name).stat()
            except OSError:
                continue
            found.append(((here / name).relative_to(root).as_posix(), info.st_size, info.st_mtime_ns))
    return found


def _git_state(srcdir: Path) -> list[str]:
    """The commit and the index of a git checkout (file contents and times; no git call)."""
    git = srcdir / ".git"
    state: list[str] = []
    for name in ("HEAD", "index", "packed-refs"):
        path = git / name
        if path.is_file():
            info = path.stat()
            state.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    head = git / "HEAD"
    if head.is_file():
        text = head.read_text(encoding="utf-8", errors="replace").strip()
        state.append(text)
        if text.startswith("ref: "):
            ref = git / text[len("ref: ") :]
            if ref.is_file():
                state.append(ref.read_text(encoding="utf-8", errors="replace").strip())
    return state


@functools.cache
def _packages() -> list[str]:
    """The installed packages: the names of their metadata folders on ``sys.path``.

    A folder's name holds the package's name and version (``sphinx-9.0.4.dist-info``). Listing
    the folders takes about a millisecond; reading every package's metadata took about 0.05 s
    per call, twice in every build (before it and for the stamp after it).
    """
    found = []
    for entry in sys.path:
        with contextlib.suppress(OSError):
            names = [path.name for path in Path(entry or ".").iterdir()]
            found += [f"{entry}:{name}" for name in names if name.endswith((".dist-info", ".egg-info"))]
    return sorted(found)


def inputs_digest(call: Invocation) -> str:
    """Digest of everything the build reads (see the module docstring)."""
    skip = frozenset({call.outdir, call.doctreedir})
    parts: dict[str, object] = {
        "format": FORMAT,
        "argv": list(call.argv),
        "cwd": str(Path.cwd()),
        "python": [sys.version, sys.executable],
        "packages": _packages(),
        "project": _files(call.srcdir, skip, TOOL_FOLDERS),
        "extension": _files(_PACKAGE, frozenset()),
        "environ": sorted((k, v) for k, v in os.environ.items() if k in _ENV_NAMES or k.startswith(_ENV_PREFIXES)),
        "today": dt.date.today().isoformat(),
        "git": _git_state(call.srcdir),
    }
    if call.confdir is not None and call.confdir != call.srcdir:
        parts["conf"] = _files(call.confdir, skip, TOOL_FOLDERS)
    try:
        pickle = (call.doctreedir / "environment.pickle").stat()
        parts["environment"] = [pickle.st_size, pickle.st_mtime_ns]
    except OSError:
        parts["environment"] = None  # no saved environment yet: differs from any stamped build's
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def outputs_digest(call: Invocation) -> str:
    """Digest of the output folder's files (without nested folders that have their own stamp)."""
    listing = _files(call.outdir, frozenset({call.doctreedir}), own_stamps=True)
    return hashlib.sha256(json.dumps(listing).encode("utf-8")).hexdigest()


def _read(call: Invocation) -> dict[str, object] | None:
    try:
        data = json.loads((call.outdir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def up_to_date(call: Invocation) -> bool:
    """Whether the stamp of the last clean build still matches."""
    if call.forced:
        return False
    stamp = _read(call)
    if stamp is None or stamp.get("format") != FORMAT:
        return False
    return stamp.get("inputs") == inputs_digest(call) and stamp.get("outputs") == outputs_digest(call)


def record(call: Invocation) -> None:
    """Write the stamp after a clean build (a failed write only costs the next skip)."""
    data = {"format": FORMAT, "inputs": inputs_digest(call), "outputs": outputs_digest(call)}
    with contextlib.suppress(OSError):
        (call.outdir / STAMP).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def forget(call: Invocation) -> None:
    """Remove the stamp before a build: a build that fails half-way must not leave an old stamp."""
    with contextlib.suppress(OSError):
        (call.outdir / STAMP).unlink(missing_ok=True)


SKIPPED = (
    "Keine Änderung seit dem letzten fehlerfreien Lauf in {outdir}: nichts zu tun. "
    "(Neu bauen erzwingen: -E; mehr dazu im Autorenleitfaden, Seite „Leistung und große Netzwerke“.)\n"
)
