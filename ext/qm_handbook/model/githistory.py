"""Change history of the handbook pages from git: one ``git log`` per build, as an index.

Document control needs "zuletzt geändert" and a short history for every page. The
history lives in git; asking git once per page would cost minutes at 2,700 pages, so
:func:`read_history` runs three git commands per build, whatever the number of pages:

1. ``git rev-parse`` — the repository root, where the project folder sits in it, and
   whether the copy is shallow;
2. ``git log --name-only`` over the content folders — every commit with the files it
   changed, newest first, turned into an index *file → its last changes*;
3. ``git status`` over the same folders — files changed or new but not yet committed.

Decisions (documented in the editing guide, ``handbook/mitarbeit/bearbeiten.md``):

* **Date**: the commit date (``%cs``: the day the change was entered into this history,
  in the committer's time zone); git lists commits in this order, so "zuletzt geändert"
  is always the newest entry. Merge commits list no files and are skipped.
* **Deterministic**: the index depends only on the commits and on the working tree,
  never on today's date. The commit is named by the first 8 characters of its full hash
  (git's own abbreviation depends on how the objects happen to be packed).
* **Uncommitted changes** are shown as such ("geändert, noch nicht eingetragen"; new
  files: "neu, noch nicht eingetragen") next to the last commit. So a build reproduces
  exactly what is in the tree; a build for publishing runs on a clean checkout (CI).
* **Shallow copies** (CI clones with a depth) are detected: a commit at the cut has no
  parents there and would seem to have created every file, a wrong date. Its entries
  are dropped; a page with no other entry says that its history is not available.
* **No git** (a tarball, git not installed, not a repository, git refusing the folder):
  :attr:`HistoryIndex.available` is False with a German reason; never an exception.

No Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

#: How many changes a page lists (the newest ones).
LIMIT = 5
#: Hash characters shown per commit.
HASH_CHARS = 8
#: Seconds one git command may take before the history is given up for this build.
TIMEOUT = 60

_RECORD = "\x1e"
_FIELD = "\x1f"
#: commit hash, parents, commit date (YYYY-MM-DD), author (``.mailmap`` applied), subject
_FORMAT = f"{_RECORD}%H{_FIELD}%P{_FIELD}%cs{_FIELD}%aN{_FIELD}%s"
#: git options that keep the output machine-readable whatever the user's git configuration.
_GIT = ("git", "-c", "core.quotepath=off", "-c", "i18n.logOutputEncoding=UTF-8", "--no-optional-locks")

PENDING_CHANGED = "geaendert"
PENDING_NEW = "neu"


@dataclass(frozen=True, slots=True)
class Change:
    """One commit that changed a page."""

    commit: str
    date: dt.date
    author: str
    subject: str


@dataclass(frozen=True, slots=True)
class PageHistory:
    """What git knows about one page file."""

    #: the newest changes first, at most :data:`LIMIT`
    changes: tuple[Change, ...] = ()
    #: how many commits changed the file (in this copy)
    total: int = 0
    #: ``""``, :data:`PENDING_CHANGED` or :data:`PENDING_NEW` (not yet committed)
    pending: str = ""
    #: the copy is shallow and the file's older history is cut off
    incomplete: bool = False

    @property
    def last(self) -> Change | None:
        """The newest change, if any."""
        return self.changes[0] if self.changes else None

    def fingerprint(self) -> str:
        """Everything a page shows of its history, as one string (for incremental builds)."""
        parts = [f"{c.commit}|{c.date.isoformat()}|{c.author}|{c.subject}" for c in self.changes]
        return "\n".join([*parts, f"total={self.total}", f"pending={self.pending}", f"incomplete={self.incomplete}"])


@dataclass(frozen=True, slots=True)
class HistoryIndex:
    """The history of every page file (paths relative to the project folder, ``/``-separated)."""

    available: bool
    #: German reason when not available (shown on the pages)
    reason: str = ""
    pages: Mapping[str, PageHistory] = field(default_factory=dict)

    def of(self, path: str) -> PageHistory | None:
        """The history of one file; None when git knows nothing of it (e.g. ignored, generated)."""
        return self.pages.get(path)


def unavailable(reason: str) -> HistoryIndex:
    """An index that only says why there is no history."""
    return HistoryIndex(available=False, reason=reason)


def _run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(
        [*_GIT, *args], cwd=cwd, capture_output=True, timeout=TIMEOUT, check=True, stdin=subprocess.DEVNULL
    )
    return done.stdout.decode("utf-8", errors="replace")


def parse_log(output: str, prefix: str, shallow: bool, limit: int = LIMIT) -> dict[str, PageHistory]:
    """The index from the output of ``git log --name-only --format=<_FORMAT>``.

    :param prefix: the project folder inside the repository (``""`` or ``"sub/dir/"``)
    :param shallow: the copy is shallow: commits without parents are cuts, not beginnings
    """
    changes: dict[str, list[Change]] = {}
    totals: dict[str, int] = {}
    cut: set[str] = set()
    for record in output.split(_RECORD)[1:]:
        head, _, names = record.partition("\n")
        fields = head.split(_FIELD)
        if len(fields) != 5:
            continue
        commit, parents, day, author, subject = fields
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            continue
        files = [n for n in names.splitlines() if n and not n.startswith('"') and n.startswith(prefix)]
        for name in files:
            path = name[len(prefix) :]
            if shallow and not parents.strip():
                cut.add(path)  # the cut of a shallow copy: not the day the file was made
                continue
            totals[path] = totals.get(path, 0) + 1
            found = changes.setdefault(path, [])
            if len(found) < limit:
                found.append(Change(commit=commit[:HASH_CHARS], date=date, author=author, subject=subject))
    return {
        path: PageHistory(changes=tuple(changes.get(path, ())), total=totals.get(path, 0), incomplete=path in cut)
        for path in sorted(set(changes) | cut)
    }


def parse_status(output: str, prefix: str) -> dict[str, str]:
    """Path → pending state from ``git status --porcelain -z`` (paths relative to the repository)."""
    pending: dict[str, str] = {}
    tokens = output.split("\0")
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if len(token) < 4:
            continue
        code, name = token[:2], token[3:]
        if code[0] in "RC":
            index += 1  # the original name of a rename or copy follows
        if not name.startswith(prefix) or "D" in code:
            continue
        pending[name[len(prefix) :]] = PENDING_NEW if code == "??" else PENDING_CHANGED
    return pending


def read_history(project: Path, folders: Iterable[str], limit: int = LIMIT) -> HistoryIndex:
    """The history of every file below ``folders`` (relative to ``project``), from git.

    Never raises: without git, outside a repository or when git fails, the index is
    unavailable and says why (in German).
    """
    specs = sorted({str(PurePosixPath(f)) for f in folders if f})
    if not specs:
        return HistoryIndex(available=True)
    try:
        where = _run(["rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository"], project)
        top, prefix, shallow_flag = [*where.splitlines(), "", "", ""][:3]
        if not top:
            return unavailable("Der Projektordner liegt in keinem Git-Arbeitsverzeichnis.")
        shallow = shallow_flag.strip() == "true"
        log = _run(["log", "--no-color", "--no-show-signature", "--name-only", f"--format={_FORMAT}", "--", *specs],
                   project)  # fmt: skip
        status = _run(["status", "--porcelain", "-z", "--untracked-files=all", "--", *specs], project)
    except FileNotFoundError:
        return unavailable("Das Programm git ist nicht installiert.")
    except subprocess.TimeoutExpired:
        return unavailable(f"git hat nicht innerhalb von {TIMEOUT} Sekunden geantwortet.")
    except subprocess.CalledProcessError as exc:
        text = exc.stderr.decode("utf-8", errors="replace") if isinstance(exc.stderr, bytes) else ""
        if "not a git repository" in text.lower():
            return unavailable("Der Projektordner ist kein Git-Arbeitsverzeichnis (z. B. aus einem Archiv entpackt).")
        if "dubious ownership" in text.lower():
            return unavailable("git verweigert den Zugriff auf den Ordner (anderer Besitzer, „safe.directory“).")
        first = text.strip().splitlines()[0] if text.strip() else f"Exit-Code {exc.returncode}"
        return unavailable(f"git ist mit einem Fehler beendet worden ({first}).")
    except OSError as exc:
        return unavailable(f"git konnte nicht gestartet werden ({exc.strerror or exc}).")
    pages = parse_log(log, prefix.strip(), shallow, limit)
    for path, state in parse_status(status, prefix.strip()).items():
        known = pages.get(path, PageHistory())
        pages[path] = PageHistory(changes=known.changes, total=known.total, pending=state, incomplete=known.incomplete)
    return HistoryIndex(available=True, pages=pages)
