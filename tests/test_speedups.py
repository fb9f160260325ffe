"""The sphinx-needs speed-ups do not change the output."""

from __future__ import annotations

import importlib
import json
import shutil
from io import StringIO
from pathlib import Path
from typing import ClassVar

import pytest
from sphinx.errors import ExtensionError

from conftest import DemoBuild
from qm_handbook.compat import speedups
from qm_handbook.compat.speedups import setup_speedups

pytestmark = pytest.mark.demo


def test_needs_json_is_what_json_dump_writes(demo: DemoBuild) -> None:
    text = (demo.outdir / "needs.json").read_text(encoding="utf-8")
    expected = StringIO()
    json.dump(json.loads(text), expected, sort_keys=True)
    assert text == expected.getvalue()


def test_patches_are_applied_once() -> None:
    from sphinx_needs.functions.functions import DynamicFunctionParsed
    from sphinx_needs.layout import LayoutHandler
    from sphinx_needs.needsfile import NeedsList

    before = (
        DynamicFunctionParsed.__dict__["from_string"],
        LayoutHandler.meta,
        LayoutHandler._parse,
        NeedsList.write_json,
    )
    assert all(getattr(getattr(f, "__func__", f), "_qm_handbook_patched", False) for f in before)

    class Events:
        listeners: ClassVar[dict[str, list[object]]] = {}

    class App:
        events = Events()

    with pytest.raises(Exception, match="sphinx-needs"):
        setup_speedups(App())  # type: ignore[arg-type]
    after = (
        DynamicFunctionParsed.__dict__["from_string"],
        LayoutHandler.meta,
        LayoutHandler._parse,
        NeedsList.write_json,
    )
    assert before == after


def _other_shape(self: object, something: object) -> None:
    """Stands for a sphinx-needs function whose signature changed."""


@pytest.mark.parametrize(
    ("module", "owner", "attribute", "patch"),
    [
        ("sphinx_needs.functions.functions", "DynamicFunctionParsed", "from_string", "_cache_function_parsing"),
        ("sphinx_needs.layout", "LayoutHandler", "meta", "_skip_empty_meta"),
        ("sphinx_needs.layout", "LayoutHandler", "_parse", "_cache_inline_parsing"),
        ("sphinx_needs.needsfile", "NeedsList", "write_json", "_fast_needs_json"),
    ],
)
def test_changed_sphinx_needs_stops_with_german_message(
    monkeypatch: pytest.MonkeyPatch, module: str, owner: str, attribute: str, patch: str
) -> None:
    cls = getattr(importlib.import_module(module), owner)
    monkeypatch.setattr(cls, attribute, _other_shape)
    with pytest.raises(ExtensionError, match=r"passt nicht zur installierten Version .*constraints\.txt"):
        getattr(speedups, patch)()
    assert getattr(cls, attribute) is _other_shape


def test_function_strings_parse_as_before() -> None:
    from sphinx_needs.functions.functions import DynamicFunctionParsed

    parsed = DynamicFunctionParsed.from_string('meta("status", prefix="Status: ")')
    again = DynamicFunctionParsed.from_string('meta("status", prefix="Status: ")')
    assert parsed is again
    assert parsed.name == "meta" and parsed.args == ("status",) and dict(parsed.kwargs) == {"prefix": "Status: "}


def test_all_needs_events_reach_their_listeners(tmp_path: Path) -> None:
    """The all-needs events are skipped only without listeners; a listener still gets every need."""
    from sphinx.util.docutils import docutils_namespace

    from conftest import html_app

    src = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "roots" / "test-incremental", src)
    seen: dict[str, int] = {}
    with docutils_namespace():
        app = html_app(src, tmp_path / "out")
        app.connect("needs-before-sealing", lambda app, needs: seen.update(sealing=len(needs)))
        app.build()
    assert seen["sealing"] == len(app.env._needs_all_needs) > 0  # type: ignore[attr-defined]


def test_view_search_lists_what_findall_lists() -> None:
    """The faster walk gives sphinx-needs' view handlers the same nodes in the same order."""
    from docutils import nodes
    from sphinx_needs.needs import NODE_TYPES
    from sphinx_needs.utils import node_match

    kinds = list(NODE_TYPES)

    class Extended(kinds[3]):  # type: ignore[misc, valid-type]
        """A subclass counts as its base kind, as with isinstance."""

    tree = nodes.document(None, None)  # type: ignore[arg-type]
    section = nodes.section()
    tree += section
    for number, kind in enumerate([kinds[0], kinds[5], Extended, kinds[3], kinds[-1], kinds[5]]):
        outer = kind()
        outer += nodes.paragraph("", f"Text {number}")
        if number % 2:
            outer += kinds[1]()  # nested inside another kind
        section += outer
    section += nodes.paragraph("", "", nodes.Text("ohne Bezug"))

    expected: dict[type, list[nodes.Node]] = {}
    for node in tree.findall(node_match(kinds)):
        expected.setdefault(next(k for k in kinds if isinstance(node, k)), []).append(node)
    found = speedups.nodes_by_kind(tree, kinds)
    assert found.keys() == expected.keys()
    assert all([id(n) for n in found[k]] == [id(n) for n in expected[k]] for k in kinds if k in expected)
    assert len(found[kinds[3]]) == 2 and len(found[kinds[1]]) == 3


def test_changed_view_callers_stop_with_german_message() -> None:
    """Without sphinx-needs' two view callers (another version) the build stops with a clear message."""

    class Events:
        listeners: ClassVar[dict[str, list[object]]] = {"doctree-resolved": []}

    class App:
        events = Events()

    with pytest.raises(ExtensionError, match=r"passt nicht zur installierten Version .*process_caller"):
        speedups._fast_view_search(App())  # type: ignore[arg-type]
