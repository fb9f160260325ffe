"""Which pages read again show a different entry in the tables of contents that list them.

Sphinx writes again every page whose table of contents lists a page it read again,
because the listed title may have changed. After most edits it has not: a new sentence
or a changed status leaves the page's title and headings as they were, and the page
listing it (e.g. an institution's requirements overview) comes out the same.

For every page read again, this module compares a print of what a table of contents
shows of it (title, headings, its own tables of contents, section numbers, page
metadata) with the print stored when the pages of this output folder were last written
(:data:`TOC_FILE` in the doctree folder, per builder). :mod:`.view_digests` writes the
pages listing it again only when the print differs or none is stored.

The file is removed when writing starts and saved only after a build without an
error, so a build that breaks off never leaves a print that the pages on disk do not
show; a build that writes every page stores the prints of every page. Without the
file (first build, another output folder) every listing page is written, as Sphinx
does.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Set
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: In the doctree folder: output folder and page → print of its entry in tables of contents.
TOC_FILE = "qm-inhaltsverzeichnis-{builder}.json"
#: Page metadata that changes with every edit of the text and shows in no table of contents.
_COUNTS = frozenset({"wordcount"})
_ATTR = "_qm_toc_entries"


def toc_print(env: BuildEnvironment, docname: str) -> str:
    """Print of what tables of contents (and the navigation) can show of ``docname``."""
    title = env.titles.get(docname)
    tocs = env.tocs.get(docname)
    metadata = env.metadata.get(docname, {})
    parts = [
        title.pformat() if title is not None else "",
        tocs.pformat() if tocs is not None else "",
        repr(env.toctree_includes.get(docname, [])),
        repr(sorted(env.toc_secnumbers.get(docname, {}).items())),
        repr(sorted((k, repr(v)) for k, v in env.toc_fignumbers.get(docname, {}).items())),
        repr(sorted((k, repr(v)) for k, v in metadata.items() if k not in _COUNTS)),
    ]
    return hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def _path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / TOC_FILE.format(builder=app.builder.name)


def _outdir(app: Sphinx) -> str:
    return str(Path(app.outdir).resolve())


def _load(app: Sphinx) -> dict[str, str]:
    try:
        data = json.loads(_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("outdir") != _outdir(app) or not isinstance(data.get("pages"), dict):
        return {}
    return {str(k): str(v) for k, v in data["pages"].items()}


def _start(app: Sphinx, builder: Builder) -> None:
    """``write-started``: take the stored prints and remove the file until the build succeeds."""
    if builder.format != "html":
        return
    stored = _load(app)
    with contextlib.suppress(OSError):
        _path(app).unlink(missing_ok=True)
    setattr(builder, _ATTR, _Entries(stored))


class _Entries:
    """The stored prints and those computed in this build (``None``: not asked)."""

    def __init__(self, stored: dict[str, str]) -> None:
        self.stored = stored
        self.current: dict[str, str] | None = None


def _compare(env: BuildEnvironment, stored: dict[str, str], read: Set[str]) -> tuple[dict[str, str], set[str]]:
    """The current prints of the pages of ``read``, and those pages whose print differs from ``stored``."""
    current = {page: toc_print(env, page) for page in read if page in env.all_docs}
    return current, {page for page in read if page not in stored or stored[page] != current.get(page)}


def changed_entries(app: Sphinx, read: Set[str]) -> set[str]:
    """Pages of ``read`` whose entry differs from the stored one (or has none stored)."""
    entries: _Entries | None = getattr(app.builder, _ATTR, None)
    if entries is None:
        return set(read)
    entries.current, changed = _compare(app.env, entries.stored, read)
    return changed


def save_entries(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: store the prints of the pages as this build left them.

    Without :func:`changed_entries` (everything written, speed-ups off) every page's
    print is computed: every page listing another shows its current entry.
    """
    entries: _Entries | None = getattr(app.builder, _ATTR, None)
    if exception is not None or entries is None:
        return
    env = app.env
    if entries.current is None:
        prints = {page: toc_print(env, page) for page in env.all_docs}
    else:
        kept = {page: value for page, value in entries.stored.items() if page in env.all_docs}
        prints = {**kept, **entries.current}
    text = json.dumps({"outdir": _outdir(app), "pages": prints}, sort_keys=True)
    with contextlib.suppress(OSError):
        _path(app).write_text(text, encoding="utf-8")


def navigation_of_changed_titles(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: pages whose side navigation shows a page read again with a changed entry.

    Every page's navigation lists its institution's pages by title (the institutions and
    network pages for all of them; every page with ``handbook_navigation = "alle"``).
    Sphinx writes again only the pages whose own table of contents lists the changed
    page. A changed entry of an institution's page (not its start page) therefore means
    that institution's pages; any other changed entry, every page. Without stored prints
    (first build of this output folder) every read page counts as changed.
    """
    from ..model.config import get_config
    from ..model.context import get_context
    from ..state import get_state

    if app.builder.format != "html":
        return []
    _current, changed = _compare(env, _load(app), {p for p in get_state(app).read_now if p in env.all_docs})
    if not changed:
        return []
    ctx = get_context(env)
    prefixes: set[str] = set()
    for page in changed:
        inst = ctx.institution_of(page)
        prefix = ctx.docname_prefix(inst) if inst is not None else ""
        if get_config(app.config).navigation == "alle" or not prefix or page == prefix + "index":
            return sorted(env.found_docs)
        prefixes.add(prefix)
    return sorted(page for page in env.found_docs if page.startswith(tuple(prefixes)))


def setup_toc_entries(app: Sphinx) -> None:
    from .. import pipeline

    app.connect("write-started", _start)
    app.connect("build-finished", save_entries)
    app.connect("env-get-updated", navigation_of_changed_titles, priority=pipeline.AFTER_READ_PAGES_KNOWN)
