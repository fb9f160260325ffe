"""The crash guard of the commands: German message, file being processed, non-zero exit."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from qm_handbook.commands.guard import EXIT_CRASH, run_guarded
from qm_handbook.model.progress import processing


def test_unexpected_exception_becomes_german_message_with_the_file() -> None:
    def main() -> int:
        with processing(Path("institutions/alpha/einrichtung.toml")):
            raise KeyError("zielgruppen")

    err = StringIO()
    assert run_guarded(main, err) == EXIT_CRASH
    text = err.getvalue()
    assert "Traceback" not in text
    assert "unerwarteten Fehler" in text
    assert "Zuletzt bearbeitete Datei: institutions/alpha/einrichtung.toml" in text
    assert "KeyError: 'zielgruppen'" in text
    assert "Bitte melden Sie ihn" in text
    details = Path(text.split("der Datei ", 1)[1].split(",", 1)[0])
    assert "Traceback" in details.read_text(encoding="utf-8")  # the details are kept for the report
    details.unlink()


def test_normal_exit_codes_pass_through() -> None:
    assert run_guarded(lambda: 0) == 0
    assert run_guarded(lambda: 1) == 1

    def exits() -> int:
        raise SystemExit(3)

    assert run_guarded(exits) == 3


def test_a_finished_file_is_not_named() -> None:
    def main() -> int:
        with processing(Path("fertig.toml")):
            pass
        raise RuntimeError("später")

    err = StringIO()
    assert run_guarded(main, err) == EXIT_CRASH
    assert "fertig.toml" not in err.getvalue()
    assert "(unbekannt)" in err.getvalue()
