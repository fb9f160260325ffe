"""The once-per-build sidebar matches furo's own sidebar on the demo network.

Furo's expected output is computed with furo's own code (``get_navigation_tree`` on
Sphinx's full toctree for the page) from the environment of the demo build; ours
comes from :mod:`qm_handbook.site.navigation`. Only the checkbox label text differs by
design (German instead of furo's English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString
from docutils import nodes
from furo.navigation import get_navigation_tree
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import REPO, DemoBuild, html_app
from qm_handbook.model.context import get_context
from qm_handbook.site.navigation import CACHE_FILE, TOGGLE_LABEL, _cache_key, build_navigation
from qm_handbook.site.regions import region_groups

pytestmark = pytest.mark.demo


@pytest.fixture(scope="module")
def loaded(demo: DemoBuild) -> Iterator[Sphinx]:
    """A Sphinx app on the demo build's environment (nothing is re-read or written)."""
    out = demo.outdir.parent
    with docutils_namespace():
        yield html_app(REPO, out)


def furo_navigation(app: Sphinx, docname: str) -> str:
    """The sidebar furo itself computes for ``docname``."""
    html = app.builder._get_local_toctree(  # type: ignore[attr-defined]
        docname, collapse=False, titles_only=True, maxdepth=-1, includehidden=True
    )
    return str(get_navigation_tree(html))


def normalise(html: str) -> str:
    return html.replace(f'aria-label="{TOGGLE_LABEL}', 'aria-label="Toggle navigation of ')


def prune_other_institutions(html: str, app: Sphinx, docname: str) -> str:
    """Furo's sidebar without the subtrees of other institutions and regions, checkboxes renumbered."""
    ctx = get_context(app.env)
    collapsible = [f"{ctx.docname_prefix(inst)}index" for inst in ctx.institutions]
    collapsible += [f"{ctx.institutions_dir}/_regionen/{code}" for code, _t, _m in region_groups(ctx)]
    page = BeautifulSoup(html, "html.parser")
    for target in collapsible:
        href = app.builder.get_relative_uri(docname, target) or "#"
        for link in page.find_all("a", href=href):
            li = link.parent
            if "current" in li["class"]:
                continue
            for tag in li.find_all(["input", "label", "ul"], recursive=False):
                tag.decompose()
            for text in [c for c in li.children if isinstance(c, NavigableString) and not c.strip()]:
                text.extract()
            li["class"] = [c for c in li["class"] if c != "has-children"]
    text = str(page)
    counter = iter(range(1, 10_000))
    numbers: dict[str, int] = {}

    def renumber(match: re.Match[str]) -> str:
        old = match.group(1)
        if old not in numbers:
            numbers[old] = next(counter)
        return f"toctree-checkbox-{numbers[old]}"

    return re.sub(r"toctree-checkbox-(\d+)", renumber, text)


def sample_pages(app: Sphinx) -> list[str]:
    ctx = get_context(app.env)
    first = ctx.institutions[0]
    last = ctx.institutions[-1]
    return [
        app.config.root_doc,
        "handbook/netzwerk/treffen/index",
        "institutions/index",
        f"institutions/_regionen/{last.region}",
        f"{ctx.docname_prefix(first)}index",
        f"{ctx.docname_prefix(last)}anforderungen/e1",
        f"{ctx.docname_prefix(last)}nachweise",
        "search",
    ]


def test_full_navigation_equals_furo(loaded: Sphinx) -> None:
    loaded.config.handbook_navigation = "alle"
    nav = build_navigation(loaded)
    for docname in sample_pages(loaded):
        assert normalise(nav.render(docname)) == furo_navigation(loaded, docname), docname


def test_current_institution_navigation_equals_pruned_furo(loaded: Sphinx) -> None:
    loaded.config.handbook_navigation = "aktuell"
    nav = build_navigation(loaded)
    for docname in sample_pages(loaded):
        expected = prune_other_institutions(furo_navigation(loaded, docname), loaded, docname)
        assert normalise(nav.render(docname)) == expected, docname


def test_written_pages_use_the_navigation(demo: DemoBuild) -> None:
    """The written page has furo's sidebar with the current page marked and its institution open."""
    page = demo.page("institutions/vhs-leipziger-land/anforderungen/e1")
    tree = page.select_one("div.sidebar-tree")
    assert tree is not None
    current = tree.select("li.current-page")
    assert [li.a["href"] for li in current] == ["#"]
    checked = [box.find_previous_sibling("a").get_text() for box in tree.select("input[checked]")]
    assert "Umsetzung der Anforderungen" in checked
    assert Path(demo.outdir / "institutions/vhs-leipziger-land/leitbild.html").exists()


def test_navigation_cache_follows_titles_and_toctrees(loaded: Sphinx) -> None:
    first = build_navigation(loaded)
    assert (Path(loaded.doctreedir) / CACHE_FILE).exists()
    key = _cache_key(loaded)
    title = loaded.env.titles["handbook/index"]
    loaded.env.titles["handbook/index"] = nodes.title("", "Ein anderer Titel")
    try:
        assert _cache_key(loaded) != key
    finally:
        loaded.env.titles["handbook/index"] = title
    assert _cache_key(loaded) == key
    assert build_navigation(loaded).render("institutions/index") == first.render("institutions/index")
