"""``neu``: scaffold a new institution and new entries in a temporary copy of the demo project.

The command tests run without Sphinx (milliseconds); one build of the scaffolded copy
checks that the new handbook is warning-free and shows up in the overviews.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from sphinx.util.docutils import docutils_namespace

from conftest import REPO, html_app, soup, text_of, uncoloured
from qm_handbook.commands import neu
from qm_handbook.commands.cli import main as report_main
from qm_handbook.commands.items import next_id
from qm_handbook.commands.network_edit import NetworkEditError, add_to_rotation
from qm_handbook.model.catalog import load_catalogs
from qm_handbook.model.metamodel import load_metamodel

GUIDE = REPO / "handbook/mitarbeit"


def guide_blocks(page: str, language: str) -> list[str]:
    """The code blocks of one language in a guide page (the examples the guide shows)."""
    text = (GUIDE / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def guide_command(page: str, start: str) -> list[str]:
    """The arguments after ``--`` of the guide's command line that starts with ``start``."""
    lines = [line for block in guide_blocks(page, "bash") for line in block.splitlines()]
    line = next(line for line in lines if line.startswith(start))
    return shlex.split(line.split(" -- ", 1)[1])


#: The example of the guide page "Neue Einrichtung aufnehmen".
NEW = guide_command("neue-einrichtung.md", "python3 noxfile.py -s neu -- einrichtung")


def copy_project(target: Path) -> Path:
    """The demo project's sources (conf.py, handbook/, institutions/) in ``target``."""
    ignore = shutil.ignore_patterns("_generiert", "_regionen", ".qm-generiert.json")
    shutil.copytree(REPO / "handbook", target / "handbook", ignore=ignore)
    shutil.copytree(REPO / "institutions", target / "institutions", ignore=ignore)
    conf = (REPO / "conf.py").read_text(encoding="utf-8")
    (target / "conf.py").write_text(conf.replace('Path(__file__).parent / "ext"', repr(str(REPO / "ext"))))
    return target


def snapshot(root: Path) -> dict[str, str]:
    """Path -> hash of every file below ``root``."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def run(root: Path, *args: str) -> int:
    return neu.main(["--quelle", str(root), *args])


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "projekt")


def test_new_institution_files_stubs_and_rotation(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (project / "handbook/netzwerk.toml").read_text(encoding="utf-8")
    assert run(project, *NEW) == 0
    out = capsys.readouterr().out
    folder = project / "institutions/vhs-musterstadt"
    full = REPO / "institutions/vhs-leipziger-land"
    pages = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert pages == sorted(str(p.relative_to(full)) for p in full.rglob("*") if p.is_file())
    for page in pages:
        assert f"institutions/vhs-musterstadt/{page}" in out
    profile = tomllib.loads((folder / "einrichtung.toml").read_text(encoding="utf-8"))
    assert (profile["kuerzel"], profile["region"], profile["status"]) == ("W5", "west", "Einführung")
    catalog = next(iter(load_catalogs(REPO / "handbook/katalog", load_metamodel())[0].values()))
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((folder / "anforderungen").glob("*.md")))
    for req in catalog.requirements():
        block = text.split(f":id: W5_{req.need_id}\n", 1)[1].split("```", 1)[0]
        assert f":setzt_um: {req.need_id}\n" in block
        assert f":geprueft_gegen: {req.fingerprint}\n" in block
        assert ":status: geplant\n" in block
    assert text.count("{umsetzung}") == len(catalog.requirements())
    after = (project / "handbook/netzwerk.toml").read_text(encoding="utf-8")
    assert after == before.replace('"W3", "W4"]', '"W3", "W4", "W5"]')
    assert "W5 an die Gastgeber-Rotation der Region west angehängt" in out


def test_second_call_and_bad_arguments_change_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, *NEW) == 0
    state = snapshot(project)
    capsys.readouterr()
    assert run(project, *NEW) == 2
    assert "institutions/vhs-musterstadt gibt es schon" in capsys.readouterr().err
    bad_calls = [
        ["einrichtung", "vhs-anders", "--name", "Andere", "--kuerzel", "W5", "--region", "west"],  # code taken
        ["einrichtung", "vhs-anders", "--name", "Andere", "--kuerzel", "W6", "--region", "wst"],  # region typo
        ["einrichtung", "vhs-anders", "--name", "Andere", "--kuerzel", "W6"],  # region missing
        ["einrichtung", "../ausserhalb", "--name", "Andere", "--kuerzel", "W6", "--region", "west"],
        ["einrichtung", "vhs-anders", "--name", "Andere", "--kuerzel", "w6", "--region", "west"],
    ]
    messages = []
    for args in bad_calls:
        assert run(project, *args) == 2
        messages.append(capsys.readouterr().err)
    assert "hat schon Volkshochschule Musterstadt" in messages[0]
    assert "Meinten Sie „west“?" in messages[1]
    assert "Geben Sie mit --region" in messages[2]
    assert "Ordnername „../ausserhalb“ ist ungültig" in messages[3]
    assert "Kürzel „w6“ ist ungültig" in messages[4]
    with pytest.raises(SystemExit) as stop:
        run(project, "einrichtung", "vhs-anders")
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Fehler: Es fehlen die Angaben: --name, --kuerzel" in err
    assert "Traceback" not in "".join(messages) + err
    assert snapshot(project) == state


def test_items_get_the_next_free_id_and_are_appended(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = project / "institutions/vhs-leipziger-land/massnahmen.md"
    before = page.read_text(encoding="utf-8")
    due = ["--faellig-am", "2027-02-01"]
    assert run(project, "massnahme", "W1", "Neue Maßnahme", "--verantwortlich", "QMB", *due) == 0
    assert run(project, "massnahme", "W1", "Noch eine", "--verantwortlich", "QMB", "--verbessert", "W1_DQE_E1_5") == 0
    after = page.read_text(encoding="utf-8")
    assert after.startswith(before)
    added = after[len(before) :]
    assert ":id: W1_MA_07\n" in added and ":id: W1_MA_08\n" in added
    assert ":faellig_am: 2027-02-01\n" in added and ":verbessert: W1_DQE_E1_5\n" in added
    assert ":faellig_am: 2026-11-27\n" in added  # the as-of date of conf.py, said in the output
    assert "Fällig am: 2026-11-27 (Stichtag" in capsys.readouterr().out
    state = snapshot(project)
    assert run(project, "nachweis", "W1", "Ohne Verantwortliche") == 2
    assert "Das Pflichtfeld „Verantwortlich“ fehlt" in capsys.readouterr().err
    assert run(project, "nachweis", "W1", "Falscher Link", "--verantwortlich", "QMB", "--belegt", "W1_DQE_E9_9") == 2
    assert "„W1_DQE_E9_9“ gibt es nicht" in capsys.readouterr().err
    assert run(project, "befund", "W9", "Unbekannt", "--audit", "Audit") == 2
    assert "Die Einrichtung „W9“ gibt es nicht" in capsys.readouterr().err
    assert snapshot(project) == state


def test_next_id_counts_above_the_highest_number() -> None:
    existing = {"W1_MA_01", "W1_MA_06", "W1_BF_2025_03", "W1_NW_LEITBILD", "W2_MA_09"}
    assert next_id(existing, "W1", "MA") == "W1_MA_07"
    assert next_id(existing, "W1", "BF") == "W1_BF_04"
    assert next_id(existing, "W1", "NW") == "W1_NW_01"
    assert next_id(set(), "NETZ", "TR") == "NETZ_TR_01"


def test_rotation_edit_keeps_every_other_byte() -> None:
    text = (
        '# Netz\nname = "N"  # Kommentar\n\n[[region]]\nkuerzel = "a"\nname = "A"\n'
        'rotation = [\n  "A1",\n  "A2", # x\n]\n\n[[region]]\nkuerzel = "b"\nname = "B"\n'
    )
    edited = add_to_rotation(text, "a", "A3")
    assert tomllib.loads(edited)["region"][0]["rotation"] == ["A1", "A2", "A3"]
    assert edited.replace(', "A3"', "") == text
    edited = add_to_rotation(text, "b", "B1")
    assert edited == text + 'rotation = ["B1"]\n'
    flat = 'name = "Ein Verbund"\nrotation = ["V1"]\n'
    assert add_to_rotation(flat, "", "V2") == 'name = "Ein Verbund"\nrotation = ["V1", "V2"]\n'
    assert add_to_rotation('name = "N"\n', "", "V1") == 'name = "N"\nrotation = ["V1"]\n'
    with pytest.raises(NetworkEditError):
        add_to_rotation(text, "c", "C1")


def test_scaffolded_institution_builds_warning_free(tmp_path: Path) -> None:
    """The new handbook builds without a warning and appears on the landing page, matrix and report.

    Then it is removed again: the next build deletes its pages and its PDF from the output.
    """
    project = copy_project(tmp_path / "projekt")
    network = (project / "handbook/netzwerk.toml").read_bytes()
    assert run(project, *NEW) == 0
    link = ["--belegt", "W5_DQE_E1_1"]
    assert run(project, "nachweis", "W5", "Leitbild 2027", "--verantwortlich", "Leitung", *link) == 0
    warning = StringIO()
    with docutils_namespace():
        app = html_app(project, tmp_path / "out", warning, freshenv=True, confoverrides={"nitpicky": True})
        app.build(force_all=True)
    assert uncoloured(warning.getvalue()) == ""
    html = tmp_path / "out/html"
    cards = text_of(soup(html / "handbook/index.html").select_one("article"))
    assert "Volkshochschule Musterstadt" in cards
    cells = soup(html / "handbook/stand/matrix.html").select("td.qm-zelle a")
    new_cells = [c for c in cells if "vhs-musterstadt" in c["href"]]
    requirements = load_catalogs(project / "handbook/katalog", load_metamodel())[0]["DQE 1.0"].requirements()
    assert len(new_cells) == len(requirements) and {text_of(c) for c in new_cells} == {"geplant"}
    out, err = StringIO(), StringIO()
    args = ["report", "--metrics", str(html / "metrics.json"), "--einrichtung", "W5"]
    assert report_main(args, out=out, err=err) == 0
    assert "W5" in out.getvalue() and "Volkshochschule Musterstadt" in out.getvalue(), out.getvalue()
    needs = (html / "needs.json").read_text(encoding="utf-8")
    assert '"W5_NW_01"' in needs and '"W5_DQE_D4_5"' in needs

    # document register: every page of the institution with its header fields, overdue reviews marked
    rows = soup(html / "institutions/vhs-leipziger-land/stand.html").select("table.qm-dokumente tbody tr")
    pages = sorted((REPO / "institutions/vhs-leipziger-land").rglob("*.md"))
    assert len(rows) == len(pages)
    leitbild = next(r for r in rows if text_of(r).startswith("Leitbild und Qualitätsverständnis"))
    assert [text_of(td) for td in leitbild.select("td")][1:] == [
        "4.0",
        "freigegeben",
        "Leitung",
        "Leitung",
        "30.06.2024",
        "30.06.2026 (überfällig)",
        "nicht verfügbar",
    ]  # fmt: skip  (the copy is no git repository: no history, see test_githistory.py)
    new_rows = soup(html / "institutions/vhs-musterstadt/stand.html").select("table.qm-dokumente tbody tr")
    assert len(new_rows) == len(list((project / "institutions/vhs-musterstadt").rglob("*.md")))
    assert {text_of(r.select("td")[2]) for r in new_rows} == {"Entwurf"}
    draft = soup(html / "institutions/vhs-musterstadt/leitbild.html").select_one(".qm-entwurf-hinweis")
    assert draft is not None and "noch nicht freigegeben" in text_of(draft)

    (html / "pdf").mkdir(exist_ok=True)
    for slug in ("vhs-musterstadt", "vhs-leipziger-land"):  # as the PDF build would have left them
        (html / "pdf" / f"{slug}.pdf").write_bytes(b"%PDF-1.7\n")
    shutil.rmtree(project / "institutions/vhs-musterstadt")
    (project / "handbook/netzwerk.toml").write_bytes(network)
    warning = StringIO()
    with docutils_namespace():
        app = html_app(project, tmp_path / "out", warning, confoverrides={"nitpicky": True})
        app.build()
    assert uncoloured(warning.getvalue()) == ""
    left = [p for p in html.rglob("*") if "vhs-musterstadt" in str(p)]
    assert left == []
    # also not in the navigation of pages that were not read again; the guide page
    # "Neue Einrichtung aufnehmen" uses the same example in its text, but must not link it
    guide = html / "handbook/mitarbeit/neue-einrichtung.html"
    mentions = [p for p in html.rglob("*.html") if p != guide and "Musterstadt" in p.read_text(encoding="utf-8")]
    assert mentions == []
    assert [a["href"] for a in soup(guide).select("a[href]") if "vhs-musterstadt" in a["href"]] == []
    assert (html / "pdf/vhs-leipziger-land.pdf").is_file()
    assert (html / "institutions/vhs-leipziger-land/anforderungen/e1.html").is_file()
    assert "Volkshochschule Musterstadt" not in (html / "handbook/index.html").read_text(encoding="utf-8")


def test_network_without_regions_and_another_classification_builds_warning_free(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guide's example "Einen anderen Standard verwenden": one group, areas by "schwerpunkt"."""
    catalog, network = guide_blocks("anderer-standard.md", "toml")
    src = tmp_path / "verbund"
    (src / "katalog").mkdir(parents=True)
    (src / "katalog/lqx-2.toml").write_text(catalog, encoding="utf-8")
    (src / "netzwerk.toml").write_text(network, encoding="utf-8")
    conf = (REPO / "tests/roots/test-basic/conf.py").read_text(encoding="utf-8")
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(REPO / 'ext')!r})\n{conf}", encoding="utf-8")
    (src / "index.md").write_text(
        "# Verbund\n\n```{qm-einrichtungen}\n```\n\n```{toctree}\nkatalog/_generiert/lqx-2/index\n"
        "institutions/index\n```\n",
        encoding="utf-8",
    )
    (src / "institutions").mkdir()
    (src / "institutions/index.md").write_text("# Einrichtungen\n\n```{qm-regionen}\n```\n", encoding="utf-8")
    example = guide_command("anderer-standard.md", "python3 noxfile.py -s neu -- einrichtung")
    assert run(src, *example) == 0
    assert run(src, "einrichtung", "bildungshaus-b", "--name", "Bildungshaus V2", "--kuerzel", "V2") == 0
    assert (src / "netzwerk.toml").read_text(encoding="utf-8") == network.replace('["V1"]', '["V1", "V2"]')
    assert run(src, "einrichtung", "bildungshaus-c", "--name", "C", "--kuerzel", "V3", "--region", "nord") == 2
    assert "Das Netzwerk hat keine Regionalnetzwerke" in capsys.readouterr().err
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, tmp_path / "out", warning, freshenv=True, confoverrides={"nitpicky": True})
        app.build(force_all=True)
    assert uncoloured(warning.getvalue()) == ""
    html = tmp_path / "out/html"
    overview = soup(html / "katalog/_generiert/lqx-2/index.html")
    heads = [text_of(th) for th in overview.select("table th")]
    assert "Schwerpunkt" in heads and "Ebene" not in heads
    assert "Lernen" in text_of(overview.select_one("table"))
    assert (html / "institutions/bildungshaus-b/anforderungen/qb2.html").is_file()
    assert "Qualitätshandbuch im Verbund" in text_of(soup(html / "index.html").find("title"))
