"""The public profile: nothing internal in any public file, the "intern" marker, the leak check.

The canary root ``tests/roots/test-publish`` gives every internal page and item a
unique bird name with a number (``Zaunkoenig7731`` …) in its title or text. Both
profiles are built from one doctree folder, as the main build does; every file of
the public output is then read, ZIP files (XLSX) member by member and ``objects.inv``
decompressed, with HTML and JSON escapes undone.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import REPO, DemoBuild, card_field, need_card, soup, text_of, uncoloured

ROOT = Path(__file__).parent / "roots" / "test-publish"
#: Unique words of internal pages and items in the canary root.
CANARIES = ("Rotkehlchen", "Zaunkoenig", "Kleiber", "Eisvogel", "Stieglitz", "Pirol", "Wiedehopf")
#: Internal item IDs of the canary root (type default, own field, internal page, internal institution).
INTERNAL_IDS = (
    "A1_MINI_E1_2",
    "A1_NW_ZAUNKOENIG",
    "A1_MA_STIEGLITZ",
    "A1_BF_EISVOGEL",
    "A1_NW_KLEIBER",
    "B1_MINI_E1_1",
    "B1_MA_WIEDEHOPF",
)


def all_text(outdir: Path) -> Iterator[tuple[str, str]]:
    """(file, text) of every output file; compressed files opened, escapes undone."""
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        parts: list[bytes] = [raw]
        if zipfile.is_zipfile(io.BytesIO(raw)):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                parts = [archive.read(name) for name in archive.namelist()]
        elif path.name == "objects.inv":
            parts = [zlib.decompress(raw.split(b"\n", 4)[4])]
        for part in parts:
            text = part.decode("utf-8", "replace")
            text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
            yield path.relative_to(outdir).as_posix(), html.unescape(text)


def build(src: Path, out: Path, profile: str) -> tuple[int, str]:
    """Build ``src`` in ``profile`` into ``out/<profile>`` (doctrees shared in ``out/doctrees``)."""
    warning = StringIO()
    with docutils_namespace():
        app = Sphinx(
            srcdir=src,
            confdir=src,
            outdir=out / profile,
            doctreedir=out / "doctrees",
            buildername="html",
            status=StringIO(),
            warning=warning,
            confoverrides={"handbook_profil": profile},
        )
        app.build()
    return app.statuscode, uncoloured(warning.getvalue())


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("publish")
    src = work / "src"
    shutil.copytree(ROOT, src)
    for profile in ("intern", "oeffentlich"):
        status, warnings = build(src, work / "out", profile)
        assert status == 0, warnings
        assert "WARNING" not in warnings and "ERROR" not in warnings, warnings
    return work / "out"


def test_public_output_contains_no_canary(canary: Path) -> None:
    found = [
        (name, word)
        for name, text in all_text(canary / "oeffentlich")
        for word in (*CANARIES, *INTERNAL_IDS)
        if word.lower() in text.lower()
    ]
    assert found == []
    # the scan really opened the compressed files
    names = {name for name, _text in all_text(canary / "oeffentlich")}
    assert {"objects.inv", "auswertung/auswertung.xlsx", "needs.json", "searchindex.js", "metrics.json"} <= names


def test_internal_output_contains_every_canary(canary: Path) -> None:
    text = "\n".join(t for _n, t in all_text(canary / "intern")).lower()
    assert [w for w in (*CANARIES, *INTERNAL_IDS) if w.lower() not in text] == []


def test_public_site_keeps_public_pages_and_items(canary: Path) -> None:
    public = canary / "oeffentlich"
    assert (public / "institutions/alpha/index.html").is_file()
    assert (public / "institutions/beta/offen.html").is_file()  # public page of an internal institution
    assert not (public / "institutions/alpha/audits.html").exists()  # internal page
    assert not (public / "institutions/beta/index.html").exists()  # institution default "intern"
    assert not (public / "_sources").exists() or not any((public / "_sources").iterdir())
    manifest = json.loads((public / ".qm-ausgabe.json").read_text(encoding="utf-8"))
    assert "institutions/alpha/audits" not in manifest["seiten"] and "institutions/alpha/index" in manifest["seiten"]
    needs = json.loads((public / "needs.json").read_text(encoding="utf-8"))
    ids = set(needs["versions"][needs["current_version"]]["needs"])
    assert {"A1_MINI_E1_1", "A1_NW_LEITBILD", "B1_PR_ANMELDUNG"} <= ids
    assert ids.isdisjoint(INTERNAL_IDS)


def test_link_to_internal_item_shows_plain_marker(canary: Path) -> None:
    page = soup(canary / "oeffentlich" / "institutions/alpha/umsetzung.html")
    card = need_card(page, "A1_MINI_E1_1")
    line = card_field(card, "belegt durch")
    markers = line.find_all(class_="qm-intern")
    # one marker for the two internal records, the public record still linked
    assert [m.get_text() for m in markers] == ["intern"]
    assert all(m.find_parent("a") is None for m in markers)
    assert [a["href"].rpartition("#")[2] for a in line.find_all("a")] == ["A1_NW_LEITBILD"]
    assert "Zaunkoenig" not in card.get_text()
    internal = soup(canary / "intern" / "institutions/alpha/umsetzung.html")
    internal_line = card_field(need_card(internal, "A1_MINI_E1_1"), "belegt durch")
    assert {a["href"].rpartition("#")[2] for a in internal_line.find_all("a")} >= {"A1_NW_ZAUNKOENIG", "A1_NW_KLEIBER"}


def test_public_pages_carry_the_content_security_policy(canary: Path) -> None:
    page = soup(canary / "oeffentlich" / "index.html")
    meta = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None and "script-src 'self'" in meta["content"]
    assert soup(canary / "intern" / "index.html").find("meta", attrs={"http-equiv": "Content-Security-Policy"}) is None


def test_aggregates_stay_in_the_public_exports(canary: Path) -> None:
    def readiness(profile: str) -> dict[str, object]:
        data = json.loads((canary / profile / "metrics.json").read_text(encoding="utf-8"))
        return {i["code"]: (i["readiness"], i["gap_counts"]) for i in data["institutions"]}

    assert readiness("oeffentlich") == readiness("intern")


def test_leak_check_fails_the_build_and_names_the_file(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    page = src / "institutions" / "alpha" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSiehe auch A1_NW_ZAUNKOENIG.\n", encoding="utf-8")
    assert build(src, tmp_path / "out", "intern")[0] == 0
    status, warnings = build(src, tmp_path / "out", "oeffentlich")
    assert status == 1
    assert "oeffentlich/institutions/alpha/index.html:1: ERROR: Die öffentliche Ausgabe enthält die ID" in warnings
    assert "A1_NW_ZAUNKOENIG" in warnings and "[qm.public_leak]" in warnings


# --- the real demo network -------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_public(demo: DemoBuild) -> Path:
    """The public profile of the demo, written from the demo build's doctrees (no re-reading)."""
    out = demo.outdir.parent
    status, warnings = build(REPO, out, "oeffentlich")
    assert status == 0, warnings
    # no leak, no personal data, no unsafe content on the public demo site
    assert "WARNING" not in warnings and "ERROR" not in warnings, warnings
    return out / "oeffentlich"


def test_demo_public_site_shows_every_institutions_public_pages(demo: DemoBuild, demo_public: Path) -> None:
    for folder in sorted((REPO / "institutions").iterdir()):
        if not (folder / "einrichtung.toml").is_file():
            continue
        for name in ("index", "leitbild", "organisation", "prozesse"):
            assert (demo_public / "institutions" / folder.name / f"{name}.html").is_file(), (folder.name, name)
    # marked internal in their front matter
    assert not (demo_public / "institutions/vhs-leipziger-land/audits.html").exists()
    assert not (demo_public / "institutions/vhs-leipziger-land/nachweise.html").exists()
    assert (demo.outdir / "institutions/vhs-leipziger-land/audits.html").is_file()
    assert not list(demo_public.rglob("*.pdf"))
    start = soup(demo_public / "institutions/vhs-leipziger-land/index.html")
    assert start.find(class_="qm-pdf-download") is None
    assert "Interne Audits" not in text_of(start.find(class_="sidebar-tree") or start)


def test_pdfs_only_from_the_internal_profile(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    warning = StringIO()
    with docutils_namespace(), pytest.raises(Exception, match="nur aus der internen Fassung"):
        Sphinx(
            srcdir=src,
            confdir=src,
            outdir=tmp_path / "pdf",
            doctreedir=tmp_path / "doctrees",
            buildername="qmpdf",
            status=StringIO(),
            warning=warning,
            confoverrides={"handbook_profil": "oeffentlich"},
        )
