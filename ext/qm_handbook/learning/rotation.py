"""The hosting rotation: rotation groups from ``netzwerk.toml`` and the computed plan.

Each regional network (``[[region]]`` with ``rotation``) is a rotation group; a
network without regions, or a network-wide event such as a joint annual workshop,
uses the top-level ``rotation`` (group ``gesamt``). Quarters in which a group does not
meet are data (``pausen`` in a region, ``rotation_pausen`` at the top level), and so
are swaps and skips::

    [[rotation_aenderung]]
    quartal = "2027-2"        # from this quarter on
    verbund = "west"          # group (optional when there is only one)
    art = "tausch"            # or "aussetzen"
    gastgeber = "W2"
    mit = "W3"                # only for "tausch"

:func:`plan_rotation` is pure: from a group's order, the meetings held and the changes
it computes the next hosts. :func:`rotation_problems` reports codes without an
institution and institutions missing from every rotation (file and line).
No Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks.diagnostics import Problem, suggest
from ..model.tomlfile import TomlFile

#: Code of the network-wide group (top-level ``rotation``).
WHOLE_NETWORK = "gesamt"
CHANGE_KINDS = ("tausch", "aussetzen")
_QUARTER_RE = re.compile(r"^(\d{4})-([1-4])$")

Quarter = tuple[int, int]


def quarter_of(date: dt.date) -> Quarter:
    """The (year, quarter) of a date."""
    return date.year, (date.month - 1) // 3 + 1


def next_quarter(q: Quarter) -> Quarter:
    return (q[0] + 1, 1) if q[1] == 4 else (q[0], q[1] + 1)


def quarter_label(q: Quarter) -> str:
    """German label, e.g. ``2. Quartal 2027``."""
    return f"{q[1]}. Quartal {q[0]}"


def quarter_start(q: Quarter) -> dt.date:
    return dt.date(q[0], 3 * q[1] - 2, 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class RotationGroup:
    """One group that meets in rotation."""

    code: str
    name: str
    order: tuple[str, ...]
    #: quarter numbers (1–4) in which the group does not meet
    pauses: frozenset[int] = frozenset()
    line: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RotationChange:
    """A swap or skip, effective from ``quarter`` on."""

    quarter: Quarter
    group: str
    kind: str
    host: str
    other: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Turn:
    """One planned meeting of a group."""

    quarter: Quarter
    group: str
    host: str
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RotationData:
    """Everything ``netzwerk.toml`` says about rotation."""

    groups: tuple[RotationGroup, ...]
    changes: tuple[RotationChange, ...]


def plan_rotation(
    group: RotationGroup,
    held: Iterable[tuple[dt.date, str]],
    changes: Sequence[RotationChange],
    as_of: dt.date,
    count: int = 4,
) -> list[Turn]:
    """The next ``count`` meetings of ``group`` with their hosts.

    :param held: (date, host) of the meetings the group has held
    :param changes: swaps and skips (those of other groups are ignored)
    :param as_of: planning starts in this quarter, unless the group already met in it
    """
    if not group.order or len(group.pauses) >= 4:
        return []
    meetings = sorted(held)
    start = quarter_of(as_of)
    position = 0
    if meetings:
        last_date, last_host = meetings[-1]
        start = max(start, next_quarter(quarter_of(last_date)))
        if last_host in group.order:
            position = group.order.index(last_host) + 1
    mine = sorted((c for c in changes if c.group == group.code and c.quarter >= start), key=lambda c: c.quarter)
    slots: list[Quarter] = []
    q = start
    while len(slots) < count + len(mine) * 2:
        if q[1] not in group.pauses:
            slots.append(q)
        q = next_quarter(q)
    cycle = itertools.cycle(group.order[position:] + group.order[:position])
    queue = [next(cycle) for _ in range(len(slots) + len(mine) * 2)]
    notes: dict[int, str] = {}
    for change in mine:
        first = next(i for i, s in enumerate(slots) if s >= change.quarter)
        j = _find(queue, change.host, first)
        if j is None:
            continue
        if change.kind == "aussetzen":
            del queue[j]
            notes[j] = _join(notes.get(j), f"{change.host} setzt aus")
        else:
            k = _find(queue, change.other, first)
            if k is None:
                continue
            queue[j], queue[k] = queue[k], queue[j]
            notes[j] = _join(notes.get(j), f"getauscht mit {change.host}")
            notes[k] = _join(notes.get(k), f"getauscht mit {change.other}")
    return [Turn(quarter=slots[i], group=group.code, host=queue[i], note=notes.get(i, "")) for i in range(count)]


def _find(queue: Sequence[str], host: str, start: int) -> int | None:
    return next((i for i in range(start, len(queue)) if queue[i] == host), None)


def _join(old: str | None, new: str) -> str:
    return f"{old}; {new}" if old else new


def _pauses(src: TomlFile, table: dict[str, Any], key: str, start: int = 1) -> frozenset[int]:
    raw = table.get(key, [])
    if not isinstance(raw, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw):
        src.wrong_type(key, raw, "eine Liste von Zahlen", f"{key} = [3]", start)
        return frozenset()
    if not all(1 <= v <= 4 for v in raw):
        src._add(
            "bad_value",
            f"„{key}“ nennt Quartale außerhalb von 1 bis 4: {raw}.",
            f"Schreiben Sie z. B. {key} = [3].",
            line=src.line(key, None, start),
        )
    return frozenset(v for v in raw if 1 <= v <= 4)


def _codes(value: object) -> tuple[str, ...]:
    # The network loader reports a rotation of the wrong kind; here it is only read.
    return tuple(str(c) for c in value) if isinstance(value, list) else ()


def load_rotation(path: Path) -> tuple[RotationData, list[Problem]]:
    """Read the rotation groups, pauses and changes of ``netzwerk.toml``.

    Only the keys this module owns are reported here (``pausen``, ``rotation_pausen``,
    ``[[rotation_aenderung]]``); the others are checked by the network loader.
    """
    src = TomlFile(path)
    if not src.ok:
        return RotationData(groups=(), changes=()), []
    data = src.data
    groups: list[RotationGroup] = []
    start = 1
    regions = data.get("region", [])
    for raw in regions if isinstance(regions, list) else []:
        if not isinstance(raw, dict):
            continue
        code = str(raw.get("kuerzel", ""))
        line = src.line("kuerzel", code, start) or start
        start = line + 1
        groups.append(
            RotationGroup(
                code=code,
                name=str(raw.get("name", code)),
                order=_codes(raw.get("rotation")),
                pauses=_pauses(src, raw, "pausen", line),
                line=src.line("rotation", None, line),
            )
        )
    if _codes(data.get("rotation")):
        groups.append(
            RotationGroup(
                code=WHOLE_NETWORK,
                name="Gesamtnetzwerk",
                order=_codes(data.get("rotation")),
                pauses=_pauses(src, data, "rotation_pausen"),
                line=src.line("rotation"),
            )
        )
    elif "rotation_pausen" in data:
        _pauses(src, data, "rotation_pausen")
    changes = _changes(src, src.tables(data, "rotation_aenderung"), groups)
    return RotationData(groups=tuple(groups), changes=tuple(changes)), src.problems


def _changes(src: TomlFile, raw_changes: list[dict[str, Any]], groups: Sequence[RotationGroup]) -> list[RotationChange]:
    changes: list[RotationChange] = []
    by_code = {g.code: g for g in groups}
    start = 1
    for raw in raw_changes:
        line = src.line("[[rotation_aenderung]]", None, start) or start
        start = line + 1

        def bad(message: str, hint: str, at: int | None = line) -> None:
            src._add("rotation_change", message, hint, line=at)

        text = {k: src.text_value(raw, k, start=line) for k in ("quartal", "art", "verbund", "gastgeber", "mit")}
        quarter = _QUARTER_RE.match(text["quartal"])
        kind = text["art"]
        group_code = text["verbund"] or (groups[0].code if len(groups) == 1 else "")
        host, other = text["gastgeber"], text["mit"]
        if quarter is None:
            bad(
                f"Die Rotationsänderung hat kein gültiges Quartal („{text['quartal']}“).",
                'Schreiben Sie z. B. quartal = "2027-2".',
            )
            continue
        if kind not in CHANGE_KINDS:
            bad(f"„art“ hat den Wert „{kind}“; erlaubt sind: {', '.join(CHANGE_KINDS)}.", suggest(kind, CHANGE_KINDS))
            continue
        group = by_code.get(group_code)
        if group is None:
            bad(
                f"Die Rotationsänderung nennt den Verbund „{group_code}“, den es nicht gibt.",
                suggest(group_code, sorted(by_code)) or f"Vorhanden: {', '.join(sorted(by_code))}.",
            )
            continue
        names = [host] + ([other] if kind == "tausch" else [])
        missing = [n for n in names if n not in group.order]
        if missing:
            bad(
                f"Die Rotationsänderung ({kind}, {text['quartal']}) nennt „{missing[0]}“, das in der Rotation "
                f"„{group.code}“ nicht vorkommt.",
                f"Vorhanden: {', '.join(group.order)}.",
            )
            continue
        when = (int(quarter[1]), int(quarter[2]))
        changes.append(RotationChange(quarter=when, group=group.code, kind=kind, host=host, other=other))
    return changes


def rotation_problems(rotation: RotationData, codes: Iterable[str], path: Path) -> list[Problem]:
    """Rotation codes without an institution; institutions in no rotation (``path``: netzwerk.toml)."""
    known = sorted(codes)
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    problems: list[Problem] = []
    seen: set[str] = set()
    for group in rotation.groups:
        seen.update(group.order)
        for code in group.order:
            if code not in known:
                problems.append(
                    Problem(
                        code="rotation_unknown_code",
                        message=f"Die Rotation „{group.code}“ nennt „{code}“; keine Einrichtung hat dieses Kürzel.",
                        hint=suggest(code, known) or "Entfernen Sie das Kürzel oder legen Sie die Einrichtung an.",
                        file=path,
                        line=_line(text, f'"{code}"', group.line) or group.line,
                    )
                )
    if rotation.groups:
        for code in known:
            if code not in seen:
                problems.append(
                    Problem(
                        code="rotation_missing",
                        message=f"Die Einrichtung {code} kommt in keiner Gastgeber-Rotation vor.",
                        hint=f"Tragen Sie „{code}“ in die Rotation ihres Verbunds ein.",
                        file=path,
                        line=rotation.groups[0].line,
                    )
                )
    return problems


def _line(text: str, needle: str, start: int | None) -> int | None:
    lines = text.splitlines()
    for number in range(start or 1, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return None
