"""Document control from git: "zuletzt geändert", the short history, the register column, the edit link.

A copy of ``tests/roots/test-basic`` becomes a temporary git repository with commits
on fixed dates; the builds show what git knows, in order, with the German fallback
outside a repository and without git, pending changes marked, incremental builds that
follow a commit which changed no source file, and the public profile without names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.docutils import docutils_namespace

from conftest import html_app, soup, text_of, uncoloured
from qm_handbook.model import githistory
from qm_handbook.model.githistory import PENDING_CHANGED, PENDING_NEW, parse_log, parse_status, read_history

ROOT = Path(__file__).parent / "roots" / "test-basic"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git ist nicht installiert")

FRONT = """---
fassung: "1.0"
status: freigegeben
verantwortlich: QMB
freigegeben_von: Leitung
freigegeben_am: 2026-01-15
naechste_pruefung: 2027-01-15
sichtbarkeit: öffentlich
---
"""
STAND = (
    FRONT
    + """
# Stand

```{qm-dokumente}
```
"""
)


def git(repo: Path, *args: str, date: str = "2026-03-02T10:00:00+01:00", author: str = "Anna Schmidt") -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "anna@example.org",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "anna@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=repo, env=env, check=True, capture_output=True)


def project(tmp_path: Path, *, bearbeiten: str = "") -> Path:
    src = tmp_path / "projekt"
    shutil.copytree(ROOT, src)
    (src / "institutions/alpha/stand.md").write_text(STAND, encoding="utf-8")
    index = src / "institutions/alpha/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("bereich\n", "bereich\nstand\n"), encoding="utf-8")
    if bearbeiten:
        network = src / "netzwerk.toml"
        network.write_text(f'bearbeiten = "{bearbeiten}"\n' + network.read_text(encoding="utf-8"), encoding="utf-8")
    return src


def committed(tmp_path: Path, **kwargs: str) -> Path:
    """The project as a repository: everything on 2 March, the area page again on 9 April by Ben."""
    src = project(tmp_path, **kwargs)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "Handbuch angelegt")
    page = src / "institutions/alpha/bereich.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nErgänzt.\n", encoding="utf-8")
    git(src, "commit", "-q", "-am", "Bereich ergänzt", date="2026-04-09T09:30:00+02:00", author="Ben Berg")
    return src


def build(src: Path, out: Path, **overrides: str) -> str:
    warning = StringIO()
    with docutils_namespace():
        app = html_app(src, out, warning, confoverrides=dict(overrides))
        app.build()
    return uncoloured(warning.getvalue())


def history_text(out: Path, docname: str) -> str:
    box = soup(out / "html" / f"{docname}.html").select_one(".qm-verlauf")
    return text_of(box) if box is not None else ""


def register_column(out: Path) -> dict[str, str]:
    rows = soup(out / "html/institutions/alpha/stand.html").select("table.qm-dokumente tbody tr")
    return {text_of(r.select("td")[0]): text_of(r.select("td")[-1]) for r in rows}


# --- the parsers (no git needed) ----------------------------------------------------------


def test_parse_log_keeps_order_limit_and_prefix() -> None:
    rec = "\x1e{h}\x1f{p}\x1f{d}\x1fAnna\x1f{s}\n\n{files}\n"
    out = "".join(
        rec.format(h=f"{n:040x}", p="ab", d=f"2026-0{n}-01", s=f"Schritt {n}", files=files)
        for n, files in ((3, "sub/a.md\nsub/b.md"), (2, "sub/a.md\nother/x.md"), (1, "sub/a.md"))
    )
    pages = parse_log(out, "sub/", shallow=False, limit=2)
    assert sorted(pages) == ["a.md", "b.md"]  # outside the project folder: left out
    assert [c.subject for c in pages["a.md"].changes] == ["Schritt 3", "Schritt 2"]
    assert pages["a.md"].total == 3 and pages["a.md"].last is not None
    assert pages["a.md"].last.commit == f"{3:040x}"[:8] and str(pages["a.md"].last.date) == "2026-03-01"
    # a shallow copy: the commit at the cut (no parents) did not create the file then
    cut = rec.format(h="f" * 40, p="", d="2026-05-01", s="Schnitt", files="sub/c.md\nsub/a.md")
    shallow = parse_log(cut + out, "sub/", shallow=True)
    assert shallow["c.md"].changes == () and shallow["c.md"].incomplete
    assert shallow["a.md"].changes[0].subject == "Schritt 3"
    # the same commit without parents in a full copy is the real beginning
    assert parse_log(cut, "sub/", shallow=False)["c.md"].total == 1


def test_parse_status_marks_changed_and_new() -> None:
    out = " M sub/a.md\0?? sub/neu.md\0R  sub/b.md\0sub/alt.md\0 D sub/weg.md\0M  other/x.md\0"
    assert parse_status(out, "sub/") == {"a.md": PENDING_CHANGED, "neu.md": PENDING_NEW, "b.md": PENDING_CHANGED}


def test_without_git_program_the_reason_is_german(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git there
    index = read_history(tmp_path, ["institutions"])
    assert not index.available and index.reason == "Das Programm git ist nicht installiert."


def test_git_refusing_gives_a_reason_not_an_exception(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(args: list[str], cwd: Path) -> str:
        raise subprocess.CalledProcessError(128, args, b"", b"fatal: something odd\n")

    monkeypatch.setattr(githistory, "_run", refuse)
    index = read_history(tmp_path, ["institutions"])
    assert not index.available and index.reason == "git ist mit einem Fehler beendet worden (fatal: something odd)."


# --- builds of a temporary repository -----------------------------------------------------


@needs_git
def test_history_dates_order_pending_and_register(tmp_path: Path) -> None:
    src = committed(tmp_path)
    page = src / "institutions/alpha/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNoch offen.\n", encoding="utf-8")
    new = src / "institutions/alpha/neu.md"
    new.write_text(FRONT + "\n# Neu\n\nText.\n", encoding="utf-8")
    index = src / "institutions/alpha/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("stand\n", "stand\nneu\n"), encoding="utf-8")
    out = tmp_path / "out"
    assert build(src, out) == ""

    area = history_text(out, "institutions/alpha/bereich")
    assert area.startswith("Zuletzt geändert am 09.04.2026 von Ben Berg (Commit ")
    assert "noch nicht eingetragen" not in area
    items = [text_of(li) for li in soup(out / "html/institutions/alpha/bereich.html").select(".qm-verlauf li")]
    assert [i.split(" (")[0] for i in items] == ["09.04.2026: Bereich ergänzt", "02.03.2026: Handbuch angelegt"]
    assert "Änderungsverlauf (2 Änderungen)" in area
    start = history_text(out, "institutions/alpha/index")
    assert start.startswith("Zuletzt geändert am 02.03.2026 von Anna Schmidt")
    assert "geändert, noch nicht eingetragen" in start
    assert history_text(out, "institutions/alpha/neu") == "Neu, noch nicht eingetragen"
    # generated catalog pages have no history of their own
    assert history_text(out, "katalog/_generiert/mini-1.0/index") == ""

    assert register_column(out) == {
        "Akademie Alpha": "02.03.2026, geändert, noch nicht eingetragen",
        "Umsetzung": "09.04.2026",
        "Stand": "02.03.2026",
        "Neu": "neu, noch nicht eingetragen",
    }
    heads = [text_of(th) for th in soup(out / "html/institutions/alpha/stand.html").select("table.qm-dokumente th")]
    assert heads[-1] == "Zuletzt geändert"


@needs_git
def test_a_commit_alone_rewrites_the_page_and_its_register(tmp_path: Path) -> None:
    src = committed(tmp_path)
    page = src / "institutions/alpha/bereich.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNeu gefasst.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert build(src, out) == ""
    assert "geändert, noch nicht eingetragen" in history_text(out, "institutions/alpha/bereich")
    written = (out / "html/institutions/alpha/bereich.html").stat().st_mtime_ns

    # the commit changes no source file: Sphinx reads nothing, the history still follows
    git(src, "commit", "-q", "-am", "Neu gefasst", date="2026-05-20T08:00:00+02:00", author="Ben Berg")
    assert build(src, out) == ""
    area = history_text(out, "institutions/alpha/bereich")
    assert area.startswith("Zuletzt geändert am 20.05.2026 von Ben Berg") and "noch nicht" not in area
    assert (out / "html/institutions/alpha/bereich.html").stat().st_mtime_ns > written
    assert register_column(out)["Umsetzung"] == "20.05.2026"
    # nothing changed since: the page is not written again
    written = (out / "html/institutions/alpha/bereich.html").stat().st_mtime_ns
    assert build(src, out) == ""
    assert (out / "html/institutions/alpha/bereich.html").stat().st_mtime_ns == written


@needs_git
def test_public_profile_shows_only_the_date(tmp_path: Path) -> None:
    src = committed(tmp_path)
    out = tmp_path / "out"
    assert build(src, out, handbook_profil="oeffentlich") == ""
    page = (out / "html/institutions/alpha/stand.html").read_text(encoding="utf-8")
    assert "Zuletzt geändert am 02.03.2026" in history_text(out, "institutions/alpha/stand")
    assert "Anna" not in page and "Handbuch angelegt" not in page and "Commit" not in page
    assert "Änderungsverlauf" not in page
    # the record for incremental builds lies in the public folder too: no page names in it
    assert "institutions" not in (out / "html/.qm-verlauf.json").read_text(encoding="utf-8")


def test_outside_a_repository_every_page_says_so(tmp_path: Path) -> None:
    src = project(tmp_path)  # a copy as from a tarball: no .git
    out = tmp_path / "out"
    assert build(src, out) == ""
    reasons = {"Der Projektordner ist kein Git-Arbeitsverzeichnis (z. B. aus einem Archiv entpackt).",
               "Das Programm git ist nicht installiert."}  # fmt: skip
    text = history_text(out, "institutions/alpha/bereich")
    assert text.startswith("Änderungsverlauf nicht verfügbar: ") and text.split(": ", 1)[1] in reasons
    assert set(register_column(out).values()) == {"nicht verfügbar"}


# --- the edit link ------------------------------------------------------------------------

EDIT = "https://git.example.org/netz/handbuch/-/edit/main/{datei}"


def edit_href(out: Path, docname: str) -> str | None:
    link = soup(out / "html" / f"{docname}.html").select_one('a[rel="edit"]')
    return None if link is None else str(link["href"])


def test_edit_link_on_own_pages_only(tmp_path: Path) -> None:
    src = project(tmp_path, bearbeiten=EDIT)
    (src / "conf.py").write_text((src / "conf.py").read_text().replace('"basic"', '"furo"'), encoding="utf-8")
    out = tmp_path / "out"
    assert build(src, out) == ""
    page = soup(out / "html/institutions/alpha/bereich.html")
    link = page.select_one('a[rel="edit"]')
    assert link is not None
    assert link["href"] == "https://git.example.org/netz/handbuch/-/edit/main/institutions/alpha/bereich.md"
    assert link["title"] == "Diese Seite bearbeiten"
    assert edit_href(out, "katalog/_generiert/mini-1.0/index") is None  # generated: no file to edit
    public = tmp_path / "public"
    assert build(src, public, handbook_profil="oeffentlich") == ""
    assert edit_href(public, "index") is None


def test_edit_link_off_when_unset(tmp_path: Path) -> None:
    src = project(tmp_path)
    (src / "conf.py").write_text((src / "conf.py").read_text().replace('"basic"', '"furo"'), encoding="utf-8")
    out = tmp_path / "out"
    assert build(src, out) == ""
    assert edit_href(out, "institutions/alpha/bereich") is None


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("git.example.org/{datei}", "muss mit https:// (oder http://) beginnen"),
        ("https://git.example.org/edit/main/", "enthält den Platzhalter {datei} nicht"),
        ("https://git.example.org/{zweig}/{datei}", "keine Platzhalter in geschweiften Klammern"),
    ],
)
def test_bad_edit_link_is_reported_with_file_and_line(tmp_path: Path, pattern: str, problem: str) -> None:
    src = project(tmp_path, bearbeiten=pattern)
    out = tmp_path / "out"
    warnings = build(src, out)
    assert "netzwerk.toml:1: WARNING: Der Link „bearbeiten“ ist ungültig: " in warnings
    assert problem in warnings and "Traceback" not in warnings
    assert edit_href(out, "institutions/alpha/bereich") is None


@needs_git
def test_register_follows_control_data_but_not_every_text_edit(tmp_path: Path) -> None:
    src = committed(tmp_path)
    out = tmp_path / "out"
    assert build(src, out) == ""
    register = out / "html/institutions/alpha/stand.html"
    page = src / "institutions/alpha/bereich.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nNoch ein Satz.\n", encoding="utf-8")
    assert build(src, out) == ""  # first edit: "geändert, noch nicht eingetragen" in the register
    assert register_column(out)["Umsetzung"] == "09.04.2026, geändert, noch nicht eingetragen"
    written = register.stat().st_mtime_ns
    page.write_text(page.read_text(encoding="utf-8") + "\nUnd noch einer.\n", encoding="utf-8")
    assert build(src, out) == ""  # more text: nothing the register shows changed
    assert register.stat().st_mtime_ns == written
    page.write_text(page.read_text(encoding="utf-8").replace('fassung: "1.0"', 'fassung: "1.1"'), encoding="utf-8")
    assert build(src, out) == ""
    row = next(r for r in soup(register).select("table.qm-dokumente tbody tr") if "Umsetzung" in text_of(r))
    assert text_of(row.select("td")[1]) == "1.1"


@needs_git
def test_pdf_control_table_shows_the_last_change(tmp_path: Path) -> None:
    pytest.importorskip("typst")
    from pdfcheck import Pdf

    src = committed(tmp_path)
    out = tmp_path / "out"
    assert build(src, out) == ""
    warning = StringIO()
    with docutils_namespace():
        app = Sphinx(
            srcdir=src, confdir=src, outdir=out / "html" / "pdf", doctreedir=out / "doctrees",
            buildername="qmpdf", status=StringIO(), warning=warning,
            confoverrides={"handbook_pdf_select": "alpha"},
        )  # fmt: skip
        app.build()
    assert uncoloured(warning.getvalue()) == ""
    pdf = Pdf(out / "html" / "pdf" / "alpha.pdf")
    control = next(" ".join(page.split()) for page in pdf.pages if "Dokumentenlenkung" in page)
    assert "Zuletzt geändert" in control
    # the same entries as the register of the website (the area page changed on 9 April)
    for title, entry in register_column(out).items():
        assert entry in control, (title, entry)
    assert "09.04.2026" in control and "02.03.2026" in control
