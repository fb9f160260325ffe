"""The live preview's builder: through the crash guard, German, picklable, preview builds after changes."""

from __future__ import annotations

import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from qm_handbook.commands import preview


def recorder(calls: list[list[str]], code: int) -> Callable[[Sequence[str]], int]:
    def run_build(args: Sequence[str]) -> int:
        calls.append(list(args))
        return code

    return run_build


def builder() -> preview.GuardedBuilder:
    return preview.GuardedBuilder(["src", "out"], url_host="127.0.0.1:8000", pre_build_commands=[],
                                  post_build_commands=[])  # fmt: skip


def test_builds_run_through_the_crash_guard() -> None:
    # a build in a new process (no fork, or the extension changed) goes through the guard too
    assert preview.guarded_command(["src", "out"]) == [
        sys.executable, "-m", "qm_handbook.commands.preview", "--bau", "src", "out"
    ]  # fmt: skip
    assert preview.german("Starting initial build") == "Erster Bau der Vorschau …"


def test_builder_survives_pickling() -> None:
    # sphinx-autobuild hands the builder to a worker process
    assert isinstance(pickle.loads(pickle.dumps(builder())), preview.GuardedBuilder)


def test_failed_build_is_reported_in_german(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(preview, "run_build", recorder(calls, 2))
    builder()(changed_paths=[Path("institutions/x/leitbild.md")])
    out = capsys.readouterr().out
    assert calls == [["src", "out", *preview.PREVIEW_SETTING]]
    assert "Geändert: leitbild.md" in out and "Der Bau ist fehlgeschlagen (Exit-Code 2" in out
    assert preview.READY not in out


def test_only_builds_after_a_change_are_preview_builds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(preview, "run_build", recorder(calls, 0))
    builder()(changed_paths=())  # the first build of a preview: a full one
    builder()(changed_paths=[Path("institutions/x/leitbild.md")])
    assert calls == [["src", "out"], ["src", "out", "-D", "handbook_vorschau=ja"]]
    assert capsys.readouterr().out.count(preview.READY) == 2
