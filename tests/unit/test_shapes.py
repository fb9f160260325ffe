"""The TOML shapes (TypedDicts) match what the loaders accept, and the demo data fits them."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, get_type_hints

from qm_handbook.model import catalog, institutions
from qm_handbook.model.shapes import (
    AreaTable,
    CatalogHead,
    CriterionTable,
    InstitutionFile,
    NetworkFile,
    RegionTable,
    RequirementTable,
    keys_of,
    required_keys_of,
)

REPO = Path(__file__).resolve().parents[2]


def test_loaders_take_their_keys_from_the_shapes() -> None:
    # When a loader learns a new key, add it to the shape in ext/qm_handbook/model/shapes.py.
    assert institutions._TOP_KEYS == keys_of(InstitutionFile) >= required_keys_of(InstitutionFile)
    tables = get_type_hints(InstitutionFile)
    # the tables in the order they are declared, so problems come in file order
    assert list(institutions._TABLE_KEYS) == ["adresse", "kontakt", "zertifizierung", "qm", "handbuch"]
    assert all(institutions._TABLE_KEYS[name] == keys_of(tables[name]) for name in institutions._TABLE_KEYS)
    assert keys_of(CatalogHead) == catalog._CATALOG_KEYS
    assert keys_of(AreaTable) == catalog._AREA_KEYS
    assert keys_of(RequirementTable) == catalog._REQ_KEYS
    assert keys_of(CriterionTable) == catalog._CRIT_KEYS


def _fits(value: Any, shape: Any, where: str) -> list[str]:
    """Keys missing, unknown or of the wrong type in ``value`` against a TypedDict ``shape``."""
    wrong = [f"{where}: fehlt {k}" for k in required_keys_of(shape) - value.keys()]
    wrong += [f"{where}: unbekannt {k}" for k in value.keys() - keys_of(shape)]
    hints = get_type_hints(shape)
    for key in value.keys() & hints.keys():
        expected, item = hints[key], value[key]
        if getattr(expected, "__origin__", None) is list:
            (inner,) = expected.__args__
            for i, element in enumerate(item):
                if hasattr(inner, "__required_keys__"):
                    wrong += _fits(element, inner, f"{where}.{key}[{i}]")
                elif not isinstance(element, inner):
                    wrong.append(f"{where}.{key}[{i}]: {type(element).__name__}")
        elif hasattr(expected, "__required_keys__"):
            wrong += _fits(item, expected, f"{where}.{key}")
        elif getattr(expected, "__origin__", None) is dict:
            if not isinstance(item, dict):
                wrong.append(f"{where}.{key}: {type(item).__name__} statt dict")
        elif not isinstance(item, expected) or (expected is dt.date and isinstance(item, dt.datetime)):
            wrong.append(f"{where}.{key}: {type(item).__name__} statt {expected.__name__}")
    return wrong


def test_demo_data_fits_the_shapes() -> None:
    wrong: list[str] = []
    for path in sorted((REPO / "institutions").glob("*/einrichtung.toml")):
        wrong += _fits(tomllib.loads(path.read_text(encoding="utf-8")), InstitutionFile, path.parent.name)
    network = tomllib.loads((REPO / "handbook" / "netzwerk.toml").read_text(encoding="utf-8"))
    wrong += _fits(network, NetworkFile, "netzwerk")
    for path in sorted((REPO / "handbook" / "katalog").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        wrong += _fits(data["katalog"], CatalogHead, path.name)
        for i, area in enumerate(data["bereich"]):
            wrong += _fits(area, AreaTable, f"{path.name}:bereich[{i}]")
    assert wrong == [], "a data file and ext/qm_handbook/model/shapes.py disagree: update the shape (or the file)"


def test_a_misfit_is_found() -> None:
    assert _fits({"kuerzel": 5, "fremd": 1}, RegionTable, "r") == [
        "r: fehlt name",
        "r: unbekannt fremd",
        "r.kuerzel: int statt str",
    ]
