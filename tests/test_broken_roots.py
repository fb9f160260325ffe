"""Broken MyST pages: every problem is reported in German with file and line, the build goes on.

The ``broken`` test root holds one page per kind of damage (broken page header, unknown
directive and options, duplicate ID, unknown link, empty page, heading jump); a page in
Latin-1 is written by the fixture. Expected lines are looked up in the sources.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from conftest import soup, text_of

ROOT = Path(__file__).parent / "roots" / "test-broken"
PAGES = "institutions/alpha"


@dataclass
class Build:
    srcdir: Path
    outdir: Path
    warnings: list[str]
    status: str
    statuscode: int

    def line_of(self, page: str, needle: str) -> int:
        lines = (self.srcdir / PAGES / page).read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if needle in line)

    def find(self, code: str) -> list[str]:
        return [w for w in self.warnings if w.endswith(f"[{code}]")]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Build]:
    src = tmp_path_factory.mktemp("broken") / "src"
    shutil.copytree(ROOT, src)
    (src / PAGES / "alt.md").write_bytes("# Alte Seite\n\nGrüße aus Köln.\n".encode("latin-1"))
    warning, status = StringIO(), StringIO()
    app = SphinxTestApp("html", srcdir=src, freshenv=True, status=status, warning=warning,
                        warningiserror=True, keep_going=True)  # fmt: skip
    try:
        app.build(force_all=True)
    finally:
        app.cleanup()  # restores docutils' registries for the other tests
    text = re.sub(r"\x1b\[[0-9;]*m", "", warning.getvalue()).replace(str(src) + "/", "")
    yield Build(
        srcdir=src,
        outdir=Path(app.outdir),
        warnings=[w for w in text.strip().splitlines() if "while setting up extension" not in w],
        status=status.getvalue(),
        statuscode=app.statuscode,
    )


def _one(build: Build, code: str, page: str, line: int, german: str) -> None:
    found = [w for w in build.find(code) if w.startswith(f"{PAGES}/{page}:{line}:")]
    assert len(found) == 1, (code, page, line, build.warnings)
    assert german in found[0]


def test_no_traceback_and_the_rest_is_built(broken: Build) -> None:
    assert "Traceback" not in "\n".join(broken.warnings) + broken.status
    assert broken.statuscode == 1  # the build finished (--keep-going) and fails because of the warnings
    assert (broken.outdir / "index.html").exists()
    # the good pages and the damaged but readable ones are written
    for page in ("bereich", "kopf", "optionen", "ebenen"):
        assert (broken.outdir / PAGES / f"{page}.html").exists(), page
    assert "Der Rest der Seite wird trotzdem gebaut." in text_of(soup(broken.outdir / PAGES / "kopf.html"))


def test_every_warning_is_german_with_a_code(broken: Build) -> None:
    for warning in broken.warnings:
        assert re.search(r"\[(qm|myst|needs|toc)\.[a-z_]+\]$", warning), warning
        assert re.search(r"[äöüßÄÖÜ„“]| Sie |Seite|Die |Der |Das ", warning), warning


def test_broken_page_header(broken: Build) -> None:
    _one(broken, "myst.topmatter", "kopf.md", 1, "Der Seitenkopf (zwischen den Zeilen „---“) ist kein gültiges YAML.")


def test_unknown_directive_option(broken: Build) -> None:
    line = broken.line_of("optionen.md", ":klass:")  # MyST names the option's line
    _one(broken, "myst.directive_option", "optionen.md", line,
         "Die Direktive „note“ kennt die Option „:klass:“ nicht; sie wird ignoriert. Meinten Sie „class“?")  # fmt: skip


def test_unknown_directive(broken: Build) -> None:
    line = broken.line_of("optionen.md", "```{umsetzng}")
    _one(broken, "myst.directive_unknown", "optionen.md", line,
         "Die Direktive „umsetzng“ gibt es nicht; der Block wird nicht ausgewertet. "
         "Meinten Sie „umsetzung“?")  # fmt: skip


def test_unknown_need_option(broken: Build) -> None:
    line = broken.line_of("optionen.md", "{nachweis} Leitbild-Aushang")
    _one(broken, "needs.directive", "optionen.md", line,
         "Die Option „:verantwortich:“ ist für Einträge nicht vorgesehen; sie wird ignoriert. "
         "Meinten Sie „verantwortlich“?")  # fmt: skip


def test_duplicate_id_names_both_places(broken: Build) -> None:
    line = broken.line_of("optionen.md", "{umsetzung} Noch einmal")
    first = broken.line_of("bereich.md", "{umsetzung} Leitbild")
    _one(broken, "qm.duplicate_id", "optionen.md", line,
         f"Die Kennung A1_MINI_E1_1 ist doppelt vergeben, zuerst in {PAGES}/bereich.md:{first}.")  # fmt: skip
    assert not broken.find("needs.create_need")


def test_unknown_link_target(broken: Build) -> None:
    line = broken.line_of("optionen.md", "{massnahme} Ziele prüfen")
    _one(broken, "qm.unknown_link", "optionen.md", line,
         "A1_MA_02 verweist bei „verbessert“ auf „A1_MINI_E1_9“, die es nicht gibt. "
         "Meinten Sie „A1_MINI_E1_1“?")  # fmt: skip
    assert not broken.find("needs.link_outgoing")


def test_empty_page(broken: Build) -> None:
    _one(broken, "qm.empty_page", "leer.md", 1, "Die Seite ist leer.")
    assert any("Die Seite „institutions/alpha/leer“ hat keine Überschrift" in w for w in broken.find("toc.no_title"))


def test_page_in_wrong_encoding_is_left_out(broken: Build) -> None:
    _one(broken, "qm.file_encoding", "alt.md", 3, "Die Seite ist nicht UTF-8-kodiert (Zeichen 0xFC in Zeile 3)")
    assert any("„institutions/alpha/alt“, die es nicht gibt" in w for w in broken.find("toc.not_readable"))
    assert not (broken.outdir / PAGES / "alt.html").exists()


def test_heading_jump(broken: Build) -> None:
    line = broken.line_of("ebenen.md", "### Zu tief")
    _one(broken, "myst.header", "ebenen.md", line, "Die Überschriftenebene springt von 1 auf 3.")


def test_institution_page_without_header(broken: Build) -> None:
    _one(broken, "qm.frontmatter_missing", "leer.md", 1, "Die Seite hat keinen Seitenkopf")
