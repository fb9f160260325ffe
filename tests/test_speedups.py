"""The sphinx-needs speed-ups do not change the output."""

from __future__ import annotations

import json
from io import StringIO
from typing import ClassVar

import pytest

from conftest import DemoBuild
from qm_handbook.speedups import setup_speedups

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

    before = (DynamicFunctionParsed.__dict__["from_string"], LayoutHandler.meta, NeedsList.write_json)
    assert all(getattr(getattr(f, "__func__", f), "_qm_handbook_patched", False) for f in before)

    class Events:
        listeners: ClassVar[dict[str, list[object]]] = {}

    class App:
        events = Events()

    with pytest.raises(Exception, match="sphinx-needs"):
        setup_speedups(App())  # type: ignore[arg-type]
    after = (DynamicFunctionParsed.__dict__["from_string"], LayoutHandler.meta, NeedsList.write_json)
    assert before == after


def test_function_strings_parse_as_before() -> None:
    from sphinx_needs.functions.functions import DynamicFunctionParsed

    parsed = DynamicFunctionParsed.from_string('meta("status", prefix="Status: ")')
    again = DynamicFunctionParsed.from_string('meta("status", prefix="Status: ")')
    assert parsed is again
    assert parsed.name == "meta" and parsed.args == ("status",) and dict(parsed.kwargs) == {"prefix": "Status: "}
