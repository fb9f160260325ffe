"""Content security: one test per rule, each with the German message, file:line and clean output.

One page of a copy of the canary root (``tests/roots/test-publish``) breaks every rule
once, at a known line; a second page is a symlink to a file outside the project. Both
profiles are built; the warnings must name file and line, and no built page may hold
anything executable or any text of the files outside.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_publish import ROOT, build

from qm_handbook.publish.security import SecurityPolicy, allowed_snippet, contacts_in, executable, unsafe_url

PAGE = """\
---
orphan: true
myst:
  html_meta:
    "http-equiv=refresh": "0; url=https://example.org/"
---

# Unsichere Seite

<script>alert("block")</script>

Text mit <img src="x" onerror="alert(1)"> Bild.

```{raw} html
<b onclick="alert(2)">raw</b>
```

```{eval-rst}
Erster Absatz.

.. raw:: html

   <iframe src="https://example.org"></iframe>

Ein `Link <javascript:alert(3)>`_ im rST.
```

```{include} ../../../geheim.txt
```

```{literalinclude} ../beta/einrichtung.toml
```

<br>

Kontakt: max.muster@vhs-alpha.de oder 0341 1234567; Zentrale: info@vhs-alpha.de.
"""
POLICY = """
[sicherheit]
oeffentliche_kontakte = ["info@vhs-alpha.de"]

[[sicherheit.html]]
name = "Zeilenumbruch"
html = "<br>"
"""
EXECUTABLE = re.compile(r"<script>alert|onerror|onclick|<iframe|javascript:|http-equiv=\"refresh", re.I)


def line_of(text: str) -> int:
    return next(n for n, line in enumerate(PAGE.splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def unsafe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    work = tmp_path_factory.mktemp("security")
    src = work / "project"
    shutil.copytree(ROOT, src)
    (work / "geheim.txt").write_text("GEHEIM_AUSSERHALB\n", encoding="utf-8")
    (work / "fremd.md").write_text("---\norphan: true\n---\n\n# Fremd\n\nFREMDER_INHALT\n", encoding="utf-8")
    pages = src / "institutions" / "alpha"
    (pages / "unsicher.md").write_text(PAGE, encoding="utf-8")
    (pages / "verweis.md").symlink_to(work / "fremd.md")
    network = src / "netzwerk.toml"
    network.write_text(network.read_text(encoding="utf-8") + POLICY, encoding="utf-8")
    builds = {}
    for profile in ("intern", "oeffentlich"):
        status, warnings = build(src, work / "out", profile)
        assert status == 0  # no -W here: the pages are cleaned, the warnings name the problems
        builds[profile] = (work / "out" / profile, warnings)
    return builds


def warning_at(warnings: str, line: int, code: str, page: str = "unsicher.md") -> str:
    pattern = re.compile(rf"institutions/alpha/{page}:{line}: WARNING: (.*) \[qm\.{code}\]")
    found = pattern.search(warnings)
    assert found, (line, code, warnings)
    return found.group(1)


@pytest.mark.parametrize("profile", ["intern", "oeffentlich"])
def test_output_holds_nothing_executable_or_foreign(unsafe: dict[str, tuple[Path, str]], profile: str) -> None:
    outdir, _warnings = unsafe[profile]
    for name in ("unsicher", "verweis"):
        text = (outdir / "institutions" / "alpha" / f"{name}.html").read_text(encoding="utf-8")
        assert not EXECUTABLE.search(text), name
        assert "GEHEIM_AUSSERHALB" not in text and "FREMDER_INHALT" not in text
    # the allow-listed snippet stays
    assert "<br>" in (outdir / "institutions" / "alpha" / "unsicher.html").read_text(encoding="utf-8")


def test_html_block_with_script(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of("<script>"), "raw_html")
    assert "HTML im Seitentext ist nicht erlaubt" in message and "<script>-Element" in message


def test_inline_html_with_event_handler(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of("onerror"), "raw_html")
    assert "Ereignis-Attribut" in message


def test_raw_directive(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of("{raw} html"), "raw_directive")
    assert message.startswith("Die raw-Direktive ist nicht erlaubt")


def test_raw_directive_inside_eval_rst_with_iframe(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of(".. raw:: html"), "raw_directive")
    assert "iframe" in message


def test_javascript_url(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of("javascript:"), "unsafe_url")
    assert "javascript:alert(3)" in message and "Code ausführen" in message


def test_include_outside_the_project(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of("{include}"), "include_outside")
    assert "„include“ von „../../../geheim.txt“ ist nicht erlaubt" in message


def test_literalinclude_climbing_out_of_the_institution(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], line_of("{literalinclude}"), "include_outside")
    assert "„institutions/alpha/“ und „handbook/“" in message


def test_symlink_leaving_the_project(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], 1, "symlink_outside", page="verweis.md")
    assert "außerhalb des Projekts" in message


def test_front_matter_refresh(unsafe: dict[str, tuple[Path, str]]) -> None:
    message = warning_at(unsafe["intern"][1], 1, "meta_refresh")
    assert "http-equiv: refresh" in message


def test_personal_data_on_public_pages_only(unsafe: dict[str, tuple[Path, str]]) -> None:
    warnings = unsafe["oeffentlich"][1]
    line = line_of("max.muster@vhs-alpha.de")
    assert "„max.muster@vhs-alpha.de“" in warning_at(warnings, line, "personal_data")
    assert "„0341 1234567“" in warnings
    assert "info@vhs-alpha.de" not in warnings  # listed as public in netzwerk.toml
    assert "[qm.personal_data]" not in unsafe["intern"][1]


def test_rules_as_pure_functions() -> None:
    policy = SecurityPolicy(allowed_html={"Umbruch": "<br>", "Video": '<iframe src="x"></iframe>'})
    assert allowed_snippet("<br>", policy) == "Umbruch"
    assert allowed_snippet("<br/>", policy) is None
    assert allowed_snippet('<iframe src="x"></iframe>', policy) is None  # executable: never allowed
    assert executable('<a href="#" onmouseover="x()">') is not None
    assert executable("<b>fett</b>") is None
    assert unsafe_url(" JavaScript:alert(1)") and unsafe_url("data:text/html;base64,xx")
    assert not unsafe_url("https://example.org/javascript:")
    assert contacts_in("Stand 2026-11-27, PLZ 04643, Tel. 034341 42936", frozenset({"03434142936"})) == []
    assert contacts_in("Tel. +49 341 1234567", frozenset()) == ["+49 341 1234567"]
    assert contacts_in("Beispiel: m.muster@example.org, info@vhs.example", frozenset()) == []
    assert contacts_in("m.muster@vhs-muster.de", frozenset()) == ["m.muster@vhs-muster.de"]


def test_catalog_text_is_escaped_in_generated_pages(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    catalog = src / "katalog" / "mini-1.0.toml"
    text = catalog.read_text(encoding="utf-8")
    hostile = "<script>alert(1)</script> {raw}`x` [Link](javascript:alert(2))\\n```{raw} html\\n<b>fett</b>\\n```"
    catalog.write_text(text.replace('"Die Einrichtung hat ein Leitbild."', f'"{hostile}"'), encoding="utf-8")
    status, warnings = build(src, tmp_path / "out", "intern")
    assert status == 0 and "WARNING" not in warnings, warnings
    page = (tmp_path / "out" / "intern" / "katalog" / "_generiert" / "mini-1.0" / "e1.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and 'href="javascript' not in page and "<b>fett</b>" not in page
    # shown as written, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "```{raw} html" in page
