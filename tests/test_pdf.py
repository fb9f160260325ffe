"""Certification PDFs: content, structure, links, fonts and archival metadata.

A small test root with two institutions is built once (website, then PDFs into the
website's ``pdf/`` folder); one demo institution is built from the demo network's
environment. Every expectation is derived from the source files.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace, patch_docutils

from conftest import REPO, DemoBuild, soup, uncoloured
from pdfcheck import Pdf, codes_mentioned, first_heading
from qm_handbook.compat.reuse import current
from qm_handbook.model.catalog import Catalog, load_catalogs
from qm_handbook.model.institutions import Institution, load_institutions
from qm_handbook.model.metamodel import load_metamodel
from qm_handbook.pdf._appendix import SECTIONS
from qm_handbook.pdf._plan import PdfJob, in_order, part_of, pdf_workers
from qm_handbook.pdf._syntax import string

ROOT = Path(__file__).parent / "roots" / "test-pdf"


@dataclass
class PdfBuild:
    srcdir: Path
    html: Path
    pdfdir: Path
    warnings: str
    institutions: list[Institution]
    catalogs: dict[str, Catalog]


def _run(srcdir: Path, outdir: Path, doctrees: Path, builder: str, **overrides: object) -> str:
    return _run_app(srcdir, outdir, doctrees, builder, **overrides)[1]


def _run_app(srcdir: Path, outdir: Path, doctrees: Path, builder: str, **overrides: object) -> tuple[Sphinx, str]:
    warning = StringIO()
    # A fresh docutils registry per app, as sphinx-build has (several apps run in one process).
    with patch_docutils(srcdir), docutils_namespace():
        app = Sphinx(
            srcdir=srcdir,
            confdir=srcdir,
            outdir=outdir,
            doctreedir=doctrees,
            buildername=builder,
            status=StringIO(),
            warning=warning,
            confoverrides={"nitpicky": True, **overrides},
        )
        app.build()
    return app, uncoloured(warning.getvalue())


def _registry(srcdir: Path, catalog_dir: str, institutions_dir: str) -> tuple[list[Institution], dict[str, Catalog]]:
    catalogs, _ = load_catalogs(srcdir / catalog_dir, load_metamodel())
    institutions, _ = load_institutions(srcdir / institutions_dir, set())
    return institutions, catalogs


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> PdfBuild:
    """The PDF test root: website first, then the PDFs into its pdf/ folder."""
    base = tmp_path_factory.mktemp("pdf")
    srcdir = base / "src"
    shutil.copytree(ROOT, srcdir)
    html, doctrees = base / "html", base / "doctrees"
    warnings = _run(srcdir, html, doctrees, "html")
    warnings += _run(srcdir, html / "pdf", doctrees, "qmpdf")
    institutions, catalogs = _registry(srcdir, "katalog", "institutions")
    return PdfBuild(srcdir, html, html / "pdf", warnings, institutions, catalogs)


def check_archival(pdf: Pdf, title: str) -> None:
    """Metadata, PDF/A-2a and PDF/UA-1 in one file, tagged, accessible, fonts embedded."""
    assert pdf.reader.metadata is not None
    assert pdf.reader.metadata.title == title
    assert str(pdf.catalog["/Lang"]).split("-")[0] == "de"
    assert pdf.pdfa() == ("2", "A")
    assert pdf.pdfua() == "1"
    assert "/OutputIntents" in pdf.catalog  # PDF/A: sRGB output intent
    assert bool(pdf.catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in pdf.catalog
    assert pdf.accessibility_errors() == []
    fonts = pdf.fonts()
    assert fonts and all(fonts.values()), fonts
    assert pdf.outline()


def check_institution_pdf(pdf: Pdf, inst: Institution, catalog: Catalog, others: list[str]) -> None:
    """Everything an institution PDF must satisfy, derived from its sources."""
    folder = inst.path.parent
    sources = sorted(folder.rglob("*.md"))
    check_archival(pdf, f"Qualitätshandbuch {inst.name}")
    # Outline: front matter, every handbook page, the catalog areas, the appendix.
    titles = [t for _, t, _ in pdf.outline()]
    for expected in ["Dokumentenlenkung", "Inhalt", f"Anforderungskatalog {catalog.label}", "Anhang für das Audit"]:
        assert expected in titles
    assert [t for t in titles if t in SECTIONS.values()] == list(SECTIONS.values())
    for page in sources:
        assert first_heading(page) in titles, page
    for area in catalog.areas:
        assert f"{area.code} {area.title}" in titles
    # Every requirement ID of the catalog appears in the appendix.
    appendix = pdf.text_from("Anhang für das Audit")
    for req in catalog.requirements():
        assert req.need_id in appendix, req.need_id
    # Only this institution: no need of another one; a bare code only where its own pages name it.
    text = pdf.text
    allowed = codes_mentioned(folder, others)
    for code in others:
        assert f"{code}_" not in text, code
        if code not in allowed:
            assert not re.search(rf"\b{code}\b", text), code
    assert f"{inst.code}_" in text
    # Page count: every page, the catalog areas and the appendix start a new page; the
    # upper bound allows for generous text (a page holds at least ~600 characters).
    minimum = 3 + len(sources) + len(catalog.areas) + 1
    volume = sum(len(p.read_text(encoding="utf-8")) for p in sources) + len(str(catalog.path.read_text("utf-8")))
    assert minimum <= len(pdf.pages) <= minimum + volume // 600 + len(catalog.requirements())
    # Contents and links inside the document work (Typst fails on a link without target).
    assert pdf.internal_links() >= len(sources) + len(catalog.requirements())
    assert re.search(rf"Seite 2 von {len(pdf.pages)}", pdf.pages[1])


def test_small_root_builds_clean_pdfs(small: PdfBuild) -> None:
    assert small.warnings == ""
    expected = sorted([*(f"{i.slug}.pdf" for i in small.institutions), "netzwerk.pdf"])
    # Hidden files are the build's own bookkeeping (e.g. the list of written outputs).
    assert sorted(p.name for p in small.pdfdir.iterdir() if not p.name.startswith(".")) == expected


def test_small_root_institution_pdfs(small: PdfBuild) -> None:
    codes = [i.code for i in small.institutions]
    for inst in small.institutions:
        pdf = Pdf(small.pdfdir / f"{inst.slug}.pdf")
        check_institution_pdf(pdf, inst, small.catalogs[inst.catalog], [c for c in codes if c != inst.code])


def test_cover_and_document_control(small: PdfBuild) -> None:
    alpha = next(i for i in small.institutions if i.slug == "alpha")
    pdf = Pdf(small.pdfdir / "alpha.pdf")
    cover = " ".join(pdf.pages[0].split())
    assert alpha.name in cover
    assert f"Handbuchversion {alpha.handbook_version}" in cover
    assert "Freigabe 15.01.2026 durch Leitung" in cover
    assert "Stand 30.06.2026" in cover
    assert small.catalogs[alpha.catalog].label in cover
    # alpha has a logo.svg in its folder (its text reads "AlphaLogo"): the cover shows it.
    assert "AlphaLogo" in (alpha.path.parent / "logo.svg").read_text(encoding="utf-8")
    assert "AlphaLogo" in cover
    control = " ".join(pdf.pages[1].split())
    # bereich.md: next review 2026-03-31 is before the as-of date 2026-06-30.
    assert "31.03.2026 – überfällig" in control
    assert "1.2 Entwurf QMB" in control


def test_same_section_names_on_two_pages_link_to_their_own_page(small: PdfBuild) -> None:
    pdf = Pdf(small.pdfdir / "alpha.pdf")
    pages = {title: page for _, title, page in pdf.outline()}
    ziele = [page for _, title, page in pdf.outline() if title == "Ziele"]
    assert len(ziele) == 2 and ziele[0] < pages["Maßnahmenplan"] <= ziele[1]


def test_links_are_described_by_their_target_not_by_a_page_number(small: PdfBuild) -> None:
    pdf = Pdf(small.pdfdir / "alpha.pdf")
    outline = pdf.outline()
    contents = next(p for _, t, p in outline if t == "Inhalt")
    after = min(p for _, _, p in outline if p > contents)
    # The table of contents shows page numbers anyway; every other link names its target.
    described = [text for page, text in pdf.internal_link_descriptions() if not contents <= page < after]
    assert "Abschnitt „Maßnahmenplan“" in described  # document control table
    assert any(re.fullmatch(r"Eintrag A1_[A-Z0-9_]+", text) for text in described)  # a need ID
    assert all(re.fullmatch(r"Abschnitt „[^“]+“|Eintrag [A-Za-z0-9_.:-]+", text) for text in described), described


def test_report_views_on_own_pages_point_to_the_appendix(small: PdfBuild) -> None:
    pdf = Pdf(small.pdfdir / "alpha.pdf")
    stand = next(p for _, t, p in pdf.outline() if t == "Stand und Lücken")
    page = " ".join(pdf.pages[stand].split())
    assert f"Diese Auswertung steht im Anhang: {SECTIONS['ueberblick']}." in page
    # The network matrix would list the other institution: it is left out with a note.
    assert "Auswertung über das ganze Netzwerk" in page
    assert "B1" not in page


def test_network_pdf_has_network_and_catalog_but_no_institution_pages(small: PdfBuild) -> None:
    pdf = Pdf(small.pdfdir / "netzwerk.pdf")
    check_archival(pdf, "Netzwerkhandbuch Testnetz")
    titles = [t for _, t, _ in pdf.outline()]
    assert "Testnetz" in titles
    assert any(small.catalogs["MINI 1.0"].name in t for t in titles)
    for inst in small.institutions:
        assert inst.name not in titles


def test_profile_box_links_to_the_pdf(small: PdfBuild) -> None:
    for inst in small.institutions:
        page = small.html / "institutions" / inst.slug / "index.html"
        link = soup(page).select_one(".qm-steckbrief a.qm-download")
        assert link is not None
        assert (page.parent / link["href"]).resolve() == (small.pdfdir / f"{inst.slug}.pdf").resolve()


def test_unknown_institution_is_reported(small: PdfBuild, tmp_path: Path) -> None:
    warnings = _run(small.srcdir, tmp_path / "pdf", tmp_path / "doctrees", "qmpdf", handbook_pdf_select="alpah")
    assert "[qm.pdf_unknown_institution]" in warnings
    assert "Meinten Sie „alpha“?" in warnings
    assert not list((tmp_path / "pdf").glob("*.pdf"))


def test_second_build_gives_byte_identical_pdfs(small: PdfBuild, tmp_path: Path) -> None:
    """A fresh build (own doctrees, worker processes) writes exactly the same files."""
    warnings = _run(small.srcdir, tmp_path / "pdf", tmp_path / "doctrees", "qmpdf", handbook_pdf_jobs="2")
    assert warnings == ""
    first = sorted(small.pdfdir.glob("*.pdf"))
    assert [p.name for p in first] == sorted(p.name for p in (tmp_path / "pdf").glob("*.pdf"))
    for path in first:
        assert (tmp_path / "pdf" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("count", [0, 1, 5, 9, 131])
@pytest.mark.parametrize("parts", [1, 2, 4, 7])
def test_parts_cover_every_pdf_once_in_near_equal_runs(count: int, parts: int) -> None:
    names = [f"e{i:03d}" for i in range(count)]
    chunks = [part_of(names, f"{k}/{parts}") for k in range(1, parts + 1)]
    assert [n for chunk in chunks for n in chunk] == names
    assert max(map(len, chunks)) - min(map(len, chunks)) <= (1 if count else 0)
    assert part_of(names, f" {parts} / {parts} ") == chunks[-1]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2-4", "„2-4“ ist keine Teilangabe der Form k/n (z. B. „2/4“: Teil 2 von 4)."),
        ("zwei/vier", "„zwei/vier“ ist keine Teilangabe der Form k/n (z. B. „2/4“: Teil 2 von 4)."),
        ("5/4", "„5/4“ gibt es nicht: Die Teile von 4 Teilen sind 1/4 bis 4/4."),
        ("0/4", "„0/4“ gibt es nicht: Die Teile von 4 Teilen sind 1/4 bis 4/4."),
        ("1/0", "„1/0“ gibt es nicht: Es muss mindestens einen Teil geben (n ≥ 1)."),
    ],
)
def test_bad_part_is_a_german_error(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        part_of(["a", "b"], value)


def test_parts_of_a_build_write_all_pdfs_once(small: PdfBuild, tmp_path: Path) -> None:
    """Part 1 holds the network PDF; together the parts write exactly the PDFs of a full run."""
    written = []
    for k in (1, 2, 3):
        out = tmp_path / f"teil{k}"
        assert _run(small.srcdir, out, tmp_path / "doctrees", "qmpdf", handbook_pdf_teil=f"{k}/3") == ""
        written.append(sorted(p.name for p in out.glob("*.pdf")))
    assert "netzwerk.pdf" in written[0]
    assert sorted(n for names in written for n in names) == sorted(p.name for p in small.pdfdir.glob("*.pdf"))
    assert all(names for names in written)


def test_bad_part_writes_no_pdf(small: PdfBuild, tmp_path: Path) -> None:
    warnings = _run(small.srcdir, tmp_path / "pdf", tmp_path / "doctrees", "qmpdf", handbook_pdf_teil="4/3")
    assert "[qm.pdf_part]" in warnings
    assert "handbook_pdf_teil: „4/3“ gibt es nicht: Die Teile von 3 Teilen sind 1/3 bis 3/3." in warnings
    assert not list((tmp_path / "pdf").glob("*.pdf"))


@pytest.mark.parametrize(
    ("institutions", "workers", "ahead"), [(130, 2, 16), (130, 4, 32), (8, 2, 4), (1, 2, 0), (130, 1, 0), (0, 2, 0)]
)
def test_network_pdf_is_assembled_after_some_institutions(institutions: int, workers: int, ahead: int) -> None:
    """The workers have institutions to typeset while the network document is assembled."""
    network = PdfJob(slug="netzwerk", start="handbook/index", institution=None)
    members = [PdfJob(slug=f"e{i:03d}", start=f"e{i:03d}/index", institution=object()) for i in range(institutions)]  # type: ignore[arg-type]
    ordered = in_order([network, *members], workers)
    assert ordered == [*members[:ahead], network, *members[ahead:]]


def test_a_worker_per_core_typesets_with_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst's own threads would compete with the other workers; fewer workers keep them."""
    from qm_handbook.pdf import _workers

    seen: list[str | None] = []

    class Started:
        def __init__(self, *args: object, env: dict[str, str], **kwargs: object) -> None:
            seen.append(env.get("RAYON_NUM_THREADS"))

    monkeypatch.setattr(_workers.subprocess, "Popen", Started)
    monkeypatch.setattr(_workers.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("RAYON_NUM_THREADS", raising=False)
    for workers in (2, 1):
        _workers._Process(one_thread=_workers.TypstPool(workers, inline=False)._one_thread).stderr.close()
    monkeypatch.setenv("RAYON_NUM_THREADS", "3")  # set by the user: kept
    _workers._Process(one_thread=True).stderr.close()
    assert seen == ["1", None, "3"]


@pytest.mark.parametrize(
    ("setting", "jobs", "expected"), [("1", 9, 1), ("3", 9, 3), ("3", 2, 2), ("x", 9, 1), ("auto", 1, 1)]
)
def test_pdf_workers(setting: str, jobs: int, expected: int) -> None:
    assert pdf_workers(setting, jobs) == expected


@pytest.mark.demo
def test_demo_institution_pdf(demo: DemoBuild) -> None:
    institutions, catalogs = _registry(REPO, "handbook/katalog", "institutions")
    inst = next(i for i in institutions if i.slug == "vhs-leipziger-land")
    warnings = _run(REPO, demo.outdir / "pdf", demo.outdir.parent / "doctrees", "qmpdf", handbook_pdf_select=inst.slug)
    assert warnings == ""
    assert [p.name for p in (demo.outdir / "pdf").iterdir() if not p.name.startswith(".")] == [f"{inst.slug}.pdf"]
    pdf = Pdf(demo.outdir / "pdf" / f"{inst.slug}.pdf")
    check_institution_pdf(pdf, inst, catalogs[inst.catalog], [i.code for i in institutions if i is not inst])
    # The area tables of the appendix span pages; a table cut by a page break repeats its header row,
    # so every page of the section (also one that starts inside a table) shows the header.
    outline = pdf.outline()
    start = next(i for i, (_, t, _) in enumerate(outline) if t == SECTIONS["aussagen"])
    first, last = outline[start][2], outline[start + 1][2]
    assert last > first
    for page in pdf.pages[first:last]:
        assert "Anforderung Umsetzung (Status) Nachweise (Gültigkeit)" in " ".join(page.split())
    matrix = " ".join(pdf.text_from(SECTIONS["matrix"]).split())
    assert "Anforderung Status Umsetzung Nachweise" in matrix
    # The key figures of the appendix are the ones on the institution's report page.
    appendix = " ".join(pdf.text_from(SECTIONS["ueberblick"]).split())
    figures = demo.page(f"institutions/{inst.slug}/stand").select("table.qm-kennzahlen tbody tr")
    assert figures
    for row in figures:
        label, value = (" ".join(td.get_text(" ", strip=True).split()) for td in row.select("td"))
        assert f"{label} {value}" in appendix
    link = demo.page(f"institutions/{inst.slug}/index").select_one(".qm-steckbrief a.qm-download")
    assert link is not None
    page = demo.outdir / "institutions" / inst.slug / "index.html"
    assert (page.parent / link["href"]).resolve() == pdf.path.resolve()


#: Strings of the hostile test page that must appear literally (Typst syntax, never evaluated).
HOSTILE = [
    'Zeichen #read("/etc/passwd") $x$ @x',
    'Lesen: #read("/etc/passwd") und #import "/etc/hosts": * und #include "geheim.typ"',
    "Mathe $a + b$ und Verweis @stand und Marke <label> und #let x = 1",
    "Sterne * und Unterstriche frei: a_b_c, Backticks `roh` und Klammern [ ]] [ ( } {",
    "= Zeile beginnt mit Gleichheitszeichen",
    "Ende mit Backslash \\ und Tilde ~ und Schrägstrichen // kein Kommentar /* auch keiner",
    '#read("/etc/passwd")',
    "= Überschrift? $ @x <y> ]] `",
]


def test_hostile_text_appears_literally_and_runs_nothing(small: PdfBuild) -> None:
    """Typst syntax on a page is printed as written; no file outside the compile folder is read."""
    pdf = Pdf(small.pdfdir / "alpha.pdf")
    # Soft hyphens and line breaks of the layout are not part of the text.
    text = " ".join(pdf.text.replace("\u00ad\n", "").replace("\u00ad", "").split())
    for expected in HOSTILE:
        assert expected in text, expected
    assert HOSTILE[0] in [t for _, t, _ in pdf.outline()]
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first = passwd.read_text(encoding="utf-8", errors="replace").splitlines()[0]
        assert first not in pdf.text
    # Typst's root holds only the generated source, the template and copied images.
    work = small.html.parent / "doctrees" / "qmpdf" / "alpha"
    assert sorted(p.suffix for p in work.iterdir()) == [".svg", ".typ", ".typ"]


@pytest.mark.parametrize("text", HOSTILE)
def test_string_literal_round_trip(text: str, tmp_path: Path) -> None:
    """Typst reads back exactly the text that ``_syntax.string`` wrote (checked with Typst itself)."""
    import typst

    source = tmp_path / "probe.typ"
    source.write_text(f"#metadata({string(text)}) <probe>\n", encoding="utf-8")
    compiler = typst.Compiler(str(source), root=str(tmp_path), ignore_system_fonts=True)
    value = compiler.query("<probe>", field="value", one=True, format="json")
    assert json.loads(value) == text


def test_long_ids_may_wrap_in_table_cells() -> None:
    from qm_handbook.pdf._appendix import BREAK, breakable_id

    long_id = "NETZ_AUF_2026_3_GEMEINSAM_3"
    wrapped = breakable_id(long_id)
    assert wrapped.count(BREAK) == long_id.count("_") and wrapped.replace(BREAK, "") == long_id
    assert breakable_id("W1_DQE_E1_1") == "W1_DQE_E1_1"


def test_only_tables_and_grids_hyphenate(tmp_path: Path) -> None:
    """Running text is ragged right without hyphens; narrow table and grid cells hyphenate."""
    import typst

    from qm_handbook.pdf._render import TEMPLATE

    shutil.copyfile(TEMPLATE, tmp_path / TEMPLATE.name)
    prose, in_table, in_grid = (
        "Qualitätsentwicklungsmaßnahmen",
        "Weiterbildungsberatungsgespräche",
        "Zufriedenheitsbefragungen",
    )
    meta = '(title: "T", author: "A", subject: "S", date: none, who: "W", what: "X", stand: "S")'
    source = tmp_path / "probe.typ"
    source.write_text(
        f'#import "template.typ": *\n#show: qm-document.with({meta})\n'
        f"#par[{' '.join([prose] * 40)}]\n#par[ENDE]\n"
        f"#table(columns: (16mm, 1fr), [{in_table}], [x])\n"
        f"#qm-grid(columns: (16mm, 1fr), [{in_grid}], [y])\n",
        encoding="utf-8",
    )
    compiler = typst.Compiler(str(source), root=str(tmp_path), ignore_system_fonts=True)
    target = tmp_path / "probe.pdf"
    target.write_bytes(compiler.compile(format="pdf"))
    text = Pdf(target).text
    running, _, cells = text.partition("ENDE")
    assert running.split().count(prose) == 40 and "\u00ad" not in running
    joined = cells.replace("\u00ad\n", "").replace("\u00ad", "")
    for word in (in_table, in_grid):
        assert word not in cells and word in joined  # broken at a hyphen, nothing lost


def test_pdfs_take_the_website_build_s_stored_data(tmp_path: Path) -> None:
    """Which PDFs a run writes is not part of the reuse key: the PDF build after the website
    takes the website's resolved needs and result, and its Typst sources equal those of a
    PDF build that computed everything itself."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOT, srcdir)
    assert _run(srcdir, tmp_path / "html", tmp_path / "doctrees", "html") == ""
    app, warnings = _run_app(srcdir, tmp_path / "pdf", tmp_path / "doctrees", "qmpdf", handbook_pdf_select="alpha")
    reuse = current(app)
    assert warnings == "" and reuse is not None and reuse.used
    alone, warnings = _run_app(srcdir, tmp_path / "pdf2", tmp_path / "alone", "qmpdf", handbook_pdf_select="alpha")
    reuse = current(alone)
    assert warnings == "" and reuse is not None and not reuse.used
    source = Path("qmpdf") / "alpha" / "dokument.typ"
    taken = (tmp_path / "doctrees" / source).read_text(encoding="utf-8")
    assert taken == (tmp_path / "alone" / source).read_text(encoding="utf-8")
