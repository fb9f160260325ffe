"""The scaffold's rotation edit refuses a netzwerk.toml with values of the wrong kind (German, no crash)."""

from __future__ import annotations

import pytest

from qm_handbook.commands.network_edit import NetworkEditError, add_to_rotation


def test_rotation_edit_refuses_wrong_kinds_in_german() -> None:
    with pytest.raises(NetworkEditError, match="„region“ ist keine Folge von Tabellen"):
        add_to_rotation('name = "N"\nregion = "west"\n', "west", "W5")
    with pytest.raises(NetworkEditError, match="„rotation“ ist keine Liste"):
        add_to_rotation('name = "N"\n\n[[region]]\nkuerzel = "west"\nrotation = "W1"\n', "west", "W5")
