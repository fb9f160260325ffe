"""The demo site in a real browser: paths, matrix, search, PDF link, phone width, accessibility.

Playwright drives Debian's Chromium (``/usr/bin/chromium``, no browser download) against
the demo build served on 127.0.0.1. Without Chromium these tests are skipped with a
German reason, unless ``QM_BROWSER_PFLICHT=1`` (CI) makes that a failure.

The accessibility checks inject axe-core (vendored in ``tests/vendor/axe-core``, its
hash checked before use) and allow no serious or critical violation of the WCAG 2.0/2.1
A and AA rules, in light and in dark mode.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any
from urllib.parse import quote

import pytest
from browser import CHROMIUM, chromium, serve, set_theme
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import REPO, DemoBuild
from qm_handbook.model.institutions import load_institutions, load_network

NETWORK, _ = load_network(REPO / "handbook" / "netzwerk.toml")
INSTITUTIONS, _ = load_institutions(REPO / "institutions", {r.code for r in NETWORK.regions} if NETWORK else set())

pytestmark = pytest.mark.demo

_REASON = (
    "Browser-Tests übersprungen: Chromium fehlt unter /usr/bin/chromium "
    "(installieren mit 'apt-get install -y chromium'; QM_BROWSER_PFLICHT=1 macht das zum Fehler)."
)
if not CHROMIUM.exists():
    if os.environ.get("QM_BROWSER_PFLICHT") == "1":
        pytest.fail(_REASON.replace("übersprungen", "verlangt (QM_BROWSER_PFLICHT=1)"), pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
#: sha256 of axe.min.js from ``npm pack axe-core@4.14.1`` (see tests/vendor/axe-core/README.md).
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

INSTITUTION = "vhs-leipziger-land"
LANDING = "handbook/index.html"
INSTITUTION_PAGE = f"institutions/{INSTITUTION}/index.html"
AREA_PAGE = f"institutions/{INSTITUTION}/anforderungen/e1.html"
CATALOG_PAGE = "handbook/katalog/_generiert/dqe-1.0/e1.html"
MATRIX = "handbook/stand/matrix.html"
DASHBOARD = "handbook/stand/dashboard.html"
SEARCH = "search.html"
STATEMENT = "handbook/netzwerk/barrierefreiheit.html"
KEY_PAGES = [LANDING, INSTITUTION_PAGE, AREA_PAGE, CATALOG_PAGE, MATRIX, DASHBOARD, SEARCH, STATEMENT]


@pytest.fixture(scope="module")
def site(demo: DemoBuild) -> Iterator[str]:
    """The demo site (with the PDF of one institution) on a local HTTP server."""
    pdf = demo.outdir / "pdf" / f"{INSTITUTION}.pdf"
    if not pdf.exists():
        with docutils_namespace():
            app = Sphinx(
                srcdir=REPO,
                confdir=REPO,
                outdir=demo.outdir / "pdf",
                doctreedir=demo.outdir.parent / "doctrees",
                buildername="qmpdf",
                status=StringIO(),
                warning=StringIO(),
                confoverrides={"handbook_pdf_select": INSTITUTION},
            )
            app.build()
    with serve(demo.outdir) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


class Tab:
    """A browser page that records console errors and uncaught exceptions."""

    def __init__(self, browser: Any, base: str, width: int = 1280, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return self.page

    def path(self) -> str:
        return str(self.page.url).removeprefix(self.base).split("#")[0]


@pytest.fixture
def tab(browser: Any, site: str) -> Iterator[Tab]:
    opened = Tab(browser, site)
    yield opened
    opened.context.close()
    assert opened.errors == [], f"Fehler in der Browser-Konsole: {opened.errors}"


def _anchor(href: str) -> str:
    return href.rpartition("#")[2]


def test_path_from_landing_page_to_requirement_and_evidence_and_back(tab: Tab) -> None:
    page = tab.open(LANDING)
    page.locator(f".qm-card a[href$='{INSTITUTION}/index.html']").first.click()
    assert tab.path() == INSTITUTION_PAGE
    page.locator("article a[href='anforderungen/index.html']").first.click()
    assert tab.path() == f"institutions/{INSTITUTION}/anforderungen/index.html"
    page.locator("article a[href='e1.html']").first.click()
    assert tab.path() == AREA_PAGE
    card = page.locator("#W1_DQE_E1_1")
    assert card.is_visible()
    assert "umgesetzt" in card.locator(".qm-status").first.inner_text()
    requirement = card.locator("dt:has-text('setzt um') + dd a")
    assert requirement.inner_text().startswith("E1.1 ")
    requirement.click()
    assert tab.path() == CATALOG_PAGE and page.url.endswith("#DQE_E1_1")
    assert page.locator("#DQE_E1_1").is_visible()
    page.go_back()
    assert tab.path() == AREA_PAGE
    evidence = card.locator("dt:has-text('belegt durch') + dd a").first
    target = _anchor(evidence.get_attribute("href") or "")
    evidence.click()
    assert page.locator(f"#{target}").is_visible()
    assert page.locator(f"#{target} .qm-need-typ").inner_text() == "Nachweis"


def test_matrix_cells_lead_to_the_right_statements(tab: Tab) -> None:
    page = tab.open(MATRIX)
    rows = page.locator("table.qm-matrix tbody tr:has(a.qm-zelllink)")
    assert rows.count() > 10
    for index in (0, rows.count() // 2, rows.count() - 1):
        page.goto(tab.base + MATRIX)
        row = rows.nth(index)
        requirement = _anchor(row.locator("td").nth(1).locator("a").get_attribute("href") or "")
        cell = row.locator("a.qm-zelllink").first
        statement = _anchor(cell.get_attribute("href") or "")
        cell.click()
        card = page.locator(f"#{statement}")
        assert card.is_visible(), statement
        link = card.locator("dt:has-text('setzt um') + dd a")
        assert _anchor(link.get_attribute("href") or "") == requirement


def test_matrix_keeps_header_row_and_first_column_on_a_phone(browser: Any, site: str) -> None:
    phone = Tab(browser, site, width=390, height=844)
    try:
        page = phone.open(MATRIX)
        scroller = page.locator(".qm-scroll:has(table.qm-matrix)")
        scroller.evaluate("el => { el.scrollLeft = 400; el.scrollTop = 600; }")
        page.wait_for_timeout(200)
        frame = scroller.bounding_box()
        header = page.locator("table.qm-matrix thead th").nth(3).bounding_box()
        rows = page.locator("table.qm-matrix tbody tr:has(a.qm-zelllink)")
        visible = [rows.nth(i).locator("td").first.bounding_box() for i in range(rows.count())]
        assert frame is not None and header is not None
        assert abs(header["y"] - frame["y"]) < 3, (header, frame)
        on_screen = [box for box in visible if box and frame["y"] < box["y"] < frame["y"] + frame["height"]]
        assert on_screen and all(abs(box["x"] - frame["x"]) < 3 for box in on_screen), (on_screen[:2], frame)
    finally:
        phone.context.close()


def test_matrix_uses_the_width_of_a_wide_screen(browser: Any, site: str) -> None:
    wide = Tab(browser, site, width=1440, height=900)
    try:
        page = wide.open(MATRIX)
        content = page.evaluate("document.querySelector('.content').getBoundingClientRect().width")
        normal = wide.open(AREA_PAGE).evaluate("document.querySelector('.content').getBoundingClientRect().width")
        assert content > normal + 200, (content, normal)
    finally:
        wide.context.close()


def _search(tab: Tab, query: str) -> list[tuple[str, str]]:
    page = tab.open(f"{SEARCH}?q={quote(query)}")
    summary = page.locator("#search-results .search-summary")
    summary.filter(has_text=re.compile(r"\S")).wait_for(timeout=30000)
    assert re.search(r"Suche abgeschlossen: (eine Seite|\d+ Seiten) gefunden", summary.inner_text()), summary
    links = page.locator("#search-results ul.search > li > a")
    return [(links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "") for i in range(links.count())]


def test_search_finds_an_id_first(tab: Tab) -> None:
    results = _search(tab, "DQE_E1_1")
    assert results[0][1].endswith("#DQE_E1_1"), results[:3]
    statement = _search(tab, "W1_DQE_E1_1")
    assert statement[0][1].endswith(f"{INSTITUTION}/anforderungen/e1.html#W1_DQE_E1_1"), statement[:3]


def test_search_finds_words_with_umlauts_and_sharp_s(tab: Tab) -> None:
    for word in ("Bedarfsübersicht", "Außenstellen"):
        results = _search(tab, word)
        assert any(INSTITUTION in href for _title, href in results), (word, results[:5])


def test_search_result_titles_name_the_institution(tab: Tab) -> None:
    results = _search(tab, "Leitbild")
    pages = [(title, href) for title, href in results if "institutions/" in href and "#" not in href]
    assert len(pages) >= len(INSTITUTIONS), results[:5]
    for title, href in pages:
        slug = href.split("institutions/", 1)[1].split("/", 1)[0]
        institution = next(i for i in INSTITUTIONS if i.slug == slug)
        assert institution.short_name in title or institution.name in title, (title, href)


def test_pdf_link_works(tab: Tab) -> None:
    page = tab.open(INSTITUTION_PAGE)
    link = page.locator("a.qm-download").first
    href = link.get_attribute("href") or ""
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.status == 200, href
    assert response.body()[:5] == b"%PDF-"


@pytest.mark.parametrize("path", KEY_PAGES)
def test_phone_width_menu_reachable_and_no_sideways_scrolling(browser: Any, site: str, path: str) -> None:
    phone = Tab(browser, site, width=390, height=844)
    try:
        page = phone.open(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: Seite ist {width} px breit"
        page.locator(".mobile-header label[for='__navigation']").click()
        page.wait_for_timeout(400)
        box = page.locator(".sidebar-drawer").bounding_box()
        assert box is not None and box["x"] >= -1, f"{path}: Navigation nicht sichtbar ({box})"
        assert page.locator(".sidebar-drawer a.reference").first.is_visible()
    finally:
        phone.context.close()
    assert phone.errors == []


def test_keyboard_reaches_the_sidebar_with_visible_focus(tab: Tab) -> None:
    page = tab.open(AREA_PAGE)
    for _ in range(40):
        page.keyboard.press("Tab")
        inside = page.evaluate("!!document.activeElement.closest('.sidebar-drawer a.reference')")
        if inside:
            break
    else:
        pytest.fail("Mit der Tabulatortaste wird kein Link der Navigation erreicht.")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert (outline[0] != "none" and outline[1] != "0px") or outline[2] != "none", outline


def _axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "tests/vendor/axe-core/axe.min.js wurde verändert"
    return data.decode("utf-8")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_accessibility_violations(tab: Tab, theme: str) -> None:
    source = _axe_source()
    found: list[str] = []
    for path in KEY_PAGES:
        page = tab.open(path)
        set_theme(page, theme)
        if path == SEARCH:
            page.goto(f"{tab.base}{SEARCH}?q=Leitbild")
            page.locator("#search-results .search-summary").filter(has_text=re.compile(r"\S")).wait_for()
        page.add_script_tag(content=source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
                found.append(f"{path} ({theme}): {violation['id']} – {violation['help']} – {targets}")
    assert found == [], "\n".join(found)
