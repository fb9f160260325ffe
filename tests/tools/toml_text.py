"""A tiny TOML writer for tests: every table inline, good enough for generated inputs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def toml_value(value: Any) -> str:
    """One TOML value (tables and arrays inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def to_toml(document: dict[str, Any]) -> str:
    """A TOML text of ``document``; not always valid TOML (e.g. control characters), which tests may want."""
    return "".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}\n" for k, v in document.items())
