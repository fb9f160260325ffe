"""Smoke test of the synthetic network generator and the benchmark runner (tiny N, no timing checks)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pdfcheck import Pdf
from qm_handbook.commands import bench, bench_pdf
from qm_handbook.commands.synth import generate

EXTRA_PAGES = {"genindex.html", "search.html", "index.html", "permalink.html"}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 3, seed=7)
    second = generate(tmp_path / "b", 3, seed=7)
    assert first == second
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    generate(tmp_path / "c", 3, seed=8)
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_plain_variant_has_no_needs(tmp_path: Path) -> None:
    generate(tmp_path / "plain", 2, plain=True)
    sources = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "plain").rglob("*.md"))
    assert "{umsetzung}" not in sources and "{nachweis}" not in sources and "{qm-" not in sources
    assert "**Umsetzung: " in sources


@pytest.mark.demo
def test_bench_runs_and_writes_the_table(tmp_path: Path) -> None:
    docs = tmp_path / "leistung.md"
    docs.write_text(f"# Leistung\n\n{bench.START}\nalt\n{bench.END}\n\nRest\n", encoding="utf-8")
    work = tmp_path / "bench"
    assert bench.main(["2", "--arbeitsordner", str(work), "--docs", str(docs)]) == 0
    text = docs.read_text(encoding="utf-8")
    assert "alt" not in text and text.endswith("Rest\n")
    out = work / "n2-needs" / "_build" / "html"
    pages = [p for p in out.rglob("*.html") if str(p.relative_to(out)) not in EXTRA_PAGES]
    data = json.loads((out / "needs.json").read_text(encoding="utf-8"))
    needs = data["versions"][data["current_version"]]["needs"]
    row = re.search(r"^\| 2 \| (\d+) \| (\d+) \|", text, re.M)
    assert row is not None, text
    assert (int(row.group(1)), int(row.group(2))) == (len(pages), len(needs))
    # The PDF measurement built every PDF of the network (two institutions and the network),
    # its last run only the institutions' PDFs.
    pdf_row = re.search(r"^\| 2 \| (\d+)(?: \| [\d,]+){7} \|$", text, re.M)
    assert pdf_row is not None, text
    assert int(pdf_row.group(1)) == 3
    last = sorted(p.name for p in (work / "n2-needs" / "_build" / "pdf").glob("*.pdf"))
    assert last == ["einrichtung-001.pdf", "einrichtung-002.pdf"]
    # The watch measurement typeset the first PDF after each edit, then restored the page.
    watched = Pdf(work / "n2-needs" / "_build" / "pdf" / "einrichtung-001.pdf").text
    assert f"Probesatz {bench_pdf.ONE_RUNS} der Messung." in watched
    page = work / "n2-needs" / "institutions" / "einrichtung-001" / "index.md"
    assert "Probesatz" not in page.read_text(encoding="utf-8")
    # the edited statement is visible after the incremental run
    assert "Neu: " in (out / "institutions" / "einrichtung-001" / "anforderungen" / "e1.html").read_text(
        encoding="utf-8"
    )
    plain = work / "n2-plain" / "_build" / "html"
    assert not (plain / "needs.json").exists()
    plain_pages = [p for p in plain.rglob("*.html") if str(p.relative_to(plain)) not in EXTRA_PAGES]
    assert sorted(p.relative_to(plain) for p in plain_pages) == sorted(p.relative_to(out) for p in pages)


def test_strictdoc_input_has_the_same_shape(tmp_path: Path) -> None:
    """One document per page, one node per need, one relation per link target; deterministic."""
    from qm_handbook.commands.sdoc_shape import write_sdoc

    stats = generate(tmp_path / "net", 2)
    first = write_sdoc(tmp_path / "net", tmp_path / "a")
    second = write_sdoc(tmp_path / "net", tmp_path / "b")
    assert first == second and _files(tmp_path / "a") == _files(tmp_path / "b")
    assert (first["documents"], first["needs"]) == (stats["pages"], stats["needs"])
    links = ("setzt_um", "beschrieben_in", "belegt", "verbessert", "behebt", "betrifft", "kriterium_zu")
    sources = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "net").rglob("*.md"))
    sdoc = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "a").rglob("*.sdoc"))
    # catalog criteria link to their requirement from the generated catalog pages
    criteria = sdoc.count("\n[PRUEFKRITERIUM]\n")
    expected = sum(len(m.split(",")) for m in re.findall(rf"^:(?:{'|'.join(links)}): (.+)$", sources, re.M))
    assert first["relations"] == expected + criteria == sdoc.count("- TYPE: Parent\n  VALUE: ")
    edited = sdoc.index("UID: E001_DQE_E1_1\nTITLE: ")
    assert "STATUS: " in sdoc[edited : sdoc.index("<<<", edited)]
    # all documents import the one shared grammar, which declares every node type they use
    grammar = (tmp_path / "a" / "qm.sgra").read_text(encoding="utf-8")
    documents = list((tmp_path / "a").rglob("*.sdoc"))
    assert all("\n[GRAMMAR]\nIMPORT_FROM_FILE: @qm\n" in p.read_text(encoding="utf-8") for p in documents)
    assert "ELEMENTS:" not in sdoc
    used = set(re.findall(r"^\[([A-Z_]+)\]$", sdoc, re.M)) - {"DOCUMENT", "GRAMMAR"}
    assert used and used <= set(re.findall(r"^- TAG: ([A-Z_]+)$", grammar, re.M))


def test_strictdoc_input_is_converted_before_our_edit(tmp_path: Path) -> None:
    """The bench converts the unedited network, whatever our edit run did to ``n<N>-needs``."""
    from qm_handbook.commands import bench_strictdoc
    from qm_handbook.commands.sdoc_shape import write_sdoc

    generate(tmp_path / "n2-needs", 2)
    bench.edit_statement(tmp_path / "n2-needs", plain=False)
    src, stats = bench_strictdoc.prepare(tmp_path, 2)
    generate(tmp_path / "fresh", 2)
    assert write_sdoc(tmp_path / "fresh", tmp_path / "expected") == stats
    documents = {k: v for k, v in _files(src).items() if k.endswith((".sdoc", ".sgra"))}
    assert documents == _files(tmp_path / "expected")
    first = (src / bench_strictdoc.EDIT_DOC).read_text(encoding="utf-8")
    assert "Neu: " not in first
    bench_strictdoc.edit_node(src)
    edited = (src / bench_strictdoc.EDIT_DOC).read_text(encoding="utf-8")
    assert edited.count("TITLE: Neu: ") == 1 and "Neu: Neu: " not in edited
    # the settings declare the shared grammar and the screens, and are valid Python
    config = (src / "strictdoc_config.py").read_text(encoding="utf-8")
    compile(config, "strictdoc_config.py", "exec")
    assert "{'@qm': 'qm.sgra'}" in config and "['TRACEABILITY_SCREEN', 'SEARCH']" in config
