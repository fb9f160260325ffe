"""Catalog pages: every catalog file becomes MyST pages at build time.

For each catalog, ``<catalog_dir>/_generiert/<slug>/`` receives an overview page and
one page per quality area holding the ``anforderung`` and ``pruefkriterium`` needs.
Files are only rewritten when their content changes, so unchanged catalogs do not
trigger re-reads, and folders of catalogs that were removed are deleted. The folder
belongs to the generator: it is not meant to be edited (and is not committed).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.diagnostics import Problem
from ..model.catalog import Area, Catalog
from ..model.generated import GeneratedFolder, escape_text

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
    return f":::{{admonition}} Illustrativer Katalog\n:class: warning qm-illustrativ\n\n{escape_text(text)}\n:::\n\n"


def _key_label(key: str) -> str:
    """Column heading of a classification key (``ebene`` -> ``Ebene``)."""
    return key.replace("_", " ").capitalize()


def _one_line(text: str) -> str:
    """One line of plain text (directive arguments: need titles are not parsed as markup)."""
    return " ".join(text.split())


def _literal(text: str) -> str:
    """One line of escaped text for headings, table cells and paragraphs."""
    return escape_text(_one_line(text))


def render_overview(catalog: Catalog) -> str:
    """MyST source of a catalog's overview page."""
    lines = [_header(catalog), f"# {_literal(catalog.label)}\n\n", _notice(catalog)]
    if catalog.title != catalog.name:
        lines.append(f"**{_literal(catalog.title)}**\n\n")
    if catalog.description:
        lines.append(f"{escape_text(catalog.description)}\n\n")
    keys = list(catalog.classification)
    heads = "".join(f" {_literal(_key_label(k))} |" for k in keys)
    lines.append(f"| Bereich | Titel |{heads} Anforderungen |\n|---|---|{'---|' * len(keys)}---|\n")
    for area in catalog.areas:
        values = dict(area.classes)
        cells = "".join(f" {_literal(values.get(k, ''))} |" for k in keys)
        lines.append(
            f"| [{area.code}]({area.code.lower()}.md) | {_literal(area.title)} |{cells} {len(area.requirements)} |\n"
        )
    lines.append(f"\n{FENCE}{{toctree}}\n:hidden:\n\n")
    lines += [f"{area.code.lower()}\n" for area in catalog.areas]
    lines.append(f"{FENCE}\n")
    return "".join(lines)


def render_area(catalog: Catalog, area: Area) -> str:
    """MyST source of one quality area page with its requirement needs."""
    out = [_header(catalog), f"# {area.code} {_literal(area.title)}\n\n", _notice(catalog)]
    out.append(" · ".join(_literal(t) for t in [catalog.label, *(value for _key, value in area.classes)]) + "\n\n")
    if area.description:
        out.append(f"{escape_text(area.description)}\n\n")
    for req in area.requirements:
        out.append(f"{FENCE}{{anforderung}} {req.number} {_one_line(req.title)}\n")
        out.append(f":id: {req.need_id}\n:katalog: {catalog.key}\n:bereich: {area.code}\n")
        out.append(f":ebene: {req.level}\n" if req.level else "")
        out.append(f":nummer: {req.number}\n\n")
        if req.text:
            out.append(f"{escape_text(req.text)}\n")
        if req.references:
            out.append(f"\nBezüge: {_literal('; '.join(req.references))}\n")
        out.append(f"{FENCE}\n\n")
        for crit in req.criteria:
            out.append(f"{FENCE}{{pruefkriterium}} {req.number} {crit.number}\n")
            out.append(f":id: {crit.need_id}\n:katalog: {catalog.key}\n:nummer: {req.number} {crit.number}\n")
            out.append(f":kriterium_zu: {req.need_id}\n\n{escape_text(crit.text)}\n{FENCE}\n\n")
        out.append(f"{FENCE}{{qm-vergleich}} {req.need_id}\n{FENCE}\n\n")
    return "".join(out)


def catalog_page_files(ctx: HandbookContext) -> dict[str, str]:
    """Relative path (below the generated folder) → MyST source of every catalog page."""
    pages: dict[str, str] = {}
    for catalog in ctx.catalogs.values():
        pages[f"{catalog.slug}/index.md"] = render_overview(catalog)
        pages.update({f"{catalog.slug}/{a.code.lower()}.md": render_area(catalog, a) for a in catalog.areas})
    return pages


def generate_catalog_pages(ctx: HandbookContext, catalog_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Write the pages of every catalog; return the files that changed and the problems.

    Only files inside ``<catalog_dir>/_generiert/`` that the generator wrote itself are
    ever changed or deleted (see :mod:`qm_handbook.model.generated`).

    :param ctx: the build context with the loaded catalogs
    :param catalog_dir: the folder holding the catalog files
    """
    folder = GeneratedFolder(root=catalog_dir / GENERATED_DIR, srcdir=ctx.srcdir)
    changed = folder.sync(catalog_page_files(ctx))
    return changed, folder.problems
