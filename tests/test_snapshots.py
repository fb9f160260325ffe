"""Snapshots of the machine-readable outputs of a small test root (syrupy).

``metrics.json`` (the one computed result) and ``needs.json`` (sphinx-needs' export)
of ``tests/roots/test-reports`` are compared with the stored snapshots in
``tests/__snapshots__/``. Keys that change from build to build (sphinx-needs' creation
time stamps) are left out. A deliberate change of an output shows as a snapshot diff;
update the snapshots with ``python3 noxfile.py -s tests -- tests/test_snapshots.py
--snapshot-update`` and review the diff before committing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from conftest import built_copy

ROOT = Path(__file__).parent / "roots" / "test-reports"
#: Keys of needs.json that hold the build time, at any depth.
VOLATILE_KEYS = frozenset({"created"})


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with built_copy(ROOT, tmp_path_factory.mktemp("snapshots")) as app:
        yield Path(app.outdir)


def without_volatile(value: Any) -> Any:
    """``value`` with every key in :data:`VOLATILE_KEYS` removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def test_without_volatile_removes_nested_time_stamps() -> None:
    data = {"created": "x", "versions": {"": {"created": "y", "needs": {"A": {"id": "A"}}}}}
    assert without_volatile(data) == {"versions": {"": {"needs": {"A": {"id": "A"}}}}}


def test_metrics_json_snapshot(outdir: Path, snapshot: SnapshotAssertion) -> None:
    data = json.loads((outdir / "metrics.json").read_text(encoding="utf-8"))
    assert data == snapshot


def test_needs_json_snapshot(outdir: Path, snapshot: SnapshotAssertion) -> None:
    data = json.loads((outdir / "needs.json").read_text(encoding="utf-8"))
    assert without_volatile(data) == snapshot
