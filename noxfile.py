#!/usr/bin/env python3
"""Sessions of the quality-handbook project.

Run them with ``python3 noxfile.py -s <session>``; no global installation is needed.
When nox is missing, this file creates a project-local environment ``.venv-nox/``
with the pinned nox and uv, and re-runs itself there. Every session installs its
packages from ``constraints.txt`` (exact versions) into its own environment.

    python3 noxfile.py -s build     # website and PDFs of the demo network
    python3 noxfile.py -s pdf -- vhs-leipziger-land   # one institution's PDF (none: all + network)
    python3 noxfile.py -s tests     # the whole test suite
    python3 noxfile.py -s check     # fast check of all sources, no HTML (summary per code)
    python3 noxfile.py -s bestaetigen -- W1_DQE_E1_1   # re-confirm statements after a catalog change
    python3 noxfile.py -s neu -- einrichtung vhs-x --name "VHS X" --kuerzel W5 --region west
    python3 noxfile.py -s preview   # live preview while editing
    python3 noxfile.py -s lint      # ruff and mypy
    python3 noxfile.py -s report    # readiness and gaps in the terminal (thresholds for CI)
    python3 noxfile.py -s lock      # regenerate constraints.txt
    python3 noxfile.py -s bench     # benchmark synthetic networks (-- 8 32 130)
    python3 noxfile.py -s frisch    # the README's two commands on a bare Debian root (root, debootstrap)
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP_ENV = ROOT / ".venv-nox"
CONSTRAINTS = ROOT / "constraints.txt"
PYPROJECT = ROOT / "pyproject.toml"
BUILD_DIR = ROOT / "_build"


def _bootstrap() -> None:
    """Create .venv-nox with the pinned nox and uv, then re-run this file inside it."""
    bindir = BOOTSTRAP_ENV / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    if not python.exists():
        print("Richte einmalig die Arbeitsumgebung .venv-nox ein (nox und uv) …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(BOOTSTRAP_ENV)
    marker = BOOTSTRAP_ENV / ".constraints"
    wanted = CONSTRAINTS.read_text(encoding="utf-8")
    if not marker.exists() or marker.read_text(encoding="utf-8") != wanted:
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-c", str(CONSTRAINTS), "nox", "uv"],
            check=True,
        )  # fmt: skip
        marker.write_text(wanted, encoding="utf-8")
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


try:
    import nox
except ImportError:
    if __name__ == "__main__":
        _bootstrap()
    raise

nox.needs_version = ">=2025.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["build", "tests"]


def _install(session: nox.Session, *groups: str) -> None:
    """Install dependency groups of pyproject.toml, pinned by constraints.txt."""
    requirements = nox.project.dependency_groups(nox.project.load_toml(PYPROJECT), *groups)
    session.install("-c", str(CONSTRAINTS), *requirements)


def _sphinx_build(session: nox.Session, builder: str, outdir: Path, *extra: str) -> None:
    session.run(
        "sphinx-build", "-b", builder, "-W", "--keep-going", "-n", "-q",
        "-d", str(BUILD_DIR / "doctrees"), *extra, str(ROOT), str(outdir),
    )  # fmt: skip


@nox.session
def build(session: nox.Session) -> None:
    """Build the demo network: the website, then every institution's PDF (warnings are errors)."""
    _install(session, "docs", "pdf")
    html = BUILD_DIR / "html"
    _sphinx_build(session, "html", html, *session.posargs)
    _build_pdfs(session, [])
    session.log(f"Website: {html / 'index.html'}")
    session.log(f"Need-Daten: {html / 'needs.json'}")


@nox.session(default=False)
def pdf(session: nox.Session) -> None:
    """PDFs for certification: `-- <slug> ...` for some institutions; without: all and the network."""
    _install(session, "docs", "pdf")
    _build_pdfs(session, session.posargs)


def _build_pdfs(session: nox.Session, slugs: list[str]) -> None:
    # Same doctree folder as the website: pages already read there are not read again.
    outdir = BUILD_DIR / "html" / "pdf"
    selection = f"handbook_pdf_select={','.join(slugs)}"
    _sphinx_build(session, "qmpdf", outdir, "-D", selection, "-D", "handbook_pdf_jobs=auto")
    for slug in slugs or ["*"]:
        for path in sorted(outdir.glob(f"{slug}.pdf")):
            session.log(f"PDF: {path}")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite: style and type checks, then pytest (units, test roots, demo builds)."""
    _install(session, "docs", "test", "lint", "pdf")
    if not session.posargs:
        _lint(session)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
def check(session: nox.Session) -> None:
    """Check all sources without writing HTML; German summary per warning code."""
    import json

    _install(session, "docs")
    report = BUILD_DIR / "pruefung.json"
    report.unlink(missing_ok=True)
    session.run(
        "sphinx-build", "-b", "dummy", "-E", "-W", "--keep-going", "-n", "-q",
        "-d", str(BUILD_DIR / "doctrees-check"), "-D", f"handbook_check_report={report}",
        *session.posargs, str(ROOT), str(BUILD_DIR / "check"),
        success_codes=[0, 1, 2],
    )  # fmt: skip
    if not report.exists():
        session.error("Die Prüfung ist abgebrochen, bevor sie eine Zusammenfassung schreiben konnte.")
    summary = json.loads(report.read_text(encoding="utf-8"))
    if summary["by_code"]:
        session.log("Zusammenfassung der Prüfung (Meldungen je Code):")
        for name, count in summary["by_code"].items():
            session.log(f"  {count:5d}  {name}")
    session.log(f"Insgesamt {summary['warnings']} Meldung(en).")
    if summary["warnings"] or summary["failed"]:
        session.error("Die Prüfung hat Fehler gefunden (Details oben, mit Datei und Zeile).")
    session.log("Keine Fehler gefunden.")


@nox.session(default=False)
def bestaetigen(session: nox.Session) -> None:
    """Re-confirm statements against the current requirement text (IDs, --einrichtung X or --alle)."""
    _install(session, "docs")
    session.run("python", "-m", "qm_handbook.commands.confirm", "--quelle", str(ROOT), *session.posargs,
                env={"PYTHONPATH": str(ROOT / "ext")})  # fmt: skip


@nox.session(default=False)
def neu(session: nox.Session) -> None:
    """Scaffold: `-- einrichtung <ordner> --name … --kuerzel …` or `-- nachweis|massnahme|… <Kürzel> "Titel"`."""
    _install(session, "docs")
    session.run("python", "-m", "qm_handbook.commands.neu", "--quelle", str(ROOT), *session.posargs,
                env={"PYTHONPATH": str(ROOT / "ext")})  # fmt: skip


@nox.session(default=False)
def preview(session: nox.Session) -> None:
    """Live preview at http://127.0.0.1:8000 while editing pages."""
    _install(session, "docs", "preview")
    session.run(
        "sphinx-autobuild", "--host", "127.0.0.1", "--port", "8000",
        "--ignore", "**/_generiert/**", str(ROOT), str(BUILD_DIR / "preview"), *session.posargs,
    )  # fmt: skip


@nox.session(default=False)
def lint(session: nox.Session) -> None:
    """Style and type checks of the extension and tests."""
    _install(session, "lint", "docs", "test", "pdf")
    _lint(session)


def _lint(session: nox.Session) -> None:
    paths = ["ext", "tests", "noxfile.py", "conf.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)
    session.run("mypy")


@nox.session(default=False)
def report(session: nox.Session) -> None:
    """Readiness and gaps per institution in the terminal; thresholds fail the session.

    Example: ``python3 noxfile.py -s report -- --min-reifegrad 90 --keine-ueberfaelligen``
    """
    _install(session, "docs")
    session.run(
        "python", "-m", "qm_handbook", "report", "--quelle", str(ROOT), *session.posargs,
        env={"PYTHONPATH": str(ROOT / "ext")},
    )  # fmt: skip


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmark synthetic networks (default 8, 32, 130 institutions); table into the docs."""
    _install(session, "docs")
    session.run(
        "python", "-m", "qm_handbook.commands.bench", *(session.posargs or ["8", "32", "130"]),
        "--arbeitsordner", str(BUILD_DIR / "bench"), "--docs", str(ROOT / "handbook" / "mitarbeit" / "leistung.md"),
        env={"PYTHONPATH": str(ROOT / "ext")},
    )  # fmt: skip


@nox.session(venv_backend="none", default=False)
def frisch(session: nox.Session) -> None:
    """Run the README's two commands in a bare Debian root made with debootstrap (needs root)."""
    session.run(sys.executable, str(ROOT / "tests" / "tools" / "fresh_machine.py"), *session.posargs)


@nox.session(default=False)
def lock(session: nox.Session) -> None:
    """Regenerate constraints.txt from the dependency groups in pyproject.toml."""
    session.install("-c", str(CONSTRAINTS), "uv")
    groups = nox.project.load_toml(PYPROJECT)["dependency-groups"]
    args = [a for g in groups for a in ("--group", g)]
    session.run(
        "uv", "pip", "compile", "--python-version", "3.11", "--no-header", "--no-annotate",
        *args, "-o", str(CONSTRAINTS), str(PYPROJECT),
    )  # fmt: skip


if __name__ == "__main__":
    nox.main()
