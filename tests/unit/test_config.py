"""The as-of date rule: setting, then SOURCE_DATE_EPOCH, then today."""

from __future__ import annotations

import datetime as dt

import pytest

from qm_handbook.model.config import resolve_as_of


def test_setting_wins_over_environment() -> None:
    assert resolve_as_of("2026-11-27", {"SOURCE_DATE_EPOCH": "0"}) == dt.date(2026, 11, 27)


def test_source_date_epoch_is_used_without_setting() -> None:
    assert resolve_as_of("", {"SOURCE_DATE_EPOCH": "1767139200"}) == dt.date(2025, 12, 31)


def test_today_without_setting_and_epoch() -> None:
    assert resolve_as_of("", {}) == dt.date.today()


@pytest.mark.parametrize(("setting", "env"), [("27.11.2026", {}), ("", {"SOURCE_DATE_EPOCH": "gestern"})])
def test_bad_values_give_german_messages(setting: str, env: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"JJJJ-MM-TT|ganze Zahl"):
        resolve_as_of(setting, env)
