"""Typst syntax for generated sources: every piece of content text is a string literal.

The translator never writes handbook text as Typst markup. Text goes into the source
only as a string literal (``#"…"`` in markup, ``"…"`` in code), and inside a string
literal only the backslash, the double quote and control characters have a meaning;
all three are escaped here. So a page containing ``#read("/etc/passwd")``, ``$``,
``@ref``, ``<label>``, ``*``, ``_``, backticks, brackets or a line starting with
``=`` is printed as written and never evaluated. Labels are the only other thing
taken from the sources (IDs of anchors); they are checked against Typst's label
syntax and never contain anything else.

This module has no Sphinx or docutils imports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

#: Comment line written where a handbook page's part of a document begins (for messages).
PAGE_MARK = "// qm-seite: "
#: Characters allowed in a label written as ``<name>`` (a subset of Typst's rule).
_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"


def string(text: str) -> str:
    """``text`` as a Typst string literal (code mode)."""
    return '"' + _SPECIAL.sub(_escape_char, text) + '"'


def text(value: str) -> str:
    """``value`` as literal text in markup (empty string: nothing)."""
    return "#" + string(value) if value else ""


def is_label(name: str) -> bool:
    """Whether ``name`` can be written as a Typst label."""
    return bool(_LABEL.match(name))


def label(name: str) -> str:
    """The label syntax ``<name>`` (the name must pass :func:`is_label`)."""
    if not is_label(name):  # pragma: no cover - callers map IDs first
        raise ValueError(f"not a Typst label: {name!r}")
    return f"<{name}>"


def label_name(node_id: str) -> str:
    """The label for a docutils/need ID (IDs outside label syntax get a stable substitute)."""
    return node_id if is_label(node_id) else "qm-" + hashlib.sha256(node_id.encode()).hexdigest()[:16]


def anchor(node_id: str, kind: str, name: str) -> str:
    """An invisible link target for ``node_id``; links to it are described as "<kind> <name>".

    The target is the template's ``qm-anchor``, set outside the tagged structure (the
    template says why links never point at a heading or a ``metadata`` element).
    """
    return f"#pdf.artifact[#qm-anchor({string(kind)}, {string(name)}){label(label_name(node_id))}]"


def date(value: dt.date) -> str:
    """A Typst ``datetime`` expression for a calendar date."""
    return f"datetime(year: {value.year}, month: {value.month}, day: {value.day})"


def dictionary(items: dict[str, str | int | bool | None]) -> str:
    """A Typst dictionary of plain values (strings escaped)."""
    parts = []
    for key, value in items.items():
        if not is_label(key):  # pragma: no cover - keys are written in code
            raise ValueError(f"not a key: {key!r}")
        if value is None:
            literal = "none"
        elif isinstance(value, bool):
            literal = "true" if value else "false"
        elif isinstance(value, int):
            literal = str(value)
        else:
            literal = string(value)
        parts.append(f"{key}: {literal}")
    return "(" + ", ".join(parts) + ",)" if parts else "(:)"
