"""One prefix convention: ``qm-`` directives and CSS classes, ``qm_`` nodes, ``qm.`` codes, ``handbook_`` settings."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from dataclasses import fields
from pathlib import Path

from docutils import nodes

import qm_handbook
from qm_handbook.checks.diagnostics import CODES
from qm_handbook.model.config import HandbookConfig

PACKAGE = Path(qm_handbook.__file__).parent
#: Classes of other packages the handbook sets on purpose (their styling applies).
FOREIGN_CLASSES = frozenset({"toctree-wrapper", "colwidths-given", "colwidths-auto"})


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE)], "qm_handbook.") if not m.name.endswith("__main__")]


def _literal_classes(tree: ast.AST) -> set[str]:
    """String constants given as ``classes=[...]`` in calls (f-strings by their fixed start)."""
    found: set[str] = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        for keyword in call.keywords:
            if keyword.arg != "classes" or not isinstance(keyword.value, ast.List):
                continue
            for item in keyword.value.elts:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    found.add(item.value)
                elif isinstance(item, ast.JoinedStr) and item.values and isinstance(item.values[0], ast.Constant):
                    found.add(str(item.values[0].value))
    return found


def test_css_classes_set_by_the_code_start_with_qm() -> None:
    classes: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        classes |= _literal_classes(ast.parse(path.read_text(encoding="utf-8")))
    assert classes, "no classes found: the scan is broken"
    assert sorted(c for c in classes - FOREIGN_CLASSES if not c.startswith("qm-")) == []


def test_directives_and_nodes_use_the_prefix() -> None:
    directive_names: list[str] = []
    node_names: list[str] = []
    for name in _modules():
        module = importlib.import_module(name)
        source = inspect.getsource(module)
        directive_names += [n.value for n in _directive_registrations(ast.parse(source))]
        node_names += [
            cls.__name__
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, nodes.Element) and cls.__module__ == name
        ]
    assert directive_names and node_names
    assert [n for n in directive_names if not n.startswith("qm-")] == []
    assert [n for n in node_names if not n.startswith("qm_")] == []


def _directive_registrations(tree: ast.AST) -> list[ast.Constant]:
    """Directive names registered with ``add_directive("name", …)`` or listed as ``("name", XDirective)``."""
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_directive":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            name, cls = node.elts
            if isinstance(name, ast.Constant) and isinstance(cls, ast.Name) and cls.id.endswith("Directive"):
                found.append(name)
    return found


def test_codes_and_settings() -> None:
    assert all(code.isidentifier() and code.islower() for code in CODES)  # shown as "qm.<code>"
    assert all(f.name.isidentifier() and f.name.islower() for f in fields(HandbookConfig))  # handbook_<name>
