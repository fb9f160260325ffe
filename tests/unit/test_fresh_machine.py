"""The fresh-machine check's helpers: host mirror, release, mounts (the run itself is `-s frisch`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools.fresh_machine import QUICKSTART, FreshMachineError, apt_source, check_readme, host_release, mounts_below


def test_mirror_from_deb822_sources_skips_security(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "a.sources").write_text(
        "Types: deb\nURIs: http://spiegel.example/debian-security\n\nTypes: deb\nURIs: http://spiegel.example/debian\n",
        encoding="utf-8",
    )
    assert apt_source(tmp_path) == "http://spiegel.example/debian"


def test_mirror_from_one_line_sources(tmp_path: Path) -> None:
    (tmp_path / "sources.list").write_text(
        "# comment\ndeb [arch=amd64] http://spiegel.example/debian bookworm main\n", encoding="utf-8"
    )
    assert apt_source(tmp_path) == "http://spiegel.example/debian"


def test_no_mirror_is_a_german_error(tmp_path: Path) -> None:
    with pytest.raises(FreshMachineError, match="keine Debian-Paketquelle"):
        apt_source(tmp_path)


def test_release_only_on_debian(tmp_path: Path) -> None:
    release = tmp_path / "os-release"
    release.write_text("ID=debian\nVERSION_CODENAME=bookworm\n", encoding="utf-8")
    assert host_release(release) == "bookworm"
    release.write_text("ID=ubuntu\nVERSION_CODENAME=noble\n", encoding="utf-8")
    with pytest.raises(FreshMachineError, match="nur auf Debian"):
        host_release(release)


def test_mounts_below_root_deepest_first(tmp_path: Path) -> None:
    root = tmp_path / "wurzel"
    mounts = tmp_path / "mounts"
    mounts.write_text(
        f"proc {root}/proc proc rw 0 0\n"
        f"devpts {root}/dev/pts devpts rw 0 0\n"
        f"devtmpfs {root}/dev devtmpfs rw 0 0\n"
        f"other {tmp_path}/wurzel-daneben ext4 rw 0 0\n"
        "proc /proc proc rw 0 0\n",
        encoding="utf-8",
    )
    found = mounts_below(root, mounts)
    assert found[0] == root / "dev" / "pts"
    assert set(found) == {root / "proc", root / "dev", root / "dev" / "pts"}


def test_quickstart_is_the_readmes() -> None:
    check_readme()
    assert QUICKSTART == ("python3 noxfile.py -s build", "python3 noxfile.py -s tests")
