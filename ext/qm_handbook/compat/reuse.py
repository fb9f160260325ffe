"""Reusing the resolved needs, the checks and the coverage result of the last clean build.

Every build resolves all needs (sphinx-needs: extensions, dynamic values, back links,
constraints), validates them against the schema, runs the handbook's checks and
computes the coverage result, writes ``needs.json`` and the calendars — in a large
network the biggest part of an incremental build, although an edit of one sentence
changes none of it.

After reading, a **key** is computed from everything these steps read:

* per page, a digest of its needs (every field but the line numbers), its need
  extensions, its title and its metadata — computed again only for the pages read in
  this build and kept with the environment, so the key costs time proportional to the
  edited pages;
* the needs sphinx-needs dropped because their ID was taken (the checks report them;
  the key is therefore computed when the warnings held back while reading are out);
* the configuration values as the build set them (at the end of ``config-inited``,
  before builders and themes adjust them for their output; without the settings that
  only choose which PDFs are written and with how many processes: a PDF build after the
  website takes the website's stored data), ``conf.py``, every data file (``*.toml``)
  of the project, the as-of date, the handbook extension's own files and the versions
  of Sphinx and sphinx-needs.

A website or PDF build that ends **without any warning** stores the resolved needs, the
coverage result and the re-check reasons under that key in the doctree folder
(:data:`CACHE_PATTERN`). The next build with the same key takes them from there instead of
resolving, validating and computing again, and leaves ``needs.json`` and the calendars
as they are when they were last written under the same key (:data:`MARKER_DIR`;
for ``needs.json`` also with the same line numbers, which the stored needs take from
the pages just read). As the earlier build had no warning, these
steps would find none now either. Pages come out byte for byte as from a clean build (``tests/test_reuse.py``).
``handbook_speedups = False`` turns the reuse off.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import pickle
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

from .. import pipeline
from ..background import connect_output
from ..model.context import get_context, handbook_context
from ..site.dependencies import needs_view_scopes
from ..state import get_state
from .discovery import TOOL_FOLDERS
from .listeners import replace_listener, take_listener
from .pickling import paused

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from ..checks.validate import Suspect
    from ..reports.coverage_model import CoverageResult

logger = logging.getLogger(__name__)

#: In the doctree folder, one file per key (builds with other settings, such as the public
#: profile, keep their own): the key, then the stored data (two pickles in one file).
CACHE_PATTERN = "qm-wiederverwendung-*.pickle"
#: How many stored builds are kept (the newest).
KEEP = 2
#: In the doctree folder: one file per output holding the key it was last written under.
#: One file each, not one for all: the outputs are written by copies of the build at the
#: same time (:mod:`..background`), and a shared file read, changed and written by two of
#: them lost one of the changes (a ``needs.json`` of a build with warnings counted as
#: written under the key of the clean build before it, and stayed).
MARKER_DIR = "qm-wiederverwendung-ausgaben"
_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]
#: Where a need sits in its file: not part of the key; taken from the page just read.
_POSITION_FIELDS = frozenset({"lineno", "lineno_content"})
#: Settings that only choose which PDFs a run writes and with how many processes: they
#: change no need, check or result, so a PDF build takes the website build's stored data.
_NOT_IN_KEY = frozenset({"handbook_pdf_select", "handbook_pdf_teil", "handbook_pdf_jobs"})
#: app → the configuration part of its key, taken at the end of ``config-inited``
_CONFIGS: weakref.WeakKeyDictionary[Sphinx, str] = weakref.WeakKeyDictionary()
#: Page metadata MyST counts itself (words, reading time); nothing of the handbook reads it.
_COUNTS = frozenset({"wordcount"})


@dataclass(slots=True)
class Stored:
    """What a clean build leaves for the next one."""

    needs: dict[str, Any]
    result: CoverageResult
    reasons: dict[str, str]
    suspects: dict[str, list[Suspect]]


@dataclass(slots=True)
class Reuse:
    """The reuse state of the running build."""

    key: str
    #: the stored data was taken (the steps it replaces are skipped)
    used: bool = False
    #: what this build computed (kept before the public profile redacts the result)
    computed: Stored | None = None


def _stable(value: Any) -> str:
    """A text of ``value`` that is the same in every process (sets sorted, no addresses)."""
    if isinstance(value, Mapping):
        return "{" + ",".join(sorted(f"{_stable(k)}:{_stable(v)}" for k, v in value.items())) + "}"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_stable(v) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_stable(v) for v in value) + "]"
    text = repr(value)
    return type(value).__qualname__ if " at 0x" in text else text


def _files(root: Path, suffixes: tuple[str, ...], top_skip: Callable[[str], bool]) -> Iterator[str]:
    """Relative path, size and modification time of the files below ``root`` with ``suffixes``."""
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not (here == root and top_skip(d)))
        for name in sorted(names):
            if name.endswith(suffixes):
                info = (here / name).stat()
                yield f"{(here / name).relative_to(root).as_posix()}:{info.st_size}:{info.st_mtime_ns}"


def _tool_folder(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in TOOL_FOLDERS)


def page_digest(env: BuildEnvironment, docname: str, needs: list[Any], extends: list[Any]) -> str:
    """Digest of what the resolution, checks and result read of one page."""
    parts = [
        repr([sorted((k, repr(v)) for k, v in need.items() if k not in _POSITION_FIELDS) for need in needs]),
        repr([sorted((k, repr(v)) for k, v in extend.items()) for extend in extends]),
        env.titles[docname].astext() if docname in env.titles else "",
        _stable({k: v for k, v in env.metadata.get(docname, {}).items() if k not in _COUNTS}),
    ]
    return hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def _page_digests(app: Sphinx, env: BuildEnvironment) -> dict[str, str]:
    """The page digests of the build, computed again for the pages read now."""
    from sphinx_needs.data import SphinxNeedsData

    state = get_state(app)
    known = state.records.page_digests
    fresh = known is None
    digests = {} if known is None else {d: v for d, v in known.items() if d in env.all_docs}
    todo = set(env.all_docs) if fresh else {d for d in state.reread if d in env.all_docs}
    todo |= {d for d in env.all_docs if d not in digests}
    if todo:
        by_page: dict[str, list[Any]] = {d: [] for d in todo}
        for need in getattr(env, "_needs_all_needs", {}).values():
            found = by_page.get(str(need["docname"]))
            if found is not None:
                found.append(need)
        extends: dict[str, list[Any]] = {d: [] for d in todo}
        for extend in SphinxNeedsData(env).get_or_create_extends().values():
            extends.get(str(extend.get("docname")), []).append(extend)
        for docname in todo:
            found_needs = sorted(by_page[docname], key=lambda need: str(need["id"]))
            digests[docname] = page_digest(env, docname, found_needs, extends[docname])
    state.records.page_digests = digests
    return digests


def code_version() -> str:
    """The handbook extension's own files (path, size, time) and the Sphinx and sphinx-needs versions."""
    import sphinx
    import sphinx_needs

    parts = [repr(list(_files(_PACKAGE, (".py", ".toml"), lambda d: False))), sphinx.__version__]
    parts.append(getattr(sphinx_needs, "__version__", "?"))
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def build_key(app: Sphinx, digests: Mapping[str, str], dropped: str = "") -> str:
    """The key: page digests, dropped needs, configuration, data files, as-of date, code versions."""
    srcdir, confdir = Path(app.srcdir), Path(app.confdir)
    config = _CONFIGS.get(app) or _config_part(app)
    conf_py = confdir / "conf.py"
    parts = [
        f"format {_FORMAT}",
        repr(sorted(digests.items())),
        dropped,
        config,
        conf_py.read_text(encoding="utf-8") if conf_py.is_file() else "",
        repr(list(_files(srcdir, (".toml",), _tool_folder))),
        handbook_context(app).as_of.isoformat(),
        code_version(),
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def _config_part(app: Sphinx) -> str:
    return repr(sorted((option.name, _stable(option.value)) for option in app.config if option.name not in _NOT_IN_KEY))


def _note_config(app: Sphinx, config: Config) -> None:
    """The configuration as this build set it, before builders and themes adjust it for
    their output (furo's dark code style, no ``needs.json`` from the PDF builder): the
    website and the PDFs then share one key."""
    _CONFIGS[app] = _config_part(app)


def cache_file(app: Sphinx, key: str) -> Path:
    """The file of the stored build with ``key``."""
    return Path(app.doctreedir) / CACHE_PATTERN.replace("*", key[:16])


def _load(path: Path, key: str) -> Stored | None:
    """The data stored under ``key`` (None: no file, another key, or unreadable)."""
    try:
        with path.open("rb") as f, paused():
            if pickle.load(f) != key:
                return None
            stored = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return stored if isinstance(stored, Stored) else None


def _enabled(app: Sphinx) -> bool:
    return bool(getattr(app.config, "handbook_speedups", True))


def current(app: Sphinx) -> Reuse | None:
    """The reuse state of the running build (``None`` before reading ends or when off)."""
    return get_state(app).write.reuse


def reused(app: Sphinx) -> bool:
    """Whether this build took the stored needs and result (their steps are skipped)."""
    reuse = current(app)
    return reuse is not None and reuse.used


def _after_reading(app: Sphinx, env: BuildEnvironment) -> None:
    """Digest the pages just read (before the environment is saved with the digests)."""
    state = get_state(app)
    before = state.records.page_digests
    digests = _page_digests(app, env)
    state.changed_pages = set() if before is None else {d for d, v in digests.items() if before.get(d, v) != v}


def _key_after_warnings(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The key, once the warnings held back while reading are out (``env-get-updated``).

    The needs sphinx-needs dropped because their ID was taken are known only then (the
    warning capture records them); the checks report them, so they belong to the key.
    """
    state = get_state(app)
    digests = state.records.page_digests
    if digests is not None and _enabled(app):
        dropped = sorted((page, repr(found)) for page, found in state.records.dropped_needs.items())
        state.write.reuse = Reuse(key=build_key(app, digests, repr(dropped)))
    return []


def views_of_changed_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages with views over a changed page's institution (its title or control data).

    Changed needs are followed by :mod:`.incremental`; a changed title or page metadata
    (e.g. the next review date, which the reports list) shows on the report pages too.
    """
    changed = get_state(app).changed_pages
    if not changed:
        return []
    ctx = get_context(env)
    owners = {inst.code if inst is not None else None for inst in map(ctx.institution_of, changed)}
    pages = {
        page
        for page, scope in needs_view_scopes(env).items()
        if scope is None or None in owners or not scope.isdisjoint(owners)
    }
    get_state(app).view_only |= pages
    return sorted(pages & env.found_docs)


def _take(app: Sphinx, builder: Builder) -> None:
    """Before sphinx-needs resolves the needs: take the stored ones if the key matches."""
    from sphinx_needs.data import SphinxNeedsData

    reuse = current(app)
    data = SphinxNeedsData(app.env)
    if reuse is None or data.needs_is_post_processed:
        return
    stored = _load(cache_file(app, reuse.key), reuse.key)
    raw: dict[str, Any] = getattr(app.env, "_needs_all_needs", {})
    if stored is None or stored.needs.keys() != raw.keys():
        return
    moved = _take_positions(stored.needs, raw)
    app.env._needs_all_needs = stored.needs  # type: ignore[attr-defined]
    data.needs_is_post_processed = True
    write = get_state(app).write
    write.result, write.reasons, write.suspects = stored.result, stored.reasons, stored.suspects
    reuse.used = True
    # Lines moved (text added above a need): the stored needs with their new lines
    # replace the old ones (needs.json shows them: its marker includes the lines).
    if moved:
        reuse.computed = stored
    logger.info("Needs, Prüfungen und Ergebnis unverändert: aus dem letzten Lauf übernommen.")


def _take_positions(stored: Mapping[str, Any], raw: Mapping[str, Any]) -> bool:
    """Give the stored needs the source positions of the needs just read; True if any moved."""
    moved = False
    for need_id, need in stored.items():
        source = raw[need_id]._source
        if need._source != source:
            need._source = source
            moved = True
    return moved


def _keep(app: Sphinx, builder: Builder) -> None:
    """After the result is computed, before the public profile redacts it: keep it for storing."""
    from ..checks.validate import suspects_of
    from ..reports.result import get_result

    reuse = current(app)
    if reuse is None or reuse.used:
        return
    write = get_state(app).write
    result = get_result(app)
    suspects = suspects_of(app)
    needs: dict[str, Any] = getattr(app.env, "_needs_all_needs", {})
    reuse.computed = Stored(needs=needs, result=result, reasons=dict(write.reasons or {}), suspects=suspects)


def _part_file(app: Sphinx, key: str) -> Path:
    path = cache_file(app, key)
    return path.with_name(path.name + ".neu")


def _store_part(app: Sphinx, exception: Exception | None) -> None:
    """Write what the build computed to a part file, unless a warning came already.

    Runs in the copy of the build that writes the side outputs (:mod:`..background`)
    when there is one; :func:`_store` decides at the very end whether it is kept.
    """
    reuse = current(app)
    if exception is not None or reuse is None or reuse.computed is None:
        return
    if getattr(app, "_warncount", 1) != 0:
        return
    with contextlib.suppress(OSError), _part_file(app, reuse.key).open("wb") as f:
        pickle.dump(reuse.key, f, pickle.HIGHEST_PROTOCOL)
        pickle.dump(reuse.computed, f, pickle.HIGHEST_PROTOCOL)


def _store(app: Sphinx, exception: Exception | None) -> None:
    """After a build without any warning: keep the part file as the stored build; else drop it."""
    reuse = current(app)
    if reuse is None:
        return
    part = _part_file(app, reuse.key)
    if not part.is_file():
        return
    path = cache_file(app, reuse.key)
    with contextlib.suppress(OSError):
        if exception is not None or getattr(app, "_warncount", 1) != 0:
            part.unlink()
            return
        part.replace(path)
        older = sorted(path.parent.glob(CACHE_PATTERN), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in older[KEEP:]:
            stale.unlink()


def _marker(app: Sphinx, output: str) -> Path:
    """The file holding the key ``output`` of this build's output folder was last written under."""
    name = f"{Path(app.outdir).resolve().as_posix()}|{output}"
    return Path(app.doctreedir) / MARKER_DIR / f"{hashlib.blake2b(name.encode(), digest_size=16).hexdigest()}.txt"


def still_written(app: Sphinx, output: str, version: str = "") -> bool:
    """Whether ``output`` of the output folder was written under this build's key.

    True only when the build reuses the stored needs (so ``output`` would come out the
    same); ``version`` tells apart outputs that also show something outside the key
    (the needs' line numbers in ``needs.json``).
    """
    reuse = current(app)
    if reuse is None or not reuse.used:
        return False
    try:
        return _marker(app, output).read_text(encoding="utf-8") == reuse.key + version
    except OSError:
        return False


def note_written(app: Sphinx, output: str, version: str = "") -> None:
    """Record under which key ``output`` was just written (forgotten without a key)."""
    reuse = current(app)
    path = _marker(app, output)
    with contextlib.suppress(OSError):
        # First forget the old key: should writing the new one fail, no key claims the new file.
        path.unlink(missing_ok=True)
        if reuse is None:
            return
        # Written aside and renamed: a reader sees the old key or the new one, never half of one.
        path.parent.mkdir(exist_ok=True)
        aside = path.with_name(f"{path.stem}.{os.getpid()}.neu")
        aside.write_text(reuse.key + version, encoding="utf-8")
        aside.replace(path)


def _positions(app: Sphinx) -> str:
    needs: dict[str, Any] = getattr(app.env, "_needs_all_needs", {})
    lines = sorted((i, need["lineno"], need["lineno_content"]) for i, need in needs.items())
    return ":" + hashlib.blake2b(repr(lines).encode("utf-8"), digest_size=16).hexdigest()


def _skip_when_reused(handler: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(app: Sphinx, *args: Any) -> Any:
        if reused(app):
            return None
        return handler(app, *args)

    return wrapped


def _skip_needs_json_when_reused(handler: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(app: Sphinx, exception: Exception | None) -> Any:
        written = Path(app.outdir) / "needs.json"
        version = _positions(app) if current(app) is not None else ""
        if written.is_file() and still_written(app, "needs.json", version):
            return None
        outcome = handler(app, exception)
        if exception is None and written.is_file():
            note_written(app, "needs.json", version)
        return outcome

    return wrapped


def setup_reuse(app: Sphinx) -> None:
    """Connect the key, the taking and the storing; skip sphinx-needs' steps when reused."""
    from sphinx_needs.builder import build_needs_json
    from sphinx_needs.schema.process import process_schemas

    app.connect("config-inited", _note_config, priority=pipeline.REUSE_CONFIG)
    app.connect("env-updated", _after_reading, priority=pipeline.REUSE_KEY)
    app.connect("env-get-updated", views_of_changed_pages)
    app.connect("env-get-updated", _key_after_warnings)
    app.connect("write-started", _take, priority=pipeline.REUSE_TAKE)
    app.connect("write-started", _keep, priority=pipeline.REUSE_KEEP)
    connect_output(app, _store_part, priority=pipeline.STORE_PART, copy=1)
    app.connect("build-finished", _store, priority=pipeline.REUSE_STORE)
    replace_listener(app, "write-started", process_schemas, _skip_when_reused)
    priority = take_listener(app, "build-finished", build_needs_json)
    if priority is not None:
        connect_output(app, _skip_needs_json_when_reused(build_needs_json), priority=priority)
