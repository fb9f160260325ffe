"""The live preview: sphinx-autobuild, with every build run through the crash guard.

``python3 noxfile.py -s preview`` runs ``python -m qm_handbook.commands.preview
<sphinx-autobuild arguments>``. sphinx-autobuild watches the sources, runs a new
``sphinx-build`` process after every save and reloads the browser. Two things differ
from plain sphinx-autobuild:

* each build runs as ``python -m qm_handbook.commands.guard`` (see :mod:`.guard`), so
  an unexpected error ends with the German message, as in every other session, never
  with a Python traceback; a failed build keeps the server running with the last pages;
* its status lines are German.

The watcher ignores what builds and tools write into the project folder (see
``PREVIEW_IGNORES`` in ``noxfile.py``), so a build never triggers the next one.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx_autobuild.build import Builder
from sphinx_autobuild.utils import show_message

#: sphinx-autobuild's status lines (2025.8) and their German form; others pass unchanged.
GERMAN_MESSAGES = {
    "Starting initial build": "Erster Bau der Vorschau …",
    "Waiting to detect changes...": "Warte auf Änderungen an den Seiten …",
    "Server ceasing operations. Cheerio!": "Vorschau beendet.",
}
#: Printed after every successful build (the measuring script waits for it).
READY = "Vorschau aktualisiert"


def german(message: str) -> str:
    """The German form of a status line of sphinx-autobuild."""
    return GERMAN_MESSAGES.get(message, message)


def guarded_command(sphinx_args: Sequence[str]) -> list[str]:
    """The build command: sphinx-build through the handbook's crash guard."""
    return [sys.executable, "-m", "qm_handbook.commands.guard", *sphinx_args]


class GuardedBuilder(Builder):  # type: ignore[misc]
    """Runs each build through the crash guard and reports in German.

    At module level: sphinx-autobuild hands the builder to a worker process (pickled).
    """

    def __call__(self, *, changed_paths: Sequence[Path]) -> None:
        if changed_paths:
            names = ", ".join(sorted({p.name for p in changed_paths})[:5])
            show_message(f"Geändert: {names} – baue neu …")
        if self._run_commands(self.pre_build_commands, "pre-build") != 0:
            return
        done = subprocess.run(guarded_command(self.sphinx_args), check=False)
        if done.returncode != 0:
            show_message(
                f"Der Bau ist fehlgeschlagen (Exit-Code {done.returncode}; Meldungen oben). Die Vorschau "
                "zeigt weiter die letzten gebauten Seiten; beheben Sie die Ursache und speichern Sie erneut."
            )
            return
        self._run_commands(self.post_build_commands, "post-build")
        show_message(f"{READY}: {self.uri}")


def show_german(message: str, *args: Any, **kwargs: Any) -> None:
    """sphinx-autobuild's status line, in German where known."""
    show_message(german(message), *args, **kwargs)


def main(argv: list[str]) -> int:
    """Start sphinx-autobuild with the guarded builder."""
    from sphinx_autobuild import __main__ as autobuild

    autobuild.Builder = GuardedBuilder
    autobuild.show_message = show_german
    autobuild.main(argv)
    return 0


if __name__ == "__main__":
    # Through the package name, so the builder pickles as qm_handbook.commands.preview.GuardedBuilder.
    from qm_handbook.commands.guard import run_guarded
    from qm_handbook.commands.preview import main as preview_main

    sys.exit(run_guarded(lambda: preview_main(sys.argv[1:])))
