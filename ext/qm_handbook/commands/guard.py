"""The last line of defence: no Python traceback ever reaches a user.

Every known kind of bad input is reported by the checks with a German message. Should
anything still fail with an unexpected exception (a bug, or an input nobody thought
of), the commands end with a German message instead: what failed, which file was being
processed, where the technical details were saved, a request to report it, and a
non-zero exit code.

* ``python -m qm_handbook.commands.guard <sphinx-build arguments>`` runs
  ``sphinx-build`` this way (the nox sessions ``build``, ``pdf`` and ``check`` use it);
  it also skips a build whose inputs have not changed since its last clean run
  (:mod:`.uptodate`);
* :func:`run_guarded` wraps the ``main`` of the other commands
  (``python -m qm_handbook``, ``…commands.confirm``, ``…commands.bench``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ..model.progress import current_file, forget

#: Exit code after an unexpected error (Sphinx uses the same for a failed build).
EXIT_CRASH = 2


def _save_details(exception: BaseException) -> Path | None:
    """Write the full traceback to a temporary file (for the bug report)."""
    try:
        handle, name = tempfile.mkstemp(prefix="qm-handbuch-fehler-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(exception)))
        return Path(name)
    except OSError:
        return None


def _shown(path: Path | None) -> str:
    if path is None:
        return "(unbekannt)"
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def crash_message(exception: BaseException, file: Path | None, details: Path | None) -> str:
    """The German message for an unexpected exception."""
    cause = getattr(exception, "orig_exc", None) or exception
    what = f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else '–'}"
    lines = [
        "FEHLER: Der Qualitätshandbuch-Generator ist auf einen unerwarteten Fehler gestoßen und hat abgebrochen.",
        f"  Zuletzt bearbeitete Datei: {_shown(file)}",
        f"  Fehler: {what}",
        "  Das ist ein Fehler im Programm, den die Prüfungen nicht abgefangen haben. Bitte melden Sie ihn der "
        "Betreuung des Handbuchs (mit dieser Meldung"
        + (f" und der Datei {details}, sie enthält die technischen Einzelheiten)." if details else ").")
        + " Bis zur Behebung hilft oft, die genannte Datei auf ungewöhnliche Inhalte zu prüfen.",
    ]
    return "\n".join(lines) + "\n"


def report_crash(exception: BaseException, stderr: TextIO) -> None:
    """Print the German message for ``exception`` (no traceback)."""
    if isinstance(exception, KeyboardInterrupt):
        stderr.write("Abgebrochen.\n")
        return
    from sphinx.errors import SphinxWarning

    if isinstance(exception, SphinxWarning):
        stderr.write(f"Abbruch: Eine Warnung wird als Fehler behandelt (-W): {exception}\n")
        return
    stderr.write(crash_message(exception, current_file(), _save_details(exception)))


def run_guarded(main: Callable[[], int], stderr: TextIO | None = None) -> int:
    """Run ``main``; an unexpected exception becomes the German message and exit code 2."""
    err = stderr or sys.stderr
    forget()
    try:
        return main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except (Exception, KeyboardInterrupt) as exc:  # the guard: nothing may escape as a traceback
        report_crash(exc, err)
        return EXIT_CRASH


def sphinx_main(argv: list[str], *, stamp: bool = True) -> int:
    """``sphinx-build`` with the German crash report, skipped when nothing changed (:mod:`.uptodate`).

    :param stamp: check and write the up-to-date stamp (the live preview does without)
    """
    from ..pdf import _early

    # First of all, before Sphinx is loaded: Typst for a single PDF (see :mod:`..pdf._early`).
    started = _early.start(argv)
    try:
        return _sphinx_main(argv, stamp=stamp)
    finally:
        if started:
            _early.stop()


def _sphinx_main(argv: list[str], *, stamp: bool) -> int:
    from sphinx.cmd.build import build_main

    from ..compat.crash import install_crash_handler
    from . import uptodate

    install_crash_handler(report_crash)

    def build() -> int:
        call = uptodate.invocation(argv) if stamp else None
        if call is None:
            return build_main(argv)
        if uptodate.up_to_date(call):
            if not call.silent:
                sys.stdout.write(uptodate.SKIPPED.format(outdir=_shown(call.outdir)))
            return 0
        uptodate.forget(call)
        # The stamp needs to know whether the build warned: Sphinx writes warnings to -w FILE.
        own_warnfile = call.warnfile is None
        if call.warnfile is None:
            handle, name = tempfile.mkstemp(prefix="qm-warnungen-", suffix=".txt")
            os.close(handle)
            warnfile = Path(name)
        else:
            warnfile = call.warnfile
        try:
            code = build_main([*argv, "-w", str(warnfile)] if own_warnfile else argv)
            if code == 0 and warnfile.is_file() and warnfile.stat().st_size == 0:
                uptodate.record(call)
            return code
        finally:
            if own_warnfile:
                warnfile.unlink(missing_ok=True)

    return run_guarded(build)


def exit_now(code: int) -> None:
    """End the process at once, without Python freeing every object of the build one by one.

    After a build the process holds the whole environment; the normal shutdown takes
    about 0.3 s for the demo network (more for large ones), a tenth of a single PDF's
    run. Sphinx has closed every file it wrote by then; only the standard streams are
    still buffered.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_now(sphinx_main(sys.argv[1:]))
