"""Second round of bad inputs: each one answered in German with file and line, never a traceback.

One copy of the basic test root gets many independent breakages (each in its own file or
key), one fast check (Sphinx's dummy builder) runs over it, and every test looks for its
own message at the expected place. A separate HTML build shows that hostile text in a
catalog is rendered as text, and the build runner shows that an unexpected exception
ends as a German message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace
from test_generated_pages import _tree

from conftest import REPO, html_app, uncoloured

BASIC = Path(__file__).parent / "roots" / "test-basic"

HEADER = """---
fassung: "1.0"
status: freigegeben
verantwortlich: QMB
freigegeben_von: Leitung
freigegeben_am: 2026-01-15
naechste_pruefung: 2027-01-15
sichtbarkeit: intern
---

"""
LONG_ID = "A1_" + "SEHR_LANGE_KENNUNG_" * 4

PAGES = {
    "kopf-offen.md": '---\nfassung: "1.0"\nstatus: freigegeben\n\n# Kopf offen\n\nText.\n',
    "kopf-doppelt.md": HEADER.replace("sichtbarkeit: intern\n", "sichtbarkeit: intern\nstatus: Entwurf\n")
    + "# Doppelt\n",
    "block-offen.md": HEADER
    + "# Block offen\n\n```{massnahme} Erste\n:id: A1_MA_OFFEN\n:status: offen\n\nText ohne Ende\n\n"
    "```{massnahme} Zweite\n:id: A1_MA_ZWEI\n:status: offen\n```\n",
    "lange-id.md": HEADER + f"# Lang\n\n```{{massnahme}} Lang\n:id: {LONG_ID}\n:status: offen\n```\n",
    "ohne-titel.md": HEADER + "# Ohne Titel\n\n```{massnahme}\n:id: A1_MA_OHNE\n:status: offen\n```\n",
    "bild.md": HEADER + "# Bild\n\n![Plan](fehlt.png)\n\n```{include} gibt-es-nicht.md\n```\n",
    "direktiven.md": HEADER + "# Direktiven\n\n```{qm-einrichtungen}\n:region: gibtsnicht\n```\n\n"
    "```{qm-regionen}\n:tiefe: 2\n```\n",
    "veraltet.md": HEADER.replace("---\n\n", "html_meta:\n  description: x\n---\n\n", 1) + "# Veraltet\n",
}


@dataclass
class Checked:
    src: Path
    warnings: str
    lines: list[str]
    found_docs: set[str]
    before: dict[str, str]
    after: dict[str, str]

    def at(self, place: str, text: str) -> str:
        """The one warning that starts with ``place`` (file:line) and contains ``text``."""
        hits = [w for w in self.lines if w.startswith(place) and text in w]
        assert hits, f"{place} {text!r} not in:\n{self.warnings}"
        return hits[0]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def _break(src: Path, outside: Path) -> None:
    alpha = src / "institutions" / "alpha"
    for name, text in PAGES.items():
        (alpha / name).write_text(text, encoding="utf-8")
    (alpha / "tot.md").symlink_to(alpha / "gibt-es-nicht.md")
    secret = outside / "geheim.md"
    secret.write_text("# Geheim\n\nNicht veröffentlichen.\n", encoding="utf-8")
    (alpha / "geheim.md").symlink_to(secret)
    toml = alpha / "einrichtung.toml"
    _replace(toml, "fiktiv = true", 'fiktiv = "ja"\nzielgruppen = "Senioren"')
    _replace(toml, "[zertifizierung]", '[qm]\npartner_cross_audit = "Z9"\n\n[zertifizierung]')
    _replace(
        src / "katalog" / "mini-1.0.toml",
        'text = "Die Einrichtung hat ein Leitbild."',
        'text = "Die Einrichtung hat ein Leitbild."\nbezuege = "ISO 9001"',
    )
    _replace(src / "katalog" / "mini-1.0.toml", "illustrativ = true", "illustrativ = 1")
    _replace(src / "netzwerk.toml", "fiktiv = true", 'fiktiv = "wahr"')
    (src / "institutions" / "beta").mkdir()
    (src / "institutions" / "beta" / "index.md").write_text("# Beta\n", encoding="utf-8")
    (src / "institutions" / "gamma").mkdir()
    (src / "institutions" / "gamma" / "einrichtung.toml").write_bytes('name = "Gämma"\n'.encode("latin-1"))
    (src / "treffen.md").write_text(
        "---\norphan: true\n---\n\n# Treffen\n\n```{treffen} Frühjahrstreffen\n:id: NETZ_TR_1\n"
        ":datum: 2026-03-01\n:gastgeber: Z9\n:status: geplant\n```\n",
        encoding="utf-8",
    )


def check(src: Path, out: Path) -> tuple[str, set[str]]:
    """The fast check of ``src``: its warnings and the pages Sphinx found."""
    warning = StringIO()
    with docutils_namespace():
        app = Sphinx(
            srcdir=src,
            confdir=src,
            outdir=out / "check",
            doctreedir=out / "doctrees",
            buildername="dummy",
            status=StringIO(),
            warning=warning,
            freshenv=True,
        )
        app.build()
        docs = set(app.env.found_docs)
    return uncoloured(warning.getvalue()).replace(str(src) + "/", ""), docs


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checked]:
    root = tmp_path_factory.mktemp("bad")
    src = root / "src"
    shutil.copytree(BASIC, src, ignore=shutil.ignore_patterns("_generiert", "_regionen"))
    (root / "outside").mkdir()
    _break(src, root / "outside")
    before = _tree(src)
    warnings, docs = check(src, root / "out")
    yield Checked(src, warnings, warnings.splitlines(), docs, before, _tree(src))


ALPHA = "institutions/alpha/"


def test_no_traceback_and_no_english_only_message(checked: Checked) -> None:
    assert "Traceback" not in checked.warnings
    assert "Exception occurred" not in checked.warnings
    for line in checked.lines:
        if "WARNING" in line or "CRITICAL" in line or "ERROR" in line:
            assert line.rstrip().endswith("]"), line  # every message carries its code
            assert any(c in line for c in "äöüßÄÖÜ„") or " Sie " in line, f"not German: {line}"


def test_user_files_unchanged(checked: Checked) -> None:
    changed = [rel for rel, digest in checked.before.items() if checked.after.get(rel) != digest]
    assert changed == []


def test_data_file_problems_before_the_environment_exists(checked: Checked) -> None:
    checked.at("institutions/beta/einrichtung.toml:1:", "fehlt die Datei einrichtung.toml")
    checked.at("institutions/gamma/einrichtung.toml:1:", "nicht UTF-8-kodiert")


def test_dangling_symlink_is_reported_and_left_out(checked: Checked) -> None:
    checked.at(f"{ALPHA}tot.md:1:", "symbolischer Link auf eine Datei, die es nicht gibt")
    assert f"{ALPHA}tot" not in checked.found_docs


def test_symlink_out_of_the_project_is_reported_once_and_not_read(checked: Checked) -> None:
    warnings = [w for w in checked.lines if w.startswith(f"{ALPHA}geheim.md:")]
    assert len(warnings) == 1, warnings  # the page scan does not check the foreign file
    assert "außerhalb des Projekts" in warnings[0] and warnings[0].endswith("[qm.symlink_outside]")


@pytest.mark.parametrize(
    ("file", "needle", "message"),
    [
        (f"{ALPHA}einrichtung.toml", "zielgruppen", "„zielgruppen“ muss eine Liste von Texten sein, ist aber ein Text"),
        (f"{ALPHA}einrichtung.toml", "fiktiv", "„fiktiv“ muss true oder false"),
        ("katalog/mini-1.0.toml", "bezuege", "„bezuege“ muss eine Liste von Texten sein, ist aber ein Text"),
        ("katalog/mini-1.0.toml", "illustrativ", "„illustrativ“ muss true oder false (ohne Anführungszeichen) sein, "
         "ist aber eine Zahl"),
        ("netzwerk.toml", "fiktiv", "„fiktiv“ muss true oder false"),
    ],
)  # fmt: skip
def test_wrong_toml_type_names_line_and_expected_type(checked: Checked, file: str, needle: str, message: str) -> None:
    warning = checked.at(f"{file}:{_line(checked.src / file, needle)}:", message)
    assert "[qm.wrong_type]" in warning


def test_string_where_a_list_belongs_never_becomes_letters(checked: Checked) -> None:
    from qm_handbook.model.institutions import load_institution

    institution, _problems = load_institution(checked.src / ALPHA / "einrichtung.toml", {"nord"})
    assert institution is not None
    assert institution.target_groups == ()


def test_cross_references_between_data_files(checked: Checked) -> None:
    toml = checked.src / ALPHA / "einrichtung.toml"
    checked.at(f"{ALPHA}einrichtung.toml:{_line(toml, 'partner_cross_audit')}:", "„Z9“ bei „partner_cross_audit“")
    meeting = checked.at(f"treffen.md:{_line(checked.src / 'treffen.md', '```{treffen}')}:", "„Gastgeber“")
    assert "[qm.unknown_reference]" in meeting


def test_unclosed_front_matter(checked: Checked) -> None:
    checked.at(f"{ALPHA}kopf-offen.md:1:", "wird nicht mit einer zweiten Zeile „---“ geschlossen")
    german = checked.at(f"{ALPHA}kopf-offen.md:1:", "beginnt mit einer Trennlinie")
    assert german.endswith("[docutils]")  # the original code stays for suppress_warnings


def test_duplicate_front_matter_key(checked: Checked) -> None:
    line = _line(checked.src / ALPHA / "kopf-doppelt.md", "status: Entwurf")
    checked.at(f"{ALPHA}kopf-doppelt.md:{line}:", "„status“ steht zweimal im Seitenkopf (zuerst in Zeile 3)")


def test_unclosed_directive_fence(checked: Checked) -> None:
    page = checked.src / ALPHA / "block-offen.md"
    opening, following = _line(page, "Erste"), _line(page, "Zweite")
    checked.at(f"{ALPHA}block-offen.md:{opening}:", f"nicht geschlossen, bevor in Zeile {following}")


def test_too_long_id_is_rejected(checked: Checked) -> None:
    line = _line(checked.src / ALPHA / "lange-id.md", ":id:")
    checked.at(f"{ALPHA}lange-id.md:{line}:", "erlaubt sind höchstens 64")
    rejected = [w for w in checked.lines if "lange-id.md" in w and "ist länger als 64 Zeichen" in w]
    assert rejected and rejected[0].endswith("[needs.create_need]")  # sphinx-needs drops it, in German


@pytest.mark.parametrize(
    ("page", "needle", "german", "code"),
    [
        ("ohne-titel.md", "```{massnahme}", "Der Eintrag hat keinen Titel", "[needs.directive]"),
        ("bild.md", "![Plan]", "Die Bilddatei „institutions/alpha/fehlt.png“ gibt es nicht", "[image.not_readable]"),
        ("bild.md", "```{include}", "Die eingebundene Datei „gibt-es-nicht.md“ gibt es nicht", "[docutils]"),
        ("veraltet.md", "---", "Der Schlüssel „html_meta“ gehört nicht mehr direkt in den Seitenkopf",
         "[myst.topmatter]"),
    ],
)  # fmt: skip
def test_foreign_messages_in_german_with_their_code(
    checked: Checked, page: str, needle: str, german: str, code: str
) -> None:
    line = _line(checked.src / ALPHA / page, needle)
    hits = [w for w in checked.lines if f"{ALPHA}{page}:{line}:" in w and german in w]
    assert hits, checked.warnings
    assert hits[0].rstrip().endswith(code)
    assert "kein gültiges YAML" not in hits[0]


HOSTILE_TITLE = "Führung <b>fett</b> *betont*"
HOSTILE_TEXT = 'Text mit <script>alert("x")</script> und {ref}`ziel` sowie\n````\n% kein Kommentar\n- keine Liste'


@pytest.mark.sphinx
def test_values_from_data_files_are_text_not_markup(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(BASIC, src, ignore=shutil.ignore_patterns("_generiert", "_regionen"))
    catalog = src / "katalog" / "mini-1.0.toml"
    _replace(catalog, 'titel = "Führung"', f'titel = "{HOSTILE_TITLE}"')
    _replace(catalog, 'text = "Die Einrichtung hat ein Leitbild."', f"text = '''{HOSTILE_TEXT}'''")
    _replace(src / "netzwerk.toml", 'name = "Region Nord"', 'name = "Nord <i>kursiv</i> [Link](http://x)"')
    warning = StringIO()
    with docutils_namespace():
        html_app(src, tmp_path / "out", warning).build()
    page = (tmp_path / "out" / "html" / "katalog" / "_generiert" / "mini-1.0" / "e1.html").read_text(encoding="utf-8")
    # one paragraph of literal text: no script element, no role, no fence, no comment, no list
    assert "<p>Text mit &lt;script&gt;alert(„x“)&lt;/script&gt; und {ref}`ziel` sowie\n````\n% kein Kommentar\n" in page
    assert "- keine Liste</p>" in page
    assert "alert(" not in page.replace("&lt;script&gt;alert(", "")
    assert "<h1>E1 Führung &lt;b&gt;fett&lt;/b&gt; *betont*" in page
    region = (tmp_path / "out" / "html" / "institutions" / "_regionen" / "nord.html").read_text(encoding="utf-8")
    assert "<h1>Nord &lt;i&gt;kursiv&lt;/i&gt; [Link](http://x)" in region
    assert "Traceback" not in warning.getvalue()


def test_unexpected_exception_becomes_a_german_message(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(BASIC, src, ignore=shutil.ignore_patterns("_generiert", "_regionen"))
    (src / "kaputt.py").write_text(
        "def setup(app):\n"
        "    def boom(app, docname, source):\n"
        "        if docname.endswith('bereich'):\n"
        "            raise ValueError('kaputt')\n"
        "    app.connect('source-read', boom)\n",
        encoding="utf-8",
    )
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\nextensions.append('kaputt')\n")
    env = {**os.environ, "PYTHONPATH": str(REPO / "ext"), "TMPDIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "qm_handbook.commands.guard", "-b", "dummy", "-q", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=src,
        check=False,
    )
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and 'File "' not in run.stderr
    assert "unerwarteten Fehler" in run.stderr
    assert "Zuletzt bearbeitete Datei: institutions/alpha/bereich.md" in run.stderr
    assert "ValueError: kaputt" in run.stderr
    assert "Bitte melden Sie ihn" in run.stderr


def test_generated_folders_ignore_themselves_in_version_control(checked: Checked) -> None:
    for folder in ("katalog/_generiert", "institutions/_regionen"):
        lines = (checked.src / folder / ".gitignore").read_text(encoding="utf-8").splitlines()
        assert "*" in lines, folder


def test_data_file_linked_from_outside_is_not_published(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(BASIC, src, ignore=shutil.ignore_patterns("_generiert", "_regionen"))
    outside = tmp_path / "fremd" / "einrichtung.toml"
    outside.parent.mkdir()
    shutil.move(src / ALPHA / "einrichtung.toml", outside)
    (src / ALPHA / "einrichtung.toml").symlink_to(outside)
    warnings, _docs = check(src, tmp_path / "out")
    line = next(w for w in warnings.splitlines() if w.startswith(f"{ALPHA}einrichtung.toml:1:"))
    assert "außerhalb des Projekts" in line and line.endswith("[qm.symlink_outside]")
    region_page = (src / "institutions" / "_regionen" / "nord.md").read_text(encoding="utf-8")
    assert "Zu diesem Regionalnetzwerk gehören 0 Einrichtungen." in region_page  # the profile was not read
    assert "Traceback" not in warnings


def test_report_directives_with_unknown_values(checked: Checked) -> None:
    page = checked.src / ALPHA / "direktiven.md"
    region = checked.at(f"{ALPHA}direktiven.md:{_line(page, '{qm-einrichtungen}')}:", "Die Region „gibtsnicht“ gibt es")
    assert region.endswith("[qm.unknown_reference]")
    line = _line(page, "{qm-regionen}")
    checked.at(f"{ALPHA}direktiven.md:{line}:", "„qm-regionen“ erwartet weder Text hinter ihrem Namen noch Inhalt")
