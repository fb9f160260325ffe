"""The live preview: sphinx-autobuild, with fast builds that go through the crash guard.

``python3 noxfile.py -s preview`` runs ``python -m qm_handbook.commands.preview
<sphinx-autobuild arguments>``. sphinx-autobuild watches the sources, builds after every
save and reloads the browser. What differs from plain sphinx-autobuild:

* **Warm builds.** Plain sphinx-autobuild starts a new ``sphinx-build`` process for
  every save, which imports Sphinx, sphinx-needs, MyST, furo and the extension again
  (about a second at demo scale). Here the preview process imports them once at start
  (:func:`preload`) and runs each build in a fork of itself: a fresh process, as
  before, with nothing left over from the previous build, but without the imports.
  Where ``fork`` does not exist (Windows), or once a file of the extension itself has
  changed since the start (a fork would still run the old code), a build runs as a new
  process as before.
* **Prepared builds.** A build service runs the builds and prepares the next one while
  the author types (Sphinx's application with the saved environment, about 0.2 s at demo
  scale); a save of a page releases it (see :mod:`.preview_standby`).
* **Preview builds.** Every build after the first one sets ``handbook_vorschau = "ja"``:
  it writes the same pages, but leaves out the search index, ``needs.json`` and the
  calendar files (see :mod:`..compat.preview_mode`). The first build of each preview
  is a normal one, so the search and the calendars are complete at the start.
* **No up-to-date stamp.** The preview builds after a change, so checking and
  writing the stamp (:mod:`.uptodate`) is skipped.
* **Crash guard**: an unexpected error ends with the German message, as in every other
  session, never with a Python traceback; a failed build keeps the server running with
  the last pages. The status lines are German.

The watcher ignores what builds and tools write into the project folder (see
``PREVIEW_IGNORES`` in ``noxfile.py``), so a build never triggers the next one.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx_autobuild.build import Builder
from sphinx_autobuild.utils import show_message

from . import preview_standby

#: sphinx-autobuild's status lines (2025.8) and their German form; others pass unchanged.
GERMAN_MESSAGES = {
    "Starting initial build": "Erster Bau der Vorschau …",
    "Waiting to detect changes...": "Warte auf Änderungen an den Seiten …",
    "Server ceasing operations. Cheerio!": "Vorschau beendet.",
}
#: Printed after every successful build (the measuring script waits for it).
READY = "Vorschau aktualisiert"
#: Added to every build after the first (see :mod:`..compat.preview_mode`).
PREVIEW_SETTING = ("-D", "handbook_vorschau=ja")
#: Imported once by the preview process: what every build needs before it reads a page.
PRELOAD = (
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.search.de",
    "sphinx_needs.needs",
    "myst_parser.sphinx_ext.main",
    "furo",
    "jinja2",
    "jinja2.ext",
    "qm_handbook",
    # imported while reading and writing pages (found by comparing sys.modules before and after a build)
    "docutils.languages.de",
    "docutils.parsers.rst.languages.de",
    "myst_parser.parsers.sphinx_",
    "myst_parser.mdit_to_docutils.sphinx_",
    "myst_parser.sphinx_ext.directives",
    "myst_parser.sphinx_ext.mathjax",
    "myst_parser.sphinx_ext.myst_refs",
    "sphinx.builders.latex.transforms",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx_basic_ng",
    "sphinxcontrib.jquery",
    "pygments.styles.native",
    "a11y_pygments.a11y_light.style",
    "a11y_pygments.a11y_dark.style",
    "a11y_pygments.a11y_high_contrast_light.style",
    "a11y_pygments.a11y_high_contrast_dark.style",
)
#: Modules of the extension that no build imports (the Typst worker is a script of its own).
_NOT_PRELOADED = ("qm_handbook.pdf._typst_worker", "qm_handbook.commands.bench", "qm_handbook.commands.synth")
_PACKAGE = Path(__file__).resolve().parents[1]

#: Modification times of the extension's files when :func:`preload` ran (None: not run).
_preloaded: dict[Path, float] | None = None


def german(message: str) -> str:
    """The German form of a status line of sphinx-autobuild."""
    return GERMAN_MESSAGES.get(message, message)


def _extension_files() -> dict[Path, float]:
    return {path: path.stat().st_mtime for path in sorted(_PACKAGE.rglob("*")) if path.suffix in {".py", ".toml"}}


def preload() -> None:
    """Import everything a build needs once, so each forked build starts warm."""
    global _preloaded
    from sphinx.application import builtin_extensions

    names = [*PRELOAD, *builtin_extensions]
    package = importlib.import_module("qm_handbook")
    names += [m.name for m in pkgutil.walk_packages(package.__path__, "qm_handbook.")]
    for name in names:
        if name.startswith(_NOT_PRELOADED):
            continue
        try:
            importlib.import_module(name)
        except ImportError:
            continue  # an optional part; the build imports (or misses) it as before
    _preloaded = _extension_files()


def warm() -> bool:
    """Whether a build may run in a fork of this process (preloaded, extension unchanged)."""
    return hasattr(os, "fork") and _preloaded is not None and _extension_files() == _preloaded


def build_once(sphinx_args: Sequence[str]) -> int:
    """One build, as the preview runs it: through the crash guard, without the stamp."""
    from .guard import sphinx_main

    return sphinx_main(list(sphinx_args), stamp=False)


def guarded_command(sphinx_args: Sequence[str]) -> list[str]:
    """The command of a build in a new process (no fork, or the extension changed)."""
    return [sys.executable, "-m", "qm_handbook.commands.preview", "--bau", *sphinx_args]


def run_build(sphinx_args: Sequence[str], changed: Sequence[Path] = (), *, prepared: bool = True) -> int:
    """Run one build: by the build service if it runs (:mod:`.preview_standby`), else here.

    :param changed: the files changed since the last build
    :param prepared: whether a build prepared before the change may run it
    """
    code = preview_standby.request(sphinx_args, changed, prepared)
    return fork_build(sphinx_args) if code is None else code


def fork_build(sphinx_args: Sequence[str]) -> int:
    """Run one build in a fork of this (preloaded) process, else in a new process."""
    if not warm():
        return subprocess.run(guarded_command(sphinx_args), check=False).returncode
    sys.stdout.flush()
    sys.stderr.flush()
    pid = preview_standby.fork()
    if pid == 0:  # the child: build, then leave without running the parent's clean-up
        from .guard import exit_now

        code = 2
        try:
            code = build_once(sphinx_args)
        finally:
            exit_now(code)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


class GuardedBuilder(Builder):  # type: ignore[misc]
    """Runs each build warm and through the crash guard, and reports in German.

    At module level: sphinx-autobuild hands the builder to a worker process (pickled).
    """

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        args = list(self.sphinx_args)
        if changed_paths:
            names = ", ".join(sorted({p.name for p in changed_paths})[:5])
            show_message(f"Geändert: {names} – baue neu …")
            args += PREVIEW_SETTING
            if _preloaded is not None and not warm():
                show_message(
                    "Die Erweiterung (ext/qm_handbook) wurde seit dem Start geändert: jeder Bau startet jetzt "
                    "neu und dauert länger. Für die volle Geschwindigkeit die Vorschau neu starten."
                )
        if self._run_commands(self.pre_build_commands, "pre-build") != 0:
            return
        started = time.monotonic()
        code = run_build(args, changed_paths, prepared=not self.pre_build_commands)
        if code != 0:
            show_message(
                f"Der Bau ist fehlgeschlagen (Exit-Code {code}; Meldungen oben). Die Vorschau "
                "zeigt weiter die letzten gebauten Seiten; beheben Sie die Ursache und speichern Sie erneut."
            )
            return
        self._run_commands(self.post_build_commands, "post-build")
        seconds = f"{time.monotonic() - started:.1f}".replace(".", ",")
        show_message(f"{READY} ({seconds} s): {self.uri}")


def show_german(message: str, *args: Any, **kwargs: Any) -> None:
    """sphinx-autobuild's status line, in German where known."""
    show_message(german(message), *args, **kwargs)


def main(argv: list[str]) -> int:
    """Start sphinx-autobuild with the warm, guarded builder (``--bau``: one build only)."""
    if argv[:1] == ["--bau"]:
        return build_once(argv[1:])
    from sphinx_autobuild import __main__ as autobuild

    preload()
    preview_standby.start(fork_build, build_once, warm, PREVIEW_SETTING)
    autobuild.Builder = GuardedBuilder
    autobuild.show_message = show_german
    autobuild.main(argv)
    return 0


if __name__ == "__main__":
    # Through the package name, so the builder pickles as qm_handbook.commands.preview.GuardedBuilder.
    from qm_handbook.commands.guard import run_guarded
    from qm_handbook.commands.preview import main as preview_main

    code = run_guarded(lambda: preview_main(sys.argv[1:]))
    if sys.argv[1:2] == ["--bau"]:
        from qm_handbook.commands.guard import exit_now

        exit_now(code)  # one build in a new process: no slow tear-down of the environment
    sys.exit(code)
