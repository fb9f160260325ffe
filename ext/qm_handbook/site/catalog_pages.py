"""Catalog pages: every catalog file becomes MyST pages at build time.

For each catalog, ``<catalog_dir>/_generiert/<slug>/`` receives an overview page and
one page per quality area holding the ``anforderung`` and ``pruefkriterium`` needs.
Files are only rewritten when their content changes, so unchanged catalogs do not
trigger re-reads, and folders of catalogs that were removed are deleted. The folder
belongs to the generator: it is not meant to be edited (and is not committed).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..model.catalog import Area, Catalog

if TYPE_CHECKING:
    from ..model.context import HandbookContext

GENERATED_DIR = "_generiert"
FENCE = "````"


def _header(catalog: Catalog) -> str:
    return f"% Automatisch erzeugt aus {catalog.path.name}. Änderungen bitte dort vornehmen.\n\n"


def _notice(catalog: Catalog) -> str:
    if not catalog.illustrative:
        return ""
    text = catalog.notice or "Dieser Katalog ist ein illustratives Beispiel und nicht der offizielle Anforderungstext."
    return f":::{{admonition}} Illustrativer Katalog\n:class: warning qm-illustrativ\n\n{text}\n:::\n\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_overview(catalog: Catalog) -> str:
    """MyST source of a catalog's overview page."""
    lines = [_header(catalog), f"# {catalog.label}\n\n", _notice(catalog)]
    if catalog.title != catalog.name:
        lines.append(f"**{_one_line(catalog.title)}**\n\n")
    if catalog.description:
        lines.append(f"{catalog.description}\n\n")
    lines.append("| Bereich | Titel | Ebene | Anforderungen |\n|---|---|---|---|\n")
    for area in catalog.areas:
        lines.append(
            f"| [{area.code}]({area.code.lower()}.md) | {_one_line(area.title)} | {area.level} "
            f"| {len(area.requirements)} |\n"
        )
    lines.append(f"\n{FENCE}{{toctree}}\n:hidden:\n\n")
    lines += [f"{area.code.lower()}\n" for area in catalog.areas]
    lines.append(f"{FENCE}\n")
    return "".join(lines)


def render_area(catalog: Catalog, area: Area) -> str:
    """MyST source of one quality area page with its requirement needs."""
    out = [_header(catalog), f"# {area.code} {_one_line(area.title)}\n\n", _notice(catalog)]
    out.append(f"{catalog.label} · {area.level}\n\n")
    if area.description:
        out.append(f"{area.description}\n\n")
    for req in area.requirements:
        out.append(f"{FENCE}{{anforderung}} {req.number} {_one_line(req.title)}\n")
        out.append(f":id: {req.need_id}\n:katalog: {catalog.key}\n:bereich: {area.code}\n")
        out.append(f":ebene: {req.level}\n:nummer: {req.number}\n\n")
        if req.text:
            out.append(f"{req.text}\n")
        if req.references:
            out.append(f"\nBezüge: {'; '.join(req.references)}\n")
        out.append(f"{FENCE}\n\n")
        for crit in req.criteria:
            out.append(f"{FENCE}{{pruefkriterium}} {req.number} {crit.number}\n")
            out.append(f":id: {crit.need_id}\n:katalog: {catalog.key}\n:nummer: {req.number} {crit.number}\n")
            out.append(f":kriterium_zu: {req.need_id}\n\n{crit.text}\n{FENCE}\n\n")
        out.append(f"{FENCE}{{qm-vergleich}} {req.need_id}\n{FENCE}\n\n")
    return "".join(out)


def write_if_changed(path: Path, text: str) -> bool:
    """Write a generated page only when its text changed (keeps Sphinx from re-reading it)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def generate_catalog_pages(ctx: HandbookContext, catalog_dir: Path) -> list[Path]:
    """Write the pages of every catalog; return the files that changed.

    :param ctx: the build context with the loaded catalogs
    :param catalog_dir: the folder holding the catalog files
    """
    root = catalog_dir / GENERATED_DIR
    changed: list[Path] = []
    wanted: set[Path] = set()
    for catalog in ctx.catalogs.values():
        folder = root / catalog.slug
        pages = {folder / "index.md": render_overview(catalog)}
        pages.update({folder / f"{a.code.lower()}.md": render_area(catalog, a) for a in catalog.areas})
        for path, text in pages.items():
            wanted.add(path)
            if write_if_changed(path, text):
                changed.append(path)
        for stale in folder.glob("*.md"):
            if stale not in wanted:
                stale.unlink()
    if root.is_dir():
        for sub in root.iterdir():
            if sub.is_dir() and not any(p.parent == sub for p in wanted):
                shutil.rmtree(sub)
    return changed
