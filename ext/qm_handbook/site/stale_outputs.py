"""Outputs follow the sources: pages and PDFs of removed pages and institutions disappear.

Sphinx writes the pages of the current sources but never deletes the output of a page
that was removed, so an institution that left the network would stay on the website
(and its PDF in the download folder) forever. After every successful build the
extension writes a manifest ``.qm-ausgabe.json`` into the output folder with the
pages (docnames) and institutions (folder names) of this build. The next build
compares: for every page listed before but gone now, its page file and its copy in
``_sources/`` are deleted; for every institution gone now, its PDF. Only files named
after an entry of the previous manifest are ever deleted, nothing else in the output
folder is touched, so this works the same for any output folder (profiles, PDF
folder) and after a fresh build (``-E``).

When pages were added or removed, every page is written again (not read again):
the navigation of each page lists the institutions, so it must follow too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from ..state import get_state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

MANIFEST = ".qm-ausgabe.json"
_LOG = logging.getLogger(__name__)


def _read(path: Path) -> tuple[set[str], set[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return set(map(str, data.get("seiten", []))), set(map(str, data.get("einrichtungen", [])))
    except (OSError, ValueError, AttributeError, TypeError):
        return set(), set()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return not path.is_symlink()


def stale_files(outdir: Path, removed_docs: set[str], removed_slugs: set[str], suffix: str, pdf_dir: str) -> list[Path]:
    """Existing output files that belong to removed pages or institutions."""
    found: list[Path] = []
    for doc in sorted(removed_docs):
        candidates = [outdir / f"{doc}{suffix}"] if suffix else []
        candidates += sorted((outdir / "_sources").glob(f"{doc}.*"))
        found += [c for c in candidates if c.is_file() and _inside(c, outdir)]
    for slug in sorted(removed_slugs):
        candidates = [outdir / f"{slug}.pdf"] + ([outdir / pdf_dir / f"{slug}.pdf"] if pdf_dir else [])
        found += [c for c in candidates if c.is_file() and _inside(c, outdir)]
    return found


def _prune_empty(folder: Path, outdir: Path) -> None:
    while folder != outdir and _inside(folder, outdir) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def remove_stale_outputs(app: Sphinx, exception: BaseException | None) -> None:
    """Delete the outputs of pages and institutions removed since the last build; write the manifest."""
    if exception is not None or app.builder.name in ("dummy", "linkcheck"):
        return
    ctx = get_state(app).context
    outdir = Path(app.outdir)
    manifest = outdir / MANIFEST
    docs = set(app.env.found_docs)
    slugs = set(ctx.by_slug) if ctx else set()
    old_docs, old_slugs = _read(manifest)
    suffix = str(getattr(app.builder, "out_suffix", "") or "")
    pdf_dir = str(getattr(app.config, "handbook_pdf_dir", "") or "")
    removed = stale_files(outdir, old_docs - docs, old_slugs - slugs, suffix, pdf_dir)
    for path in removed:
        path.unlink()
        _prune_empty(path.parent, outdir)
    if removed:
        gone = ", ".join(sorted(old_slugs - slugs)) or "–"
        _LOG.info(f"Veraltete Ausgaben entfernt ({len(removed)} Dateien; entfernte Einrichtungen: {gone})")
    outdir.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        json.dumps({"seiten": sorted(docs), "einrichtungen": sorted(slugs)}, ensure_ascii=False, indent=0),
        encoding="utf-8",
    )


def note_added_or_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Remember whether pages came or went (then every page's navigation changes)."""
    app.qm_pages_came_or_went = bool(added or removed)  # type: ignore[attr-defined]
    return []


def rewrite_all_when_pages_came_or_went(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write every page again (without reading it) when pages were added or removed.

    Sphinx writes only the pages it read; the sidebar of every other page would still
    list a removed institution (or miss a new one).
    """
    if getattr(app, "qm_pages_came_or_went", False):
        return sorted(env.found_docs)
    return []


def setup_stale_outputs(app: Sphinx) -> None:
    """Clean up after every successful build."""
    app.connect("env-get-outdated", note_added_or_removed)
    app.connect("env-get-updated", rewrite_all_when_pages_came_or_went)
    app.connect("build-finished", remove_stale_outputs)
