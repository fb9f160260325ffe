"""Views of the learning network: docutils nodes built from :class:`.LearningResult`.

Every function is pure apart from building nodes; links go through a ``Linker`` as in
the report views (:mod:`qm_handbook.reports.views_common`), which these views reuse.
"""

from __future__ import annotations

from collections.abc import Sequence

from docutils import nodes

from ..model.labels import format_date
from ..reports.views_common import Content, Linker, bullets, no_entries, para, ref, status_node, table
from .network_result import ActionItem, LearningResult, Meeting, PeerReview
from .rotation import quarter_label


def _state(status: str, overdue: bool) -> Content:
    node = nodes.inline(classes=["qm-aufgabenstand"])
    node += status_node(status)
    if overdue:
        node += nodes.Text(" ")
        node += nodes.inline("überfällig", "überfällig", classes=["qm-ueberfaellig"])
    return node


def items_table(items: Sequence[ActionItem], link: Linker, *, with_meeting: bool = False) -> nodes.Node:
    """Action items with assignees, due date and current status."""
    if not items:
        return no_entries("Keine Aufgaben beschlossen.")
    rows: list[Sequence[Content]] = []
    for item in items:
        who = ", ".join(item.assignees) + (f" ({item.role})" if item.role else "")
        row: list[Content] = [ref(link, item.docname, item.id, item.title), who, format_date(item.due)]
        row.append(_state(item.status, item.overdue))
        rows.append(row)
    return table(["Aufgabe", "Zuständig", "Fällig am", "Stand"], rows, classes=["qm-aufgaben"], widths=[46, 20, 14, 20])


def meeting_items(result: LearningResult, meeting_id: str, link: Linker) -> list[nodes.Node]:
    """The action items decided at one meeting, with their current status."""
    meeting = result.meetings_by_id.get(meeting_id)
    items = meeting.items if meeting else ()
    out: list[nodes.Node] = [
        para(f"Stand der Aufgaben am {format_date(result.as_of)}:", classes=["qm-lernnetz-hinweis"])
    ]
    out.append(items_table(items, link))
    return out


def meeting_list(result: LearningResult, link: Linker) -> list[nodes.Node]:
    """All meetings: date, group, host, status, open and overdue items."""
    rows: list[Sequence[Content]] = []
    for m in reversed(result.meetings):
        open_items = [i for i in m.items if not i.done]
        overdue = sum(1 for i in open_items if i.overdue)
        items = f"{len(m.items)} ({len(open_items)} offen" + (f", {overdue} überfällig)" if overdue else ")")
        rows.append(
            [
                format_date(m.date),
                ref(link, m.docname, "", m.title),
                result.group_names.get(m.group, m.group or "–"),
                m.host,
                status_node(m.status),
                items if m.items else "–",
            ]
        )
    if not rows:
        return [no_entries("Noch keine Netzwerktreffen erfasst.")]
    headers = ["Datum", "Treffen", "Verbund", "Gastgeber", "Status", "Aufgaben"]
    return [table(headers, rows, classes=["qm-treffenliste"], widths=[12, 38, 18, 10, 10, 12])]


def rotation_view(result: LearningResult, link: Linker) -> list[nodes.Node]:
    """Last meeting held and the next hosts of every rotation group."""
    out: list[nodes.Node] = []
    for code, turns in result.plans.items():
        name = result.group_names.get(code, code)
        held = [m for m in result.meetings if m.held and m.group == code]
        last: list[Content] = [f"{name}: "]
        if held:
            last += ["zuletzt ", ref(link, held[-1].docname, "", f"{format_date(held[-1].date)} bei {held[-1].host}")]
        else:
            last.append("noch kein Treffen durchgeführt")
        out.append(para(*last, classes=["qm-rotation-stand"]))
        rows: list[Sequence[Content]] = [[quarter_label(t.quarter), t.host, t.note or "–"] for t in turns]
        out.append(table(["Quartal", "Gastgeber", "Hinweis"], rows, classes=["qm-rotation"], widths=[30, 20, 50]))
    if not out:
        return [no_entries("In netzwerk.toml ist keine Gastgeber-Rotation angelegt.")]
    return [
        para(
            f"Berechnet am {format_date(result.as_of)} aus der Reihenfolge in netzwerk.toml, den "
            "durchgeführten Treffen und den eingetragenen Tauschen und Aussetzungen.",
            classes=["qm-lernnetz-hinweis"],
        ),
        *out,
    ]


def agreement_view(result: LearningResult, link: Linker) -> list[nodes.Node]:
    """The version in force and the history of all versions with their adoption."""
    if not result.agreements:
        return [no_entries("Noch keine Fassung der Vereinbarung erfasst.")]
    current = next((v for v in result.agreements if v.current), None)
    out: list[nodes.Node] = []
    if current is not None:
        out.append(
            para(
                "Gültig ist ",
                ref(link, current.docname, current.id, f"Fassung {current.version}"),
                f" seit {format_date(current.valid_from)}.",
                classes=["qm-vereinbarung-aktuell"],
            )
        )
    rows: list[Sequence[Content]] = []
    for v in reversed(result.agreements):
        meeting = result.meetings_by_id.get(v.meeting)
        where: Content = ref(link, meeting.docname, "", meeting.title) if meeting else (v.meeting or "–")
        missing = ", ".join(v.missing) if v.missing else "alle Mitglieder"
        rows.append(
            [
                ref(link, v.docname, v.id, f"{v.version}{' (gültig)' if v.current else ''}"),
                format_date(v.valid_from),
                where,
                ", ".join(v.adopted_by) or "–",
                "–" if not v.missing else f"noch nicht: {missing}",
            ]
        )
    headers = ["Fassung", "Gültig ab", "Beschlossen in", "Angenommen von", "Ausstehend"]
    out.append(table(headers, rows, classes=["qm-vereinbarung"], widths=[12, 12, 30, 30, 16]))
    return out


def _review_rows(reviews: Sequence[PeerReview], link: Linker, given: bool) -> list[Sequence[Content]]:
    rows: list[Sequence[Content]] = []
    for r in reviews:
        other = ", ".join(r.reviewed) if given else r.reviewer
        rows.append(
            [ref(link, r.docname, r.id, r.title), other, r.kind, format_date(r.due), _state(r.status, r.overdue)]
        )
    return rows


def reviews_view(result: LearningResult, code: str, link: Linker) -> list[nodes.Node]:
    """Peer-review findings an institution gave and received."""
    out: list[nodes.Node] = []
    for given, title, other in ((False, "Erhalten", "von"), (True, "Gegeben", "für")):
        reviews = (result.reviews_given if given else result.reviews_received).get(code, [])
        out.append(para(nodes.strong(title, title), classes=["qm-rueckmeldung-titel"]))
        if not reviews:
            out.append(no_entries("Keine kollegialen Rückmeldungen."))
            continue
        headers = ["Rückmeldung", other.capitalize(), "Art", "Fällig am", "Stand"]
        out.append(table(headers, _review_rows(reviews, link, given), classes=["qm-rueckmeldungen"]))
    return out


def examples_view(result: LearningResult, key: tuple[str, str], link: Linker) -> list[nodes.Node]:
    """Good-practice examples of one quality area."""
    examples = result.examples.get(key, [])
    if not examples:
        return [no_entries("Für diesen Bereich hat noch keine Einrichtung ein Beispiel guter Praxis markiert.")]
    items = [
        [
            nodes.Text(f"{e.institution}: "),
            ref(link, e.docname, e.id, e.title),
            nodes.Text(f" ({e.type_title} zu {e.number})"),
        ]
        for e in examples
    ]
    return [bullets(items)]


def meeting_summary(meeting: Meeting) -> str:
    """One line naming a meeting (for calendars and lists)."""
    return f"{meeting.title} ({format_date(meeting.date)}, Gastgeber {meeting.host})"
