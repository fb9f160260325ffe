"""Every key of the data-file shapes is type-checked: a value of the wrong kind is reported.

The shapes (:mod:`qm_handbook.model.shapes`) say which type each key of ``einrichtung.toml``,
``netzwerk.toml`` and a catalog has. For every key this test writes a valid file with that
one value replaced by a value of another kind (a text where a list, a true/false, a date or
a table belongs; a list where a text belongs) and expects the German ``wrong_type`` problem
naming the key, the expected kind and the line.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import typing
from pathlib import Path
from typing import Any

import pytest
from tools.toml_text import to_toml

from qm_handbook.learning.rotation import load_rotation
from qm_handbook.model import shapes
from qm_handbook.model.catalog import load_catalog
from qm_handbook.model.institutions import load_institution, load_network
from qm_handbook.model.metamodel import load_metamodel
from qm_handbook.publish.security import load_policy

BASIC = Path(__file__).resolve().parents[1] / "roots" / "test-basic"
MODEL = load_metamodel()

#: A value of the wrong kind for each declared type, and the expected kind in the message.
WRONG: dict[Any, tuple[object, str]] = {
    str: (["a", "b"], "ein Text in Anführungszeichen"),
    bool: ("ja", "true oder false"),
    dt.date: (20261231, "ein Datum"),
    list[str]: ("Senioren", "eine Liste von Texten"),
    dict[str, list[str]]: ("x", "eine Tabelle"),
    list[int]: ("3", "eine Liste von Zahlen"),
}


def _wrong_for(annotation: Any) -> tuple[object, str]:
    if annotation in WRONG:
        return WRONG[annotation]
    if typing.is_typeddict(annotation):
        return ("x", "eine Tabelle")
    if typing.get_origin(annotation) is list:
        return ("x", "eine Folge von Tabellen")
    raise AssertionError(f"no wrong value for {annotation!r}")


def _cases(shape: Any, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], Any]]:
    """(path of the key, its declared type) for every key of ``shape`` and its sub-tables."""
    out = []
    for key, annotation in typing.get_type_hints(shape).items():
        out.append(((*path, key), annotation))
        if typing.is_typeddict(annotation):
            out += _cases(annotation, (*path, key))
        elif typing.get_origin(annotation) is list and typing.is_typeddict(typing.get_args(annotation)[0]):
            out += _cases(typing.get_args(annotation)[0], (*path, key, 0))
    return out


FILES = {
    "institutions/alpha/einrichtung.toml": shapes.InstitutionFile,
    "netzwerk.toml": shapes.NetworkFile,
    "katalog/mini-1.0.toml": shapes.CatalogFile,
}
CASES = [(file, path, annotation) for file, shape in FILES.items() for path, annotation in _cases(shape, ())]


def _load(file: str, path: Path) -> list[Any]:
    if file.endswith("einrichtung.toml"):
        return load_institution(path, {"nord"})[1]
    if file == "netzwerk.toml":
        return load_network(path)[1] + load_policy(path)[1] + load_rotation(path)[1]
    return load_catalog(path, MODEL)[1]


def _set(document: dict[str, Any], path: tuple[Any, ...], value: object) -> None:
    node: Any = document
    for step in path[:-1]:
        if isinstance(step, int):
            node = node[step]
        else:
            node = node.setdefault(step, [{}] if path[path.index(step) + 1 : path.index(step) + 2] == (0,) else {})
    node[path[-1]] = value


@pytest.mark.parametrize(
    ("file", "path", "annotation"), CASES, ids=[f"{f.split('/')[-1]}:{'.'.join(map(str, p))}" for f, p, _ in CASES]
)
def test_wrong_kind_of_value_is_reported(tmp_path: Path, file: str, path: tuple[Any, ...], annotation: Any) -> None:
    document = tomllib.loads((BASIC / file).read_text(encoding="utf-8"))
    value, expected = _wrong_for(annotation)
    _set(document, path, value)
    target = tmp_path / "data.toml"
    target.write_text(to_toml(document), encoding="utf-8")
    key = path[-1]
    hits = [p for p in _load(file, target) if p.code == "wrong_type" and f"„{key}“ muss {expected}" in p.message]
    assert hits, [p.text() for p in _load(file, target)]
    assert hits[0].line is not None
    assert f"{key}" in target.read_text(encoding="utf-8").splitlines()[hits[0].line - 1]
