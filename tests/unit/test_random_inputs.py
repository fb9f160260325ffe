"""Property tests: random bytes and random TOML values never crash the loaders or the page scan.

Hypothesis writes random content into the data files and pages of a small project and
runs the loaders, the generation of catalog pages and the page scan directly (no Sphinx
build). Whatever the input: no exception escapes, every problem has a registered code,
a file and a line, and no file outside the generator's own folders and the build folder
changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools.toml_text import to_toml, toml_value

from qm_handbook.checks.diagnostics import CODES, Problem
from qm_handbook.checks.page_scan import scan
from qm_handbook.checks.page_structure import check_structure
from qm_handbook.model.catalog import load_catalogs
from qm_handbook.model.institutions import load_institutions, load_network
from qm_handbook.model.metamodel import load_metamodel
from qm_handbook.publish.security import load_policy
from qm_handbook.site.catalog_pages import generate_catalog_pages

BASIC = Path(__file__).resolve().parents[1] / "roots" / "test-basic"
MODEL = load_metamodel()
SETTINGS = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

#: Keys the loaders know, so random values hit the typed accessors, not only "unknown key".
KNOWN_KEYS = [
    "name", "kurzname", "kuerzel", "region", "art", "fiktiv", "status", "katalog", "zielgruppen",
    "adresse", "kontakt", "zertifizierung", "qm", "handbuch", "version", "titel", "illustrativ",
    "hinweis", "beschreibung", "bereich", "kennung", "ebene", "anforderung", "nummer", "text",
    "bezuege", "kriterium", "rotation", "partner_cross_audit", "zusatz", "freigegeben_am",
]  # fmt: skip

_scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["..", "../../institutions/alpha", "a/b", "1.0", "MINI", "nord", "A1", "MINI 1.0", ""]),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KNOWN_KEYS), inner, max_size=3),
    ),
    max_leaves=8,
)
_documents = st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=1, max_size=6)), _values)


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


OWNED = ("katalog/_generiert/", "_build/")


@contextmanager
def project() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(BASIC, src, ignore=shutil.ignore_patterns("_generiert", "_regionen"))
        yield src


def _assert_reported(problems: list[Problem]) -> None:
    for problem in problems:
        assert problem.code in CODES, problem
        assert problem.file is not None, problem
        assert problem.text().strip(), problem


def load_everything(src: Path) -> list[Problem]:
    """Loaders, catalog page generation and page scan over ``src`` (as one build would run them)."""
    problems: list[Problem] = []
    catalogs, found = load_catalogs(src / "katalog", MODEL)
    problems += found
    network, found = load_network(src / "netzwerk.toml")
    problems += found
    problems += load_policy(src / "netzwerk.toml")[1]
    regions = {r.code for r in network.regions} if network else set()
    _institutions, found = load_institutions(src / "institutions", regions)
    problems += found
    _changed, found = generate_catalog_pages(SimpleNamespace(catalogs=catalogs, srcdir=src), src / "katalog")  # type: ignore[arg-type]
    problems += found
    pages = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.md") if "_build" not in p.parts)
    result = scan(src, pages, lambda docname: docname.startswith("institutions/"), src / "_build" / "cache.json")
    return problems + result.problems


def _run_and_compare(src: Path) -> None:
    before = _tree(src)
    problems = load_everything(src)
    _assert_reported(problems)
    after = _tree(src)
    changed = [rel for rel, digest in before.items() if not rel.startswith(OWNED) and after.get(rel) != digest]
    created = [rel for rel in after if rel not in before and not rel.startswith(OWNED)]
    assert changed == [] and created == [], (changed, created)


DATA_FILES = ["katalog/mini-1.0.toml", "netzwerk.toml", "institutions/alpha/einrichtung.toml"]


@SETTINGS
@given(file=st.sampled_from(DATA_FILES), content=st.binary(max_size=300))
def test_random_bytes_in_a_data_file(file: str, content: bytes) -> None:
    with project() as src:
        (src / file).write_bytes(content)
        _run_and_compare(src)


@SETTINGS
@given(file=st.sampled_from(DATA_FILES), document=_documents)
def test_random_toml_documents_as_a_data_file(file: str, document: dict[str, Any]) -> None:
    with project() as src:
        (src / file).write_text(to_toml(document), encoding="utf-8")
        _run_and_compare(src)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a parsed TOML document where a value can be replaced."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _set(document: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        document = document[step]
    document[path[-1]] = value


@SETTINGS
@given(file=st.sampled_from(DATA_FILES), data=st.data())
def test_random_values_in_a_valid_data_file(file: str, data: st.DataObject) -> None:
    """A valid file with one to three values replaced: the values reach every typed accessor."""
    with project() as src:
        document = tomllib.loads((src / file).read_text(encoding="utf-8"))
        paths = sorted(_paths(document), key=repr)
        for _ in range(data.draw(st.integers(1, 3))):
            _set(document, data.draw(st.sampled_from(paths)), data.draw(_values))
            paths = sorted(_paths(document), key=repr)
        (src / file).write_text(to_toml(document), encoding="utf-8")
        _run_and_compare(src)


@SETTINGS
@given(
    key=st.sampled_from(["kuerzel", "version", "name", "titel", "text", "kennung", "nummer", "illustrativ", "ebene"]),
    value=_values,
)
def test_random_value_for_one_catalog_key(key: str, value: Any) -> None:
    """The rest of the catalog stays valid, so the value reaches the generated pages."""
    with project() as src:
        catalog = src / "katalog" / "mini-1.0.toml"
        lines = catalog.read_text(encoding="utf-8").splitlines()
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
        lines[index] = f"{key} = {toml_value(value)}"
        catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
        _run_and_compare(src)


@SETTINGS
@given(content=st.binary(max_size=400))
def test_random_bytes_as_a_page(content: bytes) -> None:
    with project() as src:
        (src / "institutions" / "alpha" / "zufall.md").write_bytes(content)
        _run_and_compare(src)


_page_lines = st.lists(
    st.one_of(
        st.sampled_from(["---", "```", "````", ":::", "```{umsetzung} X", ":::{note}", ":id: A1_X", "status: a", ""]),
        st.text(max_size=20),
    ),
    max_size=15,
)


@SETTINGS
@given(lines=_page_lines)
def test_random_page_structure(lines: list[str]) -> None:
    text = "\n".join(lines)
    for problem in check_structure(text):
        assert problem.code in CODES
        assert problem.line is not None and 1 <= problem.line <= max(1, len(text.splitlines()))
    with project() as src:
        (src / "institutions" / "alpha" / "zufall.md").write_text(text, encoding="utf-8")
        _run_and_compare(src)
