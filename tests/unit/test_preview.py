"""The live preview's builder: through the crash guard, German, picklable (sphinx-autobuild's worker)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qm_handbook.commands import preview


def builder() -> preview.GuardedBuilder:
    return preview.GuardedBuilder(["src", "out"], url_host="127.0.0.1:8000", pre_build_commands=[],
                                  post_build_commands=[])  # fmt: skip


def test_builds_run_through_the_crash_guard() -> None:
    assert preview.guarded_command(["src", "out"]) == [sys.executable, "-m", "qm_handbook.commands.guard", "src", "out"]
    assert preview.german("Starting initial build") == "Erster Bau der Vorschau …"


def test_builder_survives_pickling() -> None:
    # sphinx-autobuild hands the builder to a worker process
    assert isinstance(pickle.loads(pickle.dumps(builder())), preview.GuardedBuilder)


def test_failed_build_is_reported_in_german(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        calls.append(command)
        return subprocess.CompletedProcess(command, 2)

    monkeypatch.setattr(preview.subprocess, "run", fake_run)
    builder()(changed_paths=[Path("institutions/x/leitbild.md")])
    out = capsys.readouterr().out
    assert calls == [preview.guarded_command(["src", "out"])]
    assert "Geändert: leitbild.md" in out and "Der Bau ist fehlgeschlagen (Exit-Code 2" in out
    assert preview.READY not in out
