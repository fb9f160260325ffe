#!/usr/bin/env python3
"""Sessions of the quality-handbook project.

Run them with ``python3 noxfile.py -s <session>``; no global installation is needed.
When nox is missing, this file creates a project-local environment ``.venv-nox/``
with the pinned nox and uv, and re-runs itself there. Every session installs its
packages from ``constraints.txt`` (exact versions) into its own environment.

    python3 noxfile.py -s build     # internal site with PDFs and the public site of the demo network
    python3 noxfile.py -s oeffentlich   # the public site only (publishing pipeline)
    python3 noxfile.py -s intern    # the internal site only, without PDFs (publishing pipeline)
    python3 noxfile.py -s pdf -- vhs-leipziger-land   # one institution's PDF (none: all + network)
    python3 noxfile.py -s pdf -- --teil 2/4   # part 2 of 4 of all PDFs (parallel CI jobs)
    python3 noxfile.py -s pdf -- vhs-leipziger-land --beobachten   # typeset again after every save
    python3 noxfile.py -s tests     # the whole test suite
    python3 noxfile.py -s check     # fast check of all sources, no HTML (summary per code)
    python3 noxfile.py -s bestaetigen -- W1_DQE_E1_1   # re-confirm statements after a catalog change
    python3 noxfile.py -s neu -- einrichtung vhs-x --name "VHS X" --kuerzel W5 --region west
    python3 noxfile.py -s preview   # live preview while editing
    python3 noxfile.py -s lint      # ruff and mypy
    python3 noxfile.py -s report    # readiness and gaps in the terminal (thresholds for CI)
    python3 noxfile.py -s lock      # regenerate constraints.txt
    python3 noxfile.py -s bench     # benchmark synthetic networks (-- 8 32 130 --strictdoc)
    python3 noxfile.py -s frisch    # the README's two commands on a bare Debian root (root, debootstrap)
"""

from __future__ import annotations

import functools
import hashlib
import os
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP_ENV = ROOT / ".venv-nox"
CONSTRAINTS = ROOT / "constraints.txt"
BENCH_CONSTRAINTS = ROOT / "constraints-bench.txt"
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
    """Install dependency groups of pyproject.toml, pinned by constraints.txt.

    Skipped when this session's environment already got the same requirements with the same
    constraints.txt (a marker file per combination in the environment): even with nothing
    to do, the installer takes a few tenths of a second, a large part of a single PDF's run.
    """
    requirements = nox.project.dependency_groups(nox.project.load_toml(PYPROJECT), *groups)
    location = getattr(session.virtualenv, "location", None)
    digest = hashlib.sha256("\n".join([CONSTRAINTS.read_text(encoding="utf-8"), *requirements]).encode()).hexdigest()
    marker = Path(location) / f".qm-installiert-{digest[:16]}" if location else None
    if marker is not None and marker.exists():
        return
    session.install("-c", str(CONSTRAINTS), *requirements)
    # With nox's --no-install (-R) the call above may have installed nothing: no marker then.
    skipped = getattr(getattr(getattr(session, "_runner", None), "global_config", None), "no_install", False)
    if marker is not None and not skipped:
        marker.touch()


def _guard(func: Callable[[nox.Session], None]) -> Callable[[nox.Session], None]:
    """A session that fails unexpectedly ends with a German message and exit code 1, never a traceback."""

    @functools.wraps(func)
    def run(session: nox.Session) -> None:
        try:
            func(session)
        except Exception as exc:
            if type(exc).__module__.split(".")[0] == "nox":
                raise  # nox's own failures (a command failed, session.error) are already reported
            session.error(
                f"Unerwarteter Fehler in der Sitzung „{func.__name__}“ ({type(exc).__name__}: {exc}). "
                "Das ist ein Programmfehler; bitte melden Sie ihn mit dieser Meldung der Betreuung des Handbuchs."
            )

    return run


#: sphinx-build through the handbook's runner: an unexpected error becomes a German message.
SPHINX_BUILD = ("python", "-m", "qm_handbook.commands.guard")
EXT_PATH = {"PYTHONPATH": str(ROOT / "ext")}


def _sphinx_args(builder: str, outdir: Path, *extra: str) -> list[str]:
    return [
        "-b", builder, "-W", "--keep-going", "-n", "-q",
        "-d", str(BUILD_DIR / "doctrees"), *extra, str(ROOT), str(outdir),
    ]  # fmt: skip


def _sphinx_build(
    session: nox.Session, builder: str, outdir: Path, *extra: str, env: dict[str, str] | None = None
) -> None:
    session.run(*SPHINX_BUILD, *_sphinx_args(builder, outdir, *extra), env={**EXT_PATH, **(env or {})})


#: The two profiles of the main build (see handbook/mitarbeit/veroeffentlichen.md).
INTERNAL_DIR = BUILD_DIR / "intern"
PUBLIC_DIR = BUILD_DIR / "oeffentlich"


@nox.session
@_guard
def build(session: nox.Session) -> None:
    """Build both profiles: internal site with PDFs, then the public site (leak-checked)."""
    _install(session, "docs", "pdf")
    _sphinx_build(session, "html", INTERNAL_DIR, *session.posargs)
    _build_pdfs(session, [])
    # Same doctree folder: the public profile only writes, it reads nothing again.
    _sphinx_build(session, "html", PUBLIC_DIR, "-D", "handbook_profil=oeffentlich", *session.posargs)
    session.log(f"Interne Website (mit PDFs, nicht veröffentlichen): {INTERNAL_DIR / 'index.html'}")
    session.log(f"Öffentliche Website (auf Interna geprüft): {PUBLIC_DIR / 'index.html'}")
    session.log(f"Need-Daten: {INTERNAL_DIR / 'needs.json'} (intern), {PUBLIC_DIR / 'needs.json'} (öffentlich)")


@nox.session(default=False)
def intern(session: nox.Session) -> None:
    """Only the internal website, without PDFs (publishing pipeline: a protected artifact)."""
    _install(session, "docs")
    _sphinx_build(session, "html", INTERNAL_DIR, *session.posargs)
    session.log(f"Interne Website (nicht veröffentlichen): {INTERNAL_DIR / 'index.html'}")


@nox.session(default=False)
def oeffentlich(session: nox.Session) -> None:
    """Only the public site (for the publishing pipeline; internal pages and items left out)."""
    _install(session, "docs")
    _sphinx_build(session, "html", PUBLIC_DIR, "-D", "handbook_profil=oeffentlich", *session.posargs)
    session.log(f"Öffentliche Website: {PUBLIC_DIR / 'index.html'}")


@nox.session(default=False)
@_guard
def pdf(session: nox.Session) -> None:
    """PDFs for certification: `-- <slug> ...` for some, `-- --teil 2/4` for part 2 of 4; without: all.

    `-- <slug> --beobachten` typesets that PDF again after every saved change.
    """
    slugs, part, watch = _pdf_args(session, session.posargs)
    if watch:
        if len(slugs) != 1 or part:
            session.error(
                "--beobachten gilt für das PDF genau einer Einrichtung, "
                "z. B. „python3 noxfile.py -s pdf -- vhs-leipziger-land --beobachten“"
            )
        _install(session, "docs", "pdf", "preview")
        session.run(
            "python", "-m", "qm_handbook.commands.pdf_watch", *PREVIEW_IGNORES, *_pdf_command(slugs, part),
            # Ctrl+C ends the watch; it needs a moment to stop its Typst process and prepared build.
            env={**EXT_PATH, "PYTHONDONTWRITEBYTECODE": ""}, interrupt_timeout=10,
        )  # fmt: skip
        return
    _install(session, "docs", "pdf")
    _build_pdfs(session, slugs, part)


def _pdf_args(session: nox.Session, args: list[str]) -> tuple[list[str], str, bool]:
    """Folder names, the part (``--teil k/n``; its value is checked by the PDF builder), and
    whether to watch (``--beobachten``)."""
    slugs, part, watch = [], "", False
    rest = iter(args)
    for arg in rest:
        if arg == "--teil" or arg.startswith("--teil="):
            part = arg.partition("=")[2] if "=" in arg else next(rest, "")
            if not part:
                session.error("Nach --teil fehlt der Teil, z. B. „--teil 2/4“ für den zweiten von vier Teilen")
        elif arg == "--beobachten":
            watch = True
        elif arg.startswith("-"):
            session.error(
                f"Unbekannte Option „{arg}“. Möglich: Ordnernamen von Einrichtungen, --teil k/n oder --beobachten"
            )
        else:
            slugs.append(arg)
    return slugs, part, watch


#: The PDFs belong to the internal profile only (they hold internal pages and items).
PDF_DIR = INTERNAL_DIR / "pdf"


def _pdf_command(slugs: list[str], part: str) -> list[str]:
    """sphinx-build's arguments for the PDFs of ``slugs`` (all if empty), or of a part."""
    options = ["-D", f"handbook_pdf_select={','.join(slugs)}", "-D", f"handbook_pdf_teil={part}"]
    return _sphinx_args("qmpdf", PDF_DIR, *options, "-D", "handbook_pdf_jobs=auto")


def _build_pdfs(session: nox.Session, slugs: list[str], part: str = "") -> None:
    # Same doctree folder as the website: pages already read there are not read again.
    outdir = PDF_DIR
    started = time.time()
    # Python's bytecode cache stays on in the session's own environment, even where the
    # container sets PYTHONDONTWRITEBYTECODE: otherwise every run compiles Sphinx and the
    # extension again (about 2.5 s of a single PDF's run).
    session.run(*SPHINX_BUILD, *_pdf_command(slugs, part), env={**EXT_PATH, "PYTHONDONTWRITEBYTECODE": ""})
    for slug in slugs or ["*"]:  # only what this build wrote, never an old file left in the folder
        for path in sorted(outdir.glob(f"{slug}.pdf")):
            if path.stat().st_mtime >= started - 1:
                session.log(f"PDF: {path}")


@nox.session
@_guard
def tests(session: nox.Session) -> None:
    """Run the whole test suite: style and type checks, then pytest (units, test roots, demo builds)."""
    _install(session, "docs", "test", "lint", "pdf", "preview")
    if not session.posargs:
        _lint(session)
    session.run("pytest", *session.posargs)


@nox.session(default=False)
@_guard
def check(session: nox.Session) -> None:
    """Check all sources without writing HTML; German summary per warning code."""
    import json

    _install(session, "docs")
    report = BUILD_DIR / "pruefung.json"
    report.unlink(missing_ok=True)
    session.run(
        *SPHINX_BUILD, "-b", "dummy", "-E", "-W", "--keep-going", "-n", "-q",
        "-d", str(BUILD_DIR / "doctrees-check"), "-D", f"handbook_check_report={report}",
        *session.posargs, str(ROOT), str(BUILD_DIR / "check"),
        success_codes=[0, 1, 2], env=EXT_PATH,
    )  # fmt: skip
    if not report.exists():
        session.error("Die Prüfung ist abgebrochen, bevor sie eine Zusammenfassung schreiben konnte.")
    try:
        summary = json.loads(report.read_text(encoding="utf-8"))
    except ValueError:
        session.error(f"Die Zusammenfassung {report} ist beschädigt; starten Sie die Prüfung erneut.")
    if summary["by_code"]:
        session.log("Zusammenfassung der Prüfung (Meldungen je Code):")
        for name, count in summary["by_code"].items():
            session.log(f"  {count:5d}  {name}")
    session.log(f"Insgesamt {summary['warnings']} Meldung(en).")
    if summary["warnings"] or summary["failed"]:
        session.error("Die Prüfung hat Fehler gefunden (Details oben, mit Datei und Zeile).")
    session.log("Keine Fehler gefunden.")


@nox.session(default=False)
@_guard
def bestaetigen(session: nox.Session) -> None:
    """Re-confirm statements against the current requirement text (IDs, --einrichtung X or --alle)."""
    _install(session, "docs")
    session.run("python", "-m", "qm_handbook.commands.confirm", "--quelle", str(ROOT), *session.posargs,
                env={"PYTHONPATH": str(ROOT / "ext")})  # fmt: skip


@nox.session(default=False)
@_guard
def neu(session: nox.Session) -> None:
    """Scaffold: `-- einrichtung <ordner> --name … --kuerzel …` or `-- nachweis|massnahme|… <Kürzel> "Titel"`."""
    _install(session, "docs")
    session.run("python", "-m", "qm_handbook.commands.neu", "--quelle", str(ROOT), *session.posargs,
                env={"PYTHONPATH": str(ROOT / "ext")})  # fmt: skip


#: What builds and tools write into the project folder: never a reason to build the preview again.
#: (sphinx-autobuild itself ignores .git, .nox, caches and the preview's own output folder.)
PREVIEW_IGNORES = (
    "--ignore", str(BUILD_DIR), "--ignore", str(ROOT / ".venv-nox"), "--ignore", str(ROOT / ".hypothesis"),
    "--re-ignore", r"/(__pycache__|_generiert|_regionen)/",
)  # fmt: skip


@nox.session(default=False)
@_guard
def preview(session: nox.Session) -> None:
    """Live preview at http://127.0.0.1:8000 while editing pages (each build through the crash guard)."""
    _install(session, "docs", "preview")
    # Every change starts a new Python process. Without bytecode caches (containers often set
    # PYTHONDONTWRITEBYTECODE=1) each one compiled every imported module again: about 3 s per
    # refresh of the demo. Compiled once here; later runs only check the time stamps.
    session.run(
        "python", "-c", "import compileall, sys, sysconfig; "
        "compileall.compile_dir(sysconfig.get_paths()['purelib'], quiet=2, workers=0); "
        "compileall.compile_dir(sys.argv[1], quiet=2, workers=0)", str(ROOT / "ext"), silent=True,
    )  # fmt: skip
    session.run(
        "python", "-m", "qm_handbook.commands.preview", "--host", "127.0.0.1", "--port", "8000",
        *PREVIEW_IGNORES, str(ROOT), str(BUILD_DIR / "preview"), *session.posargs, env=EXT_PATH,
    )  # fmt: skip


@nox.session(default=False)
@_guard
def lint(session: nox.Session) -> None:
    """Style and type checks of the extension and tests."""
    _install(session, "lint", "docs", "test", "pdf", "preview")
    _lint(session)


def _lint(session: nox.Session) -> None:
    paths = ["ext", "tests", "noxfile.py", "conf.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)
    session.run("mypy")


@nox.session(default=False)
@_guard
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
@_guard
def bench(session: nox.Session) -> None:
    """Benchmark synthetic networks (default 8, 32, 130 institutions); table into the docs.

    ``-- 8 32 130 --strictdoc`` also builds the same networks with StrictDoc (installed into
    its own environment ``.nox/bench-strictdoc`` from constraints-bench.txt) and writes the
    side-by-side table; ``--auch-jobs 1`` adds full builds with ``-j 1``.
    """
    _install(session, "docs", "pdf", "preview")  # preview: the PDF watch needs watchfiles
    args = list(session.posargs)
    if "--strictdoc" in args:
        args[args.index("--strictdoc")] = f"--strictdoc={_strictdoc_env(session)}"
    if not any(a.isdigit() for a in args):
        args = ["8", "32", "130", *args]
    session.run(
        "python", "-m", "qm_handbook.commands.bench", *args,
        "--arbeitsordner", str(BUILD_DIR / "bench"), "--docs", str(ROOT / "handbook" / "mitarbeit" / "leistung.md"),
        env={"PYTHONPATH": str(ROOT / "ext")},
    )  # fmt: skip


def _strictdoc_env(session: nox.Session) -> Path:
    """StrictDoc in its own environment (its pins conflict with ours); returns its command."""
    env = ROOT / ".nox" / "bench-strictdoc"
    marker = env / ".constraints"
    wanted = BENCH_CONSTRAINTS.read_text(encoding="utf-8")
    if not marker.exists() or marker.read_text(encoding="utf-8") != wanted:
        session.log("Installiere StrictDoc in .nox/bench-strictdoc …")
        session.run(sys.executable, "-m", "uv", "venv", "-q", "--python", sys.executable, str(env), external=True)
        requirements = nox.project.dependency_groups(nox.project.load_toml(PYPROJECT), "bench")
        session.run(
            sys.executable, "-m", "uv", "pip", "install", "-q", "--python", str(env / "bin" / "python"),
            "-c", str(BENCH_CONSTRAINTS), *requirements, external=True,
        )  # fmt: skip
        marker.write_text(wanted, encoding="utf-8")
    return env / "bin" / "strictdoc"


@nox.session(venv_backend="none", default=False)
@_guard
def frisch(session: nox.Session) -> None:
    """Run the README's two commands in a bare Debian root made with debootstrap (needs root)."""
    session.run(sys.executable, str(ROOT / "tests" / "tools" / "fresh_machine.py"), *session.posargs)


@nox.session(default=False)
@_guard
def lock(session: nox.Session) -> None:
    """Regenerate constraints.txt from the dependency groups in pyproject.toml."""
    session.install("-c", str(CONSTRAINTS), "uv")
    groups = nox.project.load_toml(PYPROJECT)["dependency-groups"]
    # The bench group (StrictDoc) is pinned on its own: it conflicts with the docs/test pins.
    for output, names in ((CONSTRAINTS, [g for g in groups if g != "bench"]), (BENCH_CONSTRAINTS, ["bench"])):
        session.run(
            "uv", "pip", "compile", "--python-version", "3.11", "--no-header", "--no-annotate",
            *(a for g in names for a in ("--group", g)), "-o", str(output), str(PYPROJECT),
        )  # fmt: skip


if __name__ == "__main__":
    nox.main()
